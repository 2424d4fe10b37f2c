// docs/contract.md §4: the result as compact JSON, keys in the contract's order.
#include "json_writer.h"
#include "veto/veto.h"

namespace veto {
namespace {

void write_issues(json_writer& w, const std::vector<issue>& issues) {
  w.begin_array();
  for (const auto& item : issues) {
    w.begin_object();
    w.key("code"), w.string(item.code);
    w.key("params"), w.begin_object();
    for (const auto& [name, value] : item.params) w.key(name), w.value(value);
    w.end_object();
    w.key("message"), w.string(item.message);
    w.end_object();
  }
  w.end_array();
}

void write_field(json_writer& w, const field_result& field) {
  w.begin_object();
  w.key("valid"), w.boolean(field.valid);
  w.key("value");
  if (field.value) {
    w.string(*field.value);
  } else {
    w.null();
  }
  w.key("errors"), write_issues(w, field.errors);
  w.key("warnings"), write_issues(w, field.warnings);
  w.key("info"), w.begin_object();
  for (const auto& [name, value] : field.info) w.key(name), w.value(value);
  w.end_object();
  w.end_object();
}

}  // namespace

std::string to_json(const result& verdict) {
  std::string out;
  out.reserve(512);
  json_writer w(out);
  w.begin_object();
  w.key("valid"), w.boolean(verdict.valid);
  w.key("ruleset"), w.begin_object();
  w.key("id"), w.string(verdict.ruleset_id);
  w.key("version"), w.number(verdict.ruleset_version);
  w.end_object();
  w.key("locale"), w.string(verdict.locale);
  w.key("fields"), w.begin_object();
  for (const auto& field : verdict.fields) w.key(field.name), write_field(w, field);
  w.end_object();
  w.key("form"), w.begin_object();
  w.key("errors"), write_issues(w, verdict.form_errors);
  w.key("warnings"), write_issues(w, verdict.form_warnings);
  w.end_object();
  w.end_object();
  return out;
}

std::string to_json(const std::vector<country_entry>& countries) {
  std::string out;
  json_writer w(out);
  w.begin_array();
  for (const auto& country : countries) {
    w.begin_object();
    w.key("code"), w.string(country.code);
    w.key("name"), w.string(country.name);
    w.key("eligible"), w.boolean(country.eligible);
    w.end_object();
  }
  w.end_array();
  return out;
}

std::string to_json(const field_result& field) {
  std::string out;
  json_writer w(out);
  write_field(w, field);
  return out;
}

}  // namespace veto
