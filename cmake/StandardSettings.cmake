# Build settings as INTERFACE targets, linked by every target of the project:
#   incident_warnings  - the warning set (errors with INCIDENT_WERROR)
#   incident_sanitizers - ASan + UBSan with INCIDENT_SANITIZE (and, with INCIDENT_FUZZ,
#                         libFuzzer's coverage instrumentation on top)
option(INCIDENT_WERROR "Treat compiler warnings as errors" OFF)
option(INCIDENT_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)

# A fuzz build instruments the library the fuzz targets call, so it needs clang, and a
# fuzzer without the sanitizers finds only crashes, not the memory errors and UB behind
# them: INCIDENT_FUZZ implies INCIDENT_SANITIZE (which also keeps the lean link off,
# Dependencies.cmake, so yaml-cpp and the C++ runtime stay shared as ASan wants).
if(INCIDENT_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "INCIDENT_FUZZ needs clang (libFuzzer); configure with "
                        "-DCMAKE_CXX_COMPILER=clang++-14 or use the 'fuzz' preset")
  endif()
  set(INCIDENT_SANITIZE ON)
endif()

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
  if(INCIDENT_FUZZ)
    # Coverage feedback for libFuzzer in every object the targets link (the runtime and
    # main() come only with the targets' -fsanitize=fuzzer link); libstdc++'s checked
    # operator[] and friends turn an out-of-range index into a crash the fuzzer sees.
    target_compile_options(incident_sanitizers INTERFACE -fsanitize=fuzzer-no-link)
    target_compile_definitions(incident_sanitizers INTERFACE _GLIBCXX_ASSERTIONS)
  endif()
  target_link_options(incident_sanitizers INTERFACE -fsanitize=address,undefined)
endif()
