// The controller's HTTP interface (server/README.md, "The admin listener"): a JSON API and
// a small server-rendered page on a listener of their own, never the public one. Every
// request but the two stylesheets needs a token of the tokens file (admin_auth.h), sent
// as `Authorization: Bearer SECRET` or, from a browser's login prompt, as the password of
// Basic authentication. A token in the URL is refused.
#ifndef VETO_SERVER_ADMIN_APP_H
#define VETO_SERVER_ADMIN_APP_H

#include <string>
#include <vector>

#include "admin_auth.h"
#include "http_server.h"
#include "operations.h"
#include "store.h"

namespace veto_server {

// Failed authentications a client may make at once, and per minute after that.
constexpr double admin_auth_failures_per_minute = 10;

struct admin_state {
  objection_store& store;
  const token_file& tokens;
  auth_failures& failures;
  std::vector<std::string> field_names;  // the ruleset's fields: the CSV's last columns
  std::string style_css;                 // web/style.css, the objection page's style
  std::string admin_css;                 // web/admin.css, what the admin page adds
  const metrics* counters = nullptr;     // GET /metrics, for every role
};

// The filter of a list or an export from a request's query parameters (status, country,
// from, to, overdue, order, cursor, limit); the error names the parameter.
veto::expected<objection_filter> filter_from(const httplib::Request& req,
                                             objection_filter::order order);

// Reads web/style.css and web/admin.css into `state`.
veto::expected<bool> load_admin_styles(const std::string& web_dir, admin_state& state);

// Installs the admin routes on `server`; `state` must outlive it.
void install_admin_routes(http_server& server, admin_state& state);

}  // namespace veto_server

#endif  // VETO_SERVER_ADMIN_APP_H
