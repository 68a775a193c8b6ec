#pragma once
// Points in time: whole seconds, UTC. Parsed from RFC 3339 and shown as RFC 3339 UTC
// ("2026-11-27T03:12:00Z"), the only forms the tool reads and writes.

#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace incident {

using Timestamp = std::chrono::sys_seconds;
using Seconds = std::chrono::seconds;

// The whole seconds from `from` to `to` (negative when `to` is earlier).
inline Seconds between(Timestamp from, Timestamp to) { return std::chrono::duration_cast<Seconds>(to - from); }

// Strict RFC 3339: "YYYY-MM-DDTHH:MM:SS" plus optional fraction (dropped), then "Z" or
// "+HH:MM"/"-HH:MM" (normalised to UTC). 't'/'z' and a space for 'T' are accepted.
// Years 1970..9999. Returns nullopt for anything else, including impossible dates.
std::optional<Timestamp> parse_rfc3339(std::string_view text);

// "2026-11-27T03:12:00Z"
std::string format_rfc3339(Timestamp at);
// The same, written into `buffer` (no allocation, for output in bulk).
using Rfc3339Buffer = std::array<char, 32>;
std::string_view format_rfc3339(Timestamp at, Rfc3339Buffer& buffer);

// "2026-11-27 03:12Z", for tables.
std::string format_minute(Timestamp at);

// "03:27Z" when `at` is on the same UTC day as `reference`, else "Nov 28 03:27Z".
std::string format_clock(Timestamp at, Timestamp reference);

// The current time, truncated to seconds.
Timestamp now();

}  // namespace incident
