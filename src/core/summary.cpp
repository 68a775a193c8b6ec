#include "incident/summary.hpp"

#include <fmt/format.h>

#include <charconv>
#include <vector>

namespace incident {

namespace {

constexpr std::size_t k_fields = 15;

std::string escape(std::string_view text) {
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

std::optional<std::string> unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out += text[i];
      continue;
    }
    if (++i == text.size()) {
      return std::nullopt;
    }
    switch (text[i]) {
      case '\\': out += '\\'; break;
      case 't': out += '\t'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      default: return std::nullopt;
    }
  }
  return out;
}

std::string time_field(const std::optional<Timestamp>& at) {
  return at ? std::to_string(at->time_since_epoch().count()) : "-";
}

template <typename Int>
std::optional<Int> number(std::string_view text) {
  Int value{};
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || ptr != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

// nullopt: malformed; optional<nullopt>: "-".
std::optional<std::optional<Timestamp>> parse_time(std::string_view text) {
  if (text == "-") {
    return std::optional<Timestamp>{};
  }
  auto value = number<std::int64_t>(text);
  if (!value) {
    return std::nullopt;
  }
  return std::optional<Timestamp>{Timestamp{Seconds{*value}}};
}

}  // namespace

Summary summarize(const Incident& incident, const FileIdentity& file) {
  return Summary{incident.id,         incident.status,       incident.severity,    incident.severity_name,
                 incident.response_time, incident.started_at, incident.acknowledged_at, incident.resolved_at,
                 incident.closed_at,  incident.commander,    incident.title,       incident.impact,
                 file};
}

std::string encode_summary(const Summary& s) {
  return fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}", s.id, status_name(s.status),
                     escape(s.severity), escape(s.severity_name), s.response_time.count(),
                     s.started_at.time_since_epoch().count(), time_field(s.acknowledged_at),
                     time_field(s.resolved_at), time_field(s.closed_at), escape(s.commander), escape(s.title),
                     escape(s.impact), s.file.inode, s.file.size, s.file.mtime_ns);
}

std::optional<Summary> decode_summary(std::string_view line) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (;;) {
    const auto tab = line.find('\t', start);
    parts.push_back(line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
    if (tab == std::string_view::npos) {
      break;
    }
    start = tab + 1;
  }
  if (parts.size() != k_fields) {
    return std::nullopt;
  }
  Summary s;
  s.id = std::string(parts[0]);
  auto status = parse_status(parts[1]);
  auto severity = unescape(parts[2]);
  auto severity_name = unescape(parts[3]);
  auto response = number<std::int64_t>(parts[4]);
  auto started = number<std::int64_t>(parts[5]);
  auto acked = parse_time(parts[6]);
  auto resolved = parse_time(parts[7]);
  auto closed = parse_time(parts[8]);
  auto commander = unescape(parts[9]);
  auto title = unescape(parts[10]);
  auto impact = unescape(parts[11]);
  auto inode = number<std::uint64_t>(parts[12]);
  auto size = number<std::uint64_t>(parts[13]);
  auto mtime = number<std::int64_t>(parts[14]);
  if (s.id.empty() || !status || !severity || !severity_name || !response || !started || !acked || !resolved ||
      !closed || !commander || !title || !impact || !inode || !size || !mtime) {
    return std::nullopt;
  }
  s.status = *status;
  s.severity = std::move(*severity);
  s.severity_name = std::move(*severity_name);
  s.response_time = Seconds{*response};
  s.started_at = Timestamp{Seconds{*started}};
  s.acknowledged_at = *acked;
  s.resolved_at = *resolved;
  s.closed_at = *closed;
  s.commander = std::move(*commander);
  s.title = std::move(*title);
  s.impact = std::move(*impact);
  s.file = {*inode, *size, *mtime};
  return s;
}

}  // namespace incident
