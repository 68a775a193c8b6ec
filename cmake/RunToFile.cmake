# cmake -DPROGRAM=... -DARGS="a;b" -DOUTPUT=file -P RunToFile.cmake: runs PROGRAM ARGS with
# its standard output written to OUTPUT (whole, or not at all: a failed run leaves no file
# behind for the next build to take as done).
execute_process(COMMAND "${PROGRAM}" ${ARGS}
  OUTPUT_FILE "${OUTPUT}.tmp"
  RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  file(REMOVE "${OUTPUT}.tmp")
  message(FATAL_ERROR "${PROGRAM} ${ARGS}: ${result}")
endif()
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
