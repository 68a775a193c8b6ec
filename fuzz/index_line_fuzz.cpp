// A line of the store's index (index/open.tsv, closed.tsv): a summary line or a skipped
// file's line. The index is a cache a sync, a crash or a person can leave in any state;
// readers decode each line and must refuse what is malformed rather than misread it.
//
// Invariants: a line that decodes encodes to a line that decodes to the same thing (the
// store rewrites lines it read); both decode_summary overloads agree, also into a reused
// Summary; decode_summary_key agrees with decode_summary; unescape_field inverts
// escape_field for any text.

#include "fuzz_support.hpp"
#include "incident/summary.hpp"

using namespace incident;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view line = fuzz::as_text(data, size);

  const auto summary = decode_summary(line);
  // Decoding in bulk reuses one Summary: stale strings in it must not leak into the next.
  static Summary reused;
  const bool reused_ok = decode_summary(line, reused);
  FUZZ_CHECK(reused_ok == summary.has_value(), "the two decode_summary disagree");
  if (summary) {
    FUZZ_CHECK(reused == *summary, "decoding into a reused Summary gives another summary");
    const std::string encoded = encode_summary(*summary);
    const auto again = decode_summary(encoded);
    FUZZ_CHECK(again && *again == *summary, "re-encoded line decodes differently: %s", encoded.c_str());
    FUZZ_CHECK(encode_summary(*again) == encoded, "encoded twice, two lines");
    const auto key = decode_summary_key(line);
    FUZZ_CHECK(key && key->id == summary->id && key->started_at == summary->started_at && key->file == summary->file,
               "decode_summary_key disagrees with decode_summary");
  }

  const auto skipped = decode_skipped(line);
  FUZZ_CHECK(!skipped || !summary, "a line both a summary and a skipped file");
  FUZZ_CHECK(skipped.has_value() <= is_skipped_line(line), "skipped but not a skipped line");
  if (skipped) {
    const std::string encoded = encode_skipped(*skipped);
    const auto again = decode_skipped(encoded);
    FUZZ_CHECK(again && again->id == skipped->id && again->file == skipped->file && again->message == skipped->message,
               "re-encoded skipped line decodes differently: %s", encoded.c_str());
  }

  // Any text survives escaping; an escaped field has no tab or newline left to split on.
  const std::string escaped = escape_field(line);
  FUZZ_CHECK(escaped.find_first_of("\t\n\r") == std::string::npos, "escaped field keeps a separator");
  const auto unescaped = unescape_field(escaped);
  FUZZ_CHECK(unescaped && *unescaped == line, "unescape_field(escape_field(x)) != x");
  std::string out = "stale";
  const bool ok = unescape_field(line, out);
  const auto direct = unescape_field(line);
  FUZZ_CHECK(ok == direct.has_value() && (!ok || out == *direct), "the two unescape_field disagree");
  if (direct) {
    FUZZ_CHECK(direct->size() <= line.size(), "unescaping grew the text");
  }
  (void)decode_index_number(line);
  return 0;
}
