#pragma once
// `incident init`: a team's own runbook started from the bundled one, and what in it is
// still the bundled runbook's placeholder (contacts, links) for the team to fill in.

#include <string>
#include <string_view>
#include <vector>

namespace incident {

// The bundled runbook's text with each template taken from a file beside it
// (`file: templates/<key>.txt` under templates.<key>), so the team's copies of the
// templates are the ones used. Throws Error when the text has no such templates section
// (the bundled runbook changed shape).
std::string starter_runbook(std::string_view bundled);

// A value in a runbook that is the bundled runbook's stand-in, not the team's.
struct Placeholder {
  int line = 0;  // 1-based, in the runbook's text
  std::string section;  // the top-level key it is under: "escalation", "resources", ...
  std::string name;  // the entry's name: "Primary", "Ops Dashboard"
  std::string value;  // as written: "[On-call engineer]", "/admin/ops"
  std::string why;  // "a contact to fill in", "a link to give in full"
};

// Every `value:` of a contact or a link that is still a placeholder: "[...]" text, or a
// link that is a bare path ("/admin/ops", "architecture.md"), in file order.
std::vector<Placeholder> find_placeholders(std::string_view runbook_text);

}  // namespace incident
