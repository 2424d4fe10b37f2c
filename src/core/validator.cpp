// The pipeline, one way: input -> hygiene (document, then field) -> field rules ->
// result -> messages. JSON comes in through parse_document and goes out through to_json.
#include <algorithm>
#include <optional>
#include <unordered_set>

#include "country.h"
#include "document.h"
#include "email.h"
#include "embedded.h"
#include "field.h"
#include "messages.h"
#include "phone.h"
#include "ruleset.h"
#include "text.h"
#include "unicode.h"
#include "utf8.h"
#include "veto/veto.h"

namespace veto {

inline constexpr std::size_t max_field_bytes = 64 * 1024;

struct validator::impl {
  ruleset rules;
  std::string rules_json;
  // One entry per field, null where the field is of another kind.
  std::vector<std::unique_ptr<email_rules>> email;
  std::vector<std::unique_ptr<country_rules>> country;
  std::vector<std::unique_ptr<phone_rules>> phone;
  std::vector<std::unique_ptr<text_rules>> text;
  message_catalog messages;

  explicit impl(ruleset loaded) : rules(std::move(loaded)), rules_json(to_json(rules)) {
    for (const auto& field : rules.fields) {
      const bool is_email = field.kind == field_kind::email;
      email.push_back(is_email ? std::make_unique<email_rules>(field.email) : nullptr);
      country.push_back(field.kind == field_kind::country
                            ? std::make_unique<country_rules>(field.country)
                            : nullptr);
      phone.push_back(field.kind == field_kind::phone ? std::make_unique<phone_rules>(field.phone)
                                                      : nullptr);
      text.push_back(field.kind == field_kind::text ? std::make_unique<text_rules>(field.text)
                                                    : nullptr);
    }
  }

  static const form_member* find(const form& members, std::string_view name) {
    for (const auto& member : members) {
      if (member.name == name) return &member;
    }
    return nullptr;
  }

  // Field hygiene (SPEC section 1) of one member: its trimmed text, or nothing with the
  // reason in `field` (an error), or nothing and no error for an absent member.
  static std::optional<std::string_view> hygienic_text(const form_member* member,
                                                       field_result& field) {
    if (!member || member->type == form_member::kind::null) return std::nullopt;
    if (member->type != form_member::kind::string) {
      add_error(field, "type");
      return std::nullopt;
    }
    if (member->text.size() > max_field_bytes) {
      add_error(field, "too_long",
                {{"max", std::int64_t{max_field_bytes}},
                 {"actual", static_cast<std::int64_t>(member->text.size())}});
      return std::nullopt;
    }
    if (const auto bad = utf8::first_invalid(member->text)) {
      add_error(field, "encoding", {{"offset", static_cast<std::int64_t>(*bad)}});
      return std::nullopt;
    }
    const std::string_view trimmed = unicode::trim(member->text);
    if (trimmed.empty()) return std::nullopt;
    return trimmed;
  }

  // The alpha-2 code the phone field at `index` takes as default region: what its country
  // field resolves to (eligible or not), or empty.
  std::string_view default_region(std::size_t index, const form& members) const {
    const std::string& name = rules.fields[index].phone.country_field;
    for (std::size_t i = 0; i < rules.fields.size(); ++i) {
      if (rules.fields[i].name != name) continue;
      field_result scratch;
      const auto text = hygienic_text(find(members, name), scratch);
      const auto alpha2 = text ? country[i]->resolve(*text) : std::nullopt;
      return alpha2 ? *alpha2 : std::string_view();
    }
    return {};
  }

  // Field hygiene, then the field's own rules. `locale` is negotiated.
  field_result check_field(std::size_t index, const form& members, std::string_view locale) const {
    const field_spec& spec = rules.fields[index];
    field_result field;
    field.name = spec.name;
    const auto trimmed = hygienic_text(find(members, spec.name), field);
    if (!trimmed) {
      if (field.errors.empty() && spec.required) add_error(field, "required");
      return field;
    }
    switch (spec.kind) {
      case field_kind::email:
        email[index]->check(*trimmed, field);
        break;
      case field_kind::country:
        country[index]->check(*trimmed, locale, field);
        break;
      case field_kind::phone:
        phone[index]->check(*trimmed, default_region(index, members), field);
        break;
      case field_kind::text:
        text[index]->check(*trimmed, field);
        break;
    }
    if (!field.errors.empty()) field.warnings.clear();
    return field;
  }

  void localize(std::string_view locale, std::vector<issue>& issues) const {
    for (auto& item : issues) item.message = messages.format(locale, item.code, item.params);
  }

  void localize(std::string_view locale, field_result& field) const {
    localize(locale, field.errors);
    localize(locale, field.warnings);
  }

  result validate(const form& members, std::string_view tag) const {
    result out;
    out.ruleset_id = rules.id;
    out.ruleset_version = rules.version;
    out.locale = std::string(messages.negotiate(tag));
    std::unordered_set<std::string_view> names;
    for (const auto& member : members) {
      if (!names.insert(member.name).second) {
        out.form_errors.push_back(issue{"form.duplicate_field", {{"field", member.name}}, {}});
        localize(out.locale, out.form_errors);
        return out;
      }
    }
    out.valid = true;
    for (std::size_t i = 0; i < rules.fields.size(); ++i) {
      out.fields.push_back(check_field(i, members, out.locale));
      out.valid = out.valid && out.fields.back().valid;
      localize(out.locale, out.fields.back());
    }
    for (const auto& member : members) {
      if (!rules.find(member.name)) {
        out.form_warnings.push_back(issue{"unknown_field", {{"field", member.name}}, {}});
      }
    }
    localize(out.locale, out.form_warnings);
    return out;
  }
};

validator::validator(std::unique_ptr<impl> state) : state_(std::move(state)) {}
validator::~validator() = default;

loaded_validator validator::from_ruleset(std::string_view ruleset_json) {
  loaded_ruleset loaded = load_ruleset(ruleset_json);
  loaded_validator out;
  if (!loaded.value) {
    out.error = std::move(loaded.error);
    return out;
  }
  out.value.reset(new validator(std::make_unique<impl>(std::move(*loaded.value))));
  return out;
}

std::string_view validator::default_ruleset_json() {
  return embedded::default_ruleset.contents;
}

loaded_validator validator::from_default_ruleset() {
  loaded_validator out;
  out.value.reset(new validator(std::make_unique<impl>(default_ruleset())));
  return out;
}

result validator::validate_json(std::string_view document, std::string_view locale) const {
  parsed_document parsed = parse_document(document);
  if (parsed.error) {
    result out;
    out.ruleset_id = state_->rules.id;
    out.ruleset_version = state_->rules.version;
    out.locale = std::string(state_->messages.negotiate(locale));
    out.form_errors.push_back(
        issue{std::move(parsed.error->code), std::move(parsed.error->params), {}});
    state_->localize(out.locale, out.form_errors);
    return out;
  }
  return state_->validate(parsed.members, locale);
}

result validator::validate(const form& members, std::string_view locale) const {
  return state_->validate(members, locale);
}

std::optional<field_result> validator::validate_field(std::string_view name, const form& members,
                                                      std::string_view locale) const {
  for (std::size_t i = 0; i < state_->rules.fields.size(); ++i) {
    if (state_->rules.fields[i].name != name) continue;
    const std::string_view negotiated = state_->messages.negotiate(locale);
    field_result field = state_->check_field(i, members, negotiated);
    state_->localize(negotiated, field);
    return field;
  }
  return std::nullopt;
}

void warm_up() {
  phone_rules::warm_up();
}

std::vector<country_entry> validator::countries(std::string_view locale) const {
  static const std::vector<std::string> none;
  const std::vector<std::string>* eligible = &none;
  for (const auto& field : state_->rules.fields) {
    if (field.kind == field_kind::country) {
      eligible = &field.country.eligible;
      break;
    }
  }
  std::vector<country_entry> out;
  for (const auto& choice : countries_in_order(state_->messages.negotiate(locale))) {
    const bool is_eligible =
        std::find(eligible->begin(), eligible->end(), choice.alpha2) != eligible->end();
    out.push_back({std::string(choice.alpha2), std::string(choice.name), is_eligible});
  }
  return out;
}

std::string validator::message_locale(std::string_view locale) const {
  return std::string(state_->messages.negotiate(locale));
}

const std::string& validator::ruleset_json() const noexcept {
  return state_->rules_json;
}

std::vector<std::string> validator::field_names() const {
  std::vector<std::string> names;
  for (const auto& field : state_->rules.fields) names.push_back(field.name);
  return names;
}

}  // namespace veto
