// veto-server's command line.
#ifndef VETO_SERVER_OPTIONS_H
#define VETO_SERVER_OPTIONS_H

#include <chrono>
#include <string>
#include <vector>

#include "mail_config.h"
#include "veto/expected.h"

namespace veto_server {

struct options {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port
  std::string db;       // --db as given; empty: VETO_DB, else veto-objections.db (store.h)
  std::string db_file;  // --db-file: the database's name is this file's first line
  std::string web_dir;      // default: the source tree's web/ (baked in at build time)
  std::string dist_dir;     // default: the build tree's Wasm dist/ (baked in at build time)
  double rate_limit = 120;  // requests per minute per client; 0 turns the limit off
  std::size_t threads = 16;
  std::size_t max_connections = 10000;
  std::size_t max_connections_per_client = 64;
  std::chrono::milliseconds header_timeout{10000};
  std::chrono::milliseconds read_timeout{5000};
  std::chrono::milliseconds body_timeout{60000};
  std::string admin_host = "127.0.0.1";  // the admin listener (admin_app.h), off unless
  int admin_port = -1;                   // --admin-listen is given (-1: off; 0: any port)
  std::string admin_tokens;              // the tokens file; required with --admin-listen
  int retention_days = 0;                // erase objections closed this long ago; 0: never
  bool mail_domain_check = false;        // ask DNS whether an address's domain takes mail
  std::string mail_domain_resolver;      // "IP[:PORT]"; empty: the system's (resolv.conf)
  std::chrono::milliseconds mail_domain_timeout{2000};
  mail_config mail;                      // --mail-mode, --smtp-*, --controller-*
  std::string smtp_credentials;          // the file with the relay's user and password
  std::string trusted_proxies;  // --trusted-proxy: CIDR blocks whose X-Forwarded-For counts
  bool access_log = true;       // one JSON line per request on stdout
  bool help = false;
  bool version = false;  // --version: print "veto-server VERSION" and stop
};

// The options, or a message naming the bad one: "--threads: expected 1 to 1024".
veto::expected<options> parse_options(const std::vector<std::string>& args, options defaults);

extern const char* const usage_text;

}  // namespace veto_server

#endif  // VETO_SERVER_OPTIONS_H
