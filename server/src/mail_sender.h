// The thread that empties the outbox (issue 23): it takes due receipt emails from the store,
// renders them (mail_message.h), hands them to the SMTP relay through libcurl, and records
// every attempt. `POST /api/objections` never waits for it: the objection's transaction
// queues the email, wake() is a notify, and all SMTP happens here.
//
// Outcomes, by the relay's last reply:
//   250 after the message       -> sent
//   5xx to MAIL, RCPT or DATA   -> failed, with the reply (kept for the operator)
//   anything else (4xx, no connection, TLS or login trouble, a 5xx before MAIL: the
//   relay's configuration, not the message) -> tried again after 30 s, 60 s, ... up to 1 h
//   a recipient that needs SMTPUTF8 when the relay does not offer it, or that cannot be
//   written as an SMTP address -> undeliverable, with that reason, never sent mangled.
// Delivery is at least once: a crash between the relay's 250 and the store's update sends
// the email again after the restart, with the same Message-ID.
#ifndef VETO_SERVER_MAIL_SENDER_H
#define VETO_SERVER_MAIL_SENDER_H

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "mail_config.h"
#include "mail_message.h"
#include "objection_store.h"

namespace veto_server {

// One SMTP transaction's result.
struct smtp_result {
  enum class kind { sent, temporary, permanent };
  kind outcome = kind::temporary;
  std::string reply;     // the relay's last reply line, or curl's reason when there was none
  bool reached = false;  // the relay answered at all (else it is down or unreachable)
};

struct smtp_session;  // what one transaction heard (mail_sender.cpp)

// A connection to the relay, kept open between messages (a relay may pause its greeting,
// as postscreen does and the test sink does for 100 ms: one connection per message would
// pay that every time); blocking. Thread-compatible: one per thread.
class smtp_client {
 public:
  explicit smtp_client(const mail_config& config, std::string ehlo_domain);
  ~smtp_client();
  smtp_result send(const outgoing_mail& mail, const std::atomic<bool>& stopping);
  // Whether the relay's EHLO answer lists SMTPUTF8 (asked over a connection of its own that
  // sends nothing); nullopt when the relay could not be asked.
  std::optional<bool> offers_smtputf8(const std::atomic<bool>& stopping);

  // From another thread, at shutdown: ends the relay connections now (shutdown(2)), so a
  // relay that holds its answer cannot hold up the exit; curl then fails at once, QUIT
  // included.
  void interrupt();

  // The sockets curl has open, kept as curl opens and closes them.
  struct open_sockets {
    std::mutex mutex;
    std::vector<int> fds;
    bool interrupted = false;  // no more connections after interrupt()
  };

  smtp_client(const smtp_client&) = delete;
  smtp_client& operator=(const smtp_client&) = delete;

 private:
  smtp_result send_once(const outgoing_mail& mail, const std::atomic<bool>& stopping);
  const mail_config& config_;
  std::string url_;  // the relay's URL with the EHLO domain as its path
  void* handle_ = nullptr;  // CURL*, kept between messages
  std::unique_ptr<smtp_session> session_;
  open_sockets sockets_;
  bool reused_ = false;  // the handle has sent before: its connection may have gone stale
};

class mail_sender {
 public:
  // Starts the thread; it sends what is due at once (also what a crash left behind).
  mail_sender(objection_store& store, const mail_composer& composer, const mail_config& config);
  // Finishes the message in flight (or aborts it at shutdown) and stops.
  ~mail_sender();

  // Something was queued: look now instead of at the next poll.
  void wake();

  // Sends a confirmation-code email (mode code) ahead of the outbox: codes live in memory
  // only (a code must not be kept in clear anywhere, and one lost to a crash is replaced by
  // asking again), are tried before every receipt, and after a temporary failure every
  // 2 s until `until` (the code's expiry), never behind the receipts' backoff.
  void send_code(outgoing_mail mail, std::chrono::steady_clock::time_point until);

  mail_sender(const mail_sender&) = delete;
  mail_sender& operator=(const mail_sender&) = delete;

 private:
  void run();
  // Tries one email (unless the relay was found unreachable earlier in the batch) and says
  // what became of it.
  mail_attempt deliver(const outbox_item& item, bool& relay_unreachable);
  // Sends the code emails that are due; false when the relay was unreachable.
  bool send_codes();

  struct code_mail {
    outgoing_mail mail;
    std::chrono::steady_clock::time_point until;
    std::chrono::steady_clock::time_point next;  // the next attempt
  };

  objection_store& store_;
  const mail_composer& composer_;
  const mail_config& config_;
  smtp_client client_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool woken_ = false;
  std::vector<code_mail> codes_;  // guarded by mutex_
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

// The wait before the attempt after `attempts` failed ones: first * 2^(attempts-1), at most max.
std::chrono::milliseconds retry_delay(int attempts, std::chrono::milliseconds first,
                                      std::chrono::milliseconds max);

// Now plus `delay` as the store's ISO 8601 UTC text (milliseconds).
std::string utc_after(std::chrono::milliseconds delay);

}  // namespace veto_server

#endif  // VETO_SERVER_MAIL_SENDER_H
