#!/bin/sh
# Installs what building and testing incident needs, from Debian 12 packages, when it is
# missing. Uses sudo only when not root. Safe to run again: it installs nothing twice.
#
#   sh scripts/deps.sh [--fuzz] [--package]
#     --fuzz: also clang 14 and libFuzzer, for fuzz/run
#     --package: also what `cpack -G DEB` needs (dpkg-shlibdeps, file), for scripts/package-test.sh
# The shells, man-db and groff are for the tests of the completion scripts and the man page.
set -eu

packages="g++ cmake ninja-build pkgconf libcli11-dev nlohmann-json3-dev libfmt-dev libspdlog-dev \
libyaml-cpp-dev catch2 git libcurl4-openssl-dev zsh fish bash-completion man-db groff-base"
for argument in "$@"; do
  case "$argument" in
    --fuzz) packages="$packages clang-14 libclang-rt-14-dev libfuzzer-14-dev" ;;
    --package) packages="$packages dpkg-dev file" ;;
    *)
      echo "usage: sh scripts/deps.sh [--fuzz] [--package]" >&2
      exit 2
      ;;
  esac
done

missing=""
for package in $packages; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $package"
  fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  as_root=""
elif command -v sudo >/dev/null 2>&1; then
  as_root="sudo"
else
  echo "deps.sh: need root (or sudo) to install:$missing" >&2
  exit 1
fi
echo "deps.sh: installing$missing" >&2
$as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
# shellcheck disable=SC2086
$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >&2
