# Every dependency is a Debian 12 package found through its CMake config; nothing is
# fetched at configure time. scripts/deps.sh installs them.
find_package(CLI11 2.1 CONFIG REQUIRED)
find_package(nlohmann_json 3.11 CONFIG REQUIRED)
find_package(fmt 9 CONFIG REQUIRED)
find_package(spdlog 1.10 CONFIG REQUIRED)
find_package(yaml-cpp 0.7 CONFIG REQUIRED)
# libcurl's headers only: it is loaded at run time by the commands that post (http.cpp).
find_path(INCIDENT_CURL_INCLUDE_DIR curl/curl.h REQUIRED)
if(BUILD_TESTING)
  find_package(Catch2 2.13 CONFIG REQUIRED)
endif()

# How the binary links them. Start-up is most of what a command costs: with everything
# shared, the dynamic loader's relocations for libstdc++, yaml-cpp, spdlog and fmt were
# ~70% of the instructions of `incident --version` (4.7M of 4.7M -> 1.2M). The lean link
# compiles fmt's implementation once (src/core/fmt_impl.cpp), spdlog header-only, takes
# yaml-cpp from its static archive (Debian ships libyaml-cpp.a) and the C++ runtime
# statically, so only libc is loaded. Sanitizer builds keep the shared libraries.
option(INCIDENT_LEAN_LINK "Link yaml-cpp and the C++ runtime statically, fmt and spdlog into the binary" ON)
add_library(incident_fmt INTERFACE)
add_library(incident_spdlog INTERFACE)
add_library(incident_yaml INTERFACE)
add_library(incident_runtime INTERFACE)
find_library(INCIDENT_YAML_CPP_ARCHIVE NAMES libyaml-cpp.a)
if(INCIDENT_LEAN_LINK AND NOT INCIDENT_SANITIZE AND INCIDENT_YAML_CPP_ARCHIVE)
  find_package(Threads REQUIRED)
  get_target_property(incident_fmt_includes fmt::fmt INTERFACE_INCLUDE_DIRECTORIES)
  target_include_directories(incident_fmt SYSTEM INTERFACE ${incident_fmt_includes})
  add_library(incident_fmt_impl OBJECT "${PROJECT_SOURCE_DIR}/src/core/fmt_impl.cpp")
  target_include_directories(incident_fmt_impl SYSTEM PRIVATE ${incident_fmt_includes})
  target_link_libraries(incident_fmt INTERFACE incident_fmt_impl $<TARGET_OBJECTS:incident_fmt_impl>)
  get_target_property(incident_spdlog_includes spdlog::spdlog_header_only INTERFACE_INCLUDE_DIRECTORIES)
  target_include_directories(incident_spdlog SYSTEM INTERFACE ${incident_spdlog_includes})
  target_compile_definitions(incident_spdlog INTERFACE SPDLOG_FMT_EXTERNAL SPDLOG_HEADER_ONLY)
  target_link_libraries(incident_spdlog INTERFACE incident_fmt Threads::Threads)
  get_target_property(incident_yaml_includes yaml-cpp INTERFACE_INCLUDE_DIRECTORIES)
  target_include_directories(incident_yaml SYSTEM INTERFACE ${incident_yaml_includes})
  target_link_libraries(incident_yaml INTERFACE "${INCIDENT_YAML_CPP_ARCHIVE}")
  # Relative relocations packed (DT_RELR, glibc 2.36): the loader applies ~5,000 of them
  # from a bitmap instead of a 24-byte record each.
  target_link_options(incident_runtime INTERFACE -static-libstdc++ -static-libgcc -Wl,-z,pack-relative-relocs)
  # And libc: loading libc.so and resolving its symbols was a quarter of what `show` costs
  # (measured again with chat in: 1.2 -> 0.8 ms; /bin/true, itself dynamic, 0.7). The one
  # NSS call, getpwuid() (the fallback when $HOME or $USER is unset), then needs this
  # glibc's NSS modules at run time; where they differ it fails and the fallback is
  # skipped. Posting to chat dlopens libcurl (http.cpp), which brings the shared libc:
  # it refuses, saying why, when that is another glibc version than the one linked in. A
  # distribution that wants libc shared (security updates without a rebuild, libcurl
  # loaded the ordinary way) turns INCIDENT_STATIC off.
  option(INCIDENT_STATIC "With the lean link, link libc statically too" ON)
  if(INCIDENT_STATIC)
    target_link_options(incident_runtime INTERFACE -static)
    set(INCIDENT_STATIC_LIBC ON)
  endif()
  message(STATUS "incident: lean link (static yaml-cpp and C++ runtime, fmt and spdlog built in; static libc: ${INCIDENT_STATIC})")
else()
  target_link_libraries(incident_fmt INTERFACE fmt::fmt)
  target_link_libraries(incident_spdlog INTERFACE spdlog::spdlog)
  target_link_libraries(incident_yaml INTERFACE yaml-cpp)
endif()
