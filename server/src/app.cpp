#include "app.h"

#include <chrono>
#include <cstdio>
#include <exception>
#include <string_view>

#include "bytes.h"
#include "http_fields.h"
#include "json_writer.h"
#include "urlencoded.h"

namespace veto_server {

const char* const content_security_policy =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'";

namespace {

using httplib::ContentReader;
using httplib::Request;
using httplib::Response;

constexpr std::size_t dynamic_compression_threshold = 1024;

// What a 503 of an unreachable database asks clients to wait: a store reconnects at most
// once a second (pg_store.cpp), and a restarted database takes a few seconds.
constexpr int database_retry_after_seconds = 5;
static_assert(max_body_bytes == 1024 * 1024, "the 413 messages below say 1 MiB");

bool is_api(const Request& req) {
  return req.path.rfind("/api/", 0) == 0 || req.path == "/api";
}

}  // namespace

// Sends a body made for this response, compressed when it is worth it. The library's own
// compression is kept out (http_server takes Accept-Encoding away from it): it would
// compress at brotli's slowest setting on every response.
void send(Response& res, int status, std::string_view content_type, std::string body,
          const char* cache_control) {
  res.status = status;
  res.set_header("Cache-Control", cache_control);
  const bool compressible =
      content_type.rfind("text/", 0) == 0 || content_type.rfind("application/json", 0) == 0;
  if (compressible) res.set_header("Vary", "Accept-Encoding");
  const content_coding coding = choose_coding(current_request().accept_encoding);
  if (compressible && body.size() >= dynamic_compression_threshold &&
      coding != content_coding::identity) {
    // Fast settings: these bodies are made per request.
    std::optional<std::string> packed =
        coding == content_coding::br ? brotli_compress(body, 5) : gzip_compress(body, 6);
    if (packed && packed->size() < body.size()) {
      res.set_header("Content-Encoding", coding == content_coding::br ? "br" : "gzip");
      body = std::move(*packed);
    }
  }
  res.body = std::move(body);
  res.set_header("Content-Type", std::string(content_type));
}

// What an error page calls a status and the code /api/* answers with it, in one place.
struct status_names {
  int status;
  const char* title;
  const char* code;
};
constexpr status_names known_statuses[] = {
    {400, "Bad Request", "http.bad_request"},
    {401, "Unauthorized", "http.unauthorized"},
    {403, "Forbidden", "http.forbidden"},
    {404, "Not Found", "http.not_found"},
    {405, "Method Not Allowed", "http.method_not_allowed"},
    {408, "Request Timeout", "http.request_timeout"},
    {409, "Conflict", "http.idempotency_conflict"},
    {411, "Length Required", "http.bad_request"},
    {413, "Payload Too Large", "http.payload_too_large"},
    {414, "URI Too Long", "http.uri_too_long"},
    {415, "Unsupported Media Type", "http.unsupported_media_type"},
    {416, "Range Not Satisfiable", "http.range_not_satisfiable"},
    {429, "Too Many Requests", "http.rate_limited"},
    {431, "Request Header Fields Too Large", "http.header_too_large"},
    {501, "Not Implemented", "http.not_implemented"},
    {503, "Service Unavailable", "http.unavailable"},
};

status_names names_of(int status) {
  for (const status_names& known : known_statuses) {
    if (known.status == status) return known;
  }
  return status >= 500 ? status_names{status, "Internal Server Error", "http.internal"}
                       : status_names{status, "Error", "http.bad_request"};
}

// An error of the HTTP layer: JSON for /api/*, a short page otherwise. Messages are fixed
// texts: nothing from the request or from inside the server goes into them.
void send_error(const Request& req, Response& res, int status, const char* code,
                std::string_view message) {
  if (is_api(req)) {
    std::string body;
    veto::json_writer w(body);
    w.begin_object();
    w.key("error"), w.begin_object();
    w.key("code"), w.string(code);
    w.key("message"), w.string(message);
    w.end_object();
    w.end_object();
    send(res, status, "application/json", std::move(body));
  } else {
    std::string body = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>";
    const char* title = names_of(status).title;
    body += std::to_string(status) + " " + title;
    body += "</title></head><body><h1>" + std::string(title) + "</h1><p>";
    append_html_escaped(message, body);
    body += "</p><p><a href=\"/\">Back to the form</a></p></body></html>\n";
    send(res, status, "text/html; charset=utf-8", std::move(body));
  }
}

void send_error(const Request& req, Response& res, int status, std::string_view message) {
  send_error(req, res, status, names_of(status).code, message);
}

bool announces_body(const Request& req) {
  return req.has_header("Transfer-Encoding") ||
         (req.has_header("Content-Length") &&
          parse_content_length(req.get_header_value("Content-Length")) != 0);
}

// Ends the connection after this response when the client announced a body that is not
// going to be read.
void leave_body_unread(const Request& req) {
  if (announces_body(req)) {
    current_request().close_connection = true;
    current_request().body_unread = true;
  }
}

namespace {

// A cached entity (static file, ruleset) with its ETag, revalidated on every use.
void send_entity(const Request& req, Response& res, const cached_entity& entity) {
  const cached_entity::representation rep =
      entity.get(choose_coding(current_request().accept_encoding));
  res.set_header("ETag", std::string(rep.etag));
  // no-cache: the URLs carry no version (veto.mjs finds veto.wasm by a fixed name), so the
  // browser revalidates each time and gets a 304 while nothing changed.
  res.set_header("Cache-Control", "no-cache");
  if (entity.compressible()) res.set_header("Vary", "Accept-Encoding");
  if (rep.coding != content_coding::identity) {
    res.set_header("Content-Encoding", rep.coding == content_coding::br ? "br" : "gzip");
  }
  if (req.has_header("If-None-Match") &&
      etag_matches(req.get_header_value("If-None-Match"), rep.etag)) {
    res.status = 304;
    // The library would announce a length of 0; a 304 may only repeat the 200's length.
    res.set_header("Content-Length", std::to_string(rep.body->size()));
    return;
  }
  res.status = 200;
  res.body = *rep.body;  // a copy: a content provider would be cut short by a drain
  res.set_header("Content-Type", entity.content_type());
}

// The methods a path answers to, for 405's Allow; empty for paths that do not exist.
std::string allowed_methods(const app_state& state, const std::string& path);

void send_not_allowed(const app_state& state, const Request& req, Response& res) {
  leave_body_unread(req);
  const std::string allow = allowed_methods(state, req.path);
  if (allow.empty()) {
    send_error(req, res, 404, "There is nothing at this address.");
  } else {
    res.set_header("Allow", allow);
    send_error(req, res, 405, "This address does not answer to this method.");
  }
}

}  // namespace

std::optional<std::string> read_body(const Request& req, Response& res, const ContentReader& reader,
                                     std::string_view media_type) {
  const auto refuse = [&](int status, std::string_view message) -> std::optional<std::string> {
    leave_body_unread(req);
    send_error(req, res, status, message);
    return std::nullopt;
  };
  if (req.has_header("Content-Encoding") &&
      !is_media_type(req.get_header_value("Content-Encoding"), "identity")) {
    return refuse(415, "Request bodies must not be compressed.");
  }
  if (!is_media_type(req.get_header_value("Content-Type"), media_type)) {
    return refuse(415, media_type == "application/json"
                           ? "The body must be application/json."
                           : "The body must be application/x-www-form-urlencoded.");
  }
  const bool chunked = req.has_header("Transfer-Encoding");
  const std::size_t lengths = req.get_header_value_count("Content-Length");
  if (chunked) {
    // Only plain chunked, and never together with a length: two ways of framing one body
    // is how requests are smuggled past proxies.
    if (!is_media_type(req.get_header_value("Transfer-Encoding"), "chunked") ||
        req.get_header_value_count("Transfer-Encoding") != 1 || lengths != 0) {
      return refuse(400, "The body's framing is not supported.");
    }
  } else if (lengths == 0) {
    return std::string();  // no Content-Length and no chunks: an empty body (RFC 9112 6.3)
  } else {
    const std::string first = req.get_header_value("Content-Length");
    for (std::size_t i = 1; i < lengths; ++i) {
      if (req.get_header_value("Content-Length", i) != first) {
        return refuse(400, "The body's framing is not supported.");
      }
    }
    const long long length = parse_content_length(first);
    if (length < 0) return refuse(400, "The body's framing is not supported.");
    if (static_cast<unsigned long long>(length) > max_body_bytes) {
      return refuse(413, "The request is larger than 1 MiB.");
    }
  }
  std::string body;
  bool too_large = false;
  current_request().start_body();
  const bool complete = reader([&](const char* data, std::size_t size) {
    if (body.size() + size > max_body_bytes) {
      too_large = true;
      return false;
    }
    body.append(data, size);
    return true;
  });
  if (!complete) {
    if (too_large) return refuse(413, "The request is larger than 1 MiB.");
    if (current_request().timed_out) return refuse(408, "The request took too long to arrive.");
    return refuse(400, "The request body could not be read.");
  }
  return body;
}

namespace {

std::string api_locale(const Request& req) {
  if (req.has_param("locale")) return req.get_param_value("locale");
  const std::string first = first_language(req.get_header_value("Accept-Language"));
  return first.empty() ? "en" : first;
}

// The result's values as stored: {"email":"…","phone":null,…}.
std::string stored_fields(const veto::result& result) {
  std::string out;
  veto::json_writer w(out);
  w.begin_object();
  for (const veto::field_result& field : result.fields) {
    w.key(field.name);
    if (field.value) {
      w.string(*field.value);
    } else {
      w.null();
    }
  }
  w.end_object();
  return out;
}

// Stores a valid objection and answers with what the store says. The two ways of sending
// one show a receipt differently (`show_receipt(receipt, newly_stored)`: the API's JSON,
// the page's redirect) and word a reused key for their readers; the rest is the same.
template <class ShowReceipt>
void store_and_answer(app_state& state, const Request& req, Response& res, objection item,
                      std::string_view key_reused_message, ShowReceipt show_receipt) {
  const bool queues_mail = item.receipt_mail.has_value();
  const store_outcome outcome = state.store.store(std::move(item));
  if (outcome.status == store_outcome::kind::stored && queues_mail && state.sender) {
    state.sender->wake();  // a notify: the sending happens on the sender's thread
  }
  switch (outcome.status) {
    case store_outcome::kind::stored:
    case store_outcome::kind::replayed:
      if (outcome.status == store_outcome::kind::replayed) {
        res.set_header("Idempotent-Replayed", "true");
        if (state.counters) state.counters->idempotent_replay();
      } else if (state.counters) {
        state.counters->objection_stored();
      }
      return show_receipt(outcome.receipt, outcome.status == store_outcome::kind::stored);
    case store_outcome::kind::conflict:
      return send_error(req, res, 409, "http.idempotency_conflict", key_reused_message);
    case store_outcome::kind::failed:
      // Nothing is known to be stored: the database failed or cannot be reached. 503 with a
      // Retry-After (a retry with the same key is safe), never a receipt.
      res.set_header("Retry-After", std::to_string(database_retry_after_seconds));
      return send_error(req, res, 503, "http.unavailable",
                        "The objection could not be stored just now. Please try again in a "
                        "moment.");
  }
}

objection to_objection(const app_state& state, const veto::result& result,
                       std::optional<std::string> key, std::string_view body) {
  objection item;
  if (state.mail != mail_mode::none) {
    for (const veto::field_result& field : result.fields) {
      if (field.name == state.email_field && field.value) {
        item.receipt_mail = objection::mail{*field.value, state.message_id_domain};
      }
    }
  }
  item.locale = result.locale;
  item.ruleset_id = result.ruleset_id;
  item.ruleset_version = result.ruleset_version;
  item.fields_json = stored_fields(result);
  item.idempotency_key = std::move(key);
  item.request_sha256 = sha256_hex(body);
  return item;
}

// --- Mode code (issue 23, server/README.md "Mail"): a code to the address first.

// The normalized address of a valid result's email field; empty when it has none.
std::string address_of(const app_state& state, const veto::result& result) {
  for (const veto::field_result& field : result.fields) {
    if (field.name == state.email_field && field.value) return *field.value;
  }
  return "";
}

// Whether this request (its idempotency key and its very body) was stored already: a retry
// after a lost answer gets its receipt again (store() replays it), though the code it
// carries was used up by the first. Anything else needs a live code.
bool stored_before(app_state& state, const std::optional<std::string>& key, std::string_view body) {
  return key && state.store.has_request(*key, sha256_hex(body)).value_or(false);
}

// A valid submission that repeats a stored one (sent again after a lost answer): it gets its
// receipt again, whatever DNS says of the domain now, and needs no new code. Only asked of
// the database when the mail-domain check or the code mode is on: nothing else differs.
bool repeats_stored(app_state& state, const veto::result& result,
                    const std::optional<std::string>& key, std::string_view body) {
  return result.valid && (state.deliverability || state.codes) && stored_before(state, key, body);
}

enum class code_request { sent, too_many, undeliverable, failed };

// Issues a code for a valid result's address and queues its email, unless this client or
// this address asked for too many.
code_request request_code(app_state& state, const Request& req, const veto::result& result,
                          std::chrono::seconds& retry_after) {
  const rate_limiter::decision decision =
      state.code_limiter->take(rate_limit_client(req.remote_addr), rate_limiter::clock::now());
  if (!decision.allowed) {
    retry_after = decision.retry_after;
    return code_request::too_many;
  }
  const std::string address = address_of(state, result);
  if (address.empty()) return code_request::undeliverable;
  const confirmation_codes::issued issued = state.codes->issue(address);
  if (issued.outcome == code_issue_outcome::limited) {
    retry_after = std::chrono::duration_cast<std::chrono::seconds>(code_address_window);
    return code_request::too_many;
  }
  const std::optional<std::string> unique = random_hex(12);
  if (issued.outcome != code_issue_outcome::issued || !unique) return code_request::failed;
  const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(state.codes->ttl()).count();
  veto::expected<outgoing_mail> mail = state.composer->code(
      result.locale, address, issued.code, minutes > 0 ? minutes : 1, *unique);
  if (!mail) return code_request::undeliverable;
  state.sender->send_code(std::move(*mail), std::chrono::steady_clock::now() + state.codes->ttl());
  return code_request::sent;
}

// The stable error of each way a code can be refused (API: 403 with this code).
// The page says the same in the person's language (page_string, in web/i18n/).
struct code_refusal {
  code_check_outcome outcome;
  const char* code;
  const char* message;
  const char* page_string;
};
constexpr code_refusal code_refusals[] = {
    {code_check_outcome::wrong, "confirmation.wrong", "The confirmation code is not right.",
     "code.wrong"},
    {code_check_outcome::exhausted, "confirmation.exhausted",
     "Too many wrong codes: ask for a new code.", "code.exhausted"},
    {code_check_outcome::expired, "confirmation.expired",
     "The confirmation code has expired: ask for a new code.", "code.expired"},
    {code_check_outcome::none, "confirmation.unknown",
     "No code is waiting for this address (none was asked for, or it was used): ask for a new "
     "code.",
     "code.unknown"},
};

void handle_api_codes(app_state& state, const Request& req, Response& res,
                      const ContentReader& reader) {
  if (!state.codes) {
    leave_body_unread(req);
    return send_error(req, res, 404, "This server does not send confirmation codes.");
  }
  const std::optional<std::string> body = read_body(req, res, reader, "application/json");
  if (!body) return;
  veto::result result = state.validator.validate_json(*body, api_locale(req));
  if (state.deliverability) state.deliverability->apply(result);
  if (!result.valid) {
    std::string json;
    veto::json_writer w(json);
    w.begin_object();
    w.key("result"), w.raw(veto::to_json(result));
    w.end_object();
    return send(res, 422, "application/json", std::move(json));
  }
  std::chrono::seconds retry_after{0};
  switch (request_code(state, req, result, retry_after)) {
    case code_request::sent: {
      // The same answer whatever becomes of the email: nothing here says whether the
      // address exists, or was used before.
      std::string json;
      veto::json_writer w(json);
      w.begin_object();
      w.key("expires_in"), w.number(static_cast<long long>(
                               std::chrono::duration_cast<std::chrono::seconds>(state.codes->ttl()).count()));
      w.end_object();
      return send(res, 202, "application/json", std::move(json));
    }
    case code_request::too_many:
      res.set_header("Retry-After", std::to_string(retry_after.count()));
      return send_error(req, res, 429, "confirmation.too_many",
                        "Too many codes were asked for. Please wait and try again.");
    case code_request::undeliverable:
      return send_error(req, res, 422, "confirmation.undeliverable",
                        "No code can be sent to this address.");
    case code_request::failed:
      break;
  }
  send_error(req, res, 500, "The code could not be made. Please try again.");
}

void handle_index(app_state& state, const Request& req, Response& res) {
  const std::string locale =
      state.page.page_locale(req.get_param_value("lang"), req.get_header_value("Accept-Language"));
  const std::optional<std::string> key = random_hex(16);
  if (!key) return send_error(req, res, 500, "The page could not be made. Please try again.");
  const cut_page& page = state.page.index_for_get(locale);
  std::string body;
  for (std::size_t i = 0; i < page.pieces.size(); ++i) {
    if (i > 0) body += *key;
    body += page.pieces[i];
  }
  res.set_header("Content-Language", locale);
  // no-store: each rendering carries its own idempotency key, which must not be reused
  // from a cache for a second, different submission.
  send(res, 200, "text/html; charset=utf-8", std::move(body));
  res.headers.erase("Vary");
  res.set_header("Vary", "Accept-Encoding, Accept-Language");
}

void handle_received(app_state& state, const Request& req, Response& res) {
  const std::string receipt = req.get_param_value("receipt");
  // Only receipts that exist: the page must not vouch for a number someone made up.
  const std::optional<bool> known =
      is_receipt_shaped(receipt) ? state.store.has_receipt(receipt) : std::optional<bool>(false);
  if (!known) {
    res.set_header("Retry-After", std::to_string(database_retry_after_seconds));
    return send_error(req, res, 503, "http.unavailable",
                      "The receipt could not be looked up just now. Please try again.");
  }
  if (!*known) return send_error(req, res, 404, "There is no objection with this receipt number.");
  const std::string locale =
      state.page.page_locale(req.get_param_value("lang"), req.get_header_value("Accept-Language"));
  res.set_header("Content-Language", locale);
  send(res, 200, "text/html; charset=utf-8", state.page.received(locale, receipt));
}

void handle_api_validate(app_state& state, const Request& req, Response& res,
                         const ContentReader& reader) {
  const std::optional<std::string> body = read_body(req, res, reader, "application/json");
  if (!body) return;
  send(res, 200, "application/json",
       veto::to_json(state.validator.validate_json(*body, api_locale(req))));
}

void handle_api_objections(app_state& state, const Request& req, Response& res,
                           const ContentReader& reader) {
  std::optional<std::string> key;
  if (req.has_header("Idempotency-Key")) {
    if (req.get_header_value_count("Idempotency-Key") != 1 ||
        !is_valid_idempotency_key(req.get_header_value("Idempotency-Key"))) {
      leave_body_unread(req);
      return send_error(req, res, 400, "http.bad_idempotency_key",
                        "Idempotency-Key must be 1 to 200 visible ASCII characters.");
    }
    key = req.get_header_value("Idempotency-Key");
  }
  const std::optional<std::string> body = read_body(req, res, reader, "application/json");
  if (!body) return;
  veto::result result = state.validator.validate_json(*body, api_locale(req));
  const bool repeat = repeats_stored(state, result, key, *body);
  if (state.deliverability && !repeat) state.deliverability->apply(result);
  // {"receipt":"…","result":{…}} once stored; {"result":{…}} when invalid.
  const auto answer = [&result](const std::string* receipt) {
    std::string json;
    veto::json_writer w(json);
    w.begin_object();
    if (receipt) w.key("receipt"), w.string(*receipt);
    w.key("result"), w.raw(veto::to_json(result));
    w.end_object();
    return json;
  };
  if (!result.valid) return send(res, 422, "application/json", answer(nullptr));
  if (state.codes && !repeat) {
    // Mode code: the objection is accepted only with the address's live code.
    if (req.get_header_value_count("Confirmation-Code") != 1 ||
        req.get_header_value("Confirmation-Code").empty()) {
      return send_error(req, res, 403, "confirmation.missing",
                        "A confirmation code is needed (header Confirmation-Code): ask for one "
                        "with POST /api/codes.");
    }
    const code_check_outcome checked =
        state.codes->check(address_of(state, result), req.get_header_value("Confirmation-Code"));
    if (checked != code_check_outcome::accepted) {
      for (const code_refusal& refusal : code_refusals) {
        if (refusal.outcome == checked) return send_error(req, res, 403, refusal.code, refusal.message);
      }
      return send_error(req, res, 500, "The code could not be checked. Please try again.");
    }
  }
  store_and_answer(state, req, res, to_objection(state, result, key, *body),
                   "This Idempotency-Key was already used for a different request.",
                   [&](const std::string& receipt, bool newly_stored) {
                     res.set_header("Location", "/received?receipt=" + receipt);
                     send(res, newly_stored ? 201 : 200, "application/json", answer(&receipt));
                   });
}

page_state form_with(const veto::form& members, const veto::result* result) {
  page_state state;
  state.submitted = &members;
  state.result = result;
  return state;
}

void handle_page_submission(app_state& state, const Request& req, Response& res,
                            const ContentReader& reader) {
  const std::optional<std::string> body =
      read_body(req, res, reader, "application/x-www-form-urlencoded");
  if (!body) return;
  page_submission submission = to_page_submission(parse_urlencoded(*body));
  // Mode code: the code step's own controls are not fields of the form.
  std::optional<std::string> typed_code;
  std::string action;
  if (state.codes) {
    veto::form fields;
    for (veto::form_member& member : submission.members) {
      if (member.name == "code") {
        if (!typed_code) typed_code = std::move(member.text);
      } else if (member.name == "action") {
        if (action.empty()) action = std::move(member.text);
      } else {
        fields.push_back(std::move(member));
      }
    }
    submission.members = std::move(fields);
  }
  const std::string locale =
      state.page.page_locale(submission.locale, req.get_header_value("Accept-Language"));
  veto::result result = state.validator.validate(submission.members, locale);
  std::optional<std::string> key;
  if (result.valid && submission.idempotency_key && !submission.idempotency_key->empty()) {
    if (!is_valid_idempotency_key(*submission.idempotency_key)) {
      return send_error(req, res, 400, "The form was damaged on the way. Please reload the page.");
    }
    key = submission.idempotency_key;
  }
  const bool repeat = repeats_stored(state, result, key, *body);
  if (state.deliverability && !repeat) state.deliverability->apply(result);
  if (!result.valid) {
    const std::optional<std::string> fresh_key = random_hex(16);
    if (!fresh_key)
      return send_error(req, res, 500, "The page could not be made. Please try again.");
    res.set_header("Content-Language", locale);
    return send(res, 422, "text/html; charset=utf-8",
                state.page.index_with(locale, form_with(submission.members, &result), *fresh_key));
  }
  if (state.codes && !repeat) {
    const std::string address = address_of(state, result);
    page_state step = form_with(submission.members, &result);
    step.code_address = &address;
    if (key) step.idempotency_key = *key;
    const auto show_step = [&](int status) {
      res.set_header("Content-Language", locale);
      send(res, status, "text/html; charset=utf-8", state.page.code_step(locale, step));
    };
    if (action == "change") {
      // Back to the form with its values, the email field to be changed.
      res.set_header("Content-Language", locale);
      return send(res, 200, "text/html; charset=utf-8",
                  state.page.index_with(locale, form_with(submission.members, nullptr), key ? *key : ""));
    }
    if (action == "resend" || (action != "confirm" && !typed_code)) {
      // The form's first arrival, or "Send a new code".
      std::chrono::seconds retry_after{0};
      switch (request_code(state, req, result, retry_after)) {
        case code_request::sent:
          if (action == "resend") step.code_notice = "code.resent";
          return show_step(200);
        case code_request::too_many:
          res.set_header("Retry-After", std::to_string(retry_after.count()));
          step.code_error = "code.too_many";
          return show_step(429);
        case code_request::undeliverable:
        case code_request::failed:
          return send_error(req, res, 500, "The code could not be sent. Please try again.");
      }
    }
    if (!typed_code || typed_code->empty()) {
      step.code_error = "code.missing";
      return show_step(422);
    }
    const code_check_outcome checked = state.codes->check(address, *typed_code);
    if (checked != code_check_outcome::accepted) {
      for (const code_refusal& refusal : code_refusals) {
        if (refusal.outcome == checked) step.code_error = refusal.page_string;
      }
      if (!step.code_error) return send_error(req, res, 500, "The code could not be checked. Please try again.");
      return show_step(403);
    }
  }
  store_and_answer(state, req, res, to_objection(state, result, key, *body),
                   "This form was already sent with other values. Please reload the page to "
                   "send another objection.",
                   [&](const std::string& receipt, bool) {
                     res.set_header("Location", "/received?receipt=" + receipt + "&lang=" + locale);
                     send(res, 303, "text/html; charset=utf-8",
                          "<!doctype html>\n<p><a href=\"/received?receipt=" + receipt +
                              "&amp;lang=" + locale + "\">Received</a></p>\n");
                   });
}

void handle_ruleset(app_state& state, const Request& req, Response& res) {
  send_entity(req, res, *state.ruleset);
}

// Alive: the process answers. Nothing else is asked, so a slow database never gets a
// healthy instance restarted.
void handle_healthz(app_state&, const Request&, Response& res) {
  send(res, 200, "text/plain; charset=utf-8", "alive\n");
}

// Ready for traffic: not draining, and the database answers a query now.
void handle_readyz(app_state& state, const Request&, Response& res) {
  if (state.server && state.server->draining()) {
    return send(res, 503, "text/plain; charset=utf-8", "draining\n");
  }
  if (!state.store.ping()) {
    res.set_header("Retry-After", std::to_string(database_retry_after_seconds));
    return send(res, 503, "text/plain; charset=utf-8", "database unreachable\n");
  }
  send(res, 200, "text/plain; charset=utf-8", "ready\n");
}

// Every route but the static files, in one table: the dispatch and 405's Allow read it.
using get_handler = void (*)(app_state&, const Request&, Response&);
using post_handler = void (*)(app_state&, const Request&, Response&, const ContentReader&);
struct route {
  std::string_view path;
  get_handler get;    // also HEAD
  post_handler post;
};
constexpr route routes[] = {
    {"/", handle_index, nullptr},
    {"/received", handle_received, nullptr},
    {"/api/ruleset", handle_ruleset, nullptr},
    {"/api/validate", nullptr, handle_api_validate},
    {"/api/objections", nullptr, handle_api_objections},
    {"/api/codes", nullptr, handle_api_codes},
    {"/objections", nullptr, handle_page_submission},
    {"/healthz", handle_healthz, nullptr},
    {"/readyz", handle_readyz, nullptr},
};



const route* find_route(std::string_view path) {
  for (const route& r : routes) {
    if (r.path == path) return &r;
  }
  return nullptr;
}

// What the access log and the metrics call a request's target: a route of the table, one
// name for every static file, another for everything else (a raw path could carry anything).
std::string_view route_name(const app_state& state, const std::string& path) {
  if (const route* r = find_route(path)) return r->path;
  return state.files.find(path) ? "static" : "other";
}

// When this thread's request reached routing, and whom it counts against.
struct request_start {
  std::chrono::steady_clock::time_point at;
  std::string client;
  bool set = false;
};
thread_local request_start this_request;

std::string allowed_methods(const app_state& state, const std::string& path) {
  if (const route* r = find_route(path)) {
    return r->get && r->post ? "GET, HEAD, POST" : r->get ? "GET, HEAD" : "POST";
  }
  return state.files.find(path) ? "GET, HEAD" : "";
}

}  // namespace

void install_common_handlers(http_server& server) {
  server.set_default_headers({
      {"Content-Security-Policy", content_security_policy},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
      {"X-Frame-Options", "DENY"},
      {"Cross-Origin-Opener-Policy", "same-origin"},
      {"Cross-Origin-Resource-Policy", "same-origin"},
  });
  server.set_payload_max_length(max_body_bytes);

  // Refuse an announced oversized body before the client sends it.
  server.set_expect_100_continue_handler([](const Request& req, Response& res) {
    const long long length = parse_content_length(req.get_header_value("Content-Length"));
    if (length > static_cast<long long>(max_body_bytes)) {
      leave_body_unread(req);
      res.status = 413;
      return 413;
    }
    return 100;
  });

  // Responses the library makes by itself (malformed requests, 404 of unknown methods...)
  // get the same error bodies; a request cut off by a deadline or an oversized head is
  // reported as what it is.
  server.set_error_handler(
      httplib::Server::HandlerWithResponse([](const Request& req, Response& res) {
        if (!res.body.empty() || res.content_length_ > 0)
          return httplib::Server::HandlerResponse::Unhandled;
        request_context& context = current_request();
        if (context.timed_out && (res.status == 400 || !context.head_complete)) res.status = 408;
        if (context.head_too_large) res.status = 431;
        if (!context.head_complete) context.close_connection = true;
        send_error(req, res, res.status, "The request could not be handled.");
        return httplib::Server::HandlerResponse::Handled;
      }));

  server.set_exception_handler([](const Request& req, Response& res, std::exception_ptr error) {
    try {
      if (error) std::rethrow_exception(error);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "veto-server: internal error: %s\n", e.what());
    } catch (...) {
      std::fprintf(stderr, "veto-server: internal error\n");
    }
    leave_body_unread(req);
    res.headers.erase("Content-Encoding");
    send_error(req, res, 500, "Something went wrong on our side. Please try again.");
  });
}

void install_routes(http_server& server, app_state& state) {
  install_common_handlers(server);

  server.set_pre_routing_handler([&state](const Request& req, Response& res) {
    this_request.at = std::chrono::steady_clock::now();
    this_request.client =
        state.proxies ? state.proxies->client(req.remote_addr, req.get_header_value("X-Forwarded-For"))
                      : req.remote_addr;
    this_request.set = true;
    // Probes of a load balancer or orchestrator are not visitors.
    if (req.path == "/healthz" || req.path == "/readyz") {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    const rate_limiter::decision decision =
        state.limiter.take(rate_limit_client(this_request.client), rate_limiter::clock::now());
    if (!decision.allowed) {
      if (state.counters) state.counters->rate_limited();
      leave_body_unread(req);
      res.set_header("Retry-After", std::to_string(decision.retry_after.count()));
      send_error(req, res, 429, "Too many requests. Please wait a moment and try again.");
      return httplib::Server::HandlerResponse::Handled;
    }
    // A form posted from another site (browsers say so and pages cannot forge it).
    if (req.method == "POST" && req.get_header_value("Sec-Fetch-Site") == "cross-site") {
      leave_body_unread(req);
      send_error(req, res, 403, "Objections can only be sent from this site's own form.");
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });

  server.set_logger([&state](const Request& req, const Response& res) {
    if (!state.counters && !state.access_log) return;
    const auto now = std::chrono::steady_clock::now();
    const std::chrono::nanoseconds took = this_request.set ? now - this_request.at : std::chrono::nanoseconds(0);
    const std::string_view route = route_name(state, req.path);
    if (state.counters) state.counters->request(route, res.status, took);
    if (state.access_log) {
      const std::string line =
          access_log_line(req.method, route, res.status, took, res.body.size(),
                          this_request.set ? this_request.client : req.remote_addr);
      std::fwrite(line.data(), 1, line.size(), stdout);  // one call: lines never interleave
      std::fflush(stdout);
    }
    this_request.set = false;
  });

  server.Get(".*", [&state](const Request& req, Response& res) {
    if (announces_body(req)) leave_body_unread(req);
    if (const route* r = find_route(req.path); r && r->get) return r->get(state, req, res);
    if (const cached_entity* file = state.files.find(req.path)) return send_entity(req, res, *file);
    send_not_allowed(state, req, res);
  });
  server.Post(".*", [&state](const Request& req, Response& res, const ContentReader& reader) {
    if (const route* r = find_route(req.path); r && r->post) return r->post(state, req, res, reader);
    send_not_allowed(state, req, res);
  });
  const auto not_allowed = [&state](const Request& req, Response& res, const ContentReader&) {
    send_not_allowed(state, req, res);
  };
  server.Put(".*", not_allowed);
  server.Patch(".*", not_allowed);
  server.Delete(".*", not_allowed);
  server.Options(
      ".*", [&state](const Request& req, Response& res) { send_not_allowed(state, req, res); });
}

}  // namespace veto_server
