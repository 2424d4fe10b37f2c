#include "options.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace veto_server {

const char* const usage_text =
    "usage: veto-server [OPTIONS]\n"
    "Serves the objection page, its API and its static files (see server/README.md).\n"
    "\n"
    "  --listen HOST:PORT     where to listen (default 127.0.0.1:8080; port 0 picks a free\n"
    "                         port; IPv6 as [::1]:8080). The first line on stdout is\n"
    "                         \"veto-server: listening on http://HOST:PORT/\".\n"
    "  --db FILE|URL          the objections' database: a SQLite file, or PostgreSQL as a\n"
    "                         libpq connection string (postgresql://USER@HOST:PORT/DB).\n"
    "                         Default: $VETO_DB, else the file veto-objections.db\n"
    "  --db-file FILE         read --db's value from FILE's first line (keeps a password\n"
    "                         out of the process list)\n"
    "  --web DIR              the page: index.html, received.html, app.js, i18n/...\n"
    "                         (default: the source tree's web/)\n"
    "  --dist DIR             the Wasm module: veto.mjs, veto.wasm (default: the build's\n"
    "                         wasm/dist)\n"
    "  --rate-limit N         requests per minute per client address (IPv6: per /64),\n"
    "                         all of which may come at once; 0 = no limit (default 120)\n"
    "  --threads N            requests handled at once (default 16); reading requests\n"
    "                         and writing responses takes no thread\n"
    "  --max-connections N    connections open at once; more are refused (default 10000)\n"
    "  --max-connections-per-client N\n"
    "                         connections open at once from one IPv4 address or IPv6\n"
    "                         /64; more are refused (default 64)\n"
    "  --header-timeout SEC   time to send the request line and headers (default 10)\n"
    "  --read-timeout SEC     longest silence while a request is read or a response\n"
    "                         written (default 5)\n"
    "  --body-timeout SEC     time to send a request body (default 60)\n"
    "  --admin-listen [HOST:]PORT  the admin listener (off unless given; HOST defaults to\n"
    "                         127.0.0.1). Its line on stdout, after the first, is\n"
    "                         \"veto-server: admin listening on http://HOST:PORT/\".\n"
    "  --admin-tokens FILE    the admin tokens (make one with: veto-server admin token\n"
    "                         create --name N --role reader|handler --tokens FILE)\n"
    "  --retention-days N     erase objections N days after they were closed (at start-up\n"
    "                         and hourly); 0 = keep (default)\n"
    "  --mail-domain-check on|off\n"
    "                         refuse an objection whose address's domain cannot receive\n"
    "                         mail (DNS: MX, null MX, A/AAAA); a DNS failure or timeout\n"
    "                         never refuses (default off)\n"
    "  --mail-domain-resolver IPV4[:PORT]|[IPV6]:PORT\n"
    "                         the DNS resolver it asks (default: /etc/resolv.conf's)\n"
    "  --mail-domain-timeout SEC  longest wait for DNS per address (default 2)\n"
    "  --mail-mode MODE       none (default), receipt (email a receipt for every stored\n"
    "                         objection) or code (a 6-digit code to the address first,\n"
    "                         then the receipt)\n"
    "  --code-ttl SEC         how long a code is valid (default 600, at least 5)\n"
    "  --smtp-relay URL       smtp://HOST[:PORT] (STARTTLS required) or smtps://HOST[:PORT]\n"
    "  --smtp-tls require|off off: no TLS, allowed only for a relay on loopback\n"
    "  --smtp-ca-file FILE    certificates to trust for the relay (default: the system's)\n"
    "  --smtp-from ADDRESS    the sender address\n"
    "  --smtp-credentials FILE  the relay's user name (first line) and password (second);\n"
    "                         or VETO_SMTP_USER and VETO_SMTP_PASSWORD in the environment\n"
    "  --controller-name TEXT, --controller-contact TEXT\n"
    "                         who answers the objection, named in every receipt\n"
    "  --mail-retry SEC       the first retry after a temporary failure (default 30);\n"
    "                         doubled each time up to --mail-retry-max (default 3600)\n"
    "  --trusted-proxy CIDR[,CIDR...]  reverse proxies (e.g. 127.0.0.1) whose\n"
    "                         X-Forwarded-For names the client for the rate limit and\n"
    "                         the access log; repeatable. Default: none (the peer counts)\n"
    "  --access-log on|off    one JSON line per request on stdout, after the listening\n"
    "                         lines (default on)\n"
    "  --help                 this text\n"
    "  --version              veto-server's version\n"
    "\n"
    "       veto-server admin COMMAND ...   the admin tasks without HTTP (veto-server admin help)\n";

namespace {

bool parse_number(const std::string& text, double& out) {
  if (text.empty()) return false;
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(text.c_str(), &end);
  if (errno != 0 || *end != '\0' || !std::isfinite(value) || value < 0) return false;
  out = value;
  return true;
}

std::string parse_listen(const std::string& text, std::string& out_host, int& out_port) {
  std::string host;
  std::string port;
  if (!text.empty() && text[0] == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return "--listen: expected [IPV6]:PORT";
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string::npos) return "--listen: expected HOST:PORT";
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  double number = 0;
  if (host.empty() || !parse_number(port, number) || number > 65535 ||
      number != std::floor(number)) {
    return "--listen: expected HOST:PORT with PORT 0 to 65535";
  }
  out_host = host;
  out_port = static_cast<int>(number);
  return "";
}

// "smtp://HOST[:PORT][/...]" -> HOST (brackets kept off an IPv6 literal); empty if malformed.
std::string relay_host(const std::string& url, std::size_t scheme_length) {
  std::string rest = url.substr(scheme_length);
  rest = rest.substr(0, rest.find('/'));
  if (rest.find('@') != std::string::npos) return "";  // credentials never go into a URL
  if (!rest.empty() && rest[0] == '[') {
    const std::size_t close = rest.find(']');
    return close == std::string::npos ? "" : rest.substr(1, close - 1);
  }
  return rest.substr(0, rest.find(':'));
}

bool is_loopback_host(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

// One '@', something on each side, no spaces or angle brackets: enough for a sender
// address the operator typed.
bool plausible_address(const std::string& address) {
  const std::size_t at = address.rfind('@');
  if (at == std::string::npos || at == 0 || at + 1 == address.size()) return false;
  for (unsigned char c : address) {
    if (c <= ' ' || c == '<' || c == '>' || c == 0x7f) return false;
  }
  return true;
}

// The mail options must make sense together: a mode that sends needs a relay and a sender;
// a relay is reached with TLS unless it is on this machine and TLS is turned off outright.
std::string check_mail_options(const mail_config& mail) {
  if (mail.relay.empty()) {
    return mail.mode == mail_mode::none ? ""
                                        : "--mail-mode " + std::string(mail_mode_name(mail.mode)) +
                                              " needs --smtp-relay URL and --smtp-from ADDRESS";
  }
  const bool smtps = mail.relay.rfind("smtps://", 0) == 0;
  const bool smtp = mail.relay.rfind("smtp://", 0) == 0;
  if (!smtps && !smtp) return "--smtp-relay: expected smtp://HOST[:PORT] or smtps://HOST[:PORT]";
  const std::string host = relay_host(mail.relay, smtps ? 8 : 7);
  if (host.empty()) return "--smtp-relay: expected smtp://HOST[:PORT] or smtps://HOST[:PORT]";
  if (mail.plaintext && (smtps || !is_loopback_host(host))) {
    return "--smtp-tls off: only for an smtp:// relay on loopback (127.0.0.0/8, ::1, localhost)";
  }
  if (!plausible_address(mail.from)) return "--smtp-from: expected the sender's address";
  if (mail.retry_max < mail.retry_first) return "--mail-retry-max: must not be less than --mail-retry";
  return "";
}

}  // namespace

const char* mail_mode_name(mail_mode mode) {
  switch (mode) {
    case mail_mode::none:
      return "none";
    case mail_mode::receipt:
      return "receipt";
    case mail_mode::code:
      return "code";
  }
  return "none";
}

veto::expected<options> parse_options(const std::vector<std::string>& args, options defaults) {
  options o = std::move(defaults);
  std::string error;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      o.help = true;
      continue;
    }
    if (arg == "--version") {
      o.version = true;
      continue;
    }
    if (i + 1 >= args.size()) {
      return veto::unexpected(arg.rfind("--", 0) == 0 ? arg + ": needs a value"
                                                      : "unexpected argument: " + arg);
    }
    const std::string& value = args[++i];
    double number = 0;
    const auto seconds = [&](std::chrono::milliseconds& target) {
      if (!parse_number(value, number) || number <= 0 || number > 86400) {
        error = arg + ": expected seconds (> 0)";
        return;
      }
      target = std::chrono::milliseconds(static_cast<long long>(std::llround(number * 1000)));
    };
    if (arg == "--listen") {
      error = parse_listen(value, o.host, o.port);
    } else if (arg == "--admin-listen") {
      const bool port_only = value.find(':') == std::string::npos;
      error = parse_listen(port_only ? "127.0.0.1:" + value : value, o.admin_host, o.admin_port);
      if (!error.empty()) error = "--admin-listen: expected [HOST:]PORT with PORT 0 to 65535";
    } else if (arg == "--admin-tokens") {
      o.admin_tokens = value;
    } else if (arg == "--retention-days") {
      if (!parse_number(value, number) || number > 36500 || number != std::floor(number)) {
        error = "--retention-days: expected 0 to 36500";
      }
      o.retention_days = static_cast<int>(number);
    } else if (arg == "--mail-domain-check") {
      if (value != "on" && value != "off") error = "--mail-domain-check: expected on or off";
      o.mail_domain_check = value == "on";
    } else if (arg == "--mail-domain-resolver") {
      o.mail_domain_resolver = value;  // checked by mail_domain_checker::create
    } else if (arg == "--mail-domain-timeout") {
      seconds(o.mail_domain_timeout);
    } else if (arg == "--mail-mode") {
      if (value == "none") {
        o.mail.mode = mail_mode::none;
      } else if (value == "receipt") {
        o.mail.mode = mail_mode::receipt;
      } else if (value == "code") {
        o.mail.mode = mail_mode::code;
      } else {
        error = "--mail-mode: expected none, receipt or code";
      }
    } else if (arg == "--code-ttl") {
      seconds(o.mail.code_ttl);
      if (error.empty() && o.mail.code_ttl < std::chrono::seconds(5)) {
        error = "--code-ttl: expected at least 5 seconds";
      }
    } else if (arg == "--smtp-relay") {
      o.mail.relay = value;
    } else if (arg == "--smtp-tls") {
      if (value != "require" && value != "off") error = "--smtp-tls: expected require or off";
      o.mail.plaintext = value == "off";
    } else if (arg == "--smtp-ca-file") {
      o.mail.ca_file = value;
    } else if (arg == "--smtp-from") {
      o.mail.from = value;
    } else if (arg == "--smtp-credentials") {
      o.smtp_credentials = value;
    } else if (arg == "--controller-name") {
      o.mail.controller_name = value;
    } else if (arg == "--controller-contact") {
      o.mail.controller_contact = value;
    } else if (arg == "--mail-retry") {
      seconds(o.mail.retry_first);
    } else if (arg == "--mail-retry-max") {
      seconds(o.mail.retry_max);
    } else if (arg == "--db") {
      o.db = value;
    } else if (arg == "--trusted-proxy") {
      o.trusted_proxies += (o.trusted_proxies.empty() ? "" : ",") + value;
    } else if (arg == "--access-log") {
      if (value != "on" && value != "off") error = "--access-log: on or off";
      o.access_log = value == "on";
    } else if (arg == "--db-file") {
      o.db_file = value;
    } else if (arg == "--web") {
      o.web_dir = value;
    } else if (arg == "--dist") {
      o.dist_dir = value;
    } else if (arg == "--rate-limit") {
      if (!parse_number(value, number) || number > 1e9)
        error = "--rate-limit: expected a number >= 0";
      o.rate_limit = number;
    } else if (arg == "--threads") {
      if (!parse_number(value, number) || number < 1 || number > 1024 ||
          number != std::floor(number)) {
        error = "--threads: expected 1 to 1024";
      }
      o.threads = static_cast<std::size_t>(number);
    } else if (arg == "--max-connections" || arg == "--max-connections-per-client") {
      if (!parse_number(value, number) || number < 1 || number > 1000000 ||
          number != std::floor(number)) {
        error = arg + ": expected 1 to 1000000";
      }
      (arg == "--max-connections" ? o.max_connections : o.max_connections_per_client) =
          static_cast<std::size_t>(number);
    } else if (arg == "--header-timeout") {
      seconds(o.header_timeout);
    } else if (arg == "--read-timeout") {
      seconds(o.read_timeout);
    } else if (arg == "--body-timeout") {
      seconds(o.body_timeout);
    } else {
      error = "unknown option: " + arg;
    }
    if (!error.empty()) return veto::unexpected(std::move(error));
  }
  if (o.admin_port >= 0 && o.admin_tokens.empty()) {
    return veto::unexpected(std::string("--admin-listen needs --admin-tokens FILE"));
  }
  if (const std::string mail_error = check_mail_options(o.mail); !mail_error.empty()) {
    return veto::unexpected(mail_error);
  }
  return o;
}

}  // namespace veto_server
