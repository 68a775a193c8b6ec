# `cpack -G DEB` in a build tree: the Debian package of what `cmake --install` puts under
# /usr. A distribution build links libc shared (the `package` preset: INCIDENT_STATIC
# OFF, the man page gzipped), so dpkg-shlibdeps (dpkg-dev) can name the libraries it
# needs in Depends; the lean link still carries yaml-cpp and the C++ runtime inside.
# libcurl is only dlopened by a command that posts to chat (src/core/http.cpp):
# recommended, not a dependency. scripts/package-test.sh builds and checks the package.
set(CPACK_PACKAGE_NAME incident)
set(CPACK_PACKAGE_VENDOR "incident")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(INCIDENT_PACKAGE_MAINTAINER "incident maintainers <maintainers@users.noreply.r-seed-68ee5aae.example>"
  CACHE STRING "The Maintainer field of the Debian package")
set(CPACK_PACKAGE_CONTACT "${INCIDENT_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "incident command from the terminal, driven by the team's runbook")
# The long description; CPack puts the summary above it and indents each line.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "incident turns the team's incident-response runbook (YAML) into live guidance
during an incident: severities and their response SLAs, the phase checklists,
escalation. Each incident is an append-only timeline in a local JSON file,
shared between laptops over git; the status messages are printed ready to paste
into the channel, or posted to Slack, Mattermost, Teams or Discord.")
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libcurl4")
# git for `incident sync`; a clipboard tool for --copy.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "git, bash-completion, wl-clipboard | xclip | xsel")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_GENERATOR DEB)
set(CPACK_SOURCE_GENERATOR TGZ)
set(CPACK_SOURCE_IGNORE_FILES "/build/" "/\\\\.git/")
include(CPack)
