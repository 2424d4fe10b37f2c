#include "ruleset.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "country.h"
#include "json_writer.h"
#include "phone.h"

namespace veto {
namespace {

using json = nlohmann::json;

// docs/contract.md §2.1 rule 12 and the warning `email.typo` (§2.1.2).
const std::vector<std::string> default_special_use_domains = {"arpa",      "invalid", "local",
                                                              "localhost", "onion",   "test"};
const std::vector<std::string> default_popular_domains = {
    "gmail.com",  "googlemail.com", "outlook.com", "hotmail.com",    "live.com",
    "msn.com",    "yahoo.com",      "icloud.com",  "me.com",         "aol.com",
    "proton.me",  "protonmail.com", "gmx.de",      "gmx.net",        "gmx.at",
    "web.de",     "t-online.de",    "yahoo.de",    "hotmail.de",     "orange.fr",
    "free.fr",    "laposte.net",    "sfr.fr",      "yahoo.fr",       "hotmail.fr",
    "libero.it",  "virgilio.it",    "tiscali.it",  "wp.pl",          "o2.pl",
    "onet.pl",    "interia.pl",     "seznam.cz",   "ziggo.nl",       "kpnmail.nl",
    "telenet.be", "skynet.be",      "telia.com",   "btinternet.com", "sky.com",
    "mail.com"};

// docs/contract.md §2.2 rule 3: the GDPR's territory (the EU's members, then the EU regions
// with codes of their own), the EEA's other members, and the UK GDPR's.
const std::vector<std::string> default_eligible_countries = {
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU",
    "IE", "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES",
    "SE", "AX", "GF", "GP", "MQ", "RE", "YT", "MF", "IS", "LI", "NO", "GB"};

// docs/contract.md §2.3 rule 2: the types accepted unless the ruleset says otherwise.
const std::vector<std::string> default_phone_types = {
    "fixed_line", "mobile", "fixed_line_or_mobile", "voip", "personal_number"};

// Reads one object's options, remembering which keys were used so that any other key can
// be refused as unknown. Every failure is kept as the first error, with its path.
class option_reader {
 public:
  option_reader(const json& object, std::string path, std::string& error)
      : object_(object), path_(std::move(path)), error_(error) {}

  const json* find(const char* key) {
    used_.insert(key);
    const auto it = object_.find(key);
    return it == object_.end() ? nullptr : &*it;
  }

  void boolean(const char* key, bool& out) {
    if (const json* value = find(key)) {
      if (!value->is_boolean()) return fail(key, "must be true or false");
      out = value->get<bool>();
    }
  }

  // A whole number in [low, high].
  void count(const char* key, std::int64_t& out, std::int64_t low, std::int64_t high) {
    if (const json* value = find(key)) {
      if (!value->is_number_integer() || value->get<std::int64_t>() < low ||
          value->get<std::int64_t>() > high) {
        return fail(key, "must be a whole number from " + std::to_string(low) + " to " +
                             std::to_string(high));
      }
      out = value->get<std::int64_t>();
    }
  }

  void string(const char* key, std::string& out, bool required) {
    const json* value = find(key);
    if (!value) {
      if (required) fail(key, "is required");
      return;
    }
    if (!value->is_string() || value->get_ref<const std::string&>().empty()) {
      return fail(key, "must be a non-empty string");
    }
    out = value->get<std::string>();
  }

  // A list of strings that `accepts` each, or the first failure with its index. One reader
  // for the domain, country and phone-type lists.
  template <typename Accepts>
  void string_list(const char* key, std::vector<std::string>& out, bool allow_empty,
                   const char* list_error, Accepts&& accepts, const char* item_error) {
    const json* value = find(key);
    if (!value) return;
    if (!value->is_array() || (!allow_empty && value->empty())) return fail(key, list_error);
    out.clear();
    for (std::size_t i = 0; i < value->size(); ++i) {
      const json& item = (*value)[i];
      if (!item.is_string() || !accepts(item.get_ref<const std::string&>())) {
        return fail(std::string(key) + "[" + std::to_string(i) + "]", item_error);
      }
      out.push_back(item.get<std::string>());
    }
  }

  // A list of lower-case ASCII domain names such as "gmail.com" or "onion".
  void domains(const char* key, std::vector<std::string>& out) {
    string_list(key, out, /*allow_empty=*/true, "must be an array of domain names", is_domain,
                "must be a lower-case ASCII domain name like \"example.com\"");
  }

  // A non-empty list of upper-case alpha-2 codes of ISO 3166-1 assigned countries.
  void countries(const char* key, std::vector<std::string>& out) {
    string_list(
        key, out, /*allow_empty=*/false, "must be a non-empty array of alpha-2 country codes",
        [](const std::string& code) { return is_assigned_country(code); },
        "must be the upper-case ISO 3166-1 alpha-2 code of an assigned country, "
        "like \"DE\"");
  }

  // A list of libphonenumber number types in veto's snake-case tokens.
  void phone_types(const char* key, std::vector<std::string>& out) {
    string_list(
        key, out, /*allow_empty=*/true, "must be an array of phone number types",
        [](const std::string& type) {
          return std::find(phone_type_tokens.begin(), phone_type_tokens.end(), type) !=
                 phone_type_tokens.end();
        },
        "must be one of fixed_line, mobile, fixed_line_or_mobile, toll_free, "
        "premium_rate, shared_cost, voip, personal_number, pager, uan, voicemail, "
        "unknown");
  }

  void refuse_unknown() {
    for (const auto& [key, value] : object_.items()) {
      if (!used_.count(key)) return fail(key, "is not an option here");
    }
  }

  void fail(const std::string& key, const std::string& why) {
    if (error_.empty()) error_ = path_ + (path_.empty() ? "" : ".") + key + ": " + why;
  }

 private:
  static bool is_domain(const std::string& name) {
    if (name.empty() || name.front() == '.' || name.back() == '.') return false;
    char previous = '.';
    for (const char c : name) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
      if (!ok || (c == '.' && previous == '.')) return false;
      previous = c;
    }
    return true;
  }

  const json& object_;
  std::string path_;
  std::string& error_;
  std::set<std::string> used_;
};

const char* kind_name(field_kind kind) {
  switch (kind) {
    case field_kind::email:
      return "email";
    case field_kind::country:
      return "country";
    case field_kind::phone:
      return "phone";
    case field_kind::text:
      return "text";
  }
  return "email";
}

// A text field may hold 64 KiB, so no limit above that many clusters or words can bind.
constexpr std::int64_t max_text_count = 65536;

// A field of `kind` with every option at its default (docs/contract.md §5.2): the loader reads a
// field's options over these, and default_ruleset starts from them.
field_spec default_field(std::string name, field_kind kind) {
  field_spec field;
  field.name = std::move(name);
  field.kind = kind;
  switch (kind) {
    case field_kind::email:
      field.email.special_use_domains = default_special_use_domains;
      field.email.popular_domains = default_popular_domains;
      break;
    case field_kind::country:
      field.country.eligible = default_eligible_countries;
      break;
    case field_kind::phone:
      field.required = false;
      field.phone.allowed_types = default_phone_types;
      break;
    case field_kind::text:
      field.required = false;
      break;
  }
  return field;
}

}  // namespace

ruleset default_ruleset() {
  ruleset rules;
  rules.id = "ai-training-objection";
  rules.version = 1;
  field_spec justification = default_field("justification", field_kind::text);
  justification.required = true;
  justification.text = {/*min_graphemes=*/20, /*max_graphemes=*/5000, /*min_words=*/3,
                        /*require_meaningful=*/true};
  rules.fields = {default_field("email", field_kind::email),
                  default_field("country", field_kind::country),
                  default_field("phone", field_kind::phone), std::move(justification),
                  default_field("details", field_kind::text)};
  return rules;
}

expected<ruleset> load_ruleset(std::string_view json_text) {
  const json document = json::parse(json_text.begin(), json_text.end(), nullptr,
                                    /*allow_exceptions=*/false);
  if (document.is_discarded()) return unexpected<std::string>("ruleset: not valid JSON");
  if (!document.is_object()) return unexpected<std::string>("ruleset: must be a JSON object");

  std::string error;
  ruleset rules;
  option_reader top(document, "", error);
  top.string("id", rules.id, /*required=*/true);
  if (const json* version = top.find("version")) {
    if (!version->is_number_integer() || version->get<std::int64_t>() < 1) {
      top.fail("version", "must be a whole number of at least 1");
    } else {
      rules.version = version->get<std::int64_t>();
    }
  } else {
    top.fail("version", "is required");
  }
  const json* fields = top.find("fields");
  if (!fields || !fields->is_array() || fields->empty()) {
    top.fail("fields", "must be a non-empty array of fields");
  }
  top.refuse_unknown();
  if (!error.empty()) return unexpected(std::move(error));

  for (std::size_t i = 0; i < fields->size() && error.empty(); ++i) {
    const json& item = (*fields)[i];
    const std::string path = "fields[" + std::to_string(i) + "]";
    if (!item.is_object()) {
      error = path + ": must be an object";
      break;
    }
    option_reader options(item, path, error);
    field_spec field;
    options.string("name", field.name, /*required=*/true);
    std::string kind;
    options.string("kind", kind, /*required=*/true);
    if (!error.empty()) break;
    if (rules.find(field.name)) {
      options.fail("name", "\"" + field.name + "\" is used by an earlier field");
    }
    if (kind == "email") {
      field = default_field(field.name, field_kind::email);
      options.boolean("allow_smtputf8", field.email.allow_smtputf8);
      options.boolean("allow_quoted_local", field.email.allow_quoted_local);
      options.boolean("allow_domain_literal", field.email.allow_domain_literal);
      options.domains("special_use_domains", field.email.special_use_domains);
      options.domains("popular_domains", field.email.popular_domains);
    } else if (kind == "country") {
      field = default_field(field.name, field_kind::country);
      options.countries("eligible", field.country.eligible);
    } else if (kind == "text") {
      field = default_field(field.name, field_kind::text);
      text_options& text = field.text;
      options.count("min_graphemes", text.min_graphemes, 0, max_text_count);
      options.count("max_graphemes", text.max_graphemes, 1, max_text_count);
      options.count("min_words", text.min_words, 0, max_text_count);
      options.boolean("require_meaningful", text.require_meaningful);
      if (error.empty() && text.min_graphemes > text.max_graphemes) {
        options.fail("min_graphemes", "is more than max_graphemes (" +
                                          std::to_string(text.max_graphemes) + "): no text fits");
      }
      if (error.empty() && text.min_words > text.max_graphemes) {
        options.fail("min_words", "is more than max_graphemes (" +
                                      std::to_string(text.max_graphemes) + "): no text fits");
      }
    } else if (kind == "phone") {
      field = default_field(field.name, field_kind::phone);
      options.string("country_field", field.phone.country_field, /*required=*/false);
      options.phone_types("allowed_types", field.phone.allowed_types);
    } else {
      options.fail("kind", "\"" + kind + "\" is not a field kind (email, country, phone, text)");
    }
    options.boolean("required", field.required);
    options.refuse_unknown();
    rules.fields.push_back(std::move(field));
  }
  // A phone field reads its default region from a country field, which may stand anywhere.
  for (std::size_t i = 0; i < rules.fields.size() && error.empty(); ++i) {
    const field_spec& field = rules.fields[i];
    if (field.kind != field_kind::phone) continue;
    const field_spec* country = rules.find(field.phone.country_field);
    if (!country || country->kind != field_kind::country) {
      error = "fields[" + std::to_string(i) + "].country_field: \"" + field.phone.country_field +
              "\" is not a country field of this ruleset";
    }
  }
  if (!error.empty()) return unexpected(std::move(error));
  return rules;
}

std::string to_json(const ruleset& rules) {
  std::string out;
  json_writer w(out);
  const auto list = [&w](const std::vector<std::string>& items) {
    w.begin_array();
    for (const auto& item : items) w.string(item);
    w.end_array();
  };
  w.begin_object();
  w.key("id"), w.string(rules.id);
  w.key("version"), w.number(rules.version);
  w.key("fields"), w.begin_array();
  for (const auto& field : rules.fields) {
    w.begin_object();
    w.key("name"), w.string(field.name);
    w.key("kind"), w.string(kind_name(field.kind));
    w.key("required"), w.boolean(field.required);
    if (field.kind == field_kind::email) {
      w.key("allow_smtputf8"), w.boolean(field.email.allow_smtputf8);
      w.key("allow_quoted_local"), w.boolean(field.email.allow_quoted_local);
      w.key("allow_domain_literal"), w.boolean(field.email.allow_domain_literal);
      w.key("special_use_domains"), list(field.email.special_use_domains);
      w.key("popular_domains"), list(field.email.popular_domains);
    } else if (field.kind == field_kind::country) {
      w.key("eligible"), list(field.country.eligible);
    } else if (field.kind == field_kind::phone) {
      w.key("country_field"), w.string(field.phone.country_field);
      w.key("allowed_types"), list(field.phone.allowed_types);
    } else if (field.kind == field_kind::text) {
      w.key("min_graphemes"), w.number(field.text.min_graphemes);
      w.key("max_graphemes"), w.number(field.text.max_graphemes);
      w.key("min_words"), w.number(field.text.min_words);
      w.key("require_meaningful"), w.boolean(field.text.require_meaningful);
    }
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return out;
}

}  // namespace veto
