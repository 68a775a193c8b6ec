#pragma once
// Text for roff (man(7)), the manual page `incident __man` writes. Whatever a text holds
// (a backslash, a leading '.' or "'", a character beyond ASCII, a control character), the
// page still renders it as written and groff finds nothing to warn about.

#include <string>
#include <string_view>

namespace incident::roff {

// `text` inside a line: \ as \e, - as \- (a minus, so options are searchable and copy
// as typed), every character beyond ASCII as \[uXXXX] (groff reads bytes; malformed UTF-8
// as U+FFFD), a control character (tab, newline) as a space. It cannot start a request
// only when it does not start the line: see line().
std::string escape(std::string_view text);

// One line of running text, newline-terminated: escape()d, leading spaces dropped (roff
// would break there), and \& before a leading '.' or "'" (a request otherwise).
std::string line(std::string_view text);

}  // namespace incident::roff
