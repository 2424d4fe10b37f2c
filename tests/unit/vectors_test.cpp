// Runs the test vectors under tests/vectors through the public API. Each vector is one
// JSON line; each file has its own shape, described at the top of its runner below.
#include <gtest/gtest.h>
#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "veto/veto.h"

namespace {

using json = nlohmann::ordered_json;

struct vector_case {
  std::string file;
  int line = 0;
  json data;
};

// The vectors of `file`, only those with the member `shape` when one is named.
std::vector<vector_case> read_vectors(const std::string& file, const std::string& shape = "") {
  std::vector<vector_case> out;
  std::ifstream in(std::string(VETO_VECTORS_DIR) + "/" + file);
  std::string text;
  int number = 0;
  while (std::getline(in, text)) {
    ++number;
    if (text.empty() || text[0] == '#') continue;
    json data = json::parse(text);
    if (shape.empty() || data.contains(shape)) out.push_back({file, number, std::move(data)});
  }
  if (out.empty()) ADD_FAILURE() << "no vectors in " << file;
  return out;
}

// gtest prints a failing parameter with this: the vector's file, line and text.
void PrintTo(const vector_case& v, std::ostream* out) {
  *out << v.file << ":" << v.line << " " << v.data.dump();
}

std::string case_name(const testing::TestParamInfo<vector_case>& info) {
  return "line" + std::to_string(info.param.line);
}

std::string from_hex(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  return out;
}

// A validator whose ruleset is the default with `overrides` merged into one field.
std::unique_ptr<veto::validator> validator_for(const json& overrides,
                                               const std::string& name = "email") {
  json rules = json::parse(veto::validator::default_ruleset_json());
  for (auto& field : rules["fields"]) {
    if (field["name"] == name) {
      for (const auto& [key, value] : overrides.items()) field[key] = value;
    }
  }
  veto::expected<veto::validator> loaded = veto::validator::from_ruleset(rules.dump());
  EXPECT_TRUE(loaded) << loaded.error();
  return loaded ? std::make_unique<veto::validator>(std::move(*loaded)) : nullptr;
}

json issue_codes(const json& issues) {
  json codes = json::array();
  for (const auto& item : issues) codes.push_back(item["code"]);
  return codes;
}

// email.jsonl: {"email": input, "error": code, "params": {...}} for an invalid address, or
// {"email": input, "value": ..., "info": {...}, "warnings": [codes], "warning_params": {...}}
// for a valid one; "options" overrides email options of the default ruleset.
class email_vectors : public testing::TestWithParam<vector_case> {};

TEST_P(email_vectors, match) {
  const json& v = GetParam().data;
  const auto checker = validator_for(v.value("options", json::object()));
  json form = json::object();
  form["email"] = v.at("email");
  json result = json::parse(veto::to_json(checker->validate_json(form.dump())));
  json& field = result["fields"]["email"];
  SCOPED_TRACE("vector: " + v.dump() + "\nresult: " + field.dump());
  if (v.contains("error")) {
    EXPECT_FALSE(result["valid"].get<bool>());
    EXPECT_FALSE(field["valid"].get<bool>());
    EXPECT_TRUE(field["value"].is_null());
    ASSERT_EQ(field["errors"].size(), 1u);
    EXPECT_EQ(field["errors"][0]["code"], v["error"]);
    if (v.contains("params")) EXPECT_EQ(field["errors"][0]["params"], v["params"]);
    EXPECT_EQ(field["warnings"], json::array());
    EXPECT_EQ(field["info"], json::object());
  } else {
    EXPECT_TRUE(field["valid"].get<bool>());
    EXPECT_EQ(field["errors"], json::array());
    if (v.contains("value")) EXPECT_EQ(field["value"], v["value"]);
    if (v.contains("info")) EXPECT_EQ(field["info"], v["info"]);
    EXPECT_EQ(issue_codes(field["warnings"]), v.value("warnings", json::array()));
    if (v.contains("warning_params")) {
      for (const auto& item : field["warnings"]) {
        EXPECT_EQ(item["params"], v["warning_params"][item["code"].get<std::string>()]);
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(vectors, email_vectors, testing::ValuesIn(read_vectors("email.jsonl")),
                         case_name);

// text.jsonl: {"text": input, "field": name (default justification), "options": {...},
// "errors": [codes], "params": {code: params}, "value": ..., "graphemes": n, "words": n}.
class text_vectors : public testing::TestWithParam<vector_case> {};

TEST_P(text_vectors, match) {
  const json& v = GetParam().data;
  const std::string name = v.value("field", "justification");
  const auto checker = validator_for(v.value("options", json::object()), name);
  json form = {{"email", "anna@example.org"}};
  form[name] = v.at("text");
  json result = json::parse(veto::to_json(checker->validate_json(form.dump())));
  json& field = result["fields"][name];
  SCOPED_TRACE("vector: " + v.dump() + "\nresult: " + field.dump());
  const json expected = v.value("errors", json::array());
  EXPECT_EQ(issue_codes(field["errors"]), expected);
  EXPECT_EQ(field["valid"].get<bool>(), expected.empty());
  for (const auto& item : field["errors"]) {
    const std::string code = item["code"];
    if (v.contains("params") && v["params"].contains(code))
      EXPECT_EQ(item["params"], v["params"][code]);
  }
  if (v.contains("value")) EXPECT_EQ(field["value"], v["value"]);
  if (!expected.empty()) EXPECT_TRUE(field["value"].is_null());
  if (v.contains("graphemes")) EXPECT_EQ(field["info"]["graphemes"], v["graphemes"]);
  if (v.contains("words")) EXPECT_EQ(field["info"]["words"], v["words"]);
}

INSTANTIATE_TEST_SUITE_P(vectors, text_vectors, testing::ValuesIn(read_vectors("text.jsonl")),
                         case_name);

// country.jsonl, {"country": input, "locale": tag, "options": {...}} with either "error",
// "params" and "info" (default {}) or "value", "info", "warnings" and "warning_params".
class country_vectors : public testing::TestWithParam<vector_case> {};

TEST_P(country_vectors, match) {
  const json& v = GetParam().data;
  const auto checker = validator_for(v.value("options", json::object()), "country");
  const json form = {{"country", v.at("country")}};
  json result = json::parse(veto::to_json(checker->validate_json(form.dump(), v.value("locale", "en"))));
  json& field = result["fields"]["country"];
  SCOPED_TRACE("vector: " + v.dump() + "\nresult: " + field.dump());
  if (v.contains("error")) {
    EXPECT_FALSE(field["valid"].get<bool>());
    EXPECT_TRUE(field["value"].is_null());
    ASSERT_EQ(field["errors"].size(), 1u);
    EXPECT_EQ(field["errors"][0]["code"], v["error"]);
    EXPECT_EQ(field["errors"][0]["params"], v.value("params", json::object()));
    EXPECT_EQ(field["warnings"], json::array());
    if (v.contains("info")) {
      EXPECT_EQ(field["info"], v["info"]);
    } else if (v["error"] != "country.not_eligible") {
      EXPECT_EQ(field["info"], json::object());
    }
  } else {
    EXPECT_TRUE(field["valid"].get<bool>());
    EXPECT_EQ(field["errors"], json::array());
    EXPECT_EQ(field["value"], v.at("value"));
    if (v.contains("info")) EXPECT_EQ(field["info"], v["info"]);
    EXPECT_EQ(issue_codes(field["warnings"]), v.value("warnings", json::array()));
    for (const auto& item : field["warnings"]) {
      EXPECT_EQ(item["params"], v["warning_params"][item["code"].get<std::string>()]);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(vectors, country_vectors,
                         testing::ValuesIn(read_vectors("country.jsonl", "country")), case_name);

// country.jsonl, {"iso": [alpha-2, alpha-3, numeric]}: an eligible country as the ISO list
// gives it. It must be found by each code, and by ICU's own standard display name in each
// message locale (as written and upper-cased), with that name as info in that locale; for
// pt, the catalog being European Portuguese, pt_PT's name is shown and both are found.
class eligible_countries : public testing::TestWithParam<vector_case> {};

std::string display_name(const std::string& alpha2, const char* locale, bool upper) {
  icu::UnicodeString name;
  icu::Locale("und", alpha2.c_str()).getDisplayCountry(icu::Locale(locale), name);
  if (upper) name.toUpper(icu::Locale(locale));
  std::string out;
  return name.toUTF8String(out);
}

TEST_P(eligible_countries, found_by_codes_and_names) {
  const json& iso = GetParam().data.at("iso");
  const std::string alpha2 = iso[0], alpha3 = iso[1], numeric = iso[2];
  const auto checker = std::make_unique<veto::validator>(*veto::validator::from_default_ruleset());
  const auto check = [&](const std::string& input, const char* locale, const std::string& name) {
    const json form = {{"country", input}};
    json field =
        json::parse(veto::to_json(checker->validate_json(form.dump(), locale)))["fields"]["country"];
    const json facts = {{"alpha3", alpha3}, {"numeric", numeric}, {"name", name}};
    EXPECT_EQ(field["value"], alpha2) << input << " in " << locale << ": " << field.dump();
    EXPECT_EQ(field["info"], facts) << input << " in " << locale;
    EXPECT_EQ(field["warnings"], json::array()) << input << " in " << locale;
  };
  const std::string english = display_name(alpha2, "en", false);
  for (const std::string& code : {alpha2, alpha3, numeric}) {
    check(code, "en", english);
    std::string lower = code;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    check(lower, "en", english);
  }
  for (const std::string_view tag : veto::supported_locales()) {
    const std::string locale_name(tag);
    const char* const locale = locale_name.c_str();
    const char* const shown_in = tag == "pt" ? "pt_PT" : locale;
    const std::string shown = display_name(alpha2, shown_in, false);
    for (const char* const source : {locale, shown_in}) {
      const std::string name = display_name(alpha2, source, false);
      ASSERT_NE(name, alpha2) << "ICU has no name for " << alpha2 << " in " << source;
      check(name, locale, shown);
      check(display_name(alpha2, source, true), locale, shown);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(vectors, eligible_countries,
                         testing::ValuesIn(read_vectors("country.jsonl", "iso")),
                         [](const testing::TestParamInfo<vector_case>& info) {
                           return info.param.data["iso"][0].get<std::string>();
                         });

TEST(eligible_countries, are_the_default_list) {
  std::vector<std::string> listed;
  for (const auto& v : read_vectors("country.jsonl", "iso")) listed.push_back(v.data["iso"][0]);
  const veto::validator loaded = *veto::validator::from_default_ruleset();
  const json canonical = json::parse(loaded.ruleset_json());
  EXPECT_EQ(canonical["fields"][1]["name"], "country");
  EXPECT_EQ(canonical["fields"][1]["eligible"], json(listed));
}

// document.jsonl: {"line": text | "line_hex": bytes, "form_errors": [codes],
// "form_params": {...}, "form_warnings": [codes], "fields": {name: error code or null}}.
class document_vectors : public testing::TestWithParam<vector_case> {};

TEST_P(document_vectors, match) {
  const json& v = GetParam().data;
  // Hygiene is about the document, so the ruleset holds just one field.
  static const auto loaded = veto::validator::from_ruleset(
      R"({"id":"ai-training-objection","version":1,"fields":[{"name":"email","kind":"email"}]})");
  const veto::validator* checker = &*loaded;
  const std::string line =
      v.contains("line_hex") ? from_hex(v["line_hex"]) : v["line"].get<std::string>();
  const std::string text = veto::to_json(checker->validate_json(line));
  json result = json::parse(text);
  SCOPED_TRACE("vector: " + v.dump() + "\nresult: " + text);
  const json expected_errors = v.value("form_errors", json::array());
  EXPECT_EQ(issue_codes(result["form"]["errors"]), expected_errors);
  if (v.contains("form_params")) EXPECT_EQ(result["form"]["errors"][0]["params"], v["form_params"]);
  EXPECT_EQ(issue_codes(result["form"]["warnings"]), v.value("form_warnings", json::array()));
  if (!expected_errors.empty()) {
    EXPECT_FALSE(result["valid"].get<bool>());
    EXPECT_EQ(result["fields"], json::object());
  }
  const json expected_fields = v.value("fields", json::object());
  for (const auto& [name, code] : expected_fields.items()) {
    json& field = result["fields"][name];
    if (code.is_null()) {
      EXPECT_EQ(field["errors"], json::array()) << name;
    } else {
      ASSERT_EQ(field["errors"].size(), 1u) << name;
      EXPECT_EQ(field["errors"][0]["code"], code) << name;
    }
  }
  if (v.contains("valid")) EXPECT_EQ(result["valid"], v["valid"]);
}

INSTANTIATE_TEST_SUITE_P(vectors, document_vectors,
                         testing::ValuesIn(read_vectors("document.jsonl")), case_name);

// rulesets.jsonl: {"ruleset": value | "ruleset_text": text, "error": substring} for a
// ruleset that must be refused, {"ruleset": value, "canonical": value} for one that loads.
class ruleset_vectors : public testing::TestWithParam<vector_case> {};

TEST_P(ruleset_vectors, match) {
  const json& v = GetParam().data;
  const std::string text =
      v.contains("ruleset_text") ? v["ruleset_text"].get<std::string>() : v["ruleset"].dump();
  const veto::expected<veto::validator> loaded = veto::validator::from_ruleset(text);
  if (v.contains("error")) {
    EXPECT_FALSE(loaded);
    EXPECT_EQ(loaded.error(), v["error"].get<std::string>());
  } else {
    ASSERT_TRUE(loaded) << loaded.error();
    if (v.contains("canonical")) {
      EXPECT_EQ(json::parse(loaded->ruleset_json()), v["canonical"]);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(vectors, ruleset_vectors,
                         testing::ValuesIn(read_vectors("rulesets.jsonl")), case_name);

}  // namespace
