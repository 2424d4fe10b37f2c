#include "admin_export.h"

#include <nlohmann/json.hpp>

#include "deadline.h"
#include "json_writer.h"

namespace veto_server {

void append_csv_cell(std::string_view text, std::string& out) {
  out += '"';
  if (!text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@' ||
                        text[0] == '\t' || text[0] == '\r')) {
    out += '\'';
  }
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

namespace {

void csv_line(const std::vector<std::string>& cells, std::string& out) {
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) out += ',';
    append_csv_cell(cells[i], out);
  }
  out += "\r\n";
}

void string_or_null(veto::json_writer& w, const std::string& text) {
  if (text.empty()) {
    w.null();
  } else {
    w.string(text);
  }
}

}  // namespace

bool is_open(const objection_summary& s) {
  return s.status == status_received && s.erased_at.empty();
}

long long days_left(const objection_summary& s, const std::string& today) {
  const std::optional<civil_date> deadline = parse_date(s.deadline);
  const std::optional<civil_date> now = parse_date(today);
  if (!deadline || !now) return 0;
  return days_from_epoch(*deadline) - days_from_epoch(*now);
}

bool is_overdue(const objection_summary& s, const std::string& today) {
  return is_open(s) && days_left(s, today) < 0;
}

void write_summary_members(veto::json_writer& w, const objection_summary& s,
                           const std::string& today) {
  w.key("receipt"), w.string(s.receipt);
  w.key("received_at"), w.string(s.received_at);
  w.key("country"), string_or_null(w, s.country);
  w.key("status"), w.string(s.status);
  w.key("deadline"), w.string(s.deadline);
  w.key("extension_months"), w.number(s.extension_months);
  w.key("days_left");
  if (is_open(s)) {
    w.number(days_left(s, today));
  } else {
    w.null();
  }
  w.key("overdue"), w.boolean(is_overdue(s, today));
  w.key("version"), w.number(s.version);
  w.key("closed_at"), string_or_null(w, s.closed_at);
  w.key("erased_at"), string_or_null(w, s.erased_at);
}

std::string export_csv_header(const std::vector<std::string>& field_names) {
  // The country is among the fields (an erased row has none).
  std::vector<std::string> cells = {"receipt",   "received_at", "status", "deadline",
                                    "extension_months", "closed_at", "erased_at", "locale"};
  cells.insert(cells.end(), field_names.begin(), field_names.end());
  std::string out;
  csv_line(cells, out);
  return out;
}

std::string export_csv_line(const export_row& row, const std::vector<std::string>& field_names) {
  const objection_summary& s = row.summary;
  std::vector<std::string> cells = {s.receipt,   s.received_at,
                                    s.status,    s.deadline,
                                    std::to_string(s.extension_months),
                                    s.closed_at, s.erased_at,
                                    row.locale};
  const nlohmann::json fields = nlohmann::json::parse(row.fields_json, nullptr, false);
  for (const std::string& name : field_names) {
    const auto it = fields.is_object() ? fields.find(name) : fields.end();
    cells.push_back(it != fields.end() && it->is_string() ? it->get<std::string>() : "");
  }
  std::string out;
  csv_line(cells, out);
  return out;
}

std::string export_json_line(const export_row& row, const std::string& today) {
  std::string out;
  veto::json_writer w(out);
  w.begin_object();
  write_summary_members(w, row.summary, today);
  w.key("locale"), string_or_null(w, row.locale);
  w.key("fields"), w.raw(row.fields_json.empty() ? "{}" : row.fields_json);
  w.end_object();
  out += '\n';
  return out;
}

std::string audit_csv_header() {
  std::string out;
  csv_line({"id", "at", "actor", "action", "receipt", "detail"}, out);
  return out;
}

std::string audit_csv_line(const audit_entry& e) {
  std::string out;
  csv_line({std::to_string(e.id), e.at, e.actor, e.action, e.receipt, e.detail}, out);
  return out;
}

std::string audit_json_line(const audit_entry& e) {
  std::string out;
  veto::json_writer w(out);
  w.begin_object();
  w.key("id"), w.number(e.id);
  w.key("at"), w.string(e.at);
  w.key("actor"), w.string(e.actor);
  w.key("action"), w.string(e.action);
  w.key("receipt"), string_or_null(w, e.receipt);
  w.key("detail"), w.string(e.detail);
  w.end_object();
  out += '\n';
  return out;
}

}  // namespace veto_server
