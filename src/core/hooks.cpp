#include "incident/hooks.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <system_error>

#include "incident/error.hpp"
#include "incident/exec.hpp"
#include "incident/incident_json.hpp"
#include "incident/process.hpp"
#include "incident/text.hpp"

namespace incident {

namespace {

struct HookOf {
  std::string_view event_type;
  std::string_view hook;
};

constexpr std::array<HookOf, 7> k_hooks = {{
    {event_type::opened, "on-open"},
    {event_type::acknowledged, "on-ack"},
    {event_type::updated, "on-update"},
    {event_type::severity_changed, "on-severity"},
    {event_type::escalated, "on-escalate"},
    {event_type::resolved, "on-resolve"},
    {event_type::closed, "on-close"},
}};

constexpr std::array<std::string_view, 8> k_names = {"on-open",     "on-ack",     "on-update", "on-severity",
                                                     "on-escalate", "on-resolve", "on-close",  k_every_event_hook};

std::string duration_text(std::chrono::milliseconds took) {
  if (took.count() < 1000) {
    return fmt::format("{} ms", took.count());
  }
  return fmt::format("{:.1f} s", static_cast<double>(took.count()) / 1000.0);
}

}  // namespace

std::string_view hook_for(std::string_view type) {
  const auto found =
      std::find_if(k_hooks.begin(), k_hooks.end(), [&](const HookOf& each) { return each.event_type == type; });
  return found == k_hooks.end() ? std::string_view() : found->hook;
}

std::span<const std::string_view> hook_names() { return k_names; }

HookFiles find_hooks(const std::filesystem::path& dir) {
  HookFiles files;
  std::error_code error;
  std::filesystem::directory_iterator entries(dir, error);
  if (error) {
    if (error != std::errc::no_such_file_or_directory) {
      files.ignored.push_back(fmt::format("{}: cannot be read: {}", dir.string(), error.message()));
    }
    return files;
  }
  for (const auto& entry : entries) {
    const std::string name = entry.path().filename().string();
    if (std::find(k_names.begin(), k_names.end(), name) == k_names.end()) {
      files.ignored.push_back(fmt::format("{}: not a hook's name (hooks: {})", name,
                                          text::join(std::vector<std::string>(k_names.begin(), k_names.end()))));
      continue;
    }
    struct stat info {};
    if (::stat(entry.path().c_str(), &info) != 0 || !S_ISREG(info.st_mode)) {
      files.ignored.push_back(fmt::format("{}: not a regular file", name));
      continue;
    }
    if (::access(entry.path().c_str(), X_OK) != 0) {
      files.ignored.push_back(fmt::format("{}: not executable (chmod +x {})", name, entry.path().string()));
      continue;
    }
    files.hooks.emplace(name, entry.path());
  }
  std::sort(files.ignored.begin(), files.ignored.end());
  return files;
}

nlohmann::ordered_json hook_payload(std::string_view hook, const Event& event, const Incident& incident, Timestamp now) {
  nlohmann::ordered_json document;
  document["hook"] = hook;
  document["event"] = event_json(event);
  document["incident"] = incident_json(incident, true, now);
  return document;
}

std::vector<HookRun> run_hooks(const HookFiles& files, const std::vector<StoredWrite>& writes,
                               const HookOptions& options) {
  std::vector<HookRun> runs;
  if (files.hooks.empty()) {
    return runs;
  }
  for (const auto& write : writes) {
    for (const auto& event : write.events) {
      for (const std::string_view name : {hook_for(event.type), k_every_event_hook}) {
        const auto found = name.empty() ? files.hooks.end() : files.hooks.find(name);
        if (found == files.hooks.end()) {
          continue;
        }
        HookRun run;
        run.hook = std::string(name);
        run.path = found->second;
        run.incident_id = write.incident.id;
        run.event_type = event.type;
        ProcessOptions process;
        process.timeout = options.timeout;
        process.input = hook_payload(name, event, write.incident, options.now).dump() + "\n";
        process.environment = {{"INCIDENT_HOOK", run.hook},
                               {"INCIDENT_ID", write.incident.id},
                               {"INCIDENT_EVENT", event.type},
                               {"INCIDENT_EVENT_ID", event.id},
                               {std::string(k_no_hooks_variable), "1"}};
        process.environment.insert(process.environment.end(), options.environment.begin(), options.environment.end());
        const auto started = std::chrono::steady_clock::now();
        try {
          const ProcessResult result = run_process({found->second.string()}, process);
          run.exit_code = result.exit_code;
          run.timed_out = result.timed_out;
          run.stderr_tail = last_lines(result.err, k_hook_tail_lines, k_hook_tail_bytes);
        } catch (const Error& error) {
          run.error = error.what();
        }
        run.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
        runs.push_back(std::move(run));
      }
    }
  }
  return runs;
}

std::string describe_hook_run(const HookRun& run) {
  const std::string which = fmt::format("hook {} ({} on {})", run.hook, run.event_type, run.incident_id);
  std::string out;
  if (!run.error.empty()) {
    out = fmt::format("{} could not run: {}", which, run.error);
  } else if (run.timed_out) {
    out = fmt::format("{} did not finish within {} and was killed", which, duration_text(run.took));
  } else if (run.exit_code != 0) {
    out = fmt::format("{} failed: exit code {}", which, run.exit_code);
  } else {
    out = fmt::format("{} ran in {}", which, duration_text(run.took));
  }
  if (!run.stderr_tail.empty()) {
    out += fmt::format("; its stderr ended: {}", run.stderr_tail);
  }
  return out;
}

std::chrono::milliseconds parse_hook_timeout(std::string_view text) {
  if (text.empty()) {
    return k_default_hook_timeout;
  }
  double seconds = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  const auto ms = std::llround(seconds * 1000.0);
  if (error != std::errc{} || end != text.data() + text.size() || !std::isfinite(seconds) || ms <= 0 ||
      ms > k_max_hook_timeout.count()) {
    throw UsageError(fmt::format("INCIDENT_HOOK_TIMEOUT must be a number of seconds above 0 and at most {} "
                                 "(\"10\", \"0.5\"), not '{}'",
                                 k_max_hook_timeout.count() / 1000, text::escape_control(text)));
  }
  return std::chrono::milliseconds(ms);
}

}  // namespace incident
