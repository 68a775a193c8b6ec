#include "incident/summary.hpp"

#include <fmt/format.h>

#include <array>
#include <limits>
#include <type_traits>

namespace incident {

namespace {

constexpr std::size_t k_fields = 22;
constexpr std::int64_t k_max_response_seconds = std::int64_t{100} * 366 * 24 * 3600;  // as durations

std::string time_field(const std::optional<Timestamp>& at) {
  return at ? std::to_string(at->time_since_epoch().count()) : "-";
}

// Splits `line` at tabs into `parts`; returns the number of fields, or N + 1 as soon as
// there are more than N (the rest is not scanned).
template <std::size_t N>
std::size_t split_fields(std::string_view line, std::array<std::string_view, N>& parts) {
  std::size_t count = 0;
  for (;;) {
    if (count == N) {
      return N + 1;
    }
    const auto tab = line.find('\t');
    parts[count++] = line.substr(0, tab);
    if (tab == std::string_view::npos) {
      return count;
    }
    line.remove_prefix(tab + 1);
  }
}

// A decimal number, optionally negative for a signed type; nothing else (no spaces,
// no '+'), and nullopt on overflow. By hand: from_chars was a tenth of `list --all`.
template <typename Int>
std::optional<Int> number(std::string_view text) {
  bool negative = false;
  if constexpr (std::is_signed_v<Int>) {
    negative = !text.empty() && text.front() == '-';
    if (negative) {
      text.remove_prefix(1);
    }
  }
  if (text.empty() || text.size() > 19) {
    return std::nullopt;  // 19 digits always fit in 64 bits unsigned
  }
  std::uint64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (value > static_cast<std::uint64_t>(std::numeric_limits<Int>::max())) {
    return std::nullopt;
  }
  const auto result = static_cast<Int>(value);
  return negative ? static_cast<Int>(-result) : result;
}

// Seconds since the epoch for the years the tool reads and writes, 1970..9999.
std::optional<Timestamp> parse_seconds(std::string_view text) {
  constexpr std::int64_t k_last = 253'402'300'799;  // 9999-12-31T23:59:59Z
  auto value = number<std::int64_t>(text);
  if (!value || *value < 0 || *value > k_last) {
    return std::nullopt;
  }
  return Timestamp{Seconds{*value}};
}

std::optional<Seconds> parse_response(std::string_view text) {
  auto value = number<std::int64_t>(text);
  if (!value || *value < 0 || *value > k_max_response_seconds) {
    return std::nullopt;
  }
  return Seconds{*value};
}

// nullopt: malformed; optional<nullopt>: "-".
std::optional<std::optional<Timestamp>> parse_time(std::string_view text) {
  if (text == "-") {
    return std::optional<Timestamp>{};
  }
  auto value = parse_seconds(text);
  if (!value) {
    return std::nullopt;
  }
  return std::optional<Timestamp>{*value};
}

// A file's inode, size and mtime, as three fields of a line.
std::optional<FileIdentity> parse_identity(std::string_view inode, std::string_view size, std::string_view mtime) {
  auto i = number<std::uint64_t>(inode);
  auto s = number<std::uint64_t>(size);
  auto m = number<std::int64_t>(mtime);
  if (!i || !s || !m) {
    return std::nullopt;
  }
  return FileIdentity{*i, *s, *m};
}

}  // namespace

std::string escape_field(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      default: out += c;
    }
  }
  return out;
}

bool unescape_field(std::string_view text, std::string& out) {
  out.clear();
  if (text.find('\\') == std::string_view::npos) {
    out.assign(text);
    return true;
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out += text[i];
      continue;
    }
    if (++i == text.size()) {
      return false;
    }
    switch (text[i]) {
      case '\\': out += '\\'; break;
      case 't': out += '\t'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      default: return false;
    }
  }
  return true;
}

std::optional<std::string> unescape_field(std::string_view text) {
  std::string out;
  if (!unescape_field(text, out)) {
    return std::nullopt;
  }
  return out;
}

Summary summarize(const Incident& incident, const FileIdentity& file) {
  Summary summary;
  static_cast<IncidentFacts&>(summary) = incident;
  summary.file = file;
  return summary;
}

// Fields: id, started_at first (what sorting needs, read without splitting the rest),
// then status, the grade (severity, severity_name, response_time, update_every), the
// response grade (the same four), acknowledged_at, resolved_at, closed_at,
// last_update_at, commander, title, impact, drill ("1" or "0"; since index format 6), and
// the file's inode, size and mtime (last: decode_summary_key reads them from the end).
std::string encode_summary(const Summary& s) {
  const Grade& g = s.grade;
  const Grade& r = s.response_grade;
  return fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                     s.id, s.started_at.time_since_epoch().count(), status_name(s.status), escape_field(g.severity),
                     escape_field(g.severity_name), g.response_time.count(), g.update_every.count(),
                     escape_field(r.severity), escape_field(r.severity_name), r.response_time.count(),
                     r.update_every.count(), time_field(s.acknowledged_at), time_field(s.resolved_at),
                     time_field(s.closed_at), time_field(s.last_update_at), escape_field(s.commander),
                     escape_field(s.title), escape_field(s.impact), s.drill ? "1" : "0", s.file.inode, s.file.size,
                     s.file.mtime_ns);
}

std::string encode_skipped(const SkippedFile& skipped) {
  return fmt::format("!\t{}\t{}\t{}\t{}\t{}", skipped.id, skipped.file.inode, skipped.file.size,
                     skipped.file.mtime_ns, escape_field(skipped.message));
}

bool is_skipped_line(std::string_view line) { return line.starts_with("!\t"); }

std::optional<SkippedFile> decode_skipped(std::string_view line) {
  std::array<std::string_view, 6> parts;
  if (!is_skipped_line(line) || split_fields(line, parts) != parts.size() || parts[1].empty()) {
    return std::nullopt;
  }
  auto file = parse_identity(parts[2], parts[3], parts[4]);
  auto message = unescape_field(parts[5]);
  if (!file || !message) {
    return std::nullopt;
  }
  return SkippedFile{std::string(parts[1]), *file, std::move(*message)};
}

std::optional<std::int64_t> decode_index_number(std::string_view text) { return number<std::int64_t>(text); }

std::optional<SummaryKey> decode_summary_key(std::string_view line) {
  std::array<std::string_view, 2> parts;
  if (split_fields(line, parts) <= parts.size()) {
    return std::nullopt;  // a whole line has more fields than these
  }
  auto started = parse_seconds(parts[1]);
  if (parts[0].empty() || !started) {
    return std::nullopt;
  }
  // The file's inode, size and mtime are the last three fields.
  std::array<std::string_view, 3> identity;
  std::string_view rest = line;
  for (std::size_t i = identity.size(); i-- > 0;) {
    const auto tab = rest.rfind('\t');
    if (tab == std::string_view::npos) {
      return std::nullopt;
    }
    identity[i] = rest.substr(tab + 1);
    rest = rest.substr(0, tab);
  }
  auto file = parse_identity(identity[0], identity[1], identity[2]);
  if (!file) {
    return std::nullopt;
  }
  return SummaryKey{parts[0], *started, *file};
}

bool decode_summary(std::string_view line, Summary& s) {
  std::array<std::string_view, k_fields> parts;
  if (split_fields(line, parts) != k_fields || parts[0].empty()) {
    return false;
  }
  auto started = parse_seconds(parts[1]);
  auto status = parse_status(parts[2]);
  auto response = parse_response(parts[5]);
  auto every = parse_response(parts[6]);
  auto judged_response = parse_response(parts[9]);
  auto judged_every = parse_response(parts[10]);
  auto acked = parse_time(parts[11]);
  auto resolved = parse_time(parts[12]);
  auto closed = parse_time(parts[13]);
  auto last_update = parse_time(parts[14]);
  auto file = parse_identity(parts[19], parts[20], parts[21]);
  if ((parts[18] != "0" && parts[18] != "1") || !status || !response || !every || !judged_response || !judged_every || !started || !acked || !resolved ||
      !closed || !last_update || !file) {
    return false;
  }
  s.id.assign(parts[0]);
  s.started_at = *started;
  s.status = *status;
  s.grade.response_time = *response;
  s.grade.update_every = *every;
  s.response_grade.response_time = *judged_response;
  s.response_grade.update_every = *judged_every;
  s.acknowledged_at = *acked;
  s.resolved_at = *resolved;
  s.closed_at = *closed;
  s.last_update_at = *last_update;
  s.drill = parts[18] == "1";
  s.file = *file;
  return unescape_field(parts[3], s.grade.severity) && unescape_field(parts[4], s.grade.severity_name) &&
         unescape_field(parts[7], s.response_grade.severity) &&
         unescape_field(parts[8], s.response_grade.severity_name) && unescape_field(parts[15], s.commander) &&
         unescape_field(parts[16], s.title) && unescape_field(parts[17], s.impact);
}

std::optional<Summary> decode_summary(std::string_view line) {
  Summary summary;
  if (!decode_summary(line, summary)) {
    return std::nullopt;
  }
  return summary;
}

}  // namespace incident
