#include "mail_sender.h"

#include <curl/curl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <memory>

#include "deadline.h"

namespace veto_server {

// What the relay said during one transaction, read from curl's protocol trace.
struct smtp_session {
  std::string last_reply;    // the last reply line, e.g. "550 5.1.1 no such user"
  std::string last_command;  // the verb of the last command sent: MAIL, RCPT, DATA, ...
  bool smtputf8 = false;     // the latest EHLO answer listed SMTPUTF8
  bool quitting = false;     // QUIT was sent: later replies say nothing about the message
  bool heard = false;        // the relay said anything at all
};

namespace {

std::string trimmed_line(std::string_view line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
  return std::string(line.substr(0, 512));
}

int on_trace(CURL*, curl_infotype type, char* data, std::size_t size, void* user) {
  auto& session = *static_cast<smtp_session*>(user);
  const std::string_view text(data, size);
  if (type == CURLINFO_HEADER_OUT && !session.quitting) {
    std::string verb(text.substr(0, std::min(text.find_first_of(" \r\n"), text.size())));
    for (char& c : verb) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (verb == "QUIT") {
      session.quitting = true;
    } else {
      session.last_command = verb;
      if (verb == "EHLO") session.smtputf8 = false;
    }
  } else if (type == CURLINFO_HEADER_IN && !session.quitting) {
    std::size_t start = 0;
    while (start < text.size()) {
      const std::size_t end = std::min(text.find('\n', start), text.size());
      const std::string line = trimmed_line(text.substr(start, end - start));
      if (line.size() >= 3) {
        session.last_reply = line;
        session.heard = true;
        if (line.size() > 4 && line.compare(4, std::string::npos, "SMTPUTF8") == 0 &&
            line.compare(0, 3, "250") == 0) {
          session.smtputf8 = true;
        }
      }
      start = end + 1;
    }
  }
  return 0;
}

struct upload {
  const std::string* data;
  std::size_t offset = 0;
};

std::size_t on_read(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto& source = *static_cast<upload*>(user);
  const std::size_t n = std::min(size * count, source.data->size() - source.offset);
  source.data->copy(buffer, n, source.offset);
  source.offset += n;
  return n;
}

std::size_t on_write(char*, std::size_t size, std::size_t count, void*) { return size * count; }

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<const std::atomic<bool>*>(user)->load() ? 1 : 0;
}

curl_socket_t on_open_socket(void* user, curlsocktype, curl_sockaddr* address) {
  auto& sockets = *static_cast<smtp_client::open_sockets*>(user);
  std::lock_guard<std::mutex> lock(sockets.mutex);
  if (sockets.interrupted) return CURL_SOCKET_BAD;
  const int fd = ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
  if (fd < 0) return CURL_SOCKET_BAD;
  sockets.fds.push_back(fd);
  return fd;
}

int on_close_socket(void* user, curl_socket_t fd) {
  auto& sockets = *static_cast<smtp_client::open_sockets*>(user);
  std::lock_guard<std::mutex> lock(sockets.mutex);  // interrupt() never sees a closed number
  sockets.fds.erase(std::remove(sockets.fds.begin(), sockets.fds.end(), fd), sockets.fds.end());
  return ::close(fd);
}

using curl_handle = std::unique_ptr<CURL, decltype(&curl_easy_cleanup)>;
using curl_list = std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)>;

// A handle set up for the relay: TLS as configured, the credentials, the trace.
curl_handle relay_handle(const mail_config& config, const std::string& url,
                         smtp_session& session, const std::atomic<bool>& stopping,
                         smtp_client::open_sockets& sockets) {
  curl_handle curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return curl;
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
  curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &sockets);
  curl_easy_setopt(c, CURLOPT_CLOSESOCKETFUNCTION, on_close_socket);
  curl_easy_setopt(c, CURLOPT_CLOSESOCKETDATA, &sockets);
  // A relay must answer each command within a minute (curl's default is two).
  curl_easy_setopt(c, CURLOPT_SERVER_RESPONSE_TIMEOUT, 60L);
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  // smtp://: STARTTLS or nothing is sent; smtps:// is TLS from the first byte. Only a
  // relay on loopback may be spoken to in plain text, and only when told so
  // (options.cpp checks both).
  curl_easy_setopt(c, CURLOPT_USE_SSL, config.plaintext ? CURLUSESSL_NONE : CURLUSESSL_ALL);
  if (!config.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, config.ca_file.c_str());
  if (!config.username.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, config.username.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, config.password.c_str());
  }
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
  curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);  // the trace goes to on_trace, nowhere else
  curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, on_trace);
  curl_easy_setopt(c, CURLOPT_DEBUGDATA, &session);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_write);  // a reply body is nobody's business
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &stopping);
  return curl;
}

int reply_code(const std::string& reply) {
  if (reply.size() < 3) return 0;
  int code = 0;
  for (int i = 0; i < 3; ++i) {
    if (reply[i] < '0' || reply[i] > '9') return 0;
    code = code * 10 + (reply[i] - '0');
  }
  return code;
}

std::once_flag curl_initialized;

}  // namespace

smtp_client::smtp_client(const mail_config& config, std::string ehlo_domain)
    : config_(config), session_(std::make_unique<smtp_session>()) {
  // curl says EHLO with the URL's path; without one it would say "localhost".
  const std::size_t scheme_end = config_.relay.find("://");
  const bool has_path = scheme_end != std::string::npos &&
                        config_.relay.find('/', scheme_end + 3) != std::string::npos;
  url_ = has_path ? config_.relay : config_.relay + "/" + ehlo_domain;
}

smtp_client::~smtp_client() { curl_easy_cleanup(static_cast<CURL*>(handle_)); }  // QUIT

void smtp_client::interrupt() {
  std::lock_guard<std::mutex> lock(sockets_.mutex);
  sockets_.interrupted = true;
  for (const int fd : sockets_.fds) ::shutdown(fd, SHUT_RDWR);
}

smtp_result smtp_client::send(const outgoing_mail& mail, const std::atomic<bool>& stopping) {
  smtp_result result = send_once(mail, stopping);
  // A kept connection the relay closed meanwhile fails before any reply: once more, anew.
  if (!result.reached && reused_ && !stopping) result = send_once(mail, stopping);
  return result;
}

smtp_result smtp_client::send_once(const outgoing_mail& mail, const std::atomic<bool>& stopping) {
  const bool reusing = handle_ != nullptr;
  if (!handle_) {
    handle_ = relay_handle(config_, url_, *session_, stopping, sockets_).release();
    if (!handle_) return {smtp_result::kind::temporary, "curl could not be set up", false};
  }
  CURL* c = static_cast<CURL*>(handle_);
  smtp_session& session = *session_;
  session = smtp_session{};
  const std::string from = "<" + config_.from + ">";
  curl_list recipients(curl_slist_append(nullptr, ("<" + mail.envelope_to + ">").c_str()),
                       curl_slist_free_all);
  upload source{&mail.data};
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(mail.data.size()));
  curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
  curl_easy_setopt(c, CURLOPT_READDATA, &source);
  const CURLcode rc = curl_easy_perform(c);
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, nullptr);  // the list dies here
  if (rc == CURLE_OK) {
    reused_ = true;
    return {smtp_result::kind::sent, session.last_reply, true};
  }
  // After a failure the connection's state is unknown: the next message starts anew.
  curl_easy_cleanup(c);
  handle_ = nullptr;
  reused_ = reusing && !session.heard;
  const int code = reply_code(session.last_reply);
  const bool about_the_message = session.last_command == "MAIL" ||
                                 session.last_command == "RCPT" ||
                                 session.last_command == "DATA" || session.last_command == ".";
  if (code >= 500 && code < 600 && about_the_message) {
    return {smtp_result::kind::permanent, session.last_reply, true};
  }
  std::string reason = session.last_reply.empty() ? std::string() : session.last_reply + " (";
  reason += curl_easy_strerror(rc);
  if (!session.last_reply.empty()) reason += ")";
  return {smtp_result::kind::temporary, reason, session.heard};
}

std::optional<bool> smtp_client::offers_smtputf8(const std::atomic<bool>& stopping) {
  smtp_session session;
  curl_handle curl = relay_handle(config_, url_, session, stopping, sockets_);
  if (!curl) return std::nullopt;
  // No recipient and no upload: curl greets, says EHLO (and STARTTLS, and EHLO again),
  // sends HELP and leaves. Only the EHLO answer matters.
  curl_easy_setopt(curl.get(), CURLOPT_NOBODY, 1L);
  const CURLcode rc = curl_easy_perform(curl.get());
  if (rc != CURLE_OK && session.last_command != "HELP") return std::nullopt;
  return session.smtputf8;
}

std::chrono::milliseconds retry_delay(int attempts, std::chrono::milliseconds first,
                                      std::chrono::milliseconds max) {
  std::chrono::milliseconds delay = first;
  for (int i = 1; i < attempts && delay < max; ++i) delay *= 2;
  return std::min(delay, max);
}

std::string utc_after(std::chrono::milliseconds delay) {
  return utc_timestamp(std::chrono::system_clock::now() + delay);
}

mail_sender::mail_sender(objection_store& store, const mail_composer& composer,
                         const mail_config& config)
    : store_(store), composer_(composer), config_(config),
      client_(config, composer.sender_domain()) {
  std::call_once(curl_initialized, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  thread_ = std::thread([this] { run(); });
}

mail_sender::~mail_sender() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  client_.interrupt();  // a transaction in progress ends now, not when the relay answers
  if (thread_.joinable()) thread_.join();
}

void mail_sender::wake() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    woken_ = true;
  }
  changed_.notify_all();
}

void mail_sender::run() {
  constexpr std::size_t batch = 16;
  // Without a wake-up the outbox is read once a second: retries fall due by time alone.
  constexpr std::chrono::seconds poll{1};
  while (!stopping_) {
    send_codes();
    const veto::expected<std::vector<outbox_item>> due = store_.due_mail(utc_after({}), batch);
    if (!due) std::fprintf(stderr, "veto-server: mail: %s\n", due.error().c_str());
    bool more = false;
    if (due) {
      std::vector<mail_attempt> attempts;
      bool relay_unreachable = false;
      for (const outbox_item& item : *due) {
        if (stopping_) break;
        // A code is waited for by a person at the page: it goes before each receipt.
        if (!relay_unreachable) relay_unreachable = !send_codes();
        attempts.push_back(deliver(item, relay_unreachable));
      }
      // One transaction for the batch. Should it fail, the rows stay pending and go again
      // (at least once; the same Message-ID).
      if (!store_.record_mail_attempts(attempts)) {
        std::fprintf(stderr, "veto-server: mail: cannot record %zu attempt(s)\n", attempts.size());
      }
      more = due->size() == batch && !relay_unreachable;
    }
    if (more) continue;
    std::unique_lock<std::mutex> lock(mutex_);
    // A code waiting for its retry is looked at in 2 s, the poll's second covers that.
    changed_.wait_for(lock, poll, [this] { return woken_ || stopping_; });
    woken_ = false;
  }
}

void mail_sender::send_code(outgoing_mail mail, std::chrono::steady_clock::time_point until) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    codes_.push_back({std::move(mail), until, std::chrono::steady_clock::now()});
    woken_ = true;
  }
  changed_.notify_one();
}

bool mail_sender::send_codes() {
  using clock = std::chrono::steady_clock;
  constexpr std::chrono::seconds code_retry{2};
  std::vector<code_mail> due;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const clock::time_point now = clock::now();
    for (auto it = codes_.begin(); it != codes_.end();) {
      if (it->next <= now) {
        due.push_back(std::move(*it));
        it = codes_.erase(it);
      } else {
        ++it;
      }
    }
  }
  bool reachable = true;
  std::vector<code_mail> again;
  for (code_mail& item : due) {
    // The log never names the address, nor the code.
    if (stopping_) break;
    if (item.mail.needs_smtputf8) {
      const std::optional<bool> offered = client_.offers_smtputf8(stopping_);
      if (offered && !*offered) {
        std::fprintf(stderr, "veto-server: mail: a code email cannot go: the relay does not "
                             "offer SMTPUTF8\n");
        continue;
      }
      if (!offered) {
        reachable = false;
      }
    }
    const smtp_result result = reachable ? client_.send(item.mail, stopping_) : smtp_result{};
    if (result.outcome == smtp_result::kind::sent) continue;
    if (result.outcome == smtp_result::kind::permanent) {
      std::fprintf(stderr, "veto-server: mail: a code email was refused by the relay\n");
      continue;
    }
    if (reachable && !result.reached) reachable = false;
    item.next = clock::now() + code_retry;
    if (item.next < item.until) {
      again.push_back(std::move(item));
    } else {
      std::fprintf(stderr, "veto-server: mail: a code email was not sent before the code expired\n");
    }
  }
  if (!again.empty()) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (code_mail& item : again) codes_.push_back(std::move(item));
  }
  return reachable;
}

mail_attempt mail_sender::deliver(const outbox_item& item, bool& relay_unreachable) {
  // The log names the receipt and the outcome, never the address or the relay's words
  // (which often quote the address): those stay in the outbox, for the operator.
  const auto give_up = [&](const char* state, const std::string& reason) {
    std::fprintf(stderr, "veto-server: mail for %s: %s (veto-server admin outbox)\n",
                 item.receipt.c_str(), state);
    return mail_attempt{item.id, state, true, reason, "", ""};
  };
  const auto retry = [&](const std::string& reason, bool tried) {
    const std::chrono::milliseconds delay =
        retry_delay(item.attempts + 1, config_.retry_first, config_.retry_max);
    if (tried) {
      std::fprintf(stderr, "veto-server: mail for %s: not sent, trying again in %.1f s\n",
                   item.receipt.c_str(), static_cast<double>(delay.count()) / 1000);
    }
    return mail_attempt{item.id, mail_pending, tried, reason, utc_after(delay), ""};
  };
  // A relay that did not answer the batch's previous email is not asked again now: the
  // rest waits for the next attempt without counting it.
  if (relay_unreachable) return retry("not tried: the relay was unreachable", false);
  const veto::expected<outgoing_mail> mail = composer_.receipt(item);
  if (!mail) return give_up(mail_undeliverable, mail.error());
  if (mail->needs_smtputf8) {
    const std::optional<bool> offered = client_.offers_smtputf8(stopping_);
    if (!offered) return retry("the relay could not be asked whether it offers SMTPUTF8", true);
    if (!*offered) {
      return give_up(mail_undeliverable,
                     "the address's local part is not ASCII and the relay does not offer "
                     "SMTPUTF8");
    }
  }
  const smtp_result result = client_.send(*mail, stopping_);
  switch (result.outcome) {
    case smtp_result::kind::sent:
      return mail_attempt{item.id, mail_sent, true, result.reply, "", utc_after({})};
    case smtp_result::kind::permanent:
      return give_up(mail_failed, result.reply);
    case smtp_result::kind::temporary:
      break;
  }
  relay_unreachable = !result.reached;
  // Cut short by the shutdown: due again at the next start, as it was.
  if (stopping_) return mail_attempt{item.id, mail_pending, false, result.reply, utc_after({}), ""};
  return retry(result.reply, true);
}

}  // namespace veto_server
