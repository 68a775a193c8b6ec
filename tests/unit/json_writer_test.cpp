#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <string>

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

TEST_CASE("stored_size is the length of the JSON string nlohmann writes, quotes not counted") {
  for (const std::string& text :
       {std::string("plain"), std::string("\"\\\b\f\n\r\t"), std::string("\x01\x1b\x1f", 3),
        std::string(8 * 1024, '\x01'), std::string("ünïcödé 🚨 \x7f"), std::string()}) {
    INFO(Catch::Detail::stringify(text));
    CHECK(json::stored_size(text) == nlohmann::json(text).dump().size() - 2);
  }
  CHECK(json::stored_size(std::string(8 * 1024, '\x01')) == 6 * 8 * 1024);
}
