# The shell completion scripts and the manual page, written at build time by the built
# binary from its own command definitions (`incident completion SHELL`, `incident __man`),
# so they cannot drift from the commands. Staged in the build tree where an installed
# prefix holds them, and part of ALL: `--target incident` alone still builds just the
# binary (and `cmake --install` then needs a full build).
#
#   share/bash-completion/completions/incident      bash-completion loads it on demand
#   share/zsh/vendor-completions/_incident          in zsh's $fpath on Debian
#   share/fish/vendor_completions.d/incident.fish   fish's vendor directory
#   share/man/man1/incident.1 (.1.gz with INCIDENT_MAN_GZIP, as Debian ships them)
option(INCIDENT_MAN_GZIP "Install the manual page gzipped (incident.1.gz)" OFF)

set(incident_share "${INCIDENT_STAGE_DIR}/${CMAKE_INSTALL_DATADIR}")
set(incident_extras)

# incident_generate(OUTPUT file ARGS args...): the binary's stdout for `incident args...`.
function(incident_generate output)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "ARGS")
  get_filename_component(dir "${output}" DIRECTORY)
  add_custom_command(OUTPUT "${output}"
    COMMAND ${CMAKE_COMMAND} -E make_directory "${dir}"
    COMMAND ${CMAKE_COMMAND} "-DPROGRAM=$<TARGET_FILE:incident>" "-DARGS=${arg_ARGS}" "-DOUTPUT=${output}"
            -P "${PROJECT_SOURCE_DIR}/cmake/RunToFile.cmake"
    DEPENDS incident "${PROJECT_SOURCE_DIR}/cmake/RunToFile.cmake"
    COMMENT "Writing ${output}" VERBATIM)
  set(incident_extras ${incident_extras} "${output}" PARENT_SCOPE)
endfunction()

incident_generate("${incident_share}/bash-completion/completions/incident" ARGS completion bash)
incident_generate("${incident_share}/zsh/vendor-completions/_incident" ARGS completion zsh)
incident_generate("${incident_share}/fish/vendor_completions.d/incident.fish" ARGS completion fish)
set(incident_man "${incident_share}/man/man1/incident.1")
incident_generate("${incident_man}" ARGS __man)
if(INCIDENT_MAN_GZIP)
  find_program(INCIDENT_GZIP gzip REQUIRED)
  # -n: no name or time stamp in the header, so the package is reproducible.
  add_custom_command(OUTPUT "${incident_man}.gz"
    COMMAND "${INCIDENT_GZIP}" -9nf -k "${incident_man}"
    DEPENDS "${incident_man}"
    COMMENT "Compressing ${incident_man}" VERBATIM)
  list(APPEND incident_extras "${incident_man}.gz")
  set(incident_man "${incident_man}.gz")
endif()
add_custom_target(incident_extras ALL DEPENDS ${incident_extras})

install(FILES "${incident_share}/bash-completion/completions/incident"
  DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
install(FILES "${incident_share}/zsh/vendor-completions/_incident"
  DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(FILES "${incident_share}/fish/vendor_completions.d/incident.fish"
  DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)
install(FILES "${incident_man}" DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
