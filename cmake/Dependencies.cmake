# Every dependency is a Debian 12 package found through its CMake config; nothing is
# fetched at configure time. scripts/deps.sh installs them.
find_package(CLI11 2.1 CONFIG REQUIRED)
find_package(nlohmann_json 3.11 CONFIG REQUIRED)
find_package(fmt 9 CONFIG REQUIRED)
find_package(spdlog 1.10 CONFIG REQUIRED)
find_package(yaml-cpp 0.7 CONFIG REQUIRED)
if(BUILD_TESTING)
  find_package(Catch2 2.13 CONFIG REQUIRED)
endif()
