#pragma once
// SHA-256 (FIPS 180-4), for content digests: the runbook an incident runs under and the
// key of the runbook cache. Not for secrets: no constant-time guarantees are made.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace incident {

// An incremental SHA-256. update() any number of times, then finish() once; a finished
// hasher must not be updated again (finish() resets it, so it can be reused).
class Sha256 {
public:
  using Digest = std::array<std::uint8_t, 32>;

  // with_instructions false: the portable code even where the CPU's SHA instructions are
  // there (to test both).
  explicit Sha256(bool with_instructions = true);
  void update(std::string_view data);
  // Feeds `value` as 8 big-endian bytes: the length prefix of a framed field.
  void update_u64(std::uint64_t value);
  [[nodiscard]] Digest finish();

private:
  void reset();
  // `blocks` blocks of 64 bytes from `block`: with the CPU's SHA instructions when it has
  // them, else compress_one() each.
  void compress(const std::uint8_t* block, std::size_t blocks);
  void compress_one(const std::uint8_t* block);

  std::array<std::uint32_t, 8> m_state{};
  std::array<std::uint8_t, 64> m_buffer{};
  std::size_t m_buffered = 0;
  std::uint64_t m_length = 0;  // bytes fed so far
  bool m_instructions = false;
};

// Whether this CPU's SHA instructions do the work (x86-64 with SHA-NI); the result is the
// same either way.
bool sha256_accelerated();

// The digest as 64 lower-case hexadecimal digits.
std::string to_hex(const Sha256::Digest& digest);

// sha256 of `data` as 64 lower-case hex digits.
std::string sha256_hex(std::string_view data);

}  // namespace incident
