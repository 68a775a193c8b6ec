#include <catch2/catch.hpp>

#include "incident/roff.hpp"

using namespace incident;

TEST_CASE("roff escape keeps text as written") {
  CHECK(roff::escape("plain words") == "plain words");
  CHECK(roff::escape("--state-dir") == "\\-\\-state\\-dir");
  CHECK(roff::escape("C:\\path\\fB") == "C:\\epath\\efB");  // no font change sneaks in
  CHECK(roff::escape("a\tb\nc") == "a b c");
  CHECK(roff::escape("\xf0\x9f\x9a\xa8 INCIDENT") == "\\[u1F6A8] INCIDENT");
  CHECK(roff::escape("\xc3\xbc") == "\\[u00FC]");
}

TEST_CASE("roff escape turns malformed UTF-8 into U+FFFD without swallowing text") {
  CHECK(roff::escape("\xff"
                     "a") == "\\[uFFFD]a");
  CHECK(roff::escape("\xe2\x82") == "\\[uFFFD]\\[uFFFD]");  // truncated
  CHECK(roff::escape("\xc3"
                     "a") == "\\[uFFFD]a");
  CHECK(roff::escape("\xed\xa0\x80") == "\\[uFFFD]\\[uFFFD]\\[uFFFD]");  // a surrogate
  CHECK(roff::escape("\xc0\xaf") == "\\[uFFFD]\\[uFFFD]");               // an overlong '/'
}

TEST_CASE("roff line never starts a request") {
  CHECK(roff::line(".TH evil") == "\\&.TH evil\n");
  CHECK(roff::line("'br") == "\\&'br\n");
  CHECK(roff::line("   .SH indented") == "\\&.SH indented\n");
  CHECK(roff::line("ok. fine") == "ok. fine\n");
  CHECK(roff::line("") == "\n");
}
