// veto-server: start-up and shutdown. Everything that can be wrong with the configuration
// (a template with an unknown placeholder, a missing directory, an unusable database) is
// reported here, before the first request, with exit status 1; a usage error gives 2.
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "admin_app.h"
#include "admin_cli.h"
#include "app.h"
#include "confirmation_codes.h"
#include "mail_domain.h"
#include "mail_message.h"
#include "mail_sender.h"
#include "options.h"
#include "veto/veto.h"

namespace {

constexpr int exit_trouble = 1;
constexpr int exit_usage = 2;
constexpr double code_requests_per_minute = 10;

int fail(const std::string& message) {
  std::fprintf(stderr, "veto-server: %s\n", message.c_str());
  return exit_trouble;
}

// Descriptors besides connections: the database and its WAL, static files while loading,
// the event loop's own, the standard streams.
constexpr std::size_t reserved_fds = 64;

// Raises the soft limit of open files towards `wanted` (up to the hard limit, which only
// root may raise); returns the limit now in force.
std::size_t open_file_limit(std::size_t wanted) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return wanted;
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < wanted) {
    limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? wanted : std::min<rlim_t>(wanted, limit.rlim_max);
    setrlimit(RLIMIT_NOFILE, &limit);
    getrlimit(RLIMIT_NOFILE, &limit);
  }
  return limit.rlim_cur == RLIM_INFINITY ? wanted : static_cast<std::size_t>(limit.rlim_cur);
}

// The relay's credentials: a file (user name on the first line, password on the second), or
// VETO_SMTP_USER and VETO_SMTP_PASSWORD; never an argument, which every user of the machine
// can read in /proc.
std::string load_smtp_credentials(const std::string& file, veto_server::mail_config& mail) {
  if (!file.empty()) {
    std::ifstream in(file);
    if (!in || !std::getline(in, mail.username) || !std::getline(in, mail.password) ||
        mail.username.empty()) {
      return file + ": expected the relay's user name and password on two lines";
    }
    for (std::string* line : {&mail.username, &mail.password}) {
      if (!line->empty() && line->back() == '\r') line->pop_back();
    }
    return "";
  }
  const char* user = std::getenv("VETO_SMTP_USER");
  const char* password = std::getenv("VETO_SMTP_PASSWORD");
  if (user && *user) {
    mail.username = user;
    mail.password = password ? password : "";
  }
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace veto_server;
  if (argc > 1 && std::string(argv[1]) == "admin") {
    return admin_command(std::vector<std::string>(argv + 2, argv + argc));
  }
  options defaults;
  defaults.web_dir = VETO_SERVER_DEFAULT_WEB;
  defaults.dist_dir = VETO_SERVER_DEFAULT_DIST;
  const veto::expected<options> parsed =
      parse_options(std::vector<std::string>(argv + 1, argv + argc), defaults);
  if (!parsed) {
    std::fprintf(stderr, "veto-server: %s\n%s", parsed.error().c_str(), usage_text);
    return exit_usage;
  }
  if (parsed->help) {
    std::fputs(usage_text, stdout);
    return 0;
  }
  if (parsed->version) {
    std::printf("veto-server %s\n", VETO_VERSION_STRING);
    return 0;
  }
  options o = *parsed;
  if (const std::string error = load_smtp_credentials(o.smtp_credentials, o.mail); !error.empty()) {
    return fail(error);
  }

  // The mail-domain check (mail_domain.h): off unless asked for, since it sends the domain
  // of each new address to a DNS resolver. Its configuration is checked before anything
  // else is opened.
  std::unique_ptr<mail_domain_checker> mail_domains;
  if (o.mail_domain_check) {
    mail_domain_config config;
    config.resolver = o.mail_domain_resolver;
    config.timeout = o.mail_domain_timeout;
    veto::expected<std::unique_ptr<mail_domain_checker>> made =
        mail_domain_checker::create(std::move(config));
    if (!made) return fail(made.error());
    mail_domains = std::move(*made);
    std::fprintf(stderr, "veto-server: mail-domain check on: asking %s, at most %lld ms an address\n",
                 o.mail_domain_resolver.empty() ? "the resolvers of /etc/resolv.conf"
                                                : o.mail_domain_resolver.c_str(),
                 static_cast<long long>(o.mail_domain_timeout.count()));
  }

  // SIGTERM and SIGINT are taken by a thread of their own (sigwait), so every other thread,
  // started below, inherits them blocked. SIGPIPE is ignored: a client going away is an
  // error value of send(), not a reason to die.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  const veto::expected<veto::validator> loaded = veto::validator::from_default_ruleset();
  if (!loaded) return fail("ruleset: " + loaded.error());
  const veto::validator& validator = *loaded;
  veto::warm_up();  // libphonenumber's one-time set-up, before the first visitor

  // Without a relay there is no mail, whatever else was asked (options.cpp refuses a mode
  // that sends without one), and the page promises none.
  const mail_mode mode = o.mail.relay.empty() ? mail_mode::none : o.mail.mode;
  const veto::expected<pages> page = pages::load(o.web_dir, validator, mode);
  if (!page) return fail(page.error());
  const veto::expected<static_files> files = static_files::load(o.web_dir, o.dist_dir);
  if (!files) return fail(files.error());
  if (!files->find("/veto.mjs") || !files->find("/veto.wasm")) {
    return fail(
        o.dist_dir +
        ": no veto.mjs and veto.wasm (build them with scripts/build-wasm.sh, or pass --dist)");
  }
  const veto::expected<std::string> db = database_name(o.db_file, o.db, "veto-objections.db");
  if (!db) return fail(db.error());
  veto::expected<std::unique_ptr<objection_store>> store = objection_store::open(*db);
  if (!store) return fail(store.error());
  rate_limiter limiter(o.rate_limit);
  const veto::expected<trusted_proxies> proxies = trusted_proxies::parse(o.trusted_proxies);
  if (!proxies) return fail(proxies.error());
  metrics counters;

  // The admin listener (admin_app.h): its own server, never the public one.
  const veto::expected<token_file> tokens =
      o.admin_port >= 0 ? token_file::load(o.admin_tokens) : veto::expected<token_file>(token_file());
  if (!tokens) return fail(tokens.error());
  if (o.admin_port >= 0 && tokens->tokens().empty()) {
    return fail(o.admin_tokens + ": no tokens (veto-server admin token create adds one)");
  }
  auth_failures failures(admin_auth_failures_per_minute);
  admin_state admin{**store, *tokens, failures, {}, {}, {}, &counters};
  for (const veto::field_description& field : validator.fields()) admin.field_names.push_back(field.name);
  if (o.admin_port >= 0) {
    const veto::expected<bool> styles = load_admin_styles(o.web_dir, admin);
    if (!styles) return fail(styles.error());
  }

  std::unique_ptr<deliverability_check> deliverability;
  if (mail_domains) deliverability = std::make_unique<deliverability_check>(validator, *mail_domains);
  app_state state{
      validator, *page,
      *files,    **store,
      limiter,   std::make_unique<cached_entity>(validator.ruleset_json(), "application/json"),
      deliverability.get(), mail_mode::none, std::string(), std::string(), nullptr,  // mail: set below
      &counters, &*proxies, o.access_log, nullptr};
  std::vector<std::string> field_names;
  for (const veto::field_description& field : validator.fields()) {
    field_names.push_back(field.name);
    if (field.kind == veto::field_kind::email && state.email_field.empty()) {
      state.email_field = field.name;
    }
  }
  mail_composer composer(
      o.mail, [&page = *page](const std::string& locale, const std::string& key) -> const std::string& {
        return page.text(locale, key);
      },
      field_names);
  for (const std::string& key : mail_composer::strings_used()) {
    if (!page->has_text(key)) return fail(o.web_dir + "/i18n/en.json: the server needs \"" + key + "\"");
  }
  std::unique_ptr<mail_sender> sender;
  std::optional<confirmation_codes> codes;
  // Codes a client may ask for: 10 at once, then one every 6 s (each is an email sent to
  // someone, so this is what the server lets one client make it send).
  rate_limiter code_limiter(code_requests_per_minute);
  if (mode != mail_mode::none && !state.email_field.empty()) {
    state.mail = mode;
    state.message_id_domain = composer.sender_domain();
    sender = std::make_unique<mail_sender>(**store, composer, o.mail);
    state.sender = sender.get();
    if (mode == mail_mode::code) {
      codes = confirmation_codes::create(**store, o.mail.code_ttl);
      if (!codes) return fail("the random generator failed: no codes can be made");
      state.codes = &*codes;
      state.composer = &composer;
      state.code_limiter = &code_limiter;
    }
    std::fprintf(stderr, "veto-server: mail: %s mode, through %s%s\n", mail_mode_name(mode),
                 o.mail.relay.c_str(), o.mail.plaintext ? " (no TLS: loopback)" : "");
  } else {
    std::fprintf(stderr,
                 "veto-server: mail: off (no --smtp-relay): no email is sent, and the page "
                 "promises none\n");
  }
  connection_limits limits;
  limits.header_timeout = o.header_timeout;
  limits.read_timeout = o.read_timeout;
  limits.body_timeout = o.body_timeout;
  limits.max_connections = o.max_connections;
  limits.max_connections_per_client = o.max_connections_per_client;
  if (const std::size_t fds = open_file_limit(limits.max_connections + reserved_fds);
      fds < limits.max_connections + reserved_fds) {
    limits.max_connections = fds > 2 * reserved_fds ? fds - reserved_fds : reserved_fds;
    std::fprintf(stderr, "veto-server: %zu file descriptors allowed: at most %zu connections\n",
                 fds, limits.max_connections);
  }
  http_server server(limits, o.threads);
  state.server = &server;
  install_routes(server, state);
  http_server admin_server(limits, 4);
  std::thread admin_thread;

  int port = o.port;
  if (port == 0) {
    port = server.bind_to_any_port(o.host);
    if (port < 0) return fail("cannot listen on " + o.host);
  } else if (!server.bind_to_port(o.host, port)) {
    return fail("cannot listen on " + o.host + ":" + std::to_string(port));
  }
  if (!server.widen_backlog(SOMAXCONN)) return fail("cannot listen on " + o.host);
  const bool v6 = o.host.find(':') != std::string::npos;
  std::printf("veto-server: listening on http://%s%s%s:%d/\n", v6 ? "[" : "", o.host.c_str(),
              v6 ? "]" : "", port);
  std::fflush(stdout);

  if (o.admin_port >= 0) {
    install_admin_routes(admin_server, admin);
    const int admin_port = o.admin_port == 0 ? admin_server.bind_to_any_port(o.admin_host)
                           : admin_server.bind_to_port(o.admin_host, o.admin_port) ? o.admin_port
                                                                                 : -1;
    if (admin_port < 0) return fail("cannot listen on " + o.admin_host + " for the admin listener");
    const bool admin_v6 = o.admin_host.find(':') != std::string::npos;
    std::printf("veto-server: admin listening on http://%s%s%s:%d/\n", admin_v6 ? "[" : "",
                o.admin_host.c_str(), admin_v6 ? "]" : "", admin_port);
    std::fflush(stdout);
    admin_thread = std::thread([&admin_server] { admin_server.serve(); });
  }

  std::unique_ptr<retention_schedule> retention;
  if (o.retention_days > 0) retention = std::make_unique<retention_schedule>(**store, o.retention_days);

  std::thread signal_waiter([&server, &admin_server, &stop_signals] {
    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    std::fprintf(stderr, "veto-server: %s: finishing the requests in flight\n",
                 signal_number == SIGINT ? "SIGINT" : "SIGTERM");
    server.drain();
    admin_server.drain();
  });
  const bool listened = server.serve();
  if (!server.draining()) pthread_kill(signal_waiter.native_handle(), SIGTERM);
  signal_waiter.join();
  if (admin_thread.joinable()) admin_thread.join();
  retention.reset();
  sender.reset();  // the message in flight is finished or aborted; the rest waits in the outbox
  store->reset();  // the writer commits what is queued; the WAL is checkpointed
  std::fprintf(stderr, "veto-server: stopped\n");
  return listened || server.draining() ? 0 : exit_trouble;
}
