#include <catch2/catch.hpp>

#include <string>

#include "incident/digest.hpp"

using namespace incident;

// The examples of FIPS 180-4 (NIST's "SHA-256 examples" and the CAVS short/long messages).
TEST_CASE("sha256 matches the NIST test vectors") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(sha256_hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrs"
                   "mnopqrstnopqrstu") == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
  CHECK(sha256_hex(std::string(1'000'000, 'a')) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("sha256 of every length up to three blocks matches the reference implementation's") {
  // The digests of "0123456789..." of lengths 0 to 191, run together and digested again,
  // as Python's hashlib computes them (one figure for 192 digests, each block boundary).
  INFO("SHA instructions: " << (sha256_accelerated() ? "yes" : "no"));
  for (const bool with_instructions : {true, false}) {
    std::string all;
    for (std::size_t length = 0; length < 192; ++length) {
      std::string text;
      for (std::size_t i = 0; i < length; ++i) {
        text += static_cast<char>('0' + i % 10);
      }
      Sha256 hasher(with_instructions);
      hasher.update(text);
      all += to_hex(hasher.finish());
    }
    CHECK(sha256_hex(all) == "e0c8b69c5bc8cd2754c914c6fe916ca4c89b557705ea517fab52ca3aaa8f7ff3");
  }
}

TEST_CASE("sha256 fed in pieces equals sha256 of the whole") {
  const std::string message(1'000, 'x');
  const std::string whole = sha256_hex(message);
  // Every split point around the block boundaries, where the buffering can go wrong.
  for (std::size_t split : {std::size_t{0}, std::size_t{1}, std::size_t{55}, std::size_t{56}, std::size_t{63},
                            std::size_t{64}, std::size_t{65}, std::size_t{128}, std::size_t{999}}) {
    Sha256 hasher;
    hasher.update(std::string_view(message).substr(0, split));
    hasher.update(std::string_view(message).substr(split));
    INFO("split at " << split);
    CHECK(to_hex(hasher.finish()) == whole);
  }
  // Lengths 55 and 56 take one and two padding blocks.
  CHECK(sha256_hex(std::string(55, 'a')) == "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
  CHECK(sha256_hex(std::string(56, 'a')) == "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
}

TEST_CASE("sha256 finish() resets the hasher for reuse") {
  Sha256 hasher;
  hasher.update("abc");
  (void)hasher.finish();
  hasher.update("abc");
  CHECK(to_hex(hasher.finish()) == sha256_hex("abc"));
}

TEST_CASE("sha256 update_u64 feeds eight big-endian bytes") {
  Sha256 hasher;
  hasher.update_u64(0x0102030405060708);
  CHECK(to_hex(hasher.finish()) == sha256_hex(std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8)));
}
