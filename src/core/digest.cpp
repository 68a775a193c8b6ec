#include "incident/digest.hpp"

#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#if defined(__clang__)  // glibc's header says _Bool, which clang's C++ does not know
#define _Bool bool
#include <sys/platform/x86.h>
#undef _Bool
#else
#include <sys/platform/x86.h>
#endif
#endif

namespace incident {

namespace {

constexpr std::array<std::uint32_t, 64> k_round{
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

constexpr std::uint32_t rotr(std::uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

#if defined(__x86_64__)
// The x86 SHA extensions (Intel SHA-NI, in AMD since Zen and Intel since Ice Lake):
// the runbook's digest is taken on every command that reads it, and in software it
// was a third of loading a cached runbook. The state is kept as the instructions want
// it (ABEF, CDGH) across the blocks, four rounds per step; W[16..63] are made four at
// a time from the last four groups (msg1, then msg2 after the alignr'ed addition).
//
// Whether the CPU has them: what glibc found at start-up (asking cpuid again cost 13 us:
// a virtual machine traps it).
bool has_sha_extensions() {
  return CPU_FEATURE_ACTIVE(SHA) && CPU_FEATURE_ACTIVE(SSE4_1) && CPU_FEATURE_ACTIVE(SSSE3);
}

// _mm_alignr_epi8(a, b, 4): b's upper three words, then a's lowest. Made of a blend and
// a shuffle, whose immediates stay immediates under -fsanitize=undefined (GCC 12 checks
// palignr's "N * 8" for overflow, and then it is no longer a constant).
__attribute__((target("sse4.1"), always_inline)) inline __m128i next_words(__m128i a, __m128i b) {
  return _mm_shuffle_epi32(_mm_blend_epi16(b, a, 0x03), 0x39);
}

__attribute__((target("sha,sse4.1,ssse3"))) void compress_sha_ni(std::uint32_t* state, const std::uint8_t* data,
                                                                std::size_t blocks) {
  const __m128i byte_swap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
  __m128i cdab = _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(state)), 0xB1);
  __m128i efgh = _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(state + 4)), 0x1B);
  __m128i abef = _mm_unpacklo_epi64(_mm_unpackhi_epi64(efgh, efgh), cdab);  // alignr(cdab, efgh, 8)
  __m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);
  for (; blocks > 0; --blocks, data += 64) {
    const __m128i abef_before = abef;
    const __m128i cdgh_before = cdgh;
    __m128i w[4];  // the message schedule, four words per group, group g in w[g % 4]
    for (int g = 0; g < 16; ++g) {
      if (g < 4) {
        w[g] = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(data + 16 * g)), byte_swap);
      }
      __m128i sum = _mm_add_epi32(w[g % 4], _mm_loadu_si128(reinterpret_cast<const __m128i*>(&k_round[static_cast<std::size_t>(4 * g)])));
      cdgh = _mm_sha256rnds2_epu32(cdgh, abef, sum);
      if (g >= 3 && g < 15) {  // group g + 1, from g - 3 (msg1 done), g - 2 .. g
        __m128i& next = w[(g + 1) % 4];
        next = _mm_add_epi32(next, next_words(w[g % 4], w[(g + 3) % 4]));
        next = _mm_sha256msg2_epu32(next, w[g % 4]);
      }
      sum = _mm_shuffle_epi32(sum, 0x0E);
      abef = _mm_sha256rnds2_epu32(abef, cdgh, sum);
      if (g >= 1 && g < 13) {  // the first half of group g + 3
        w[(g + 3) % 4] = _mm_sha256msg1_epu32(w[(g + 3) % 4], w[g % 4]);
      }
    }
    abef = _mm_add_epi32(abef, abef_before);
    cdgh = _mm_add_epi32(cdgh, cdgh_before);
  }
  const __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
  const __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(state), _mm_blend_epi16(feba, dchg, 0xF0));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(state + 4), _mm_unpacklo_epi64(_mm_unpackhi_epi64(feba, feba), dchg));
}
#endif

}  // namespace

bool sha256_accelerated() {
#if defined(__x86_64__)
  static const bool k_sha_extensions = has_sha_extensions();
  return k_sha_extensions;
#else
  return false;
#endif
}

Sha256::Sha256(bool with_instructions) : m_instructions(with_instructions && sha256_accelerated()) { reset(); }

void Sha256::reset() {
  m_state = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  m_buffered = 0;
  m_length = 0;
}

void Sha256::compress(const std::uint8_t* block, std::size_t blocks) {
#if defined(__x86_64__)
  if (m_instructions) {
    compress_sha_ni(m_state.data(), block, blocks);
    return;
  }
#endif
  for (; blocks > 0; --blocks, block += 64) {
    compress_one(block);
  }
}

void Sha256::compress_one(const std::uint8_t* block) {
  std::array<std::uint32_t, 64> w{};
  for (std::size_t i = 0; i < 16; ++i) {
    w[i] = (std::uint32_t{block[4 * i]} << 24) | (std::uint32_t{block[4 * i + 1]} << 16) |
           (std::uint32_t{block[4 * i + 2]} << 8) | std::uint32_t{block[4 * i + 3]};
  }
  for (std::size_t i = 16; i < 64; ++i) {
    const std::uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
    const std::uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  std::uint32_t a = m_state[0], b = m_state[1], c = m_state[2], d = m_state[3];
  std::uint32_t e = m_state[4], f = m_state[5], g = m_state[6], h = m_state[7];
  for (std::size_t i = 0; i < 64; ++i) {
    const std::uint32_t t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + k_round[i] + w[i];
    const std::uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  m_state[0] += a;
  m_state[1] += b;
  m_state[2] += c;
  m_state[3] += d;
  m_state[4] += e;
  m_state[5] += f;
  m_state[6] += g;
  m_state[7] += h;
}

void Sha256::update(std::string_view data) {
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(data.data());
  std::size_t size = data.size();
  m_length += size;
  if (m_buffered > 0) {
    const std::size_t take = std::min(size, m_buffer.size() - m_buffered);
    std::memcpy(m_buffer.data() + m_buffered, bytes, take);
    m_buffered += take;
    bytes += take;
    size -= take;
    if (m_buffered < m_buffer.size()) {
      return;
    }
    compress(m_buffer.data(), 1);
    m_buffered = 0;
  }
  compress(bytes, size / 64);
  bytes += size / 64 * 64;
  size %= 64;
  if (size > 0) {
    std::memcpy(m_buffer.data(), bytes, size);
    m_buffered = size;
  }
}

void Sha256::update_u64(std::uint64_t value) {
  char bytes[8];
  for (int i = 0; i < 8; ++i) {
    bytes[i] = static_cast<char>((value >> (56 - 8 * i)) & 0xff);
  }
  update(std::string_view(bytes, sizeof bytes));
}

Sha256::Digest Sha256::finish() {
  const std::uint64_t bits = m_length * 8;
  // The padding: a 1 bit, zeros up to 56 bytes mod 64, then the length in bits.
  static constexpr char k_pad[64] = {static_cast<char>(0x80)};
  const std::size_t pad = m_buffered < 56 ? 56 - m_buffered : 120 - m_buffered;
  update(std::string_view(k_pad, pad));
  update_u64(bits);
  Digest out{};
  for (std::size_t i = 0; i < 8; ++i) {
    out[4 * i] = static_cast<std::uint8_t>(m_state[i] >> 24);
    out[4 * i + 1] = static_cast<std::uint8_t>(m_state[i] >> 16);
    out[4 * i + 2] = static_cast<std::uint8_t>(m_state[i] >> 8);
    out[4 * i + 3] = static_cast<std::uint8_t>(m_state[i]);
  }
  reset();
  return out;
}

std::string to_hex(const Sha256::Digest& digest) {
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(digest.size() * 2);
  for (const std::uint8_t byte : digest) {
    out += k_digits[byte >> 4];
    out += k_digits[byte & 0x0f];
  }
  return out;
}

std::string sha256_hex(std::string_view data) {
  Sha256 hasher;
  hasher.update(data);
  return to_hex(hasher.finish());
}

}  // namespace incident
