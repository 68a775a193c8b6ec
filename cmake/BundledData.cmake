# Stage runbooks/ and templates/ into <build>/share/incident so that the built binary
# (<build>/bin/incident) finds them exactly as an installed one does. Re-copied when
# a file changes.
file(GLOB_RECURSE incident_data_files CONFIGURE_DEPENDS
  RELATIVE "${PROJECT_SOURCE_DIR}"
  "${PROJECT_SOURCE_DIR}/runbooks/*" "${PROJECT_SOURCE_DIR}/templates/*")
set(incident_staged_files)
foreach(rel IN LISTS incident_data_files)
  set(dst "${INCIDENT_STAGE_DIR}/${CMAKE_INSTALL_DATADIR}/incident/${rel}")
  add_custom_command(OUTPUT "${dst}"
    COMMAND ${CMAKE_COMMAND} -E copy_if_different "${PROJECT_SOURCE_DIR}/${rel}" "${dst}"
    DEPENDS "${PROJECT_SOURCE_DIR}/${rel}"
    COMMENT "Staging ${rel}" VERBATIM)
  list(APPEND incident_staged_files "${dst}")
endforeach()
add_custom_target(incident_data ALL DEPENDS ${incident_staged_files})
add_dependencies(incident incident_data)
