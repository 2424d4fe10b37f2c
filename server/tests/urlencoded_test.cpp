#include "urlencoded.h"

#include <gtest/gtest.h>

namespace veto_server {
namespace {

TEST(Urlencoded, DecodesPlusAndPercent) {
  EXPECT_EQ(percent_decode("a+b%20c%2Bd"), "a b c+d");
  EXPECT_EQ(percent_decode("%C3%A4"), "\xC3\xA4");
  EXPECT_EQ(percent_decode("%e2%80%94"), "\xE2\x80\x94");
}

TEST(Urlencoded, KeepsMalformedPercentAsWritten) {
  EXPECT_EQ(percent_decode("100%"), "100%");
  EXPECT_EQ(percent_decode("%G1%4"), "%G1%4");
  EXPECT_EQ(percent_decode("%%41"), "%A");
}

TEST(Urlencoded, PassesIllFormedUtf8ThroughForTheValidatorToReport) {
  EXPECT_EQ(percent_decode("%FF%C0"), "\xFF\xC0");
}

TEST(Urlencoded, SplitsPairsSkippingEmptyPieces) {
  const auto pairs = parse_urlencoded("&a=1&&b=&c&=x&d=e=f&");
  ASSERT_EQ(pairs.size(), 5u);
  EXPECT_EQ(pairs[0].name, "a");
  EXPECT_EQ(pairs[0].value, "1");
  EXPECT_EQ(pairs[1].name, "b");
  EXPECT_EQ(pairs[1].value, "");
  EXPECT_EQ(pairs[2].name, "c");
  EXPECT_EQ(pairs[2].value, "");
  EXPECT_EQ(pairs[3].name, "");
  EXPECT_EQ(pairs[3].value, "x");
  EXPECT_EQ(pairs[4].name, "d");
  EXPECT_EQ(pairs[4].value, "e=f");
  EXPECT_TRUE(parse_urlencoded("").empty());
}

TEST(Urlencoded, TakesLocaleAndKeyOutOfTheForm) {
  const page_submission s = to_page_submission(parse_urlencoded(
      "locale=de&email=a%40b.de&idempotency_key=k1&locale=fr&idempotency_key=k2&phone=&email=x"));
  EXPECT_EQ(s.locale, "de");
  ASSERT_TRUE(s.idempotency_key);
  EXPECT_EQ(*s.idempotency_key, "k1");
  ASSERT_EQ(s.members.size(), 3u);
  EXPECT_EQ(s.members[0].name, "email");
  EXPECT_EQ(s.members[0].text, "a@b.de");
  EXPECT_EQ(s.members[1].name, "phone");
  EXPECT_EQ(s.members[1].text, "");
  EXPECT_EQ(s.members[2].name, "email");  // kept: the validator reports the repetition
}

TEST(Urlencoded, EmptyOptionalInputIsAbsentAndRepeatedNameIsDuplicate) {
  const veto::validator loaded = *veto::validator::from_default_ruleset();
  const page_submission s = to_page_submission(
      parse_urlencoded("email=anna%40example.de&country=AT&phone=&details=+++&justification=" +
                       std::string("Meta+must+not+train+its+AI+on+my+posts+and+photos.")));
  const veto::result r = loaded.validate(s.members, "en");
  EXPECT_TRUE(r.valid) << veto::to_json(r);
  for (const auto& field : r.fields) {
    if (field.name == "phone" || field.name == "details") {
      EXPECT_TRUE(field.valid);
      EXPECT_FALSE(field.value.has_value());
    }
  }
  const page_submission twice =
      to_page_submission(parse_urlencoded("email=a%40b.de&email=c%40d.de"));
  const veto::result d = loaded.validate(twice.members, "en");
  ASSERT_EQ(d.form_errors.size(), 1u);
  EXPECT_EQ(d.form_errors[0].code, "form.duplicate_field");
}

TEST(Urlencoded, LinearOnAHugeBody) {
  std::string body;
  for (int i = 0; i < 200000; ++i) body += "a=%41&";
  EXPECT_EQ(parse_urlencoded(body).size(), 200000u);
}

}  // namespace
}  // namespace veto_server
