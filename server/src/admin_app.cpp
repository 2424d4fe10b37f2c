#include "admin_app.h"

#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "admin_export.h"
#include "app.h"
#include "bytes.h"
#include "deadline.h"
#include "http_fields.h"
#include "json_writer.h"
#include "page_template.h"
#include "urlencoded.h"
#include "utf8.h"

namespace veto_server {
namespace {

using httplib::ContentReader;
using httplib::Request;
using httplib::Response;

constexpr std::size_t max_reason_bytes = 2000;
constexpr std::size_t max_page_size = 500;
constexpr std::size_t export_page_size = 200;
constexpr int chart_days = 30;

std::string today() { return format_date(utc_today()); }

// ---- Requests ----

// Whether the URL carries something that looks like a secret: a token's prefix anywhere,
// or a parameter named as OAuth's and others' token parameters are. Such a request is
// refused before anything else, so that a token in a URL never works (and the habit of
// putting it there is broken at once).
bool url_carries_token(const Request& req) {
  if (req.target.find(token_prefix) != std::string::npos) return true;
  for (const char* name : {"access_token", "token", "bearer", "auth", "authorization"}) {
    if (req.has_param(name)) return true;
  }
  return false;
}

const admin_token* authenticate(admin_state& state, const Request& req, Response& res) {
  const std::string client = rate_limit_client(req.remote_addr);
  const auto now = auth_failures::clock::now();
  if (state.failures.blocked(client, now)) {
    leave_body_unread(req);
    res.set_header("Retry-After", "60");
    send_error(req, res, 429, "Too many failed sign-ins. Please wait a minute.");
    return nullptr;
  }
  const admin_token* token = state.tokens.authenticate(
      presented_secret(req.get_header_value("Authorization")));
  if (!token) {
    // One answer for no token, a malformed one, a wrong one: nothing tells them apart.
    state.failures.record(client, now);
    leave_body_unread(req);
    res.set_header("WWW-Authenticate", "Basic realm=\"veto admin\", charset=\"UTF-8\"");
    send_error(req, res, 401, "Authentication required.");
    return nullptr;
  }
  return token;
}

bool valid_text(const std::string& text, std::size_t max) {
  return text.size() <= max && !veto::utf8::first_invalid(text);
}

bool is_country_code(const std::string& text) {
  return text.size() == 2 && text[0] >= 'A' && text[0] <= 'Z' && text[1] >= 'A' && text[1] <= 'Z';
}

}  // namespace

veto::expected<objection_filter> filter_from(const Request& req, objection_filter::order order) {
  objection_filter f;
  f.sort = order;
  const auto bad = [](const char* message) { return veto::unexpected(std::string(message)); };
  f.status = req.get_param_value("status");
  if (!f.status.empty() && f.status != status_received && f.status != status_answered &&
      f.status != status_rejected) {
    return bad("status: received, answered or rejected");
  }
  f.country = req.get_param_value("country");
  if (!f.country.empty() && !is_country_code(f.country)) {
    return bad("country: two capital letters (ISO 3166-1 alpha-2)");
  }
  f.from = req.get_param_value("from");
  if (!f.from.empty() && !parse_date(f.from)) return bad("from: a date, YYYY-MM-DD");
  f.to = req.get_param_value("to");
  if (!f.to.empty() && !parse_date(f.to)) return bad("to: a date, YYYY-MM-DD");
  const std::string overdue = req.get_param_value("overdue");
  if (overdue == "1" || overdue == "true" || overdue == "on") {
    f.overdue = true;
  } else if (!overdue.empty() && overdue != "0" && overdue != "false") {
    return bad("overdue: 1 or 0");
  }
  const std::string sort = req.get_param_value("order");
  if (sort == "urgent") {
    f.sort = objection_filter::order::urgent;
  } else if (sort == "newest") {
    f.sort = objection_filter::order::newest;
  } else if (!sort.empty()) {
    return bad("order: newest or urgent");
  }
  f.cursor = req.get_param_value("cursor");
  const std::string limit = req.get_param_value("limit");
  if (!limit.empty()) {
    std::size_t n = 0;
    for (char c : limit) {
      if (c < '0' || c > '9' || n > max_page_size) return bad("limit: 1 to 500");
      n = n * 10 + static_cast<std::size_t>(c - '0');
    }
    if (n < 1 || n > max_page_size) return bad("limit: 1 to 500");
    f.limit = n;
  }
  return f;
}

namespace {

// The filter as a query string (without cursor), for links that keep it.
std::string filter_query(const objection_filter& f) {
  std::string q;
  const auto add = [&](const char* name, const std::string& value) {
    if (value.empty()) return;
    q += q.empty() ? "" : "&";
    q += name;
    q += '=';
    q += value;  // every value was checked to be made of URL-safe characters
  };
  add("status", f.status);
  add("country", f.country);
  add("from", f.from);
  add("to", f.to);
  add("overdue", f.overdue ? "1" : "");
  add("order", f.sort == objection_filter::order::urgent ? "urgent" : "newest");
  return q;
}

std::string describe(const objection_filter& f, const std::string& format) {
  return "format=" + format + (filter_query(f).empty() ? "" : " " + filter_query(f));
}

// ---- Answers ----

void send_json(Response& res, int status, std::string body) {
  send(res, status, "application/json", std::move(body));
}

void answer_change(const Request& req, Response& res, const change_outcome& outcome) {
  switch (outcome.status) {
    case change_outcome::kind::changed: {
      std::string body;
      veto::json_writer w(body);
      w.begin_object();
      w.key("objection"), w.begin_object();
      write_summary_members(w, outcome.summary, today());
      w.end_object();
      w.end_object();
      return send_json(res, 200, std::move(body));
    }
    case change_outcome::kind::not_found:
      return send_error(req, res, 404, "There is no objection with this receipt number.");
    case change_outcome::kind::conflict:
      return send_error(req, res, 409, "admin.version_conflict",
                        "Someone changed this objection in the meantime. Reload it and try again.");
    case change_outcome::kind::not_allowed:
      return send_error(req, res, 409, "admin.not_allowed",
                        "This change does not apply to the objection in its present state.");
    case change_outcome::kind::failed:
      return send_error(req, res, 500, "The change could not be saved. Please try again.");
  }
}

// A change request, from JSON (API) or a form (page), checked the same way.
struct change_request {
  std::string action;  // answered, rejected, extended, erased
  std::string reason;
  long long version = 0;
  int months = 0;
};

veto::expected<change_request> check_change(change_request c) {
  const auto bad = [](const char* message) { return veto::unexpected(std::string(message)); };
  if (c.version < 1) return bad("version: the objection's version, as read");
  if (c.action == status_answered || c.action == status_rejected || c.action == "extended") {
    if (c.reason.empty() || !valid_text(c.reason, max_reason_bytes)) {
      return bad("reason: 1 to 2000 bytes of UTF-8");
    }
  }
  if (c.action == "extended" && (c.months < 1 || c.months > max_extension_months)) {
    return bad("months: 1 or 2");
  }
  return c;
}

change_outcome apply(admin_state& state, const std::string& receipt, const change_request& c,
                     const admin_token& token) {
  if (c.action == "extended") return state.store.extend(receipt, c.version, c.months, c.reason, token.name);
  if (c.action == "erased") return state.store.erase(receipt, c.version, token.name);
  return state.store.change_status(receipt, c.version, c.action, c.reason, token.name);
}

// ---- The API ----

void api_list(admin_state& state, const admin_token&, const Request& req, Response& res) {
  const veto::expected<objection_filter> f = filter_from(req, objection_filter::order::newest);
  if (!f) return send_error(req, res, 400, "admin.bad_filter", f.error());
  const std::string day = today();
  const veto::expected<objection_page> page = state.store.list(*f, day);
  if (!page) {
    if (page.error().rfind("cursor:", 0) == 0) return send_error(req, res, 400, "admin.bad_filter", page.error());
    return send_error(req, res, 500, "The objections could not be read. Please try again.");
  }
  std::string body;
  veto::json_writer w(body);
  w.begin_object();
  w.key("objections"), w.begin_array();
  for (const objection_summary& s : page->items) {
    w.begin_object();
    write_summary_members(w, s, day);
    w.end_object();
  }
  w.end_array();
  w.key("next_cursor");
  if (page->next_cursor.empty()) {
    w.null();
  } else {
    w.string(page->next_cursor);
  }
  w.end_object();
  send_json(res, 200, std::move(body));
}

void api_one(admin_state& state, const admin_token& token, const Request& req, Response& res,
             const std::string& receipt) {
  const auto found = state.store.find(receipt, token.name);
  if (!found) return send_error(req, res, 500, "The objection could not be read. Please try again.");
  if (!*found) return send_error(req, res, 404, "There is no objection with this receipt number.");
  const objection_record& r = **found;
  std::string body;
  veto::json_writer w(body);
  w.begin_object();
  w.key("objection"), w.begin_object();
  write_summary_members(w, r.summary, today());
  w.key("locale"), w.string(r.locale);
  w.key("ruleset_id"), w.string(r.ruleset_id);
  w.key("ruleset_version"), w.number(r.ruleset_version);
  w.key("fields"), w.raw(r.fields_json.empty() ? "{}" : r.fields_json);
  w.key("history"), w.begin_array();
  for (const status_change& c : r.history) {
    w.begin_object();
    w.key("at"), w.string(c.at);
    w.key("actor"), w.string(c.actor);
    w.key("action"), w.string(c.action);
    w.key("reason"), w.string(c.reason);
    w.key("extension_months"), w.number(c.extension_months);
    w.end_object();
  }
  w.end_array();
  // The receipt email (issue 23): what the operator needs when someone says none came.
  const auto mail = state.store.outbox_of(receipt);
  w.key("receipt_email");
  if (mail && *mail) {
    const outbox_status& m = **mail;
    w.begin_object();
    w.key("state"), w.string(m.state);
    w.key("attempts"), w.number(static_cast<std::int64_t>(m.attempts));
    w.key("next_attempt_at"), w.string(m.next_attempt_at);
    w.key("last_reply"), w.string(m.last_reply);
    w.key("sent_at");
    m.sent_at.empty() ? w.null() : w.string(m.sent_at);
    w.end_object();
  } else {
    w.null();
  }
  w.end_object();
  w.end_object();
  send_json(res, 200, std::move(body));
}

void api_change(admin_state& state, const admin_token& token, const Request& req, Response& res,
                const ContentReader& reader, const std::string& receipt,
                const std::string& action) {
  const std::optional<std::string> body = read_body(req, res, reader, "application/json");
  if (!body) return;
  const nlohmann::json json = nlohmann::json::parse(*body, nullptr, false);
  if (!json.is_object()) return send_error(req, res, 400, "The body must be a JSON object.");
  change_request c;
  c.action = action;
  const auto text = [&](const char* name) {
    const auto it = json.find(name);
    return it != json.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  const auto number = [&](const char* name) -> long long {
    const auto it = json.find(name);
    return it != json.end() && it->is_number_integer() ? it->get<long long>() : 0;
  };
  if (action == "status") {
    c.action = text("status");
    if (c.action != status_answered && c.action != status_rejected) {
      return send_error(req, res, 400, "admin.bad_change", "status: answered or rejected");
    }
  }
  c.reason = text("reason");
  c.version = number("version");
  const long long months = number("months");
  c.months = months >= 0 && months <= 12 ? static_cast<int>(months) : 0;
  const veto::expected<change_request> checked = check_change(std::move(c));
  if (!checked) return send_error(req, res, 400, "admin.bad_change", checked.error());
  answer_change(req, res, apply(state, receipt, *checked, token));
}

// Streams pages of rows; `next(cursor, out)` appends a page to `out` and returns the
// next cursor (empty when done), or nullopt on a database error (the stream is cut).
template <class Next>
void stream(Response& res, const char* content_type, std::string first, Next next) {
  struct progress {
    std::string pending;
    std::string cursor;
    bool started = false;
  };
  auto p = std::make_shared<progress>();
  p->pending = std::move(first);
  res.set_header("Cache-Control", "no-store");
  res.set_chunked_content_provider(content_type, [p, next](std::size_t, httplib::DataSink& sink) {
    if (p->started && p->cursor.empty()) {
      sink.done();
      return true;
    }
    const std::optional<std::string> cursor = next(p->cursor, p->pending);
    if (!cursor) return false;  // the client sees a cut chunked body, not a complete file
    p->started = true;
    p->cursor = *cursor;
    if (!p->pending.empty() && !sink.write(p->pending.data(), p->pending.size())) return false;
    p->pending.clear();
    return true;
  });
}

void api_export(admin_state& state, const admin_token& token, const Request& req, Response& res) {
  veto::expected<objection_filter> f = filter_from(req, objection_filter::order::newest);
  if (!f) return send_error(req, res, 400, "admin.bad_filter", f.error());
  const std::string format = req.get_param_value("format").empty() ? "ndjson" : req.get_param_value("format");
  if (format != "ndjson" && format != "csv") {
    return send_error(req, res, 400, "admin.bad_filter", "format: ndjson or csv");
  }
  if (!f->cursor.empty()) return send_error(req, res, 400, "admin.bad_filter", "cursor: not for exports");
  f->limit = export_page_size;
  if (!state.store.audit(token.name, "export", "", describe(*f, format))) {
    return send_error(req, res, 500, "The export could not be recorded. Please try again.");
  }
  const bool csv = format == "csv";
  res.set_header("Content-Disposition", csv ? "attachment; filename=\"objections.csv\""
                                            : "attachment; filename=\"objections.ndjson\"");
  const std::string day = today();
  stream(res, csv ? "text/csv; charset=utf-8; header=present" : "application/x-ndjson",
         csv ? export_csv_header(state.field_names) : std::string(),
         [&state, filter = *f, csv, day](const std::string& cursor,
                                        std::string& out) -> std::optional<std::string> {
           objection_filter page_filter = filter;
           page_filter.cursor = cursor;
           const veto::expected<export_page> page = state.store.export_rows(page_filter, day);
           if (!page) return std::nullopt;
           for (const export_row& row : page->items) {
             out += csv ? export_csv_line(row, state.field_names) : export_json_line(row, day);
           }
           return page->next_cursor;
         });
}

void api_audit(admin_state& state, const admin_token& token, const Request& req, Response& res) {
  const std::string format = req.get_param_value("format").empty() ? "ndjson" : req.get_param_value("format");
  if (format != "ndjson" && format != "csv") {
    return send_error(req, res, 400, "admin.bad_filter", "format: ndjson or csv");
  }
  if (!state.store.audit(token.name, "audit_export", "", "format=" + format)) {
    return send_error(req, res, 500, "The export could not be recorded. Please try again.");
  }
  const bool csv = format == "csv";
  res.set_header("Content-Disposition", csv ? "attachment; filename=\"audit.csv\""
                                            : "attachment; filename=\"audit.ndjson\"");
  stream(res, csv ? "text/csv; charset=utf-8; header=present" : "application/x-ndjson",
         csv ? audit_csv_header() : std::string(),
         [&state, csv](const std::string& cursor, std::string& out) -> std::optional<std::string> {
           const long long after = cursor.empty() ? 0 : std::stoll(cursor);
           const auto entries = state.store.audit_log(after, export_page_size);
           if (!entries) return std::nullopt;
           for (const audit_entry& e : *entries) out += csv ? audit_csv_line(e) : audit_json_line(e);
           // The cursor is the last id; "" ends the stream after a short page.
           if (entries->size() < export_page_size) return std::string();
           return std::to_string(entries->back().id);
         });
}

// ---- The page ----

void html(std::string_view text, std::string& out) { append_html_escaped(text, out); }

std::string page_head(const char* title) {
  std::string out =
      "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>";
  out += title;
  out += " · veto admin</title><link rel=\"stylesheet\" href=\"/style.css\">"
         "<link rel=\"stylesheet\" href=\"/admin.css\"></head>\n<body><main class=\"page admin\">";
  return out;
}

const char* page_tail = "</main></body></html>\n";

void signed_in(const admin_token& token, std::string& out) {
  out += "<p class=\"who\">Signed in as <strong>";
  html(token.name, out);
  out += "</strong> (";
  out += role_name(token.role);
  out += ")</p>";
}

// Objections per day as bars, and open against overdue: an SVG drawn here (no script,
// no style attribute: the CSP holds), with a text equivalent for screen readers.
void chart(const objection_store::statistics& s, std::string& out) {
  long long most = 1;
  long long total = 0;
  for (const auto& [day, count] : s.per_day) most = std::max(most, count), total += count;
  const int width = 600, height = 120, bar = width / static_cast<int>(s.per_day.size());
  out += "<section class=\"charts\" aria-labelledby=\"chart-title\"><h2 id=\"chart-title\">"
         "The last 30 days</h2>";
  out += "<svg class=\"chart\" viewBox=\"0 0 " + std::to_string(width) + " " +
         std::to_string(height + 20) +
         "\" role=\"img\" aria-labelledby=\"per-day-title\"><title id=\"per-day-title\">"
         "Objections received per day: " +
         std::to_string(total) + " in 30 days, " + std::to_string(most) +
         " on the busiest day</title>";
  for (std::size_t i = 0; i < s.per_day.size(); ++i) {
    const long long h = s.per_day[i].second * height / most;
    out += "<rect x=\"" + std::to_string(static_cast<int>(i) * bar + 1) + "\" y=\"" +
           std::to_string(height - h) + "\" width=\"" + std::to_string(bar - 2) +
           "\" height=\"" + std::to_string(h) + "\" fill=\"#1f4fbf\"><title>" +
           s.per_day[i].first + ": " + std::to_string(s.per_day[i].second) + "</title></rect>";
  }
  out += "<text x=\"0\" y=\"" + std::to_string(height + 16) + "\" font-size=\"12\" fill=\"#4a5360\">" +
         s.per_day.front().first + "</text><text x=\"" + std::to_string(width) + "\" y=\"" +
         std::to_string(height + 16) + "\" font-size=\"12\" fill=\"#4a5360\" text-anchor=\"end\">" +
         s.per_day.back().first + "</text></svg>";
  const long long open = std::max<long long>(s.open, 1);
  const long long in_time = s.open - s.overdue;
  out += "<svg class=\"chart\" viewBox=\"0 0 600 40\" role=\"img\" aria-labelledby=\"open-title\">"
         "<title id=\"open-title\">Open: " + std::to_string(s.open) + ", of which overdue: " +
         std::to_string(s.overdue) + "</title>";
  out += "<rect x=\"0\" y=\"4\" height=\"32\" width=\"" + std::to_string(600 * in_time / open) +
         "\" fill=\"#1e6b34\"></rect><rect x=\"" + std::to_string(600 * in_time / open) +
         "\" y=\"4\" height=\"32\" width=\"" + std::to_string(600 * s.overdue / open) +
         "\" fill=\"#b3261e\"></rect></svg>";
  out += "<p class=\"legend\"><span class=\"key in-time\"></span> open, within the deadline: " +
         std::to_string(in_time) + " <span class=\"key overdue\"></span> overdue: " +
         std::to_string(s.overdue) + "</p></section>";
}

void option(const char* value, const char* label, const std::string& chosen, std::string& out) {
  out += "<option value=\"";
  out += value;
  out += chosen == value ? "\" selected>" : "\">";
  out += label;
  out += "</option>";
}

void page_list(admin_state& state, const admin_token& token, const Request& req, Response& res) {
  veto::expected<objection_filter> f = filter_from(req, objection_filter::order::urgent);
  if (!f) return send_error(req, res, 400, f.error());
  const std::string day = today();
  const auto page = state.store.list(*f, day);
  const auto stats = state.store.stats(day, chart_days);
  if (!page || !stats) return send_error(req, res, 400, "The list could not be made with this filter.");
  std::string out = page_head("Objections");
  out += "<h1>Objections</h1>";
  signed_in(token, out);
  chart(*stats, out);
  out += "<form class=\"filters\" method=\"get\" action=\"/\"><h2>Filter</h2><div class=\"row\">";
  out += "<label for=\"status\">Status</label><select id=\"status\" name=\"status\">";
  option("", "any", f->status, out);
  option("received", "received (open)", f->status, out);
  option("answered", "answered", f->status, out);
  option("rejected", "rejected", f->status, out);
  out += "</select>";
  out += "<label for=\"country\">Country</label><input id=\"country\" name=\"country\" "
         "maxlength=\"2\" autocomplete=\"off\" value=\"" + f->country + "\">";
  out += "<label for=\"from\">Received from</label><input id=\"from\" name=\"from\" type=\"date\" value=\"" + f->from + "\">";
  out += "<label for=\"to\">to</label><input id=\"to\" name=\"to\" type=\"date\" value=\"" + f->to + "\">";
  out += "<label for=\"overdue\"><input id=\"overdue\" name=\"overdue\" type=\"checkbox\" value=\"1\"";
  out += f->overdue ? " checked" : "";
  out += "> only overdue</label>";
  out += "<label for=\"order\">Order</label><select id=\"order\" name=\"order\">";
  const std::string sort = f->sort == objection_filter::order::urgent ? "urgent" : "newest";
  option("urgent", "most urgent first", sort, out);
  option("newest", "newest first", sort, out);
  out += "</select><button type=\"submit\">Filter</button></div></form>";
  const std::string query = filter_query(*f);
  out += "<p class=\"exports\">Export this selection: <a href=\"/api/export?format=csv&amp;" + query +
         "\">CSV</a> · <a href=\"/api/export?format=ndjson&amp;" + query + "\">NDJSON</a></p>";
  out += "<table><caption>Objections";
  out += f->sort == objection_filter::order::urgent ? ", most urgent first" : ", newest first";
  out += "</caption><thead><tr><th scope=\"col\">Receipt</th><th scope=\"col\">Received</th>"
         "<th scope=\"col\">Country</th><th scope=\"col\">Status</th><th scope=\"col\">Deadline</th>"
         "<th scope=\"col\">Days left</th></tr></thead><tbody>";
  for (const objection_summary& s : page->items) {
    const bool overdue = is_overdue(s, day);
    out += overdue ? "<tr class=\"overdue\">" : "<tr>";
    out += "<td><a href=\"/objection?receipt=" + s.receipt + "\">" + s.receipt + "</a></td><td>" +
           s.received_at.substr(0, 10) + "</td><td>";
    html(s.country.empty() ? "–" : s.country, out);
    out += "</td><td>" + s.status + (s.erased_at.empty() ? "" : ", erased") + "</td><td>" +
           s.deadline + "</td><td>";
    if (!is_open(s)) {
      out += "–";
    } else if (overdue) {
      const long long late = -days_left(s, day);
      out += "<strong>overdue by " + std::to_string(late) + (late == 1 ? " day" : " days") + "</strong>";
    } else {
      out += std::to_string(days_left(s, day));
    }
    out += "</td></tr>";
  }
  if (page->items.empty()) out += "<tr><td colspan=\"6\">No objection matches.</td></tr>";
  out += "</tbody></table>";
  if (!page->next_cursor.empty()) {
    out += "<p><a href=\"/?" + query + "&amp;cursor=" + page->next_cursor + "\">Next page</a></p>";
  }
  out += page_tail;
  send(res, 200, "text/html; charset=utf-8", std::move(out));
}

void page_one(admin_state& state, const admin_token& token, const Request& req, Response& res) {
  const std::string receipt = req.get_param_value("receipt");
  if (!is_receipt_shaped(receipt)) return send_error(req, res, 404, "There is no objection with this receipt number.");
  const auto found = state.store.find(receipt, token.name);
  if (!found) return send_error(req, res, 500, "The objection could not be read. Please try again.");
  if (!*found) return send_error(req, res, 404, "There is no objection with this receipt number.");
  const objection_record& r = **found;
  const objection_summary& s = r.summary;
  const std::string day = today();
  std::string out = page_head("Objection");
  out += "<p><a href=\"/\">All objections</a></p><h1>Objection " + s.receipt + "</h1>";
  signed_in(token, out);
  out += "<dl class=\"facts\"><dt>Received</dt><dd>" + s.received_at + "</dd><dt>Status</dt><dd id=\"status-now\">" +
         s.status + (s.erased_at.empty() ? "" : " (personal data erased " + s.erased_at + ")") +
         "</dd><dt>Deadline</dt><dd>" + s.deadline;
  if (s.extension_months > 0) out += " (extended by " + std::to_string(s.extension_months) + " months)";
  if (is_open(s)) {
    const long long left = days_left(s, day);
    out += left < 0 ? ", <strong>overdue by " + std::to_string(-left) + " days</strong>"
                    : ", " + std::to_string(left) + " days left";
  }
  out += "</dd></dl><h2>What was sent</h2><dl class=\"facts\">";
  const nlohmann::json fields = nlohmann::json::parse(r.fields_json, nullptr, false);
  for (const std::string& name : state.field_names) {
    const auto it = fields.is_object() ? fields.find(name) : fields.end();
    out += "<dt>";
    html(name, out);
    out += "</dt><dd>";
    html(it != fields.end() && it->is_string() ? it->get<std::string>() : "–", out);
    out += "</dd>";
  }
  out += "</dl>";
  if (const auto mail = state.store.outbox_of(receipt); mail && *mail) {
    const outbox_status& m = **mail;
    out += "<h2>Receipt email</h2><p id=\"receipt-email\">";
    html(m.state, out);
    out += m.state == mail_sent ? " " + m.sent_at : ", " + std::to_string(m.attempts) + " attempt(s)";
    if (m.state == mail_pending && m.attempts > 0) out += ", next at " + m.next_attempt_at;
    if (!m.last_reply.empty()) {
      out += ": ";
      html(m.last_reply, out);
    }
    out += "</p>";
  }
  out += "<h2>History</h2><ol class=\"history\">";
  for (const status_change& c : r.history) {
    out += "<li>" + c.at + ": ";
    html(c.action, out);
    if (c.extension_months) out += " to " + std::to_string(c.extension_months) + " months";
    out += " by ";
    html(c.actor, out);
    if (!c.reason.empty()) {
      out += ": ";
      html(c.reason, out);
    }
    out += "</li>";
  }
  if (r.history.empty()) out += "<li>Received; no change yet.</li>";
  out += "</ol>";
  const std::string hidden = "<input type=\"hidden\" name=\"receipt\" value=\"" + s.receipt +
                             "\"><input type=\"hidden\" name=\"version\" value=\"" +
                             std::to_string(s.version) + "\">";
  if (token.role == admin_role::handler) {
    if (is_open(s)) {
      out += "<form class=\"action\" method=\"post\" action=\"/objection/status\"><h2>Answer or reject</h2>" +
             hidden +
             "<label for=\"reason\">Reason</label><textarea id=\"reason\" name=\"reason\" rows=\"3\" "
             "maxlength=\"2000\" required></textarea><div class=\"row\"><button type=\"submit\" "
             "name=\"status\" value=\"answered\">Answer</button><button type=\"submit\" name=\"status\" "
             "value=\"rejected\">Reject</button></div></form>";
      if (s.extension_months < max_extension_months) {
        out += "<form class=\"action\" method=\"post\" action=\"/objection/extension\"><h2>Extend the deadline</h2>" +
               hidden + "<label for=\"months\">Extension in total</label><select id=\"months\" name=\"months\">";
        for (int m = s.extension_months + 1; m <= max_extension_months; ++m) {
          out += "<option value=\"" + std::to_string(m) + "\">" + std::to_string(m) +
                 (m == 1 ? " month" : " months") + "</option>";
        }
        out += "</select><label for=\"extension-reason\">Reason</label><textarea id=\"extension-reason\" "
               "name=\"reason\" rows=\"2\" maxlength=\"2000\" required></textarea>"
               "<button type=\"submit\">Extend</button></form>";
      }
    }
    if (s.erased_at.empty()) {
      out += "<form class=\"action\" method=\"post\" action=\"/objection/erasure\"><h2>Erase</h2>" + hidden +
             "<p>Removes what the person sent; the receipt, dates and status stay.</p>"
             "<button type=\"submit\" class=\"danger\">Erase personal data</button></form>";
    }
  }
  out += page_tail;
  send(res, 200, "text/html; charset=utf-8", std::move(out));
}

void page_change(admin_state& state, const admin_token& token, const Request& req, Response& res,
                 const ContentReader& reader, const std::string& action) {
  const std::optional<std::string> body = read_body(req, res, reader, "application/x-www-form-urlencoded");
  if (!body) return;
  change_request c;
  c.action = action;
  std::string receipt;
  for (const urlencoded_pair& pair : parse_urlencoded(*body)) {
    if (pair.name == "receipt") receipt = pair.value;
    if (pair.name == "reason") c.reason = pair.value;
    if (pair.name == "status" && action == "status") c.action = pair.value;
    if (pair.name == "version" && pair.value.size() < 18) c.version = std::atoll(pair.value.c_str());
    if (pair.name == "months" && pair.value.size() == 1) c.months = pair.value[0] - '0';
  }
  if (!is_receipt_shaped(receipt)) return send_error(req, res, 404, "There is no objection with this receipt number.");
  if (action == "status" && c.action != status_answered && c.action != status_rejected) {
    return send_error(req, res, 400, "Choose answer or reject.");
  }
  const veto::expected<change_request> checked = check_change(std::move(c));
  if (!checked) return send_error(req, res, 400, "Please give a reason (at most 2000 bytes).");
  const change_outcome outcome = apply(state, receipt, *checked, token);
  if (outcome.status != change_outcome::kind::changed) return answer_change(req, res, outcome);
  res.set_header("Location", "/objection?receipt=" + receipt);
  send(res, 303, "text/html; charset=utf-8",
       "<!doctype html>\n<p><a href=\"/objection?receipt=" + receipt + "\">Changed</a></p>\n");
}

// ---- Dispatch ----

// The path of one objection in the API: /api/objections/RECEIPT[/ACTION].
struct api_path {
  std::string receipt;
  std::string action;  // "", "status", "extension", "erasure"
};
std::optional<api_path> parse_api_path(const std::string& path) {
  constexpr std::string_view prefix = "/api/objections/";
  if (path.rfind(prefix, 0) != 0) return std::nullopt;
  const std::string rest = path.substr(prefix.size());
  const std::size_t slash = rest.find('/');
  api_path p{rest.substr(0, slash), slash == std::string::npos ? "" : rest.substr(slash + 1)};
  if (!is_receipt_shaped(p.receipt)) return std::nullopt;
  if (p.action != "" && p.action != "status" && p.action != "extension" && p.action != "erasure") {
    return std::nullopt;
  }
  return p;
}

bool has_role(const admin_token& token, admin_role needed, const Request& req, Response& res) {
  if (needed == admin_role::handler && token.role != admin_role::handler) {
    leave_body_unread(req);
    send_error(req, res, 403, "This token's role may not do this.");
    return false;
  }
  return true;
}

void not_found(const Request& req, Response& res, const char* allow) {
  leave_body_unread(req);
  if (allow) {
    res.set_header("Allow", allow);
    return send_error(req, res, 405, "This address does not answer to this method.");
  }
  send_error(req, res, 404, "There is nothing at this address.");
}

void dispatch_get(admin_state& state, const admin_token& token, const Request& req, Response& res) {
  const std::string& path = req.path;
  if (path == "/") return page_list(state, token, req, res);
  if (path == "/objection") return page_one(state, token, req, res);
  if (path == "/api/objections") return api_list(state, token, req, res);
  if (path == "/api/export") return api_export(state, token, req, res);
  if (path == "/metrics" && state.counters) {
    // Prometheus' text format; counts only, no personal data, so any role may read it.
    const veto::expected<objection_store::outbox_counts> outbox = state.store.outbox_totals();
    return send(res, 200, "text/plain; version=0.0.4; charset=utf-8",
                state.counters->exposition(
                    state.store.database_errors(),
                    outbox ? std::optional<objection_store::outbox_counts>(*outbox) : std::nullopt));
  }
  if (path == "/api/audit") {
    if (!has_role(token, admin_role::handler, req, res)) return;
    return api_audit(state, token, req, res);
  }
  if (const std::optional<api_path> p = parse_api_path(path)) {
    if (p->action.empty()) return api_one(state, token, req, res, p->receipt);
    return not_found(req, res, "POST");
  }
  if (path == "/objection/status" || path == "/objection/extension" || path == "/objection/erasure") {
    return not_found(req, res, "POST");
  }
  not_found(req, res, nullptr);
}

void dispatch_post(admin_state& state, const admin_token& token, const Request& req, Response& res,
                   const ContentReader& reader) {
  const std::string& path = req.path;
  const auto page_action = [&](const char* action) {
    if (!has_role(token, admin_role::handler, req, res)) return;
    page_change(state, token, req, res, reader, action);
  };
  if (path == "/objection/status") return page_action("status");
  if (path == "/objection/extension") return page_action("extended");
  if (path == "/objection/erasure") return page_action("erased");
  if (const std::optional<api_path> p = parse_api_path(path)) {
    if (p->action.empty()) return not_found(req, res, "GET, HEAD");
    if (!has_role(token, admin_role::handler, req, res)) return;
    const std::string action = p->action == "status" ? "status" : p->action == "extension" ? "extended" : "erased";
    return api_change(state, token, req, res, reader, p->receipt, action);
  }
  if (path == "/" || path == "/objection" || path == "/api/objections" || path == "/api/export" ||
      path == "/api/audit") {
    return not_found(req, res, "GET, HEAD");
  }
  not_found(req, res, nullptr);
}

// A POST that a page of another origin made the browser send (with the Basic credentials
// it remembers): refused, as the public listener refuses cross-site form posts. Browsers
// say where a request comes from in Sec-Fetch-Site; without it, a foreign Origin tells.
// (Under Referrer-Policy: no-referrer the page's own forms send `Origin: null`.)
bool cross_origin(const Request& req) {
  const std::string site = req.get_header_value("Sec-Fetch-Site");
  if (!site.empty()) return site != "same-origin" && site != "none";
  const std::string origin = req.get_header_value("Origin");
  return !origin.empty() && origin != "http://" + req.get_header_value("Host");
}

}  // namespace

veto::expected<bool> load_admin_styles(const std::string& web_dir, admin_state& state) {
  for (auto [name, target] : {std::pair<const char*, std::string*>{"style.css", &state.style_css},
                              {"admin.css", &state.admin_css}}) {
    std::ifstream in(web_dir + "/" + name, std::ios::binary);
    if (!in) return veto::unexpected("cannot read " + web_dir + "/" + name);
    std::ostringstream text;
    text << in.rdbuf();
    *target = text.str();
  }
  return true;
}

void install_admin_routes(http_server& server, admin_state& state) {
  install_common_handlers(server);
  // Authentication before routing: without a token nothing, not even which addresses
  // exist, is told. The stylesheets hold nothing secret and the login prompt needs them
  // no more than anything else, but a browser asks for them with the page.
  server.set_pre_routing_handler([&state](const Request& req, Response& res) {
    using handled = httplib::Server::HandlerResponse;
    if (url_carries_token(req)) {
      leave_body_unread(req);
      send_error(req, res, 400, "admin.token_in_url",
                 "Tokens are never accepted in a URL; send them in the Authorization header.");
      return handled::Handled;
    }
    if ((req.method == "GET" || req.method == "HEAD") &&
        (req.path == "/style.css" || req.path == "/admin.css")) {
      send(res, 200, "text/css; charset=utf-8",
           req.path == "/style.css" ? state.style_css : state.admin_css, "no-cache");
      return handled::Handled;
    }
    if (req.method == "POST" && cross_origin(req)) {
      leave_body_unread(req);
      send_error(req, res, 403, "Changes can only be made from the admin page itself.");
      return handled::Handled;
    }
    return handled::Unhandled;
  });
  server.Get(".*", [&state](const Request& req, Response& res) {
    if (const admin_token* token = authenticate(state, req, res)) dispatch_get(state, *token, req, res);
  });
  server.Post(".*", [&state](const Request& req, Response& res, const ContentReader& reader) {
    if (const admin_token* token = authenticate(state, req, res)) {
      dispatch_post(state, *token, req, res, reader);
    }
  });
  const auto other = [&state](const Request& req, Response& res, const ContentReader&) {
    if (authenticate(state, req, res)) not_found(req, res, nullptr);
  };
  server.Put(".*", other);
  server.Patch(".*", other);
  server.Delete(".*", other);
}

}  // namespace veto_server
