// veto's one JSON writer (src/core/json_writer.h), which writes the results, the ruleset
// and veto-server's own bodies: escaping, ill-formed UTF-8, separators, raw values.
#include "json_writer.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <string>

namespace {

std::string as_json_string(std::string_view text) {
  std::string out;
  veto::json_writer(out).string(text);
  return out;
}

TEST(json_writer, escapes_what_json_requires_and_passes_the_rest) {
  EXPECT_EQ(as_json_string("plain"), "\"plain\"");
  EXPECT_EQ(as_json_string("\"\\"), "\"\\\"\\\\\"");
  EXPECT_EQ(as_json_string("\b\f\n\r\t"), "\"\\b\\f\\n\\r\\t\"");
  EXPECT_EQ(as_json_string(std::string("\x00\x01\x1f", 3)), "\"\\u0000\\u0001\\u001f\"");
  EXPECT_EQ(as_json_string("/\x7f"), "\"/\x7f\"");  // neither needs escaping
  EXPECT_EQ(as_json_string("Jörg 東京 😀"), "\"Jörg 東京 😀\"");  // UTF-8 as is
}

TEST(json_writer, ill_formed_utf8_becomes_one_replacement_character_per_bad_sequence) {
  EXPECT_EQ(as_json_string("a\xff" "b"), "\"a\xEF\xBF\xBD" "b\"");
  EXPECT_EQ(as_json_string("\xC3"), "\"\xEF\xBF\xBD\"");               // cut short at the end
  EXPECT_EQ(as_json_string("\xE6\x9D" "x"), "\"\xEF\xBF\xBD" "x\"");    // cut short before ASCII
  EXPECT_EQ(as_json_string("\xED\xA0\x80"), "\"\xEF\xBF\xBD\"");        // a surrogate's encoding
  EXPECT_EQ(as_json_string("\xC0\xAF"), "\"\xEF\xBF\xBD\"");            // overlong
  // Whatever the bytes, the output parses.
  std::string bytes;
  for (int b = 0; b < 256; ++b) bytes += static_cast<char>(b);
  EXPECT_FALSE(nlohmann::json::parse(as_json_string(bytes), nullptr, false).is_discarded());
}

TEST(json_writer, separates_members_and_elements_and_writes_every_scalar) {
  std::string out;
  veto::json_writer w(out);
  w.begin_object();
  w.key("a"), w.number(std::numeric_limits<std::int64_t>::min());
  w.key("b"), w.begin_array();
  w.boolean(true), w.boolean(false), w.null(), w.string("");
  w.begin_object(), w.end_object();
  w.begin_array(), w.end_array();
  w.end_array();
  w.key("c"), w.value(veto::scalar{std::int64_t{7}});
  w.key("d"), w.value(veto::scalar{std::string("x")});
  w.key("e"), w.value(veto::scalar{});
  w.key("f"), w.raw(R"({"x":[1]})");
  w.end_object();
  EXPECT_EQ(out,
            R"({"a":-9223372036854775808,"b":[true,false,null,"",{},[]],"c":7,"d":"x","e":null,)"
            R"("f":{"x":[1]}})");
}

}  // namespace
