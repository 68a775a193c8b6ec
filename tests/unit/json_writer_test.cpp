#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <random>
#include <string>
#include <vector>

#include "incident/json_writer.hpp"

using namespace incident;

TEST_CASE("ObjectWriter writes what nlohmann's dump() writes, compact and indented") {
  const std::string awkward = "quote \" back \\ tab \t esc \x1b ünï 🚨 del \x7f";
  for (const bool pretty : {false, true}) {
    json::Buffer buffer;
    json::ObjectWriter writer(buffer, pretty);
    // In nlohmann's (sorted) key order, so that the bytes can be compared.
    writer.field("count", std::int64_t{-42});
    writer.null_field("none");
    writer.field("text", awkward);
    writer.close();
    const nlohmann::json expected = {{"text", awkward}, {"count", -42}, {"none", nullptr}};
    CHECK(buffer.view() == expected.dump(pretty ? 2 : -1));
  }
}

TEST_CASE("ObjectWriter writes nested objects, arrays of text and any key as nlohmann does") {
  const std::string bad_utf8 = "caf\xc3 \xff end";
  const std::vector<std::string> list = {"one", "two \"2\"", bad_utf8};
  for (const bool pretty : {false, true}) {
    json::Buffer buffer;
    json::ObjectWriter writer(buffer, pretty);
    writer.field("id", "x");
    {
      json::ObjectWriter fields = writer.object("fields");
      fields.field("a \"quoted\" \x01 key", std::int64_t{7});
      fields.field("empty", std::vector<std::string>{});
      fields.field("list", list);
      fields.field(bad_utf8, bad_utf8);
      fields.field("nul", std::string("na\xc3\xafve \0 nul \xff", 14));
      fields.close();
    }
    writer.field("after", std::int64_t{1});
    writer.close();
    nlohmann::ordered_json expected = {{"id", "x"}};
    nlohmann::ordered_json fields = nlohmann::ordered_json::object();
    fields["a \"quoted\" \x01 key"] = 7;
    fields["empty"] = nlohmann::ordered_json::array();
    fields["list"] = list;
    fields[bad_utf8] = bad_utf8;
    fields["nul"] = std::string("na\xc3\xafve \0 nul \xff", 14);
    expected["fields"] = fields;
    expected["after"] = 1;
    CHECK(buffer.view() == expected.dump(pretty ? 2 : -1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
  }
}

TEST_CASE("ObjectWriter writes any bytes, as keys and as values, as nlohmann's dump() does") {
  // Random text from the bytes that matter (NUL, controls, quote, backslash, DEL, lead and
  // continuation bytes, whole characters), with a fixed seed.
  const std::vector<std::string> pieces = {std::string(1, '\0'), "\x01", "\x1f", "\"", "\\", "\x7f", "\x80", "\xbf",
                                           "\xc3", "\xe2\x80", "\xf0\x9f", "\xff", "\xc3\xa9", "\xe2\x80\xae",
                                           "\xf0\x9f\x9a\xa8", "a", "plain text ", "\n", "\t"};
  std::mt19937 random(20261207);
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    const auto count = std::uniform_int_distribution<std::size_t>(0, 12)(random);
    for (std::size_t i = 0; i < count; ++i) {
      text += pieces[std::uniform_int_distribution<std::size_t>(0, pieces.size() - 1)(random)];
    }
    json::Buffer buffer;
    json::ObjectWriter writer(buffer, false);
    writer.field("k" + text, text);
    writer.field("list", std::vector<std::string>{text, "x"});
    writer.close();
    nlohmann::ordered_json expected = nlohmann::ordered_json::object();
    expected["k" + text] = text;
    expected["list"] = std::vector<std::string>{text, "x"};
    INFO(Catch::Detail::stringify(text));
    REQUIRE(buffer.view() == expected.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
  }
}

TEST_CASE("stored_size is the length of the JSON string nlohmann writes, quotes not counted") {
  for (const std::string& text :
       {std::string("plain"), std::string("\"\\\b\f\n\r\t"), std::string("\x01\x1b\x1f", 3),
        std::string(8 * 1024, '\x01'), std::string("ünïcödé 🚨 \x7f"), std::string()}) {
    INFO(Catch::Detail::stringify(text));
    CHECK(json::stored_size(text) == nlohmann::json(text).dump().size() - 2);
  }
  CHECK(json::stored_size(std::string(8 * 1024, '\x01')) == 6 * 8 * 1024);
}
