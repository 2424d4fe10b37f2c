#include "pages.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <cstdint>
#include <optional>

#include "http_fields.h"

namespace veto_server {
namespace {

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Reads one page-string catalog: a flat JSON object of strings.
std::string read_catalog(const std::string& path, std::map<std::string, std::string>& out) {
  const std::optional<std::string> text = read_file(path);
  if (!text) return "cannot read " + path;
  const nlohmann::json parsed = nlohmann::json::parse(*text, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) return path + ": not a JSON object";
  for (const auto& [key, value] : parsed.items()) {
    if (!value.is_string()) return path + ": \"" + key + "\" is not a string";
    out[key] = value.get<std::string>();
  }
  return "";
}

const veto::field_result* field_of(const veto::result* result, std::string_view name) {
  if (!result) return nullptr;
  for (const veto::field_result& field : result->fields) {
    if (field.name == name) return &field;
  }
  return nullptr;
}

const std::string* submitted_value(const veto::form* form, std::string_view name) {
  if (!form) return nullptr;
  for (const veto::form_member& member : *form) {
    if (member.name == name && member.type == veto::form_member::kind::string) return &member.text;
  }
  return nullptr;
}

std::string upper_trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

void append_issue_spans(const std::vector<veto::issue>& issues, const char* kind,
                        std::string& out) {
  for (const veto::issue& issue : issues) {
    out += "<span class=\"msg ";
    out += kind;
    out += "\" data-code=\"";
    append_html_escaped(issue.code, out);
    out += "\">";
    append_html_escaped(issue.message, out);
    out += "</span>";
  }
}

// Every placeholder the three templates may use, in one table: load() checks the templates
// against it and fill() renders by it, so a placeholder cannot be known to one and not the
// other.
enum class slot_kind : std::uint8_t {
  lang, dir, text, value, invalid, messages, country_options, locale_options, summary,
  summary_hidden, idempotency_key, receipt, mail_text, mail_key, mail_mode, code_hidden,
  code_intro, code_invalid, code_error, code_notice
};
enum class slot_arg : std::uint8_t {
  none,          // {{name}}
  catalog_key,   // {{t:KEY}}: a key of i18n/en.json
  field,         // {{value:FIELD}}: a field of the ruleset
  country_field,  // {{country_options:FIELD}}: a country field of the ruleset
  mail_promise    // {{mail:NAME}}: a row of mail_promises
};
struct slot_spec {
  std::string_view name;
  slot_kind kind;
  slot_arg arg;
  bool received_page_only;
};
constexpr slot_spec slot_specs[] = {
    {"lang", slot_kind::lang, slot_arg::none, false},
    {"dir", slot_kind::dir, slot_arg::none, false},
    {"t", slot_kind::text, slot_arg::catalog_key, false},
    {"value", slot_kind::value, slot_arg::field, false},
    {"invalid", slot_kind::invalid, slot_arg::field, false},
    {"messages", slot_kind::messages, slot_arg::field, false},
    {"country_options", slot_kind::country_options, slot_arg::country_field, false},
    {"locale_options", slot_kind::locale_options, slot_arg::none, false},
    {"summary", slot_kind::summary, slot_arg::none, false},
    {"summary_hidden", slot_kind::summary_hidden, slot_arg::none, false},
    {"idempotency_key", slot_kind::idempotency_key, slot_arg::none, false},
    {"receipt", slot_kind::receipt, slot_arg::none, true},
    {"mail", slot_kind::mail_text, slot_arg::mail_promise, false},
    {"mail_key", slot_kind::mail_key, slot_arg::mail_promise, false},
    // Mode code (issue 23): the page script's switch, and the code step without JavaScript
    // (code.html), empty elsewhere.
    {"mail_mode", slot_kind::mail_mode, slot_arg::none, false},
    {"code_hidden", slot_kind::code_hidden, slot_arg::none, false},
    {"code_intro", slot_kind::code_intro, slot_arg::none, false},
    {"code_invalid", slot_kind::code_invalid, slot_arg::none, false},
    {"code_error", slot_kind::code_error, slot_arg::none, false},
    {"code_notice", slot_kind::code_notice, slot_arg::none, false},
};

// What the page promises about email depends on the server's mail mode (issue 23): the
// email field's hint and the receipt page say what will and will not be sent. One row per
// promise: the page string for each mode. {{mail:NAME}} renders the text,
// {{mail_key:NAME}} the key (for data-i18n, so that the page script translates the same).
struct mail_promise {
  std::string_view name;
  const char* none;
  const char* receipt;
  const char* code;
};
constexpr mail_promise mail_promises[] = {
    {"email.hint", "email.hint_none", "email.hint", "email.hint_code"},
    {"received.mail", "received.mail_none", "received.mail_receipt", "received.mail_receipt"},
};

const char* mail_promise_key(std::string_view name, mail_mode mode) {
  for (const mail_promise& promise : mail_promises) {
    if (promise.name == name) {
      return mode == mail_mode::none ? promise.none
             : mode == mail_mode::receipt ? promise.receipt
                                          : promise.code;
    }
  }
  return nullptr;
}

const slot_spec* find_slot(std::string_view name) {
  for (const slot_spec& spec : slot_specs) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

// The summary's line for a field: the catalog's summary.item pattern ("{label}: {message}";
// French puts U+202F before the colon) with both filled in, HTML-escaped. web/app.js joins
// the same way.
void append_summary_item(std::string_view pattern, std::string_view label,
                         std::string_view message, std::string& out) {
  for (std::size_t i = 0; i < pattern.size();) {
    const std::string_view rest = pattern.substr(i);
    if (rest.compare(0, 7, "{label}") == 0) {
      append_html_escaped(label, out), i += 7;
    } else if (rest.compare(0, 9, "{message}") == 0) {
      append_html_escaped(message, out), i += 9;
    } else {
      const std::size_t next = std::min(pattern.find('{', i + 1), pattern.size());
      append_html_escaped(pattern.substr(i, next - i), out), i = next;
    }
  }
}

}  // namespace

veto::expected<pages> pages::load(const std::string& web_dir, const veto::validator& validator,
                                  mail_mode mode) {
  std::optional<pages> loaded(pages{validator});
  loaded->mail_mode_ = mode;
  pages* const p = &*loaded;
  for (const std::string_view tag : veto::supported_locales()) p->locales_.emplace_back(tag);
  const std::vector<veto::field_description> fields = validator.fields();

  const std::string i18n = web_dir + "/i18n/";
  std::string error = read_catalog(i18n + "en.json", p->strings_["en"]);
  if (!error.empty()) return veto::unexpected(std::move(error));
  for (const std::string& locale : p->locales_) {
    if (locale == "en") continue;
    // A catalog not translated yet is no error: every key falls back to English.
    if (!read_file(i18n + locale + ".json")) continue;
    error = read_catalog(i18n + locale + ".json", p->strings_[locale]);
    if (!error.empty()) return veto::unexpected(std::move(error));
  }
  const auto& english = p->strings_["en"];
  std::vector<std::string> needed = {"language.name", "country.choose",
                                     "country.not_eligible_suffix", "summary.title",
                                     "summary.item", "code.intro"};
  for (const veto::field_description& field : fields) needed.push_back(field.name + ".label");
  for (const mail_promise& promise : mail_promises) {
    needed.insert(needed.end(), {promise.none, promise.receipt, promise.code});
  }
  for (const std::string& key : needed) {
    if (!english.count(key)) {
      return veto::unexpected(i18n + "en.json: the server needs \"" + key + "\"");
    }
  }

  const auto checker = [&](bool received_page) {
    return [&english, &fields, received_page](const placeholder& slot) -> std::string {
      const slot_spec* spec = find_slot(slot.name);
      if (!spec || (spec->received_page_only && !received_page)) return "unknown placeholder";
      const auto field = std::find_if(fields.begin(), fields.end(),
                                      [&](const auto& f) { return f.name == slot.arg; });
      switch (spec->arg) {
        case slot_arg::none:
          return slot.arg.empty() ? "" : "takes no argument";
        case slot_arg::catalog_key:
          return english.count(slot.arg) ? "" : "no such key in i18n/en.json";
        case slot_arg::field:
          return field != fields.end() ? "" : "no such field in the ruleset";
        case slot_arg::mail_promise:
          return mail_promise_key(slot.arg, mail_mode::none) ? "" : "no such mail promise";
        case slot_arg::country_field:
          return field != fields.end() && field->kind == veto::field_kind::country
                     ? ""
                     : "no such country field in the ruleset";
      }
      return "unknown placeholder";
    };
  };
  for (const auto& [file, received_page, target] :
       {std::tuple{"index.html", false, &p->index_},
        std::tuple{"received.html", true, &p->received_}, std::tuple{"code.html", false, &p->code_}}) {
    // The code step's page is read in mode code only: the other modes never show it.
    if (target == &p->code_ && mode != mail_mode::code) continue;
    const std::string path = web_dir + "/" + file;
    const std::optional<std::string> text = read_file(path);
    if (!text) return veto::unexpected("cannot read " + path);
    veto::expected<page_template> parsed = page_template::parse(*text, checker(received_page));
    if (!parsed) return veto::unexpected(path + ": " + parsed.error());
    *target = std::move(*parsed);
  }

  // Render the GET page of every locale now: start-up pays once, requests only join.
  for (const std::string& locale : p->locales_) {
    cut_page page;
    page.pieces.emplace_back();
    const page_state nothing;
    for (const template_piece& piece : p->index_.pieces()) {
      if (!piece.slot) {
        page.pieces.back() += piece.literal;
      } else if (find_slot(piece.slot->name)->kind == slot_kind::idempotency_key) {
        page.pieces.emplace_back();
      } else {
        p->fill(*piece.slot, locale, nothing, {}, page.pieces.back());
      }
    }
    p->index_get_.emplace(locale, std::move(page));
  }
  return std::move(*loaded);
}

std::string pages::page_locale(std::string_view lang, std::string_view accept_language) const {
  if (!lang.empty()) return validator_.message_locale(lang);
  for (const std::string& tag : preferred_languages(accept_language)) {
    std::string locale = validator_.message_locale(tag);
    const bool english = tag.size() >= 2 && (tag[0] == 'e' || tag[0] == 'E') &&
                         (tag[1] == 'n' || tag[1] == 'N') &&
                         (tag.size() == 2 || tag[2] == '-' || tag[2] == '_');
    if (locale != "en" || english) return locale;
  }
  return "en";
}

const std::string& pages::text(const std::string& locale, const std::string& key) const {
  const auto catalog = strings_.find(locale);
  if (catalog != strings_.end()) {
    const auto it = catalog->second.find(key);
    if (it != catalog->second.end()) return it->second;
  }
  return strings_.at("en").at(key);  // checked at load
}

void pages::fill(const placeholder& slot, const std::string& locale, const page_state& state,
                 std::string_view receipt, std::string& out) const {
  const slot_kind kind = find_slot(slot.name)->kind;  // load() checked every placeholder
  if (kind == slot_kind::lang) {
    append_html_escaped(locale, out);
  } else if (kind == slot_kind::dir) {
    out += "ltr";  // all 26 locales are written left to right
  } else if (kind == slot_kind::text) {
    append_html_escaped(text(locale, slot.arg), out);
  } else if (kind == slot_kind::value) {
    if (const std::string* value = submitted_value(state.submitted, slot.arg)) {
      append_html_escaped(*value, out);
    }
  } else if (kind == slot_kind::invalid) {
    const veto::field_result* field = field_of(state.result, slot.arg);
    out += field && !field->errors.empty() ? "true" : "false";
  } else if (kind == slot_kind::messages) {
    if (const veto::field_result* field = field_of(state.result, slot.arg)) {
      append_issue_spans(field->errors, "error", out);
      append_issue_spans(field->warnings, "warning", out);
    }
  } else if (kind == slot_kind::country_options) {
    std::string selected;
    if (const veto::field_result* country = field_of(state.result, slot.arg);
        country && country->value) {
      selected = *country->value;
    } else if (const std::string* typed = submitted_value(state.submitted, slot.arg)) {
      selected = upper_trimmed(*typed);
    }
    out += "<option value=\"\">";
    append_html_escaped(text(locale, "country.choose"), out);
    out += "</option>";
    const std::string& suffix = text(locale, "country.not_eligible_suffix");
    for (const veto::country_entry& entry : validator_.countries(locale)) {
      out += "<option value=\"";
      append_html_escaped(entry.code, out);
      out += "\"";
      if (!entry.eligible) out += " disabled";
      if (entry.code == selected) out += " selected";
      out += ">";
      append_html_escaped(entry.name, out);
      if (!entry.eligible) {
        out += " \xE2\x80\x94 ";  // U+2014 EM DASH
        append_html_escaped(suffix, out);
      }
      out += "</option>";
    }
  } else if (kind == slot_kind::locale_options) {
    for (const std::string& tag : locales_) {
      out += "<option value=\"";
      append_html_escaped(tag, out);
      out += tag == locale ? "\" selected>" : "\">";
      // The autonym comes from the locale's own catalog; until it is translated, the tag
      // (English's "English" would name the wrong language).
      const std::string* autonym = nullptr;
      if (const auto catalog = strings_.find(tag); catalog != strings_.end()) {
        if (const auto own = catalog->second.find("language.name"); own != catalog->second.end()) {
          autonym = &own->second;
        }
      }
      append_html_escaped(autonym ? *autonym : tag, out);
      out += "</option>";
    }
  } else if (kind == slot_kind::summary || kind == slot_kind::summary_hidden) {
    std::string summary;
    if (state.result && !state.result->valid) {
      std::string items;
      for (const veto::field_result& field : state.result->fields) {
        if (field.errors.empty()) continue;
        items += "<li><a href=\"#";
        append_html_escaped(field.name, items);
        items += "\">";
        // A field's label may be a long question: the summary names it by its short
        // FIELD.summary_label where the catalogs have one.
        const std::string short_label = field.name + ".summary_label";
        append_summary_item(
            text(locale, "summary.item"),
            text(locale, strings_.at("en").count(short_label) ? short_label : field.name + ".label"),
            field.errors.front().message, items);
        items += "</a></li>";
      }
      for (const veto::issue& issue : state.result->form_errors) {
        items += "<li>";
        append_html_escaped(issue.message, items);
        items += "</li>";
      }
      if (!items.empty()) {
        summary = "<h2 id=\"summary-title\">" + html_escaped(text(locale, "summary.title")) +
                  "</h2><ul>" + items + "</ul>";
      }
    }
    if (kind == slot_kind::summary) {
      out += summary;
    } else if (summary.empty()) {
      out += "hidden";
    }
  } else if (kind == slot_kind::receipt) {
    append_html_escaped(receipt, out);
  } else if (kind == slot_kind::mail_text) {
    append_html_escaped(text(locale, mail_promise_key(slot.arg, mail_mode_)), out);
  } else if (kind == slot_kind::mail_key) {
    out += mail_promise_key(slot.arg, mail_mode_);
  } else if (kind == slot_kind::mail_mode) {
    out += mail_mode_name(mail_mode_);
  } else if (kind == slot_kind::code_hidden) {
    // The form travels through the code step in hidden inputs, not in a server-side draft:
    // nothing of an objection not yet confirmed is kept by the server.
    const auto hidden = [&out](std::string_view name, std::string_view value) {
      out += "<input type=\"hidden\" name=\"";
      append_html_escaped(name, out);
      out += "\" value=\"";
      append_html_escaped(value, out);
      out += "\">";
    };
    if (state.code_address) {
      hidden("locale", locale);
      hidden("idempotency_key", state.idempotency_key);
      for (const veto::form_member& member : *state.submitted) hidden(member.name, member.text);
    }
  } else if (kind == slot_kind::code_intro) {
    if (state.code_address) {
      const std::string& pattern = text(locale, "code.intro");
      const std::size_t at = pattern.find("{email}");
      append_html_escaped(pattern.substr(0, at), out);
      if (at != std::string::npos) {
        out += "<strong>";
        append_html_escaped(*state.code_address, out);
        out += "</strong>";
        append_html_escaped(pattern.substr(at + 7), out);
      }
    }
  } else if (kind == slot_kind::code_invalid) {
    out += state.code_error ? "true" : "false";
  } else if (kind == slot_kind::code_error) {
    if (state.code_error) {
      out += "<span class=\"msg error\" data-code=\"";
      out += state.code_error;
      out += "\">";
      append_html_escaped(text(locale, state.code_error), out);
      out += "</span>";
    }
  } else if (kind == slot_kind::code_notice) {
    if (state.code_notice) append_html_escaped(text(locale, state.code_notice), out);
  }
  // idempotency_key is filled by the callers, who own the key.
}

const cut_page& pages::index_for_get(const std::string& locale) const {
  const auto it = index_get_.find(locale);
  return it != index_get_.end() ? it->second : index_get_.at("en");
}

std::string pages::index_with(const std::string& locale, const page_state& state,
                              std::string_view idempotency_key) const {
  std::string out;
  index_.render(
      [&](const placeholder& slot, std::string& o) {
        if (find_slot(slot.name)->kind == slot_kind::idempotency_key) {
          append_html_escaped(idempotency_key, o);
        } else {
          fill(slot, locale, state, {}, o);
        }
      },
      out);
  return out;
}

std::string pages::code_step(const std::string& locale, const page_state& state) const {
  std::string out;
  code_.render(
      [&](const placeholder& slot, std::string& o) {
        if (find_slot(slot.name)->kind != slot_kind::idempotency_key) fill(slot, locale, state, {}, o);
      },
      out);
  return out;
}

std::string pages::received(const std::string& locale, std::string_view receipt) const {
  std::string out;
  const page_state nothing;
  received_.render(
      [&](const placeholder& slot, std::string& o) {
        if (find_slot(slot.name)->kind != slot_kind::idempotency_key) {
          fill(slot, locale, nothing, receipt, o);
        }
      },
      out);
  return out;
}

}  // namespace veto_server
