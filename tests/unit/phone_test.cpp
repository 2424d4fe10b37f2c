// The phone field against libphonenumber's own example numbers, for every eligible country
// and every number type, through the public API. The examples also live in
// tests/vectors/phone-examples.txt, which the differential test sends through both builds;
// a test here keeps that file current.
#include <gtest/gtest.h>
#include <phonenumbers/phonenumberutil.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "veto/veto.h"

namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;
using json = nlohmann::json;

// docs/contract.md §2.3 rule 2: libphonenumber's type names in lower-case snake case.
const std::pair<PhoneNumberUtil::PhoneNumberType, const char*> types[] = {
    {PhoneNumberUtil::FIXED_LINE, "fixed_line"},
    {PhoneNumberUtil::MOBILE, "mobile"},
    {PhoneNumberUtil::FIXED_LINE_OR_MOBILE, "fixed_line_or_mobile"},
    {PhoneNumberUtil::TOLL_FREE, "toll_free"},
    {PhoneNumberUtil::PREMIUM_RATE, "premium_rate"},
    {PhoneNumberUtil::SHARED_COST, "shared_cost"},
    {PhoneNumberUtil::VOIP, "voip"},
    {PhoneNumberUtil::PERSONAL_NUMBER, "personal_number"},
    {PhoneNumberUtil::PAGER, "pager"},
    {PhoneNumberUtil::UAN, "uan"},
    {PhoneNumberUtil::VOICEMAIL, "voicemail"},
    {PhoneNumberUtil::UNKNOWN, "unknown"}};

const char* token(PhoneNumberUtil::PhoneNumberType type) {
  for (const auto& [t, name] : types) {
    if (t == type) return name;
  }
  return "unknown";
}

const veto::validator& validator() {
  static const veto::validator loaded = *veto::validator::from_default_ruleset();
  return loaded;
}

json phone_result(const std::string& country, const std::string& phone) {
  using kind = veto::form_member::kind;
  const auto field = validator().validate_field(
      "phone", {{"country", kind::string, country}, {"phone", kind::string, phone}});
  return json::parse(veto::to_json(*field));
}

// "REGION TYPE NATIONAL_FORM E164" for every example number of every eligible country.
std::string example_lines() {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  const json rules = json::parse(validator().ruleset_json());
  std::ostringstream out;
  for (const auto& field : rules["fields"]) {
    if (field["kind"] != "country") continue;
    for (const auto& region : field["eligible"]) {
      for (const auto& [type, name] : types) {
        PhoneNumber number;
        if (!util.GetExampleNumberForType(region.get<std::string>(), type, &number)) continue;
        std::string national, e164;
        util.Format(number, PhoneNumberUtil::NATIONAL, &national);
        util.Format(number, PhoneNumberUtil::E164, &e164);
        out << region.get<std::string>() << '\t' << name << '\t' << national << '\t' << e164
            << '\n';
      }
    }
  }
  return out.str();
}

TEST(phone, every_example_number_of_every_eligible_country_is_judged_by_its_type) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  const std::set<std::string> allowed = {"fixed_line", "mobile", "fixed_line_or_mobile", "voip",
                                         "personal_number"};
  std::istringstream lines(example_lines());
  int checked = 0;
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    std::string region, type, national, e164;
    std::getline(fields, region, '\t'), std::getline(fields, type, '\t');
    std::getline(fields, national, '\t'), std::getline(fields, e164, '\t');
    PhoneNumber parsed;
    util.Parse(e164, "ZZ", &parsed);
    const std::string actual_type = token(util.GetNumberType(parsed));
    for (const auto& [country, phone] : {std::pair{region, national}, std::pair{region, e164}}) {
      const json result = phone_result(country, phone);
      SCOPED_TRACE(line + " as " + phone + ": " + result.dump());
      EXPECT_EQ(result["info"]["e164"], e164);
      EXPECT_EQ(result["info"]["type"], actual_type);
      if (allowed.count(actual_type)) {
        EXPECT_TRUE(result["valid"].get<bool>());
        EXPECT_EQ(result["value"], e164);
      } else {
        EXPECT_EQ(result["errors"][0]["code"], "phone.type");
        EXPECT_EQ(result["errors"][0]["params"]["type"], actual_type);
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 300);
}

TEST(phone, the_committed_example_list_is_current) {
  std::ifstream in(std::string(VETO_VECTORS_DIR) + "/phone-examples.txt");
  std::stringstream committed;
  committed << in.rdbuf();
  EXPECT_EQ(committed.str(), example_lines())
      << "regenerate with: build/native/tests/veto-unit-tests --gtest_also_run_disabled_tests "
         "--gtest_filter=phone.DISABLED_write_examples";
}

// Not a check: writes tests/vectors/phone-examples.txt when asked for by name.
TEST(phone, DISABLED_write_examples) {
  std::ofstream(std::string(VETO_VECTORS_DIR) + "/phone-examples.txt") << example_lines();
}

}  // namespace

namespace {

TEST(phone, vectors) {
  std::ifstream in(std::string(VETO_VECTORS_DIR) + "/phone.jsonl");
  int count = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    ++count;
    const json v = json::parse(line);
    const json result = phone_result(v.value("country", ""), v["phone"]);
    SCOPED_TRACE(line + "\n -> " + result.dump());
    if (v.contains("error")) {
      EXPECT_FALSE(result["valid"].get<bool>());
      ASSERT_EQ(result["errors"].size(), 1u);
      EXPECT_EQ(result["errors"][0]["code"], v["error"]);
      if (v.contains("reason")) EXPECT_EQ(result["errors"][0]["params"]["reason"], v["reason"]);
      if (v.contains("type")) EXPECT_EQ(result["errors"][0]["params"]["type"], v["type"]);
      EXPECT_EQ(result["warnings"], json::array());
    } else {
      EXPECT_TRUE(result["valid"].get<bool>());
      EXPECT_EQ(result["value"], v["value"]);
      if (v.contains("region")) EXPECT_EQ(result["info"]["region"], v["region"]);
      if (v.contains("type")) EXPECT_EQ(result["info"]["type"], v["type"]);
      json codes = json::array();
      for (const auto& w : result["warnings"]) codes.push_back(w["code"]);
      EXPECT_EQ(codes, v.value("warnings", json::array()));
      if (v.contains("warning_region"))
        EXPECT_EQ(result["warnings"][0]["params"]["region"], v["warning_region"]);
    }
  }
  EXPECT_GT(count, 20);
}

}  // namespace
