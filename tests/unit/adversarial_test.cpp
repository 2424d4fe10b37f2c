// Inputs built to hurt: floods of the characters that make naive validators slow or wrong.
// Each gets a clear answer (the expected code); time is measured in bench/, not here.
#include <gtest/gtest.h>

#include <string>

#include "veto/veto.h"

namespace {

using kind = veto::form_member::kind;

const veto::validator& validator() {
  static const veto::validator loaded = *veto::validator::from_default_ruleset();
  return loaded;
}

// `unit` repeated to fill 64 KiB (the field limit) as closely as whole units allow.
std::string flood(const std::string& unit, std::size_t prefix_bytes = 0) {
  std::string out;
  while (prefix_bytes + out.size() + unit.size() <= 64 * 1024) out += unit;
  return out;
}

std::vector<std::string> codes_of(const std::string& field, const std::string& value) {
  const auto result = validator().validate_field(field, {{field, kind::string, value}});
  std::vector<std::string> codes;
  for (const auto& e : result->errors) codes.push_back(e.code);
  return codes;
}

using codes = std::vector<std::string>;

TEST(adversarial, text_floods_get_clear_answers) {
  EXPECT_EQ(codes_of("justification", "a" + flood("\u0301", 1)),
            (codes{"text.too_short", "text.too_few_words", "text.not_meaningful"}));
  EXPECT_EQ(codes_of("justification", flood("\u200d")),
            (codes{"text.too_short", "text.too_few_words", "text.not_meaningful"}));
  EXPECT_EQ(codes_of("justification", "start " + flood("\U0001F1E9", 10) + " end"),
            (codes{"text.too_long", "text.too_few_words"}));
  EXPECT_EQ(codes_of("justification", "x " + flood("\u202e", 2)), (codes{"text.forbidden_char"}));
  EXPECT_EQ(codes_of("details", flood("e\u0301 ")), (codes{"text.too_long"}));
  EXPECT_EQ(codes_of("details", flood("\r\n")), codes{});  // all White_Space: absent, optional
}

TEST(adversarial, email_floods_get_clear_answers) {
  EXPECT_EQ(codes_of("email", flood("@")), (codes{"email.domain_empty"}));
  EXPECT_EQ(codes_of("email", flood(".")), (codes{"email.no_at"}));
  EXPECT_EQ(codes_of("email", flood("\"")), (codes{"email.no_at"}));
  EXPECT_EQ(codes_of("email", "a@" + flood("a.", 4) + "de"), (codes{"email.domain_too_long"}));
  EXPECT_EQ(codes_of("email", "a@" + flood("\u0301", 2)), (codes{"email.domain_invalid"}));
  EXPECT_EQ(codes_of("email", "a@" + flood("\u65e5", 5) + ".jp"),
            (codes{"email.domain_label_too_long"}));
  EXPECT_EQ(codes_of("email", "a@xn--" + flood("b", 10) + ".de"), (codes{"email.domain_invalid"}));
  EXPECT_EQ(codes_of("email", flood("a", 12) + "@gmai.co"), (codes{"email.local_too_long"}));
  // Names of many labels, which ICU converts in quadratic time, are too long from 128 labels
  // on, however they are written (Unicode labels, Punycode labels, ideographic full stops).
  EXPECT_EQ(codes_of("email", "a@" + flood("\u00fc.", 64) + "de"),
            (codes{"email.domain_too_long"}));
  EXPECT_EQ(codes_of("email", "a@" + flood("xn--mnchen-3ya\u3002", 64) + "de"),
            (codes{"email.domain_too_long"}));
  // 127 labels in 253 octets: the longest domain there is passes email rule 10 (the
  // address, 255 octets with "a@", is then over rule 13's limit: docs/contract.md §2.1);
  // 128 labels do not.
  std::string labels_127;
  for (int i = 0; i < 126; ++i) labels_127 += "a.";
  EXPECT_EQ(codes_of("email", "a@" + labels_127 + "a"), (codes{"email.too_long"}));
  EXPECT_EQ(codes_of("email", "a@a." + labels_127 + "a"), (codes{"email.domain_too_long"}));
}

TEST(adversarial, a_64_kib_phone_of_digits_is_too_long_at_once) {
  EXPECT_EQ(codes_of("phone", flood("9")), (codes{"phone.invalid"}));
  const auto field = validator().validate_field("phone", {{"phone", kind::string, flood("9")}});
  EXPECT_EQ(std::get<std::string>(field->errors[0].params[0].second), "too_long");
}

TEST(adversarial, a_field_just_over_64_kib_is_too_long_before_anything_else) {
  EXPECT_EQ(codes_of("email", std::string(64 * 1024 + 1, '@')), (codes{"too_long"}));
  EXPECT_EQ(codes_of("justification", std::string(64 * 1024 + 1, '\x01')), (codes{"too_long"}));
}

TEST(adversarial, deep_nesting_and_many_members_are_one_answer_each) {
  const std::string deep = "{\"email\":\"a@example.org\",\"x\":" + std::string(100000, '[') +
                           std::string(100000, ']') + "}";
  const auto r = validator().validate_json(deep);
  EXPECT_TRUE(r.form_errors.empty());
  ASSERT_EQ(r.form_warnings.size(), 1u);
  EXPECT_EQ(r.form_warnings[0].code, "unknown_field");
  EXPECT_EQ(validator().validate_json(std::string(100000, '[')).form_errors[0].code, "form.json");
  std::string many = "{";
  for (int i = 0; i < 5000; ++i)
    many += "\"m" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  many += "\"email\":\"a@example.org\"}";
  EXPECT_EQ(validator().validate_json(many).form_warnings.size(), 5000u);
}

}  // namespace
