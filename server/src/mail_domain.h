// Can this domain receive mail? The deliverability check of an objector's address, asked
// of DNS the way Python's email-validator asks it (server/README.md, "Mail domains"):
//
//   MX records              → yes, unless every one is a null MX (RFC 7505: exchange ".")
//   no MX, an A or AAAA     → yes (RFC 5321 5.1: the address record is the implicit MX)
//   no MX and no address    → no
//   NXDOMAIN                → no
//   anything else (SERVFAIL, REFUSED, a timeout, no resolver) → unknown
//
// "Unknown" never refuses anything: a resolver that is down must not stop an objection.
// Answers come from a resolver library (c-ares), one channel per lookup, so lookups from
// several worker threads never share state but the cache (mutex). A lookup blocks its
// caller for at most `timeout`; the cache keeps yes and no answers (not unknown) for a
// fixed time, since c-ares does not give an MX answer's TTL.
#ifndef VETO_SERVER_MAIL_DOMAIN_H
#define VETO_SERVER_MAIL_DOMAIN_H

#include <chrono>
#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "veto/expected.h"
#include "veto/veto.h"

namespace veto_server {

enum class mail_domain_verdict { accepts_mail, no_mail, unknown };

struct mail_domain_answer {
  mail_domain_verdict verdict = mail_domain_verdict::unknown;
  // Why: "mx", "address" (no MX but an A or AAAA record), "null_mx", "nxdomain",
  // "no_records", or for unknown what went wrong ("timeout", "servfail", "refused",
  // "not_a_dns_name", ...): for tests and an operator's log, never for the objector.
  std::string reason;
  bool from_cache = false;
};

struct mail_domain_config {
  // The resolver: "IPV4[:PORT]" or "[IPV6]:PORT"; empty: the system's (/etc/resolv.conf).
  std::string resolver;
  std::chrono::milliseconds timeout{2000};  // for the whole lookup, MX and address queries
  std::size_t cache_entries = 10000;        // the oldest answer goes when it is full
  std::chrono::seconds accepts_mail_ttl{3600};
  std::chrono::seconds no_mail_ttl{600};  // short: a domain being set up gets mail soon
};

class mail_domain_checker {
 public:
  // Checks the configuration (the resolver's address); does no lookup.
  static veto::expected<std::unique_ptr<mail_domain_checker>> create(mail_domain_config config);

  // `domain_ascii` as the email rule gives it in `info.domain_ascii`: A-labels, lower case,
  // no trailing dot. Anything else (a U-label, an address literal) is unknown, unasked.
  // Thread-safe; blocks for at most the configured timeout (plus scheduling).
  mail_domain_answer check(std::string_view domain_ascii);

  const mail_domain_config& config() const { return config_; }

 private:
  explicit mail_domain_checker(mail_domain_config config);
  mail_domain_answer look_up(const std::string& domain) const;
  std::optional<mail_domain_answer> cached(const std::string& domain);
  void remember(const std::string& domain, const mail_domain_answer& answer);

  struct entry {
    mail_domain_answer answer;
    std::chrono::steady_clock::time_point expires;
    std::list<std::string>::iterator age;  // its place in `oldest_first_`
  };
  mail_domain_config config_;
  std::mutex mutex_;
  std::unordered_map<std::string, entry> cache_;
  std::list<std::string> oldest_first_;
};

// The deliverability check of one address, as the email field reports it: the question a
// flow asks before it sends anything to the address (a confirmation code, a receipt).
struct deliverability {
  mail_domain_verdict verdict = mail_domain_verdict::unknown;
  // Exactly when verdict is no_mail: the email field's error, as the validator's own errors
  // look ({"code":"email.domain_no_mail","params":{"domain":"…"},"message":"…"}).
  std::optional<veto::issue> error;
};

class deliverability_check {
 public:
  // `validator` gives the address's A-label domain (the email rule's own mapping) and the
  // message; both must outlive this object.
  deliverability_check(const veto::validator& validator, mail_domain_checker& domains);

  // `address`: an email address as the objector typed it or as the validator normalized it
  // (a U-label domain is mapped to A-labels before DNS is asked). An address the email rule
  // refuses is unknown here: its own error is the validator's to report. `locale`: any tag.
  deliverability check_deliverable(std::string_view address, std::string_view locale) const;

  // Runs check_deliverable on every email field of a valid `verdict` that has a value and
  // adds the error to each field whose domain cannot receive mail (so the result becomes
  // invalid, exactly as if the validator had found it). Returns whether it added one.
  bool apply(veto::result& verdict) const;

 private:
  const veto::validator& validator_;
  mail_domain_checker& domains_;
  std::vector<std::string> email_fields_;  // the ruleset's email fields, in order
};

// Adds `error` to the field `name` of `verdict` the way the validator reports an error:
// the field becomes invalid, its value null, its warnings and info cleared (docs/contract.md §2.1.1: `info` is
// `{}` for an email with an error), and the whole result invalid.
void add_field_error(veto::result& verdict, std::string_view name, veto::issue error);

}  // namespace veto_server

#endif  // VETO_SERVER_MAIL_DOMAIN_H
