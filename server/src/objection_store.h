// Where accepted objections are kept: one SQLite database in WAL mode with
// `synchronous=FULL`. Rows are written by one writer thread that commits whatever has queued
// up in one transaction (group commit), so concurrent submissions share an fsync; a caller
// hears "stored" only after the COMMIT holding its row has returned.
//
// The controller's side (issue 19) reads and changes them through the same class: a list
// with filters and cursor pages, one objection in full, status changes with an optimistic
// version, extensions of the deadline, erasure to a tombstone (on request, or after a
// retention period), and an append-only audit log. Every read of personal data and every
// change writes its audit entry in the same transaction. All SQL stays in this class, so
// another database can stand behind the same interface.
//
// The file is created owner-only (0600; SQLite gives -wal and -shm the database's mode),
// whatever the umask; secure_delete overwrites what is deleted or erased.
#ifndef VETO_SERVER_OBJECTION_STORE_H
#define VETO_SERVER_OBJECTION_STORE_H

#include <condition_variable>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "veto/expected.h"

struct sqlite3;

namespace veto_server {

// One accepted objection, as it is stored.
struct objection {
  std::string locale;
  std::string ruleset_id;
  long long ruleset_version = 0;
  std::string fields_json;  // {"email":"…","phone":null,…}: the result's values
  std::optional<std::string> idempotency_key;  // as the client sent it
  std::string request_sha256;                  // of the request body, to tell a retry from a reuse
};

struct store_outcome {
  enum class kind {
    stored,    // a new row; `receipt` is its receipt
    replayed,  // the key was stored before with the same request: that row's receipt
    conflict,  // the key was stored before with a different request
    failed,    // nothing is known to be stored (database error); details went to the log
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
  // Opens (creating if needed) the database at `path` and starts the writer thread. The
  // error names the file and SQLite's reason.
  static veto::expected<std::unique_ptr<objection_store>> open(const std::string& path);

  // Stores one objection, or finds the earlier one with the same idempotency key. Blocks
  // until the transaction holding it has committed (or failed). Thread-safe.
  store_outcome store(objection item);

  // Whether a receipt exists (for the "received" page). nullopt on a database error.
  std::optional<bool> has_receipt(const std::string& receipt);

  // --- The controller's side. Each returns an error text on a database error. ---

  // A page of objections matching `filter`, judged against `today` (YYYY-MM-DD) for
  // `overdue`. The error is also used for a malformed cursor ("cursor: ...").
  veto::expected<objection_page> list(const objection_filter& filter, const std::string& today);

  // One objection in full; nullopt when there is none. Writes a "read" audit entry for
  // `actor` (reading personal data) in the same transaction.
  veto::expected<std::optional<objection_record>> find(const std::string& receipt,
                                                        const std::string& actor);

  // A page of rows for an export; the caller audits the export once (audit()).
  veto::expected<export_page> export_rows(const objection_filter& filter,
                                          const std::string& today);

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
  bool audit(const std::string& actor, const std::string& action, const std::string& receipt,
             const std::string& detail);

  // Audit entries with id > `after_id`, oldest first, at most `limit`.
  veto::expected<std::vector<audit_entry>> audit_log(long long after_id, std::size_t limit);

  // For the admin page's chart: objections received per day for the `days` days up to
  // `today` (oldest first), and how many are open and how many of those overdue.
  struct statistics {
    std::vector<std::pair<std::string, long long>> per_day;
    long long open = 0;
    long long overdue = 0;
  };
  veto::expected<statistics> stats(const std::string& today, int days);

  // Moves the WAL into the database and rewrites the file (VACUUM), so that erased data
  // leaves no copy in either.
  veto::expected<bool> compact();

  // Finishes what is queued, stops the writer and closes the database.
  ~objection_store();

  objection_store(const objection_store&) = delete;
  objection_store& operator=(const objection_store&) = delete;

 private:
  struct job {
    objection item;
    std::promise<store_outcome> done;
  };
  objection_store() = default;
  void writer_loop();
  store_outcome insert_one(const objection& item);

  change_outcome change(const std::string& receipt, long long version, const std::string& actor,
                        const std::string& action, const std::string& reason, int months);

  sqlite3* writer_db_ = nullptr;
  sqlite3* reader_db_ = nullptr;
  std::mutex reader_mutex_;
  sqlite3* admin_db_ = nullptr;  // the controller's reads and changes, one at a time
  std::mutex admin_mutex_;

  std::mutex queue_mutex_;
  std::condition_variable queue_changed_;
  std::deque<job> queue_;
  bool stopping_ = false;
  std::thread writer_;
};

}  // namespace veto_server

#endif  // VETO_SERVER_OBJECTION_STORE_H
