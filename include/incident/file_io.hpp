#pragma once
// Reading whole files with a size bound. (Writes go through the store's atomic writer.)

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

namespace incident {

// Reads the whole file. Throws Error("cannot read PATH: reason") when it cannot be opened
// or read, or is not a regular file, and DataError("PATH: file is larger than N bytes")
// when it holds more than max_bytes; never reads more than max_bytes + 1 bytes.
std::string read_file(const std::filesystem::path& path, std::size_t max_bytes);

// Like read_file(), but nullopt when the file does not exist.
std::optional<std::string> read_file_if_exists(const std::filesystem::path& path,
                                               std::size_t max_bytes);

}  // namespace incident
