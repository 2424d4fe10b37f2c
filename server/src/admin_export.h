// How objections and audit entries are written for the controller: JSON (one object per
// line for NDJSON) and CSV (RFC 4180: every cell quoted, quotes doubled, CRLF; UTF-8).
// A CSV cell that a spreadsheet would take for a formula (one starting with = + - @, a
// tab or a carriage return) gets a leading apostrophe, as OWASP's "CSV injection" advice
// says, so a value a person typed into the form never runs as a formula; an E.164 phone
// number (+49...) is shown as '+49... for the same reason.
#ifndef VETO_SERVER_ADMIN_EXPORT_H
#define VETO_SERVER_ADMIN_EXPORT_H

#include <string>
#include <string_view>
#include <vector>

#include "store.h"

namespace veto {
class json_writer;  // src/core/json_writer.h
}

namespace veto_server {

void append_csv_cell(std::string_view text, std::string& out);

// The summary's members, written into an object already begun; `today` gives days_left
// and overdue.
void write_summary_members(veto::json_writer& w, const objection_summary& s,
                           const std::string& today);

// Days from `today` to the deadline (negative when overdue).
long long days_left(const objection_summary& s, const std::string& today);
bool is_open(const objection_summary& s);
bool is_overdue(const objection_summary& s, const std::string& today);

// The CSV header of an export (the summary's columns but the country, the locale, then
// `field_names`, the country among them).
std::string export_csv_header(const std::vector<std::string>& field_names);
std::string export_csv_line(const export_row& row, const std::vector<std::string>& field_names);
std::string export_json_line(const export_row& row, const std::string& today);

std::string audit_csv_header();
std::string audit_csv_line(const audit_entry& entry);
std::string audit_json_line(const audit_entry& entry);

}  // namespace veto_server

#endif  // VETO_SERVER_ADMIN_EXPORT_H
