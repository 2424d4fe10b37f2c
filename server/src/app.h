// veto-server's HTTP interface (docs/page-and-server.md): the page, the API, the no-JS
// path and the static files, with the limits and headers of SECURITY.md.
#ifndef VETO_SERVER_APP_H
#define VETO_SERVER_APP_H

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "confirmation_codes.h"
#include "http_server.h"
#include "mail_domain.h"
#include "mail_config.h"
#include "mail_sender.h"
#include "objection_store.h"
#include "operations.h"
#include "store.h"
#include "pages.h"
#include "rate_limiter.h"
#include "static_files.h"
#include "veto/veto.h"

namespace veto_server {

// A request body is one document: the contract's limit is the body's. The 413 answers say
// "1 MiB" (app.cpp checks that they still tell the truth).
constexpr std::size_t max_body_bytes = veto::max_document_bytes;

// What the handlers share. Everything is read-only after start-up except the store and the
// rate limiter, which are thread-safe.
struct app_state {
  const veto::validator& validator;
  const pages& page;
  const static_files& files;
  objection_store& store;
  rate_limiter& limiter;
  std::unique_ptr<cached_entity> ruleset;  // GET /api/ruleset
  // --mail-domain-check on: submissions whose address's domain cannot receive mail are
  // refused with email.domain_no_mail (mail_domain.h); nullptr when off.
  const deliverability_check* deliverability = nullptr;
  // Mail (issue 23). With mode receipt, every stored objection queues its receipt email to
  // the value of `email_field` in the same transaction, and the sender is woken.
  mail_mode mail = mail_mode::none;
  std::string email_field;        // the ruleset's first email field
  std::string message_id_domain;  // the sender address's domain
  mail_sender* sender = nullptr;  // null when mail is off
  metrics* counters = nullptr;             // counted when set
  const trusted_proxies* proxies = nullptr;  // whose X-Forwarded-For is believed
  bool access_log = false;                 // one JSON line per request on stdout
  const http_server* server = nullptr;     // GET /readyz is 503 while it drains
  // Mode code: the codes, their email, and the per-client limit on asking for codes (the
  // per-address one is the store's). All null in the other modes.
  const confirmation_codes* codes = nullptr;
  const mail_composer* composer = nullptr;
  rate_limiter* code_limiter = nullptr;
};

// Installs the routes, the error and exception handlers, the security headers and the
// rate limit on `server`. `state` must outlive the server.
void install_routes(http_server& server, app_state& state);

// What the admin listener (admin_app.h) shares with the public one: the security headers,
// the body limit, and the answers to malformed, oversized and failed requests.
void install_common_handlers(http_server& server);

// Sends a body made for this response (Cache-Control: no-store unless given), compressed
// when the client accepts it and it is worth it.
void send(httplib::Response& res, int status, std::string_view content_type, std::string body,
          const char* cache_control = "no-store");

// An error: JSON {"error":{"code","message"}} for /api/*, a short page otherwise. The
// message is a fixed text; nothing from the request goes into it.
void send_error(const httplib::Request& req, httplib::Response& res, int status, const char* code,
                std::string_view message);
void send_error(const httplib::Request& req, httplib::Response& res, int status,
                std::string_view message);

// Ends the connection after this response when the client announced a body that is not
// going to be read.
void leave_body_unread(const httplib::Request& req);

// Reads a request body of the expected media type, at most max_body_bytes. On failure the
// error response is set and nullopt returned.
std::optional<std::string> read_body(const httplib::Request& req, httplib::Response& res,
                                     const httplib::ContentReader& reader,
                                     std::string_view media_type);

// The Content-Security-Policy every response carries: what the page needs and no more.
extern const char* const content_security_policy;

}  // namespace veto_server

#endif  // VETO_SERVER_APP_H
