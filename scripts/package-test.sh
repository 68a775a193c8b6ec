#!/bin/sh
# Builds the Debian package (`cpack -G DEB` through the `package` preset: release, libc
# shared, man page gzipped) and checks it as a user meets it: its control fields, that
# Depends names the package of every shared library the binary loads, its files, and that
# the binary installed by dpkg into a throwaway root runs from another directory with its
# bundled runbook, and that removing the package leaves nothing behind. CI runs it after the tests (.ci/run). Prints the package's path last.
#
#   sh scripts/package-test.sh
set -eu
cd "$(dirname "$0")/.."
source_dir=$(pwd)

sh scripts/deps.sh --package
cmake --preset package >/dev/null
cmake --build --preset package
cpack --preset package >/dev/null

deb=$(ls -t build/package/incident_*.deb | head -n 1)
fail() {
  echo "package-test: $*" >&2
  exit 1
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

# The control fields.
dpkg-deb -I "$deb" >"$work/info"
field() { sed -n "s/^ $1: //p" "$work/info"; }
[ "$(field Package)" = incident ] || fail "Package is '$(field Package)', not incident"
[ "$(field Section)" = admin ] || fail "Section is '$(field Section)', not admin"
[ -n "$(field Maintainer)" ] || fail "no Maintainer"
depends=$(field Depends)
echo "$depends" | grep -q 'libc6 (>= ' || fail "Depends ('$depends') does not name libc6 with a version"
field Recommends | grep -q libcurl4 || fail "Recommends does not name libcurl4"

# The files, where the shells, man and the binary look for them.
dpkg-deb -c "$deb" | awk '{print $6}' >"$work/files"
for file in ./usr/bin/incident ./usr/share/incident/runbooks/default.yaml ./usr/share/incident/templates/initial.txt \
  ./usr/share/bash-completion/completions/incident ./usr/share/zsh/vendor-completions/_incident \
  ./usr/share/fish/vendor_completions.d/incident.fish ./usr/share/man/man1/incident.1.gz; do
  grep -qx "$file" "$work/files" || fail "$file is not in the package"
done
if dpkg-deb -c "$deb" | awk '{print $2}' | grep -vqx root/root; then
  fail "files not owned by root"
fi

# Installable here: apt resolves its Depends against this system (a simulation, nothing
# is installed).
apt-get install -s "$(pwd)/$deb" >"$work/apt" 2>&1 || fail "apt-get cannot install it: $(cat "$work/apt")"

# Installed by dpkg into a root of its own: an empty dpkg database, so the dependencies
# (libc6, checked against this system by apt above) are not there to satisfy.
root="$work/root"
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
: >"$root/var/lib/dpkg/status"
: >"$root/var/lib/dpkg/available"
dpkg --root="$root" --log=/dev/null --force-depends --force-not-root -i "$deb" >"$work/dpkg" 2>&1 ||
  fail "dpkg cannot install it into a throwaway root: $(cat "$work/dpkg")"
dpkg --root="$root" -s incident 2>/dev/null | grep -qx 'Status: install ok installed' ||
  fail "dpkg does not record it as installed in the throwaway root"
binary="$root/usr/bin/incident"

# Every shared library the binary loads belongs to a package Depends names.
ldd "$binary" | awk '/=>/ {print $3} !/=>/ && $1 ~ /^\// {print $1}' | while read -r library; do
  [ -n "$library" ] || continue
  owner=$(dpkg -S "$library" 2>/dev/null || dpkg -S "$(readlink -f "$library")" 2>/dev/null || true)
  owner=${owner%%:*}
  [ -n "$owner" ] || fail "no package owns $library"
  echo "$depends" | tr ',' '\n' | sed 's/^ *//; s/ .*//' | grep -qx "$owner" || fail "$library belongs to $owner, which Depends ('$depends') does not name"
done

# It runs from anywhere, with its bundled runbook, in a state dir of its own.
mkdir -p "$work/home" "$work/elsewhere"
cd "$work/elsewhere"
env -i PATH=/usr/bin:/bin HOME="$work/home" LANG=C.UTF-8 "$binary" --version | grep -q '^incident ' ||
  fail "incident --version failed"
env -i PATH=/usr/bin:/bin HOME="$work/home" LANG=C.UTF-8 "$binary" --state-dir "$work/state" open "x" -s P1 \
  >"$work/open.out" 2>"$work/open.err" || fail "incident open failed: $(cat "$work/open.err")"
grep -q 'INCIDENT: x$' "$work/open.out" || fail "open printed no Initial Status Update: $(cat "$work/open.out")"
grep -q '^Severity: High$' "$work/open.out" || fail "the Initial Status Update has no 'Severity: High'"
env -i PATH=/usr/bin:/bin HOME="$work/home" "$binary" runbook show overview --json >"$work/overview.json"
grep -q "\"source\": \"$root/usr/share/incident/runbooks/default.yaml\"" "$work/overview.json" ||
  fail "the unpacked binary does not use its bundled runbook: $(grep source "$work/overview.json")"

# The man page renders and the completion scripts parse.
MANWIDTH=80 man -l "$root/usr/share/man/man1/incident.1.gz" 2>"$work/man.err" | grep -q '^EXIT STATUS' ||
  fail "the man page does not render: $(cat "$work/man.err")"
bash -n "$root/usr/share/bash-completion/completions/incident" || fail "the bash completion does not parse"
if command -v zsh >/dev/null 2>&1; then
  zsh -n "$root/usr/share/zsh/vendor-completions/_incident" || fail "the zsh completion does not parse"
fi
if command -v fish >/dev/null 2>&1; then
  fish -n "$root/usr/share/fish/vendor_completions.d/incident.fish" || fail "the fish completion does not parse"
fi

# Removed, it leaves no file of its own behind.
cd "$source_dir"
dpkg --root="$root" --log=/dev/null --force-depends --force-not-root --purge incident >"$work/dpkg" 2>&1 ||
  fail "dpkg cannot remove it: $(cat "$work/dpkg")"
left=$(find "$root/usr" -type f 2>/dev/null | head -n 5)
[ -z "$left" ] || fail "removing the package left files behind: $left"

echo "package-test: ok: $deb (Depends: $depends)" >&2
echo "$deb"
