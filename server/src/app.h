// veto-server's HTTP interface (docs/page-and-server.md): the page, the API, the no-JS
// path and the static files, with the limits and headers of SECURITY.md.
#ifndef VETO_SERVER_APP_H
#define VETO_SERVER_APP_H

#include <memory>
#include <string>

#include "http_server.h"
#include "objection_store.h"
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
};

// Installs the routes, the error and exception handlers, the security headers and the
// rate limit on `server`. `state` must outlive the server.
void install_routes(http_server& server, app_state& state);

// The Content-Security-Policy every response carries: what the page needs and no more.
extern const char* const content_security_policy;

}  // namespace veto_server

#endif  // VETO_SERVER_APP_H
