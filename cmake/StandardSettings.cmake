# Build settings as INTERFACE targets, linked by every target of the project:
#   incident_warnings  - the warning set (errors with INCIDENT_WERROR)
#   incident_sanitizers - ASan + UBSan with INCIDENT_SANITIZE
option(INCIDENT_WERROR "Treat compiler warnings as errors" OFF)
option(INCIDENT_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)

add_library(incident_warnings INTERFACE)
target_compile_options(incident_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
  -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
  -Wnull-dereference -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough
  $<$<CXX_COMPILER_ID:GNU>:-Wmisleading-indentation -Wduplicated-cond -Wlogical-op>
  $<$<BOOL:${INCIDENT_WERROR}>:-Werror>)

add_library(incident_sanitizers INTERFACE)
if(INCIDENT_SANITIZE)
  target_compile_options(incident_sanitizers INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(incident_sanitizers INTERFACE -fsanitize=address,undefined)
endif()
