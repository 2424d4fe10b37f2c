// Runs the test vectors under tests/vectors through the public API. Each vector is one
// JSON line; each file has its own shape, described at the top of its runner below.
#include <gtest/gtest.h>

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

std::vector<vector_case> read_vectors(const std::string& file) {
  std::vector<vector_case> out;
  std::ifstream in(std::string(VETO_VECTORS_DIR) + "/" + file);
  std::string text;
  int number = 0;
  while (std::getline(in, text)) {
    ++number;
    if (text.empty() || text[0] == '#') continue;
    out.push_back({file, number, json::parse(text)});
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
  veto::loaded_validator loaded = veto::validator::from_ruleset(rules.dump());
  EXPECT_TRUE(loaded) << loaded.error;
  return std::move(loaded.value);
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
  json result = json::parse(checker->validate_json(form.dump()).to_json());
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
  json result = json::parse(checker->validate_json(form.dump()).to_json());
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

// document.jsonl: {"line": text | "line_hex": bytes, "form_errors": [codes],
// "form_params": {...}, "form_warnings": [codes], "fields": {name: error code or null}}.
class document_vectors : public testing::TestWithParam<vector_case> {};

TEST_P(document_vectors, match) {
  const json& v = GetParam().data;
  // Hygiene is about the document, so the ruleset holds just one field.
  static const auto loaded = veto::validator::from_ruleset(
      R"({"id":"ai-training-objection","version":1,"fields":[{"name":"email","kind":"email"}]})");
  const veto::validator* checker = loaded.value.get();
  const std::string line =
      v.contains("line_hex") ? from_hex(v["line_hex"]) : v["line"].get<std::string>();
  const std::string text = checker->validate_json(line).to_json();
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
  const veto::loaded_validator loaded = veto::validator::from_ruleset(text);
  if (v.contains("error")) {
    EXPECT_FALSE(loaded);
    EXPECT_EQ(loaded.error, v["error"].get<std::string>());
  } else {
    ASSERT_TRUE(loaded) << loaded.error;
    if (v.contains("canonical")) {
      EXPECT_EQ(json::parse(loaded.value->ruleset_json()), v["canonical"]);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(vectors, ruleset_vectors,
                         testing::ValuesIn(read_vectors("rulesets.jsonl")), case_name);

}  // namespace
