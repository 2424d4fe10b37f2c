// The pipeline, one way: input -> hygiene (document, then field) -> field rules ->
// result -> messages. JSON comes in through parse_document and goes out through to_json.
#include <algorithm>
#include <memory>
#include <optional>
#include <unordered_set>
#include <variant>

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
namespace {

// One field's rules, made from its spec once: the rules of its kind and nothing else.
struct compiled_field {
  const field_spec& spec;
  // email_rules holds ICU handles and stays where it was made; the others are small.
  std::variant<std::unique_ptr<email_rules>, country_rules, phone_rules, text_rules> rules;
  // For a phone field: the index of the country field that gives its default region
  // (load_ruleset checked there is one).
  std::size_t country_index = 0;
};

// The field's rules, or what kept them from being made (ICU, for an email field).
expected<compiled_field> compile(const ruleset& rules, const field_spec& spec) {
  switch (spec.kind) {
    case field_kind::email: {
      expected<std::unique_ptr<email_rules>> email = email_rules::make(spec.email);
      if (!email) return unexpected(spec.name + ": " + email.error());
      return compiled_field{spec, std::move(*email)};
    }
    case field_kind::country:
      return compiled_field{spec, country_rules(spec.country)};
    case field_kind::phone: {
      std::size_t country = 0;
      while (rules.fields[country].name != spec.phone.country_field) ++country;
      return compiled_field{spec, phone_rules(spec.phone), country};
    }
    case field_kind::text:
      break;
  }
  return compiled_field{spec, text_rules(spec.text)};
}

const form_member* find(const form& members, std::string_view name) {
  for (const auto& member : members) {
    if (member.name == name) return &member;
  }
  return nullptr;
}

// Field hygiene (docs/contract.md §1.3) of one member: its trimmed text, or nothing with the
// reason in `field` (an error), or nothing and no error for an absent member.
std::optional<std::string_view> hygienic_text(const form_member* member, field_result& field) {
  if (!member || member->type == form_member::kind::null) return std::nullopt;
  if (member->type != form_member::kind::string) {
    add_error(field, issue_code::type);
    return std::nullopt;
  }
  if (member->text.size() > max_field_bytes) {
    add_error(field, issue_code::too_long,
              {{"max", std::int64_t{max_field_bytes}},
               {"actual", static_cast<std::int64_t>(member->text.size())}});
    return std::nullopt;
  }
  if (const auto bad = utf8::first_invalid(member->text)) {
    add_error(field, issue_code::encoding, {{"offset", static_cast<std::int64_t>(*bad)}});
    return std::nullopt;
  }
  const std::string_view trimmed = unicode::trim(member->text);
  if (trimmed.empty()) return std::nullopt;
  return trimmed;
}

// The first name that stands twice among `members`, if any.
const std::string* duplicate_name(const form& members) {
  std::unordered_set<std::string_view> names;
  for (const auto& member : members) {
    if (!names.insert(member.name).second) return &member.name;
  }
  return nullptr;
}

}  // namespace

struct validator::impl {
  ruleset rules;
  std::string rules_json;
  std::vector<compiled_field> fields;  // one per field of `rules`, in order
  message_catalog messages;
  std::shared_ptr<const message_overrides::impl> overrides;  // null: none

  // The rules refer to the options in `rules`, so an impl stays where it was made.
  static expected<std::unique_ptr<impl>> make(ruleset loaded, const message_overrides& custom) {
    auto state = std::make_unique<impl>(std::move(loaded));
    state->overrides = custom.state_;
    state->fields.reserve(state->rules.fields.size());
    for (const auto& spec : state->rules.fields) {
      expected<compiled_field> field = compile(state->rules, spec);
      if (!field) return unexpected(std::move(field).error());
      state->fields.push_back(std::move(*field));
    }
    return state;
  }

  explicit impl(ruleset loaded) : rules(std::move(loaded)), rules_json(to_json(rules)) {}

  // The alpha-2 code the phone field takes as default region: what its country field
  // resolves to (eligible or not), or empty.
  std::string_view default_region(const compiled_field& phone, const form& members) const {
    const compiled_field& country = fields[phone.country_index];
    field_result scratch;
    const auto text = hygienic_text(find(members, country.spec.name), scratch);
    const auto alpha2 =
        text ? std::get_if<country_rules>(&country.rules)->resolve(*text) : std::nullopt;
    return alpha2 ? *alpha2 : std::string_view();
  }

  // Field hygiene, then the field's own rules. `locale` is negotiated.
  field_result check_field(const compiled_field& compiled, const form& members,
                           std::string_view locale) const {
    const field_spec& spec = compiled.spec;
    field_result field;
    field.name = spec.name;
    const auto trimmed = hygienic_text(find(members, spec.name), field);
    if (!trimmed) {
      if (field.errors.empty() && spec.required) add_error(field, issue_code::required);
      return field;
    }
    // get_if, not std::visit: visit's dispatch table and bad_variant_access cost the Wasm
    // module's brotli more than these four branches.
    const auto& rules = compiled.rules;
    if (const auto* email = std::get_if<std::unique_ptr<email_rules>>(&rules)) {
      (*email)->check(*trimmed, field);
    } else if (const auto* country = std::get_if<country_rules>(&rules)) {
      country->check(*trimmed, locale, field);
    } else if (const auto* phone = std::get_if<phone_rules>(&rules)) {
      phone->check(*trimmed, default_region(compiled, members), field);
    } else if (const auto* text = std::get_if<text_rules>(&rules)) {
      text->check(*trimmed, field);
    }
    if (!field.errors.empty()) field.warnings.clear();
    return field;
  }

  void localize(std::string_view locale, std::vector<issue>& issues) const {
    for (auto& item : issues) {
      const std::string* custom = overrides ? overrides->find(locale, item.code) : nullptr;
      item.message = custom ? format_message(*custom, item.params, locale)
                            : messages.format(locale, item.code, item.params);
    }
  }

  void localize(std::string_view locale, field_result& field) const {
    localize(locale, field.errors);
    localize(locale, field.warnings);
  }

  // A result with no fields: the verdict on a form that has a form error.
  result refused(std::string_view locale, issue error) const {
    result out;
    out.ruleset_id = rules.id;
    out.ruleset_version = rules.version;
    out.locale = std::string(locale);
    out.form_errors.push_back(std::move(error));
    localize(out.locale, out.form_errors);
    return out;
  }

  result validate(const form& members, std::string_view tag) const {
    const std::string_view locale = messages.negotiate(tag);
    if (const std::string* name = duplicate_name(members)) {
      return refused(locale, veto::make_issue(issue_code::form_duplicate_field, {{"field", *name}}));
    }
    result out;
    out.ruleset_id = rules.id;
    out.ruleset_version = rules.version;
    out.locale = std::string(locale);
    out.valid = true;
    for (const compiled_field& field : fields) {
      out.fields.push_back(check_field(field, members, out.locale));
      out.valid = out.valid && out.fields.back().valid;
      localize(out.locale, out.fields.back());
    }
    for (const auto& member : members) {
      if (!rules.find(member.name)) {
        out.form_warnings.push_back(veto::make_issue(issue_code::unknown_field, {{"field", member.name}}));
      }
    }
    localize(out.locale, out.form_warnings);
    return out;
  }
};

validator::validator(std::unique_ptr<impl> state) noexcept : state_(std::move(state)) {}
validator::~validator() = default;
validator::validator(validator&&) noexcept = default;
validator& validator::operator=(validator&&) noexcept = default;

expected<validator> validator::from_ruleset(std::string_view ruleset_json) {
  return from_ruleset(ruleset_json, message_overrides());
}

expected<validator> validator::from_ruleset(std::string_view ruleset_json,
                                            const message_overrides& messages) {
  expected<ruleset> loaded = load_ruleset(ruleset_json);
  if (!loaded) return unexpected(std::move(loaded).error());
  expected<std::unique_ptr<impl>> state = impl::make(std::move(*loaded), messages);
  if (!state) return unexpected(std::move(state).error());
  return validator(std::move(*state));
}

std::string_view validator::default_ruleset_json() noexcept {
  return embedded::default_ruleset.contents;
}

expected<validator> validator::from_default_ruleset() {
  return from_default_ruleset(message_overrides());
}

expected<validator> validator::from_default_ruleset(const message_overrides& messages) {
  expected<std::unique_ptr<impl>> state = impl::make(default_ruleset(), messages);
  if (!state) return unexpected(std::move(state).error());
  return validator(std::move(*state));
}

result validator::validate_json(std::string_view document, std::string_view locale) const {
  expected<form, document_error> parsed = parse_document(document);
  if (!parsed) {
    document_error& error = parsed.error();
    return state_->refused(state_->messages.negotiate(locale),
                           veto::make_issue(error.code, std::move(error.params)));
  }
  return state_->validate(*parsed, locale);
}

result validator::validate(const form& members, std::string_view locale) const {
  return state_->validate(members, locale);
}

std::optional<field_result> validator::validate_field(std::string_view name, const form& members,
                                                      std::string_view locale) const {
  for (const compiled_field& compiled : state_->fields) {
    if (compiled.spec.name != name) continue;
    const std::string_view negotiated = state_->messages.negotiate(locale);
    field_result field = state_->check_field(compiled, members, negotiated);
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

issue validator::make_issue(std::string code, named_scalars params,
                            std::string_view locale) const {
  std::vector<issue> out{issue{std::move(code), std::move(params), {}}};
  state_->localize(state_->messages.negotiate(locale), out);  // with the integrator's templates
  return std::move(out.front());
}

std::string validator::message_locale(std::string_view locale) const {
  return std::string(state_->messages.negotiate(locale));
}

std::string validator::format_integer(std::int64_t n, std::string_view locale) const {
  return veto::format_integer(state_->messages.negotiate(locale), n);
}

const std::string& validator::ruleset_json() const noexcept {
  return state_->rules_json;
}

std::vector<field_description> validator::fields() const {
  std::vector<field_description> out;
  for (const auto& field : state_->rules.fields) {
    out.push_back({field.name, field.kind, field.required});
  }
  return out;
}

const std::vector<std::string_view>& supported_locales() {
  static const std::vector<std::string_view> locales = [] {
    std::vector<std::string_view> tags;
    for (std::size_t i = 0; i < embedded::message_catalog_count; ++i) {
      const std::string_view name = embedded::message_catalogs[i].name;  // "de.json"
      tags.push_back(name.substr(0, name.size() - std::string_view(".json").size()));
    }
    std::sort(tags.begin(), tags.end());
    return tags;
  }();
  return locales;
}

}  // namespace veto
