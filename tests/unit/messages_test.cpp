// Message catalogs: complete, only known params, and formatted as ICU patterns would be.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "veto/veto.h"

namespace {

using json = nlohmann::json;

// code -> allowed params, from tests/vectors/codes.txt
std::map<std::string, std::set<std::string>> known_codes() {
  std::map<std::string, std::set<std::string>> codes;
  std::ifstream in(std::string(VETO_VECTORS_DIR) + "/codes.txt");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream words(line);
    std::string code, param;
    words >> code;
    while (words >> param) codes[code].insert(param);
    codes[code];
  }
  return codes;
}

TEST(messages, every_catalog_has_exactly_the_known_codes_with_known_params) {
  const auto codes = known_codes();
  ASSERT_GT(codes.size(), 20u);
  int catalogs = 0;
  for (const auto& entry : std::filesystem::directory_iterator(VETO_CATALOG_DIR)) {
    ++catalogs;
    std::ifstream in(entry.path());
    const json catalog = json::parse(in);
    SCOPED_TRACE(entry.path().filename().string());
    for (const auto& [code, params] : codes) {
      EXPECT_TRUE(catalog.contains(code)) << "missing " << code;
    }
    for (const auto& [code, pattern] : catalog.items()) {
      ASSERT_TRUE(codes.count(code)) << "unknown code " << code;
      const std::string text = pattern.get<std::string>();
      EXPECT_FALSE(text.empty()) << code;
      // Every {name at the start of an argument must be a param of the code.
      static const std::regex argument(R"(\{\s*([a-z_]+)\s*[,}])");
      for (std::sregex_iterator it(text.begin(), text.end(), argument), end; it != end; ++it) {
        EXPECT_TRUE(codes.at(code).count((*it)[1])) << code << " uses {" << (*it)[1] << "}";
      }
    }
  }
  EXPECT_GE(catalogs, 1);
}

veto::issue only_error(const veto::result& r, const std::string& field) {
  for (const auto& f : r.fields) {
    if (f.name == field && f.errors.size() == 1) return f.errors[0];
  }
  ADD_FAILURE() << "no single error on " << field << ": " << r.to_json();
  return {};
}

TEST(messages, plural_and_select_arguments_are_formatted) {
  const auto v = veto::validator::from_default_ruleset();
  ASSERT_TRUE(v);
  const std::string local(65, 'a');
  const auto long_local = v.value->validate_json(R"({"email":")" + local + R"(@example.de"})");
  EXPECT_EQ(only_error(long_local, "email").message,
            "The part before the @ may be at most 64 bytes long; yours is 65 bytes.");
  const auto hyphen = v.value->validate_json(R"({"email":"a@-x.de"})");
  EXPECT_EQ(only_error(hyphen, "email").message,
            "The domain after the @ is not valid: a part starts with a hyphen.");
  const auto character = v.value->validate_json(R"({"email":"a b@x.de"})");
  EXPECT_EQ(only_error(character, "email").message,
            "The part before the @ can’t contain the character U+0020.");
}

TEST(messages, every_issue_in_the_vectors_has_a_non_empty_message_without_placeholders) {
  const auto v = veto::validator::from_default_ruleset();
  for (const char* line : {R"({"email":"x"})", R"({"email":"a@b..c"})", R"({"email":1})", "[",
                           R"({"email":"anna@gmial.com","extra":1})"}) {
    const auto r = v.value->validate_json(line);
    std::vector<veto::issue> all = r.form_errors;
    all.insert(all.end(), r.form_warnings.begin(), r.form_warnings.end());
    for (const auto& f : r.fields) {
      all.insert(all.end(), f.errors.begin(), f.errors.end());
      all.insert(all.end(), f.warnings.begin(), f.warnings.end());
    }
    ASSERT_FALSE(all.empty()) << line;
    for (const auto& item : all) {
      EXPECT_FALSE(item.message.empty()) << item.code;
      EXPECT_EQ(item.message.find('{'), std::string::npos) << item.message;
    }
  }
}

TEST(messages, locale_is_negotiated_down_to_english) {
  const auto v = veto::validator::from_default_ruleset();
  for (const char* tag : {"en", "en-GB", "EN_us", "zz", "", "de-AT"}) {
    EXPECT_EQ(v.value->validate_json("{}", tag).locale, "en") << tag;
  }
}

}  // namespace
