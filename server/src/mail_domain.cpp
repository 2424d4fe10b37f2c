#include "mail_domain.h"

#include <ares.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <poll.h>

#include <algorithm>
#include <climits>
#include <cstdlib>

namespace veto_server {

namespace {

using clock = std::chrono::steady_clock;

// ares_library_init is not thread-safe and must run once before any channel is made.
bool init_library() {
  static const bool ok = ares_library_init(ARES_LIB_INIT_ALL) == ARES_SUCCESS;
  return ok;
}

// "IPV4[:PORT]" or "[IPV6]:PORT", the forms ares_set_servers_ports_csv reads; a name is
// refused (resolving the resolver would need a resolver).
bool is_resolver_address(const std::string& text) {
  std::string host = text;
  std::string port;
  if (!text.empty() && text[0] == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string::npos) return false;
    host = text.substr(1, close - 1);
    if (close + 1 != text.size()) {
      if (text[close + 1] != ':') return false;
      port = text.substr(close + 2);
      if (port.empty()) return false;
    }
    in6_addr v6{};
    if (inet_pton(AF_INET6, host.c_str(), &v6) != 1) return false;
  } else {
    const std::size_t colon = text.find(':');
    if (colon != std::string::npos) {
      host = text.substr(0, colon);
      port = text.substr(colon + 1);
      if (port.empty()) return false;
    }
    in_addr v4{};
    if (inet_pton(AF_INET, host.c_str(), &v4) != 1) return false;
  }
  if (port.empty()) return true;
  if (port.size() > 5 || !std::all_of(port.begin(), port.end(),
                                      [](char c) { return c >= '0' && c <= '9'; })) {
    return false;
  }
  const long number = std::strtol(port.c_str(), nullptr, 10);
  return number >= 1 && number <= 65535;
}

// A name as DNS takes it: LDH labels of 1 to 63 octets, at most 253 octets. The email rule
// gives nothing else for a domain that is not an address literal, but the check must not
// hand a resolver whatever a caller passes.
bool is_dns_name(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  std::size_t label = 0;
  for (const char c : name) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
      continue;
    }
    const bool ldh = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     c == '-' || c == '_';
    if (!ldh || ++label > 63) return false;
  }
  return label > 0;
}

std::string lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

const char* error_reason(int status) {
  switch (status) {
    case ARES_ETIMEOUT:
    case ARES_ECANCELLED:
      return "timeout";
    case ARES_ESERVFAIL:
      return "servfail";
    case ARES_EREFUSED:
      return "refused";
    case ARES_ECONNREFUSED:
      return "connection_refused";
    case ARES_EFORMERR:
    case ARES_EBADRESP:
      return "bad_response";
    case ARES_ENOMEM:
      return "out_of_memory";
    default:
      return "resolver_error";
  }
}

// One query's outcome, filled in by c-ares' callback.
struct query {
  bool done = false;
  int status = ARES_SUCCESS;
  std::vector<unsigned char> answer;
};

void on_answer(void* arg, int status, int /*timeouts*/, unsigned char* abuf, int alen) {
  auto* q = static_cast<query*>(arg);
  q->done = true;
  q->status = status;
  if (status == ARES_SUCCESS && abuf && alen > 0) q->answer.assign(abuf, abuf + alen);
}

// A channel of its own for one lookup: no state is shared between threads.
class channel {
 public:
  channel(const mail_domain_config& config, clock::time_point deadline) : deadline_(deadline) {
    ares_options options{};
    // Two tries within the deadline: a lost UDP packet is retried once. c-ares doubles the
    // second try's wait, so a third of the budget each; the deadline cuts off the rest.
    options.timeout = std::max<int>(1, static_cast<int>(config.timeout.count() / 3));
    options.tries = 2;
    options.flags = ARES_FLAG_NOSEARCH;  // the name is complete: no search domains
    status_ = ares_init_options(&channel_, &options,
                                ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_FLAGS);
    if (status_ == ARES_SUCCESS && !config.resolver.empty()) {
      status_ = ares_set_servers_ports_csv(channel_, config.resolver.c_str());
    }
  }
  ~channel() {
    if (channel_ != nullptr) ares_destroy(channel_);  // cancels what is still pending: its callbacks run here
  }
  channel(const channel&) = delete;
  channel& operator=(const channel&) = delete;

  bool usable() const { return status_ == ARES_SUCCESS; }

  void send(const std::string& name, int type, query& q) {
    ares_query(channel_, name.c_str(), ns_c_in, type, on_answer, &q);
  }

  // Runs c-ares until every query in `queries` is answered or the deadline passes; then
  // cancels what is left (its status becomes ARES_ECANCELLED).
  void wait(std::initializer_list<query*> queries) {
    const auto all_done = [&] {
      return std::all_of(queries.begin(), queries.end(), [](const query* q) { return q->done; });
    };
    while (!all_done()) {
      const clock::time_point now = clock::now();
      if (now >= deadline_) break;
      ares_socket_t sockets[ARES_GETSOCK_MAXNUM];
      const int mask = ares_getsock(channel_, sockets, ARES_GETSOCK_MAXNUM);
      pollfd fds[ARES_GETSOCK_MAXNUM];
      nfds_t count = 0;
      for (int i = 0; i < ARES_GETSOCK_MAXNUM; ++i) {
        const short events = static_cast<short>((ARES_GETSOCK_READABLE(mask, i) ? POLLIN : 0) |
                                                (ARES_GETSOCK_WRITABLE(mask, i) ? POLLOUT : 0));
        if (events == 0) continue;
        fds[count++] = pollfd{sockets[i], events, 0};
      }
      const auto left =
          std::chrono::duration_cast<std::chrono::microseconds>(deadline_ - now).count();
      timeval cap{static_cast<time_t>(left / 1000000), static_cast<suseconds_t>(left % 1000000)};
      timeval wait_for{};
      const timeval* chosen = ares_timeout(channel_, &cap, &wait_for);
      const long long ms =
          static_cast<long long>(chosen->tv_sec) * 1000 + (chosen->tv_usec + 999) / 1000;
      const int ready = poll(fds, count, static_cast<int>(std::min<long long>(ms, INT_MAX)));
      if (ready <= 0) {
        ares_process_fd(channel_, ARES_SOCKET_BAD, ARES_SOCKET_BAD);  // c-ares' own timeouts
        continue;
      }
      for (nfds_t i = 0; i < count; ++i) {
        if (fds[i].revents == 0) continue;
        const bool readable = (fds[i].revents & (POLLIN | POLLERR | POLLHUP)) != 0;
        const bool writable = (fds[i].revents & POLLOUT) != 0;
        ares_process_fd(channel_, readable ? fds[i].fd : ARES_SOCKET_BAD,
                        writable ? fds[i].fd : ARES_SOCKET_BAD);
      }
    }
    if (!all_done()) ares_cancel(channel_);
  }

 private:
  ares_channel channel_ = nullptr;
  int status_ = ARES_ENOTINITIALIZED;
  clock::time_point deadline_;
};

// Whether every MX record is a null MX (RFC 7505: exchange "."); nullopt when the answer
// holds no MX record at all (e.g. only a CNAME).
std::optional<bool> all_null_mx(const std::vector<unsigned char>& answer) {
  ares_mx_reply* records = nullptr;
  if (ares_parse_mx_reply(answer.data(), static_cast<int>(answer.size()), &records) !=
          ARES_SUCCESS ||
      records == nullptr) {
    return std::nullopt;
  }
  bool all_null = true;
  for (const ares_mx_reply* r = records; r; r = r->next) {
    const std::string_view host = r->host ? r->host : "";
    if (!(host.empty() || host == ".")) all_null = false;
  }
  ares_free_data(records);
  return all_null;
}

int address_count(const query& q, int type) {
  if (q.status != ARES_SUCCESS) return 0;
  const int length = static_cast<int>(q.answer.size());
  int count = 16;
  if (type == ns_t_a) {
    ares_addrttl addresses[16];
    if (ares_parse_a_reply(q.answer.data(), length, nullptr, addresses, &count) != ARES_SUCCESS)
      return 0;
  } else {
    ares_addr6ttl addresses[16];
    if (ares_parse_aaaa_reply(q.answer.data(), length, nullptr, addresses, &count) !=
        ARES_SUCCESS)
      return 0;
  }
  return count;
}

bool is_no_such_thing(int status) {
  return status == ARES_ENODATA || status == ARES_ENOTFOUND;
}

}  // namespace

veto::expected<std::unique_ptr<mail_domain_checker>> mail_domain_checker::create(
    mail_domain_config config) {
  if (!config.resolver.empty() && !is_resolver_address(config.resolver)) {
    return veto::unexpected(std::string(
        "--mail-domain-resolver: expected IPV4[:PORT] or [IPV6]:PORT"));
  }
  if (config.timeout.count() <= 0) {
    return veto::unexpected(std::string("--mail-domain-timeout: expected seconds (> 0)"));
  }
  if (!init_library()) return veto::unexpected(std::string("c-ares could not be initialized"));
  return std::unique_ptr<mail_domain_checker>(new mail_domain_checker(std::move(config)));
}

mail_domain_checker::mail_domain_checker(mail_domain_config config) : config_(std::move(config)) {}

mail_domain_answer mail_domain_checker::check(std::string_view domain_ascii) {
  if (!is_dns_name(domain_ascii)) return {mail_domain_verdict::unknown, "not_a_dns_name", false};
  const std::string domain = lower_ascii(domain_ascii);
  if (std::optional<mail_domain_answer> known = cached(domain)) return *known;
  const mail_domain_answer answer = look_up(domain);
  remember(domain, answer);
  return answer;
}

mail_domain_answer mail_domain_checker::look_up(const std::string& domain) const {
  channel dns(config_, clock::now() + config_.timeout);
  if (!dns.usable()) return {mail_domain_verdict::unknown, "resolver_unusable", false};

  query mx;
  dns.send(domain, ns_t_mx, mx);
  dns.wait({&mx});
  if (mx.status == ARES_SUCCESS) {
    if (const std::optional<bool> null = all_null_mx(mx.answer)) {
      return *null ? mail_domain_answer{mail_domain_verdict::no_mail, "null_mx", false}
                   : mail_domain_answer{mail_domain_verdict::accepts_mail, "mx", false};
    }
    // An answer without MX records (a CNAME alone): ask for addresses, as for no MX.
  } else if (mx.status == ARES_ENOTFOUND) {
    return {mail_domain_verdict::no_mail, "nxdomain", false};
  } else if (mx.status != ARES_ENODATA) {
    return {mail_domain_verdict::unknown, error_reason(mx.status), false};
  }

  // No MX: the domain's own address is its mail exchanger (RFC 5321 5.1). Both families at
  // once, within what is left of the same deadline.
  query a;
  query aaaa;
  dns.send(domain, ns_t_a, a);
  dns.send(domain, ns_t_aaaa, aaaa);
  dns.wait({&a, &aaaa});
  if (address_count(a, ns_t_a) > 0 || address_count(aaaa, ns_t_aaaa) > 0) {
    return {mail_domain_verdict::accepts_mail, "address", false};
  }
  if ((is_no_such_thing(a.status) || a.status == ARES_SUCCESS) &&
      (is_no_such_thing(aaaa.status) || aaaa.status == ARES_SUCCESS)) {
    return {mail_domain_verdict::no_mail, "no_records", false};
  }
  return {mail_domain_verdict::unknown,
          error_reason(is_no_such_thing(a.status) || a.status == ARES_SUCCESS ? aaaa.status
                                                                              : a.status),
          false};
}

std::optional<mail_domain_answer> mail_domain_checker::cached(const std::string& domain) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto found = cache_.find(domain);
  if (found == cache_.end()) return std::nullopt;
  if (clock::now() >= found->second.expires) {
    oldest_first_.erase(found->second.age);
    cache_.erase(found);
    return std::nullopt;
  }
  mail_domain_answer answer = found->second.answer;
  answer.from_cache = true;
  return answer;
}

void mail_domain_checker::remember(const std::string& domain, const mail_domain_answer& answer) {
  // Unknown is not kept: the next objector gets a fresh chance at an answer.
  if (answer.verdict == mail_domain_verdict::unknown || config_.cache_entries == 0) return;
  const std::chrono::seconds ttl = answer.verdict == mail_domain_verdict::accepts_mail
                                       ? config_.accepts_mail_ttl
                                       : config_.no_mail_ttl;
  std::lock_guard<std::mutex> lock(mutex_);
  if (const auto found = cache_.find(domain); found != cache_.end()) {
    oldest_first_.erase(found->second.age);
    cache_.erase(found);
  }
  while (cache_.size() >= config_.cache_entries) {
    cache_.erase(oldest_first_.front());
    oldest_first_.pop_front();
  }
  oldest_first_.push_back(domain);
  cache_.emplace(domain, entry{answer, clock::now() + ttl, std::prev(oldest_first_.end())});
}

deliverability_check::deliverability_check(const veto::validator& validator,
                                           mail_domain_checker& domains)
    : validator_(validator), domains_(domains) {
  for (const veto::field_description& field : validator.fields()) {
    if (field.kind == veto::field_kind::email) email_fields_.push_back(field.name);
  }
}

deliverability deliverability_check::check_deliverable(std::string_view address,
                                                       std::string_view locale) const {
  if (email_fields_.empty()) return {};
  // The email rule's own mapping to A-labels (info.domain_ascii), so the name asked is the
  // one mail would be sent to, whichever form the address came in.
  const veto::form members{{email_fields_.front(), veto::form_member::kind::string,
                            std::string(address)}};
  const std::optional<veto::field_result> field =
      validator_.validate_field(email_fields_.front(), members, locale);
  if (!field || !field->valid || !field->value) return {};
  std::string_view domain_ascii;
  for (const auto& [name, value] : field->info) {
    if (name == "domain_ascii") {
      if (const auto* text = std::get_if<std::string>(&value)) domain_ascii = *text;
    }
  }
  const mail_domain_answer answer = domains_.check(domain_ascii);
  deliverability out{answer.verdict, std::nullopt};
  if (answer.verdict == mail_domain_verdict::no_mail) {
    const std::string& value = *field->value;
    const std::string domain = value.substr(value.rfind('@') + 1);  // the Unicode form
    out.error = validator_.make_issue("email.domain_no_mail", {{"domain", domain}}, locale);
  }
  return out;
}

bool deliverability_check::apply(veto::result& verdict) const {
  if (!verdict.valid) return false;
  bool added = false;
  for (const std::string& name : email_fields_) {
    const auto field = std::find_if(verdict.fields.begin(), verdict.fields.end(),
                                    [&](const veto::field_result& f) { return f.name == name; });
    if (field == verdict.fields.end() || !field->value) continue;
    deliverability answer = check_deliverable(*field->value, verdict.locale);
    if (answer.error) {
      add_field_error(verdict, name, std::move(*answer.error));
      added = true;
    }
  }
  return added;
}

void add_field_error(veto::result& verdict, std::string_view name, veto::issue error) {
  for (veto::field_result& field : verdict.fields) {
    if (field.name != name) continue;
    field.valid = false;
    field.value.reset();
    field.warnings.clear();
    field.info.clear();
    field.errors.push_back(std::move(error));
    verdict.valid = false;
    return;
  }
}

}  // namespace veto_server
