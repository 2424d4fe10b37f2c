// The ruleset (docs/contract.md §5): which fields a form has and the options of their rules.
// Loaded once, checked strictly (unknown kinds or options, wrong types and impossible
// limits are refused with a message naming the place), then read-only.
#ifndef VETO_CORE_RULESET_H
#define VETO_CORE_RULESET_H

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "veto/expected.h"
#include "veto/veto.h"

namespace veto {

struct email_options {
  bool allow_smtputf8 = true;
  bool allow_quoted_local = false;
  bool allow_domain_literal = false;
  std::vector<std::string> special_use_domains;  // lower-case ASCII
  std::vector<std::string> popular_domains;      // lower-case ASCII, in order of preference
};

struct text_options {
  std::int64_t min_graphemes = 0;
  std::int64_t max_graphemes = 10000;
  std::int64_t min_words = 0;
  bool require_meaningful = false;
};

struct country_options {
  std::vector<std::string> eligible;  // upper-case alpha-2 codes of assigned countries
};

struct phone_options {
  std::string country_field = "country";   // the country field whose country is the default region
  std::vector<std::string> allowed_types;  // type tokens, e.g. "mobile"
};

struct field_spec {
  std::string name;
  field_kind kind = field_kind::email;
  bool required = true;
  email_options email;      // for kind email
  country_options country;  // for kind country
  phone_options phone;      // for kind phone
  text_options text;        // for kind text
};

struct ruleset {
  std::string id;
  std::int64_t version = 0;
  std::vector<field_spec> fields;

  const field_spec* find(std::string_view name) const noexcept {
    for (const auto& field : fields) {
      if (field.name == name) return &field;
    }
    return nullptr;
  }
};

// The ruleset, or a message naming the place: "fields[1].kind: ...".
expected<ruleset> load_ruleset(std::string_view json_text);

// src/data/ruleset.json as load_ruleset reads it, built without parsing JSON: a validator's
// cold start in WebAssembly otherwise compiles and runs the JSON parser only for this
// (~4% of its main-thread work). tests/unit/api_test.cpp checks the two agree.
ruleset default_ruleset();

// The ruleset with every option spelled out, as compact JSON.
std::string to_json(const ruleset& rules);

}  // namespace veto

#endif  // VETO_CORE_RULESET_H
