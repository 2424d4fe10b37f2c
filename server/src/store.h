// Where accepted objections are kept, as the rest of the server sees it: one interface,
// two databases behind it. A file path opens SQLite (objection_store.h: one machine, the
// embedded default); a `postgresql://` or `postgres://` URL opens PostgreSQL (pg_store.h:
// several instances on one database). Both keep the same promises:
//
// - store() answers "stored" only after the COMMIT holding the row has returned, and
//   commits what has queued up meanwhile in one transaction (group commit, per instance);
// - an idempotency key is unique in the database (a UNIQUE constraint), so the same key
//   sent to two instances at once stores one row, and both callers get its receipt;
// - every read of personal data and every change writes its audit entry in the same
//   transaction; the audit log is append-only (triggers);
// - a database error is a value (`failed`, an error text), never an exception or a crash,
//   and the store reconnects by itself.
//
// All SQL stays in the implementations.
#ifndef VETO_SERVER_STORE_H
#define VETO_SERVER_STORE_H

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "veto/expected.h"

namespace veto_server {

// One accepted objection, as it is stored.
struct objection {
  std::string locale;
  std::string ruleset_id;
  long long ruleset_version = 0;
  std::string fields_json;  // {"email":"…","phone":null,…}: the result's values
  std::optional<std::string> idempotency_key;  // as the client sent it
  std::string request_sha256;                  // of the request body, to tell a retry from a reuse
  // Where to email the receipt, or nullopt when no mail is sent. The outbox row is written
  // in the objection's own transaction (below).
  struct mail {
    std::string to;                 // the normalized address
    std::string message_id_domain;  // the sender's domain: Message-ID <receipt.R@DOMAIN>
  };
  std::optional<mail> receipt_mail;
};

// --- The outbox (issue 23): one row per receipt email, written in the same transaction as
// its objection, so an acknowledged objection always has its email queued. The sender
// (mail_sender.h) takes due rows, tries them, and records each attempt. The message itself
// is rendered from the objection at send time: the outbox keeps no second copy of the
// fields, and a repeat after a crash has the same content and Message-ID.
constexpr const char* mail_pending = "pending";            // not sent yet; tried again at next_attempt_at
constexpr const char* mail_sent = "sent";                  // the relay accepted it (250 after DATA)
constexpr const char* mail_failed = "failed";              // the relay refused it for good (5xx)
constexpr const char* mail_undeliverable = "undeliverable";  // never tried: it cannot go this way

// A receipt email that is due, with what rendering it needs.
struct outbox_item {
  long long id = 0;
  std::string receipt;
  std::string received_at;  // UTC, ISO 8601 with milliseconds
  std::string deadline;     // YYYY-MM-DD
  std::string locale;
  std::string fields_json;
  std::string recipient;
  std::string message_id;  // "<receipt.R@DOMAIN>", from the receipt: the same on every attempt
  int attempts = 0;
};

// What became of one attempt to send an outbox row.
struct mail_attempt {
  long long id = 0;
  const char* state = mail_pending;  // pending: try again at next_attempt_at
  bool tried = true;        // false: not tried at all (the relay was unreachable): not counted
  std::string reply;        // the relay's reply, or why it was not sent
  std::string next_attempt_at;  // for pending
  std::string at;               // when it was sent, for sent
};

// What the operator sees of an outbox row (admin CLI `outbox`).
struct outbox_status {
  std::string receipt;
  std::string state;
  int attempts = 0;
  std::string next_attempt_at;
  std::string last_reply;  // the relay's last answer, or why it was not sent
  std::string sent_at;
};

// --- Confirmation codes (issue 23, mode `code`). The store sees only keyed hashes: the
// address as HMAC(pepper, address) and the code as HMAC(pepper, address key + code), with
// a pepper the caller keeps out of the database, so the table gives away neither the
// addresses nor the codes.
struct code_issue {
  std::string address_key;
  std::string code_hash;
  std::string now;         // UTC ISO 8601
  std::string expires_at;  // UTC ISO 8601
  std::string window_start;  // codes issued for this address since then count against...
  int max_in_window = 0;     // ...this limit (resends included)
};
enum class code_issue_outcome { issued, limited, failed };

struct code_attempt {
  std::string address_key;
  std::string code_hash;  // of the code the person typed
  std::string now;
  int max_wrong = 5;  // wrong tries after which the code is dead
};
enum class code_check_outcome {
  accepted,   // right, unused, unexpired: now used up
  wrong,      // a wrong try (counted)
  exhausted,  // too many wrong tries: a new code is needed
  expired,    // older than its validity
  none,       // no code was issued for this address (or it was used already)
  failed,     // database error
};


struct store_outcome {
  enum class kind {
    stored,    // a new row; `receipt` is its receipt
    replayed,  // the key was stored before with the same request: that row's receipt
    conflict,  // the key was stored before with a different request
    failed,    // nothing is known to be stored (database error or unreachable); details
               // went to the log. The client may retry (with its idempotency key).
  };
  kind status = kind::failed;
  std::string receipt;
};

// The states of an objection. `received` is open; the other two close it.
constexpr const char* status_received = "received";
constexpr const char* status_answered = "answered";
constexpr const char* status_rejected = "rejected";

// What the list shows of an objection: no personal data but the country.
struct objection_summary {
  std::string receipt;
  std::string received_at;  // UTC, ISO 8601 with milliseconds
  std::string country;      // empty when none was given, or erased
  std::string status;
  std::string deadline;  // YYYY-MM-DD
  int extension_months = 0;
  long long version = 1;  // grows by one with every change (optimistic concurrency)
  std::string closed_at;  // when it was answered or rejected; empty while open
  std::string erased_at;  // when its personal data was erased; empty otherwise
};

// One change in an objection's history.
struct status_change {
  std::string at;
  std::string actor;  // the token's name, or "cli"
  std::string action;  // "answered", "rejected", "extended", "erased"
  std::string reason;  // empty once the objection is erased
  int extension_months = 0;
};

// An objection in full.
struct objection_record {
  objection_summary summary;
  std::string locale;
  std::string ruleset_id;
  long long ruleset_version = 0;
  std::string fields_json;  // "{}" once erased
  std::vector<status_change> history;
};

struct objection_filter {
  enum class order { newest, urgent };  // urgent: open first, earliest deadline first
  std::string status;   // empty: any
  std::string country;  // empty: any
  std::string from;     // received on or after this date (YYYY-MM-DD); empty: no bound
  std::string to;       // received on or before this date
  bool overdue = false;  // only open objections whose deadline has passed
  order sort = order::newest;
  std::string cursor;  // from the previous page's next_cursor; empty: the first page
  std::size_t limit = 50;
};

struct objection_page {
  std::vector<objection_summary> items;
  std::string next_cursor;  // empty on the last page
};

// An export row: the summary and the stored fields.
struct export_row {
  objection_summary summary;
  std::string locale;
  std::string fields_json;
};
struct export_page {
  std::vector<export_row> items;
  std::string next_cursor;
};

struct audit_entry {
  long long id = 0;
  std::string at;
  std::string actor;
  std::string action;  // "read", "export", "answered", "rejected", "extended", "erased", ...
  std::string receipt;  // empty when the entry is about no single objection
  std::string detail;   // e.g. an export's filter and row count
};

struct change_outcome {
  enum class kind {
    changed,    // done; `summary` is the objection after the change
    not_found,  // no objection with this receipt
    conflict,   // the version given is not the current one: someone changed it first
    not_allowed,  // the change does not apply in this state (closed, erased, no extension left)
    failed,     // database error; details went to the log
  };
  kind status = kind::failed;
  objection_summary summary;
};

class objection_store {
 public:
  // Opens the database `db` names: a `postgresql://` or `postgres://` URL (or a libpq
  // key=value string starting with one of host=, dbname=, service=) is PostgreSQL, anything
  // else a SQLite file. Migrates its schema to the version this server knows, and refuses a
  // newer one. The error never repeats the connection string (it may hold a password).
  static veto::expected<std::unique_ptr<objection_store>> open(const std::string& db);

  virtual ~objection_store() = default;

  // Stores one objection, or finds the earlier one with the same idempotency key. Blocks
  // until the transaction holding it has committed (or failed). Thread-safe.
  virtual store_outcome store(objection item) = 0;

  // Whether a receipt exists (for the "received" page). nullopt on a database error.
  virtual std::optional<bool> has_receipt(const std::string& receipt) = 0;
  // Whether an objection was stored under this idempotency key from a request with this
  // hash (so that store() would replay it). nullopt on a database error.
  virtual std::optional<bool> has_request(const std::string& idempotency_key,
                                          const std::string& request_sha256) = 0;

  // Whether the database answers a query now (GET /readyz).
  virtual bool ping() = 0;

  // --- The controller's side. Each returns an error text on a database error. ---

  // A page of objections matching `filter`, judged against `today` (YYYY-MM-DD) for
  // `overdue`. The error is also used for a malformed cursor ("cursor: ...").
  virtual veto::expected<objection_page> list(const objection_filter& filter,
                                              const std::string& today) = 0;

  // One objection in full; nullopt when there is none. Writes a "read" audit entry for
  // `actor` (reading personal data) in the same transaction.
  virtual veto::expected<std::optional<objection_record>> find(const std::string& receipt,
                                                                const std::string& actor) = 0;

  // A page of rows for an export; the caller audits the export once (audit()).
  virtual veto::expected<export_page> export_rows(const objection_filter& filter,
                                                  const std::string& today) = 0;

  // received -> answered or rejected, with a reason, if `version` is current.
  change_outcome change_status(const std::string& receipt, long long version,
                               const std::string& new_status, const std::string& reason,
                               const std::string& actor);

  // Sets the extension to `months` (1 or 2, more than now) with a reason, if open and
  // `version` is current; the deadline moves to received date + 1 + months.
  change_outcome extend(const std::string& receipt, long long version, int months,
                        const std::string& reason, const std::string& actor);

  // Erases the personal data of one objection (fields, country, idempotency key, request
  // hash, reasons), keeping a tombstone: receipt, dates, status. `version` 0: any.
  change_outcome erase(const std::string& receipt, long long version, const std::string& actor);

  // Erases every objection closed before `closed_before` (an ISO 8601 UTC timestamp) and
  // not erased yet; the receipts erased.
  veto::expected<std::vector<std::string>> erase_closed_before(const std::string& closed_before,
                                                               const std::string& actor);

  // Appends an audit entry (e.g. an export: who, which filter, how many rows).
  virtual bool audit(const std::string& actor, const std::string& action,
                     const std::string& receipt, const std::string& detail) = 0;

  // Audit entries with id > `after_id`, oldest first, at most `limit`.
  virtual veto::expected<std::vector<audit_entry>> audit_log(long long after_id,
                                                             std::size_t limit) = 0;

  // For the admin page's chart: objections received per day for the `days` days up to
  // `today` (oldest first), and how many are open and how many of those overdue.
  struct statistics {
    std::vector<std::pair<std::string, long long>> per_day;
    long long open = 0;
    long long overdue = 0;
  };
  virtual veto::expected<statistics> stats(const std::string& today, int days) = 0;

  // --- The outbox, for the sender (mail_sender.h). Each returns false or an error text on
  // a database error.

  // Pending receipt emails whose next attempt is due at `now` (ISO 8601 UTC), oldest
  // first. Several instances may ask at once: each due row goes to one of them (on
  // PostgreSQL it is leased to the instance until it records the attempt, or dies; SQLite
  // has one instance, whose sender records a batch before it asks again).
  virtual veto::expected<std::vector<outbox_item>> due_mail(const std::string& now,
                                                            std::size_t limit) = 0;
  // Records what became of due emails, all in one transaction. Rows no longer pending
  // (erased meanwhile) are left as they are.
  virtual bool record_mail_attempts(const std::vector<mail_attempt>& attempts) = 0;
  // The outbox for the operator, newest first; `state` empty: any.
  virtual veto::expected<std::vector<outbox_status>> outbox(const std::string& state,
                                                            std::size_t limit) = 0;
  // The receipt email's state for one objection (the admin page), nullopt when it has none.
  virtual veto::expected<std::optional<outbox_status>> outbox_of(const std::string& receipt) = 0;

  // How many emails are pending, failed and undeliverable now (the metrics).
  struct outbox_counts {
    long long pending = 0;
    long long failed = 0;
    long long undeliverable = 0;
  };
  virtual veto::expected<outbox_counts> outbox_totals() = 0;

  // --- Confirmation codes (mode `code`).

  // Records a new code for an address, unless `max_in_window` codes were issued for it
  // since `window_start`; earlier unused codes of the address stop working.
  virtual code_issue_outcome issue_code(const code_issue& issue) = 0;
  // Checks a typed code against the address's latest code (constant-time comparison of
  // the hashes) and uses it up when it is right.
  virtual code_check_outcome use_code(const code_attempt& attempt) = 0;

  // Leaves no copy of erased data in the database's files that the database can remove
  // itself (SQLite: checkpoint, VACUUM; PostgreSQL: VACUUM FULL of the tables).
  virtual veto::expected<bool> compact() = 0;

  // Database errors since start-up (failed statements, lost connections): a metric.
  long long database_errors() const noexcept { return database_errors_.load(); }

 protected:
  objection_store() = default;

  // What the four changes above are made of, in each database: one change of one
  // objection in one transaction (`action` "answered", "rejected", "extended" or "erased",
  // with its history and audit entries), if `version` is current (0: any) ...
  virtual change_outcome change(const std::string& receipt, long long version,
                                const std::string& actor, const std::string& action,
                                const std::string& reason, int months) = 0;
  // ... and the receipts of objections closed before a time and not erased yet.
  virtual veto::expected<std::vector<std::string>> receipts_closed_before(
      const std::string& closed_before) = 0;
  void count_database_error() noexcept { database_errors_.fetch_add(1); }

 private:
  std::atomic<long long> database_errors_{0};
};

// Whether `db` names a PostgreSQL database rather than a SQLite file.
bool is_postgres_connection_string(const std::string& db);

// Where the database is named, in this order: `--db-file FILE` (its first line; the way to
// keep a connection string with a password out of argv, which every user can read in
// /proc), `--db VALUE`, the environment variable VETO_DB, `fallback`. A `--db` connection
// string that holds a password (as libpq reads it: `user:secret@` or `password=`) is
// refused, without repeating it.
veto::expected<std::string> database_name(const std::string& db_file, const std::string& db_arg,
                                          const std::string& fallback);

}  // namespace veto_server

#endif  // VETO_SERVER_STORE_H
