#!/usr/bin/env bash
# Benchmarks `incident` against the cost of starting a process (/bin/true), at 10 and at
# 10,000 incidents, and checks the targets of "A record you can trust" (#9), after
# PRODUCT.md principle 5 ("a few milliseconds, close to the cost of starting a process,
# however many incidents the store holds"):
#
#   open, status, checklist, render, severities, update   <= 2x   /bin/true (they read the runbook)
#   show ID, prompt                                       <= 1.5x /bin/true (at 10 and at 10,000)
#   note ID TEXT at 10,000                                <= 1.15x note at 10
#   list at 10,000                                        <= 1.3x  list at 10
#   list --all --json at 10,000                           <= 25x  /bin/true
#
# Beside them, not a target: the floor under every write, a program that does nothing
# but replace a 2 KB file durably as the store does (bench/durable_write.c, built with
# cc when there is one).
#
# Two stores of 10,000: 10 open and 9,990 closed ("closed"), and 10 open and 9,990
# resolved and never closed ("resolved": teams forget `close`). The 10,000 targets hold
# for both.
#
# Usage: bench/run.sh [BINARY]      (default: build/release/bin/incident; use a release build)
# Env:   BENCH_RUNS (default 200) runs per command, BENCH_WARMUP (default 10),
#        BENCH_KEEP=1 keeps the stores and hyperfine's JSON in the printed work directory.
# Exit:  0 when every target is met, 1 when one is missed, 2 when the bench cannot run.
#
# Each command is measured in one hyperfine run beside /bin/true, with --shell=none;
# ratios use the medians. The 10,000-incident stores are written directly in the
# binary's own file format (schema 2), from real incidents the binary opened and
# resolved (and closed), then indexed by the binary. Commands that take well under 5 ms
# are at the edge of what hyperfine resolves: a ratio of two such medians moves by
# 10-30% between runs on a shared machine.
set -euo pipefail

die() {
  echo "bench/run.sh: $*" >&2
  exit 2
}

binary=${1:-build/release/bin/incident}
runs=${BENCH_RUNS:-200}
warmup=${BENCH_WARMUP:-10}

command -v hyperfine >/dev/null 2>&1 || die "hyperfine is not installed: apt-get install hyperfine"
command -v python3 >/dev/null 2>&1 || die "python3 is needed to build the store and read hyperfine's JSON"
[[ -x $binary ]] || die "no executable at $binary (build it: cmake --preset release && cmake --build --preset release)"
binary=$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")
truth=/bin/true
[[ -x $truth ]] || truth=$(command -v true)

work=$(mktemp -d "${TMPDIR:-/tmp}/incident-bench-XXXXXX")
if [[ ${BENCH_KEEP:-0} == 1 ]]; then
  echo "bench/run.sh: keeping $work" >&2
else
  trap 'rm -rf "$work"' EXIT
fi
small=$work/small
big=$work/big

# The binary, with a state dir and a fixed actor; the user's own runbook is not consulted.
inc() {
  local state=$1
  shift
  HOME=$work INCIDENT_USER=bench "$binary" --state-dir "$state" "$@"
}

# Opens an incident started `minutes` before 2026-11-27T03:12:00Z; prints its id.
open_at() {
  local state=$1 minutes=$2 title=$3 severity=$4
  local at
  at=$(python3 -c 'import datetime, sys
t = datetime.datetime(2026, 11, 27, 3, 12, tzinfo=datetime.timezone.utc) - datetime.timedelta(minutes=int(sys.argv[1]))
print(t.strftime("%Y-%m-%dT%H:%M:%SZ"))' "$minutes")
  inc "$state" --json open "$title" -s "$severity" --at "$at" 2>/dev/null |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])'
}

echo "Building the stores in $work ..." >&2
severities=(P0 P1 P2 P3)
declare -A ids=()
for store in small closed resolved; do
  for i in $(seq 0 9); do
    ids[$store-$i]=$(open_at "$work/$store" "$i" "Incident $i" "${severities[i % 4]}")
  done
done

# One incident made by the binary is the template of the other 9,989 of a big store.
for store in closed resolved; do
  template=$(open_at "$work/$store" 20000 "Template" P2)
  inc "$work/$store" resolve "$template" --root-cause "Template root cause" --fix "Template fix" \
    --at 2026-11-13T13:52:00Z >/dev/null 2>&1
  if [[ $store == closed ]]; then
    inc "$work/$store" close "$template" --at 2026-11-13T14:52:00Z >/dev/null 2>&1
  fi
  python3 - "$work/$store/incidents" "$template" <<'PY'
import datetime, json, os, random, sys

directory, template_id = sys.argv[1], sys.argv[2]
with open(os.path.join(directory, template_id + ".json"), encoding="utf-8") as f:
    lines = f.read().split("\n")
assert json.loads("\n".join(lines))["schema"] == 2
head, events = lines[:3], [json.loads(line.rstrip(",")) for line in lines[4:] if line.startswith("    {")]

rng = random.Random(20261127)
alphabet = "0123456789abcdefghjkmnpqrstvwxyz"
taken = {name[:-5] for name in os.listdir(directory) if name.endswith(".json")}
fmt = "%Y-%m-%dT%H:%M:%SZ"

def shifted(text, minutes):
    t = datetime.datetime.strptime(text, fmt) - datetime.timedelta(minutes=minutes)
    return t.strftime(fmt)

made = 0
while made < 9989:
    new_id = "".join(rng.choice(alphabet) for _ in range(8))
    if new_id in taken:
        continue
    taken.add(new_id)
    made += 1
    out = []
    for event in events:
        event = json.loads(json.dumps(event))
        event["id"] = "%032x" % rng.getrandbits(128)
        event["at"] = shifted(event["at"], made * 37)
        if event["type"] == "opened":
            event["fields"]["title"] = f"Settled incident {made}"
        out.append("    " + json.dumps(event, ensure_ascii=False, separators=(",", ":")))
    text = "{\n  \"schema\": 2,\n  \"id\": \"%s\",\n  \"events\": [\n%s\n  ]\n}\n" % (new_id, ",\n".join(out))
    path = os.path.join(directory, new_id + ".json")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
PY
  # Let the binary index the store it did not write (a reader rebuilds a missing index).
  rm -rf "$work/$store/index"
  inc "$work/$store" list --all >/dev/null
  [[ -f $work/$store/index/settled.tsv ]] || die "the index of $work/$store was not rebuilt"
  count_all=$(inc "$work/$store" list --all --json | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')
  count_open=$(inc "$work/$store" list | grep -c '^[0-9a-z]\{8\} ' || true)
  [[ $count_all == 10000 && $count_open == 10 ]] ||
    die "the $store store lists $count_all incidents ($count_open in list), not 10000 (10)"
done

# One hyperfine run per command: /bin/true, then the command at 10 and at 10,000 incidents
# (both big stores), back to back, so that the comparisons see the same machine state.
measure() {
  local name=$1 small_args=$2 closed_args=$3 resolved_args=$4
  echo "== $name" >&2
  hyperfine --shell=none --style basic --warmup "$warmup" --runs "$runs" --export-json "$work/$name.json" \
    --command-name true "$truth" \
    --command-name "$name-10" "$binary --state-dir $work/small $small_args" \
    --command-name "$name-closed" "$binary --state-dir $work/closed $closed_args" \
    --command-name "$name-resolved" "$binary --state-dir $work/resolved $resolved_args" >&2
}
# The same command in each store, "@" standing for the id of the store's incident 5.
same() {
  local name=$1 args=$2
  measure "$name" "${args//@/${ids[small-5]}}" "${args//@/${ids[closed-5]}}" "${args//@/${ids[resolved-5]}}"
}

export HOME=$work INCIDENT_USER=bench
floor=""
if command -v cc >/dev/null 2>&1 && cc -O2 -o "$work/durable_write" "$(dirname "$0")/durable_write.c"; then
  mkdir -p "$work/floor"
  echo "== durable-write" >&2
  hyperfine --shell=none --style basic --warmup "$warmup" --runs "$runs" --export-json "$work/durable-write.json" \
    --command-name true "$truth" --command-name durable-write "$work/durable_write $work/floor" >&2
  floor=$work/durable-write.json
else
  echo "bench/run.sh: no C compiler: the durable-write floor is not measured" >&2
fi
same status "status @"
same checklist "checklist @"
same render "render @ initial"
same severities "severities"
same show "show @"
same prompt "prompt"
same note "note @ benchmark-note"
same list "list"
same list-all-json "list --all --json"
# Writers that add to what the others read go last.
same update "update @ --findings f --next n"
same open "open Benchmark -s P3"

python3 - "$work" "$floor" <<'PY'
import json, os, sys

work, floor = sys.argv[1], sys.argv[2]
commands = ["open", "status", "checklist", "render", "severities", "update", "show", "prompt", "note", "list",
            "list-all-json"]
rows = {}
for command in commands:
    with open(os.path.join(work, command + ".json")) as f:
        results = {r["command"]: r for r in json.load(f)["results"]}
    for size in ["10", "closed", "resolved"]:
        name = f"{command}-{size}"
        rows[name] = (results[name], results["true"])

ms = lambda seconds: seconds * 1000.0
print(f"{'command':<24} {'median ms':>10} {'mean ms':>9} {'± sd':>7}   {'/bin/true ms':>12} {'x true':>7}")
for name, (r, t) in rows.items():
    print(f"{name:<24} {ms(r['median']):>10.2f} {ms(r['mean']):>9.2f} {ms(r['stddev'] or 0):>7.2f}"
          f"   {ms(t['median']):>12.2f} {r['median'] / t['median']:>7.2f}")

def vs_true(name):
    r, t = rows[name]
    return r["median"] / t["median"]

def vs(a, b):
    return rows[a][0]["median"] / rows[b][0]["median"]

targets = []
for command in ["open", "status", "checklist", "render", "severities", "update"]:
    targets.append((f"{command} at 10 <= 2x /bin/true", vs_true(f"{command}-10"), 2.0))
for command in ["show", "prompt"]:
    for size in ["10", "closed", "resolved"]:
        targets.append((f"{command} at {size} <= 1.5x /bin/true", vs_true(f"{command}-{size}"), 1.5))
for size in ["closed", "resolved"]:
    targets.append((f"note at 10,000 {size} <= 1.15x note at 10", vs(f"note-{size}", "note-10"), 1.15))
    targets.append((f"list at 10,000 {size} <= 1.3x list at 10", vs(f"list-{size}", "list-10"), 1.3))
    targets.append((f"list --all --json at 10,000 {size} <= 25x /bin/true", vs_true(f"list-all-json-{size}"), 25.0))
print()
missed = 0
for label, ratio, limit in targets:
    verdict = "ok" if ratio <= limit else "MISSED"
    missed += ratio > limit
    print(f"{label:<52} {ratio:>6.2f}x  {verdict}")
if floor:
    with open(floor) as f:
        results = {r["command"]: r for r in json.load(f)["results"]}
    ratio = results["durable-write"]["median"] / results["true"]["median"]
    print(f"\n{'floor: a durable 2 KB replace alone (not a target)':<52} {ratio:>6.2f}x  /bin/true")
sys.exit(1 if missed else 0)
PY
