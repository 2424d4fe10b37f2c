// An integrator's message templates (veto::message_overrides), through the public API:
// what they replace, and every way a template is refused, each with its stable message.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "veto/veto.h"

namespace {

using json = nlohmann::json;

veto::message_overrides overrides(std::string_view text) {
  auto made = veto::message_overrides::from_json(text);
  EXPECT_TRUE(made) << made.error();
  return made ? std::move(*made) : veto::message_overrides();
}

std::string refusal(std::string_view text) {
  auto made = veto::message_overrides::from_json(text);
  EXPECT_FALSE(made) << text;
  return made ? std::string() : made.error();
}

std::string refusal(std::vector<veto::message_template> templates) {
  auto made = veto::message_overrides::from_templates(templates);
  EXPECT_FALSE(made);
  return made ? std::string() : made.error();
}

const veto::field_result& field(const veto::result& r, std::string_view name) {
  for (const auto& f : r.fields) {
    if (f.name == name) return f;
  }
  throw std::runtime_error("no field " + std::string(name));
}

TEST(message_overrides, replace_the_message_of_their_code_in_their_locale_only) {
  const auto v = *veto::validator::from_default_ruleset(overrides(
      R"({"email.typo":{"de":"Vielleicht {suggestion}?"},"required":{"en":"Fill this in."}})"));
  const std::string form = R"({"email":"anna@gmial.com"})";
  const auto de = v.validate_json(form, "de-AT");
  EXPECT_EQ(de.locale, "de");
  EXPECT_EQ(field(de, "email").warnings.at(0).message, "Vielleicht anna@gmail.com?");
  // The code and params stay what they are; other codes keep the catalog's message.
  EXPECT_EQ(field(de, "email").warnings.at(0).code, "email.typo");
  EXPECT_EQ(field(de, "country").errors.at(0).message, "Dieses Feld muss ausgefüllt werden.");
  const auto en = v.validate_json(form, "en");
  EXPECT_EQ(field(en, "email").warnings.at(0).message, "Did you mean anna@gmail.com?");
  EXPECT_EQ(field(en, "country").errors.at(0).message, "Fill this in.");
  // validate() and validate_field() take the same messages.
  const veto::form members = {{"email", veto::form_member::kind::string, "anna@gmial.com"}};
  EXPECT_EQ(v.validate_field("email", members, "de")->warnings.at(0).message,
            "Vielleicht anna@gmail.com?");
  EXPECT_EQ(veto::to_json(v.validate(members, "de")), veto::to_json(v.validate_json(form, "de")));
}

TEST(message_overrides, take_plural_forms_select_and_the_locales_digits) {
  const auto v = *veto::validator::from_ruleset(
      R"({"id":"p","version":1,"fields":[{"name":"t","kind":"text","min_graphemes":10000}]})",
      overrides(R"({"text.too_short":{
        "pl":"Min. {min}: {actual, plural, one {# znak} few {# znaki} many {# znaków} other {# znaku}}",
        "en":"{actual, plural, =1 {Just one} one {# one} other {# of {min, number}}}'!' '{'x'}' it''s"},
        "form.json":{"fr":"JSON ? '{ }'"},
        "phone.invalid":{"en":"{reason, select, too_short {Short} other {Bad}}"}})"));
  const auto text = [&](int count, const char* locale) {
    const veto::form members = {{"t", veto::form_member::kind::string, std::string(count, 'a')}};
    return v.validate_field("t", members, locale)->errors.at(0).message;
  };
  EXPECT_EQ(text(1, "pl"), "Min. 10\u00a0000: 1 znak");
  EXPECT_EQ(text(3, "pl"), "Min. 10\u00a0000: 3 znaki");
  EXPECT_EQ(text(5, "pl"), "Min. 10\u00a0000: 5 znaków");
  EXPECT_EQ(text(1, "en"), "Just one'!' {x} it's");
  EXPECT_EQ(text(22, "en"), "22 of 10,000'!' {x} it's");
  EXPECT_EQ(v.validate_json("[", "fr").form_errors.at(0).message, "JSON ? { }");
}

TEST(message_overrides, templates_and_json_make_the_same_overrides) {
  const auto from_templates = veto::message_overrides::from_templates(
      {{"email.no_at", "sv", "Saknar @"}, {"email.no_at", "fi", "Ei @"}});
  ASSERT_TRUE(from_templates) << from_templates.error();
  EXPECT_EQ(from_templates->size(), 2u);
  const auto a = *veto::validator::from_default_ruleset(*from_templates);
  const auto b = *veto::validator::from_default_ruleset(
      overrides(R"({"email.no_at":{"sv":"Saknar @","fi":"Ei @"}})"));
  for (const char* locale : {"sv", "fi", "en"}) {
    EXPECT_EQ(veto::to_json(a.validate_json(R"({"email":"x"})", locale)),
              veto::to_json(b.validate_json(R"({"email":"x"})", locale)));
  }
  EXPECT_EQ(field(a.validate_json(R"({"email":"x"})", "sv"), "email").errors[0].message, "Saknar @");
  EXPECT_EQ(veto::message_overrides().size(), 0u);
  EXPECT_EQ(overrides("{}").size(), 0u);
}

// Every catalog pattern is a template veto accepts (the checker is no stricter than the
// catalogs), and with all of them as overrides the results are unchanged.
TEST(message_overrides, every_catalog_pattern_is_an_accepted_template) {
  std::vector<veto::message_template> all;
  for (const auto& entry : std::filesystem::directory_iterator(VETO_CATALOG_DIR)) {
    std::ifstream in(entry.path());
    const json catalog = json::parse(in);
    for (const auto& [code, pattern] : catalog.items()) {
      all.push_back({code, entry.path().stem().string(), pattern.get<std::string>()});
    }
  }
  ASSERT_GE(all.size(), 26u * 40u);
  const auto made = veto::message_overrides::from_templates(all);
  ASSERT_TRUE(made) << made.error();
  const auto plain = *veto::validator::from_default_ruleset();
  const auto same = *veto::validator::from_default_ruleset(*made);
  for (const std::string_view locale : veto::supported_locales()) {
    for (const char* line :
         {R"({"email":"a b@x.de","country":"US","phone":"12","justification":"aaaa"})",
          R"({"email":"anna@gmial.com","country":"UK","phone":"+1 202 555 0100","x":1})",
          R"({"email":"a@-x.de","justification":"a\u0001b"})", "[", "{\"a\":1,\"a\":2}"}) {
      EXPECT_EQ(veto::to_json(same.validate_json(line, locale)),
                veto::to_json(plain.validate_json(line, locale)))
          << locale << " " << line;
    }
  }
}

TEST(message_overrides, unknown_codes_locales_and_placeholders_are_refused_by_name) {
  EXPECT_EQ(refusal(R"({"email.tpyo":{"de":"x"}})"),
            R"(messages["email.tpyo"]: not a code veto reports (docs/contract.md §7.5))");
  EXPECT_EQ(refusal(R"({"email.typo":{"de-AT":"x"}})"),
            R"(messages["email.typo"]["de-AT"]: not a locale veto has messages for (bg cs da de )"
            R"(el en es et fi fr ga hr hu is it lt lv mt nb nl pl pt ro sk sl sv))");
  EXPECT_EQ(refusal(R"({"email.typo":{"de":"Meinten Sie {sugestion}?"}})"),
            R"(messages["email.typo"]["de"]: byte 12: unknown placeholder {sugestion}; )"
            R"(email.typo has {suggestion})");
  EXPECT_EQ(refusal(R"({"required":{"en":"{field} is required"}})"),
            R"(messages["required"]["en"]: byte 0: unknown placeholder {field}; required has none)");
  EXPECT_EQ(refusal({{"too_long", "en", "{max} {actual} {offset}"}}),
            R"(messages["too_long"]["en"]: byte 15: unknown placeholder {offset}; )"
            R"(too_long has {max}, {actual})");
  EXPECT_EQ(refusal({{"nope", "en", "x"}}),
            R"(messages["nope"]: not a code veto reports (docs/contract.md §7.5))");
  EXPECT_EQ(refusal({{"type", "en", "a"}, {"type", "en", "b"}}),
            R"(messages["type"]["en"]: given twice)");
}

TEST(message_overrides, malformed_templates_are_refused_with_the_place) {
  const std::pair<const char*, const char*> cases[] = {
      {"", "empty"},
      {" \t", "empty"},
      {"{max", "byte 4: expected } or , after {max"},
      {"a } b", "byte 2: a } without its {; write '}' for the character itself"},
      {"a { b", "byte 2: unknown placeholder {b}; too_long has {max}, {actual}"},
      {"a {} b", "byte 2: a { must start a placeholder, like {max}; write '{' for the character itself"},
      {"it'{s", "byte 2: the apostrophe starts quoted text that never ends; write '' for an apostrophe"},
      {"{max, date}", "byte 6: unsupported argument type \"date\"; use plural, select or number"},
      {"{max, number, percent}", "byte 21: a number's only style is integer"},
      {"{max, plural, one {#}}", "byte 21: plural needs an other {...} choice"},
      {"{max, plural, one {#} other {#} one {#}}", "byte 32: the selector one appears twice"},
      {"{max, plural, several {#} other {#}}",
       "byte 14: unknown plural form \"several\"; use zero, one, two, few, many, other or =N"},
      {"{max, plural, =01 {#} other {#}}", "byte 14: an exact selector is = and a whole number, like =0"},
      {"{max, plural, offset:1 other {#}}",
       "byte 14: unknown plural form \"offset\"; use zero, one, two, few, many, other or =N"},
      {"{max, select, a {x} other {y}}", "byte 6: {max} is a number: use plural, not select"},
      {"{max, plural, other {# {actual, plural, other {{max, plural, other {{actual, plural, other {#}}}}}}}}}",
       "byte 68: arguments nested more than 3 deep"},
      {"{max, plural, other {x}", "byte 23: a { is not closed"},
      {"{max, plural other {x}}", "byte 13: expected , and the choices after plural"},
  };
  for (const auto& [text, problem] : cases) {
    EXPECT_EQ(refusal({{"too_long", "en", text}}),
              std::string(R"(messages["too_long"]["en"]: )") + problem)
        << text;
  }
  EXPECT_EQ(refusal({{"email.typo", "en", "{suggestion, plural, other {#}}"}}),
            R"(messages["email.typo"]["en"]: byte 13: {suggestion} is text: it can be used in )"
            R"(select, not plural)");
  EXPECT_EQ(refusal({{"type", "en", "\xff"}}), R"(messages["type"]["en"]: byte 0: not valid UTF-8)");
  EXPECT_EQ(refusal({{"type", "en", std::string(8193, 'a')}}),
            R"(messages["type"]["en"]: longer than 8192 bytes)");
}

// The JSON's problems are reported in the order of its keys, sorted (as the parsed object
// holds them): the first of "encoding", "required", "type" above is "encoding"'s.
TEST(message_overrides, json_of_the_wrong_shape_is_refused_with_the_place) {
  const std::pair<const char*, const char*> cases[] = {
      {"", "messages: not valid JSON"},
      {"[]", R"(messages: must be a JSON object {"code": {"locale": "template"}})"},
      {R"({"type":"x"})", R"(messages["type"]: must be an object {"locale": "template"})"},
      {R"({"type":{"en":1}})", R"(messages["type"]["en"]: must be a string)"},
      {R"({"type":{"en":{"a":"b"}}})", R"(messages["type"]["en"]: must be a string)"},
      {R"({"type":{"en":"a"}} x)", "messages: not valid JSON"},
      {R"({"type":{"en":"x"},"required":{"en":"{x}"},"encoding":{"xx":""}})",
       R"(messages["encoding"]["xx"]: not a locale veto has messages for (bg cs da de el en es et )"
       R"(fi fr ga hr hu is it lt lv mt nb nl pl pt ro sk sl sv))"},
      {R"({"typ\"e":{}})", R"(messages["typ\"e"]: not a code veto reports (docs/contract.md §7.5))"},
  };
  for (const auto& [text, problem] : cases) {
    EXPECT_EQ(refusal(text), problem) << text;
  }
  EXPECT_EQ(refusal(std::string_view("{\"type\":{\"en\":\"a\"}}\0", 20)),
            "messages: not valid JSON");
  EXPECT_EQ(refusal(std::string(1024 * 1024 + 1, ' ')), "messages: larger than 1 MiB");
}

// In JSON a key given twice keeps its last value, as JSON.parse and the ruleset loader do;
// a list of templates that names a (code, locale) twice is refused.
TEST(message_overrides, a_repeated_json_key_keeps_its_last_value) {
  const auto v = *veto::validator::from_default_ruleset(
      overrides(R"({"type":{"en":"a","en":"b"},"required":{"de":"x"},"required":{"en":"y"}})"));
  const auto r = v.validate_json(R"({"email":1})", "en");
  EXPECT_EQ(field(r, "email").errors.at(0).message, "b");
  EXPECT_EQ(field(r, "country").errors.at(0).message, "y");
  EXPECT_EQ(field(v.validate_json("{}", "de"), "country").errors.at(0).message,
            "Dieses Feld muss ausgefüllt werden.");
}

// Templates are checked in time linear in their length: a long run of nested-looking text
// and many choices are read once.
TEST(message_overrides, long_templates_are_checked_and_formatted) {
  std::string choices = "{max, plural, ";
  for (int i = 0; choices.size() < 8000; ++i) choices += "=" + std::to_string(i) + " {x} ";
  choices += "other {#}}";
  const auto made = veto::message_overrides::from_templates({{"too_long", "en", choices}});
  ASSERT_TRUE(made) << made.error();
  const auto v = *veto::validator::from_default_ruleset(*made);
  const std::string big(70000, 'a');
  const auto r = v.validate_json(R"({"email":")" + big + "\"}", "en");
  EXPECT_EQ(field(r, "email").errors.at(0).message, "65,536");
}

}  // namespace
