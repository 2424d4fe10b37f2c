// The C++ API as a server uses it: members without JSON, single fields, exact output bytes.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include <nlohmann/json.hpp>
#include <thread>

#include "veto/veto.h"

namespace {

using kind = veto::form_member::kind;

const veto::validator& default_validator() {
  static const veto::validator loaded = *veto::validator::from_default_ruleset();
  return loaded;
}

std::string first_error(const veto::result& r) {
  for (const auto& f : r.fields) {
    if (!f.errors.empty()) return f.errors[0].code;
  }
  return r.form_errors.empty() ? "" : r.form_errors[0].code;
}

// from_default_ruleset builds src/data/ruleset.json's ruleset without parsing it; it must be
// the ruleset that loading the file gives, option for option.
TEST(api, the_default_ruleset_is_the_one_its_json_gives) {
  const auto parsed = veto::validator::from_ruleset(veto::validator::default_ruleset_json());
  ASSERT_TRUE(parsed) << parsed.error();
  EXPECT_EQ(default_validator().ruleset_json(), parsed->ruleset_json());
  EXPECT_EQ(veto::to_json(default_validator().validate_json(R"({"email":"a@b"})")),
            veto::to_json(parsed->validate_json(R"({"email":"a@b"})")));
}

TEST(api, result_json_has_the_contract_shape_byte_for_byte) {
  const auto r = default_validator().validate_json(
      R"({"email":"anna@exämple.de","country":"de","phone":"+33 6 12 34 56 78",)"
      R"("justification":"Meta must not train AI on my posts."})",
      "zz");
  EXPECT_EQ(
      veto::to_json(r),
      R"({"valid":true,"ruleset":{"id":"ai-training-objection","version":1},"locale":"en",)"
      R"("fields":{"email":{"valid":true,"value":"anna@exämple.de","errors":[],"warnings":[],)"
      R"("info":{"ascii":"anna@xn--exmple-cua.de","smtputf8":false,"domain_ascii":"xn--exmple-cua.de"}},)"
      R"("country":{"valid":true,"value":"DE","errors":[],"warnings":[],)"
      R"("info":{"alpha3":"DEU","numeric":"276","name":"Germany"}},)"
      R"("phone":{"valid":true,"value":"+33612345678","errors":[],"warnings":[{"code":)"
      R"("phone.region_mismatch","params":{"region":"FR"},"message":"This number is from )"
      R"(another country (FR), not the one you chose. Check the country code."}],"info":{)"
      R"("e164":"+33612345678","international":"+33 6 12 34 56 78","national":"06 12 34 56 78",)"
      R"("region":"FR","type":"mobile"}},)"
      R"("justification":{"valid":true,"value":"Meta must not train AI on my posts.","errors":[],)"
      R"("warnings":[],"info":{"graphemes":35,"words":8}},)"
      R"("details":{"valid":true,"value":null,"errors":[],"warnings":[],"info":{}}},)"
      R"("form":{"errors":[],"warnings":[]}})");
}

TEST(api, document_errors_leave_fields_empty) {
  EXPECT_EQ(
      veto::to_json(default_validator().validate_json("[1]")),
      R"({"valid":false,"ruleset":{"id":"ai-training-objection","version":1},"locale":"en",)"
      R"("fields":{},"form":{"errors":[{"code":"form.not_object","params":{},)"
      R"("message":"The form must be a JSON object with one member per field."}],"warnings":[]}})");
}

TEST(api, members_without_json_get_the_same_verdict) {
  const veto::form members = {{"email", kind::string, "anna@gmial.com"}, {"x", kind::number, ""}};
  EXPECT_EQ(veto::to_json(default_validator().validate(members)),
            veto::to_json(default_validator().validate_json(R"({"email":"anna@gmial.com","x":0})")));
}

TEST(api, ill_formed_utf8_in_a_field_is_an_encoding_error_with_its_offset) {
  const veto::form members = {{"email", kind::string, "ab\xED\xA0\x80@x.de"}};
  const auto r = default_validator().validate(members);
  ASSERT_EQ(first_error(r), "encoding");
  EXPECT_EQ(std::get<std::int64_t>(r.fields[0].errors[0].params[0].second), 2);
  EXPECT_FALSE(r.valid);
}

TEST(api, too_long_is_checked_before_trimming) {
  EXPECT_EQ(
      first_error(default_validator().validate({{"email", kind::string, std::string(65536, ' ')}})),
      "required");
  EXPECT_EQ(
      first_error(default_validator().validate({{"email", kind::string, std::string(65537, ' ')}})),
      "too_long");
}

TEST(api, duplicate_members_are_refused_also_without_json) {
  const veto::form members = {{"email", kind::string, "a@b.de"}, {"email", kind::string, "c@d.de"}};
  EXPECT_EQ(first_error(default_validator().validate(members)), "form.duplicate_field");
}

TEST(api, ill_formed_member_names_still_give_valid_json) {
  const veto::form members = {{"email", kind::string, "a@b.de"},
                              {"\xFF"
                               "x",
                               kind::null, ""}};
  const auto json = nlohmann::json::parse(veto::to_json(default_validator().validate(members)));
  EXPECT_EQ(json["form"]["warnings"][0]["params"]["field"], "\xEF\xBF\xBDx");
}

TEST(api, validate_field_checks_one_field) {
  const auto field = default_validator().validate_field("email", {{"email", kind::string, "a@b"}});
  ASSERT_TRUE(field);
  EXPECT_EQ(veto::to_json(*field).rfind(
                R"({"valid":false,"value":null,"errors":[{"code":"email.domain_no_dot")", 0),
            0u);
  EXPECT_FALSE(default_validator().validate_field("fax", {}));
}

TEST(api, a_country_not_eligible_keeps_its_facts_as_in_the_contract) {
  const auto field =
      default_validator().validate_field("country", {{"country", kind::string, "US"}}, "de-AT");
  ASSERT_TRUE(field);
  EXPECT_EQ(veto::to_json(*field),
            R"({"valid":false,"value":null,"errors":[{"code":"country.not_eligible",)"
            R"("params":{"country":"US"},"message":"Dieses Formular ist nur für Personen mit )"
            R"(Wohnsitz in der EU, im EWR oder im Vereinigten Königreich bestimmt; US gehört )"
            R"(nicht zu diesen Ländern."}],"warnings":[],)"
            R"("info":{"alpha3":"USA","numeric":"840","name":"Vereinigte Staaten"}})");
}

TEST(api, message_locale_is_the_locale_results_carry) {
  const auto& v = default_validator();
  for (const char* tag : {"de-AT", "nn", "pt_BR", "zz", ""}) {
    EXPECT_EQ(v.message_locale(tag), v.validate(veto::form{}, tag).locale) << tag;
  }
  EXPECT_EQ(v.message_locale("de-AT"), "de");
}

// An issue made outside the rules reads like the validator's own: the same message as the
// validator gives that code and params in that locale. email.special_use (a rule's) checks
// the formatting against a real result; email.domain_no_mail is the one the server makes.
TEST(api, make_issue_formats_like_the_validators_own_issues) {
  const auto& v = default_validator();
  const veto::result r = v.validate_json(R"({"email":"anna@host.test"})", "fr-CA");
  const veto::issue& own = r.fields[0].errors.at(0);
  const veto::issue made = v.make_issue(own.code, own.params, "fr-CA");
  EXPECT_EQ(made.code, own.code);
  EXPECT_EQ(made.params, own.params);
  EXPECT_EQ(made.message, own.message);

  const veto::issue no_mail =
      v.make_issue("email.domain_no_mail", {{"domain", std::string("müller.example")}}, "nn");
  EXPECT_EQ(no_mail.message,  // nn negotiates to nb
            "Domenet müller.example tar ikke imot e-post. Kontroller at adressen er skrevet "
            "riktig, eller skriv inn en annen adresse.");
  EXPECT_EQ(v.make_issue("no.such_code", {}, "de").message, "no.such_code");
}

// The supported locales are the catalogs in src/data/messages/, and each is its own
// message locale.
TEST(api, supported_locales_are_the_catalogs) {
  std::vector<std::string> catalogs;
  for (const auto& entry : std::filesystem::directory_iterator(VETO_CATALOG_DIR)) {
    catalogs.push_back(entry.path().stem().string());
  }
  std::sort(catalogs.begin(), catalogs.end());
  const std::vector<std::string> supported(veto::supported_locales().begin(),
                                           veto::supported_locales().end());
  EXPECT_EQ(supported, catalogs);
  EXPECT_EQ(supported.size(), 26u);
  for (const std::string& tag : supported) EXPECT_EQ(default_validator().message_locale(tag), tag);
}

TEST(api, a_bad_ruleset_is_a_value_not_an_exception) {
  const auto loaded = veto::validator::from_ruleset("{\"id\":1}");
  EXPECT_FALSE(loaded);
  EXPECT_EQ(loaded.error(), "id: must be a non-empty string");
}

TEST(api, ruleset_is_reported_with_defaults) {
  std::vector<std::string> names;
  for (const veto::field_description& field : default_validator().fields()) {
    names.push_back(field.name);
  }
  EXPECT_EQ(names,
            (std::vector<std::string>{"email", "country", "phone", "justification", "details"}));
  const auto rules = nlohmann::json::parse(default_validator().ruleset_json());
  EXPECT_EQ(rules["fields"][0]["popular_domains"].size(), 41u);
}

TEST(api, one_validator_serves_several_threads) {
  const std::string expected =
      veto::to_json(default_validator().validate_json(R"({"email":"jörg@gmаil.com"})"));
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        if (veto::to_json(default_validator().validate_json(R"({"email":"jörg@gmаil.com"})")) !=
            expected)
          ++mismatches[t];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

}  // namespace
