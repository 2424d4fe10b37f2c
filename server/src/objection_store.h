// The SQLite implementation of the store (store.h): one database file in WAL mode with
// `synchronous=FULL`. Rows are written by one writer thread that commits whatever has queued
// up in one transaction (group commit), so concurrent submissions share an fsync; a caller
// hears "stored" only after the COMMIT holding its row has returned.
//
// The controller's side (issue 19) reads and changes them through the same class: a list
// with filters and cursor pages, one objection in full, status changes with an optimistic
// version, extensions of the deadline, erasure to a tombstone (on request, or after a
// retention period), and an append-only audit log. Every read of personal data and every
// change writes its audit entry in the same transaction. pg_store.h is the same on
// PostgreSQL.
//
// The file is created owner-only (0600; SQLite gives -wal and -shm the database's mode),
// whatever the umask; secure_delete overwrites what is deleted or erased.
#ifndef VETO_SERVER_OBJECTION_STORE_H
#define VETO_SERVER_OBJECTION_STORE_H

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "group_commit.h"
#include "store.h"
#include "veto/expected.h"

struct sqlite3;

namespace veto_server {

class sqlite_store final : public objection_store {
 public:
  // Opens (creating if needed) the database at `path` and starts the writer thread. The
  // error names the file and SQLite's reason.
  static veto::expected<std::unique_ptr<sqlite_store>> open(const std::string& path);

  // What store.h promises; the SQLite specifics are with each below.
  store_outcome store(objection item) override;
  std::optional<bool> has_receipt(const std::string& receipt) override;
  std::optional<bool> has_request(const std::string& idempotency_key,
                                  const std::string& request_sha256) override;
  bool ping() override;
  veto::expected<objection_page> list(const objection_filter& filter, const std::string& today) override;
  veto::expected<std::optional<objection_record>> find(const std::string& receipt,
                                                        const std::string& actor) override;
  veto::expected<export_page> export_rows(const objection_filter& filter,
                                          const std::string& today) override;
  bool audit(const std::string& actor, const std::string& action, const std::string& receipt,
             const std::string& detail) override;
  veto::expected<std::vector<audit_entry>> audit_log(long long after_id, std::size_t limit) override;
  veto::expected<statistics> stats(const std::string& today, int days) override;

  // --- The outbox, for the sender (mail_sender.h). Each returns false or an error text on
  // a database error.

  // Pending receipt emails whose next attempt is due at `now` (ISO 8601 UTC), oldest first.
  veto::expected<std::vector<outbox_item>> due_mail(const std::string& now, std::size_t limit) override;
  // Records what became of due emails, all in one transaction (the sender's writes must
  // not crowd out the objections' own: one transaction per batch, not per email). Rows no
  // longer pending (erased meanwhile) are left as they are.
  bool record_mail_attempts(const std::vector<mail_attempt>& attempts) override;
  // The outbox for the operator, newest first; `state` empty: any.
  veto::expected<std::vector<outbox_status>> outbox(const std::string& state, std::size_t limit) override;
  // The receipt email's state for one objection (the admin page), nullopt when it has none.
  veto::expected<std::optional<outbox_status>> outbox_of(const std::string& receipt) override;

  // --- Confirmation codes (mode `code`).

  // Records a new code for an address, unless `max_in_window` codes were issued for it
  // since `window_start`; earlier unused codes of the address stop working.
  code_issue_outcome issue_code(const code_issue& issue) override;
  // Checks a typed code against the address's latest code (constant-time comparison of
  // the hashes) and uses it up when it is right.
  code_check_outcome use_code(const code_attempt& attempt) override;
  veto::expected<outbox_counts> outbox_totals() override;

  // Moves the WAL into the database and rewrites the file (VACUUM), so that erased data
  // leaves no copy in either.
  veto::expected<bool> compact() override;

  // Finishes what is queued, stops the writer and closes the database.
  ~sqlite_store() override;

  sqlite_store(const sqlite_store&) = delete;
  sqlite_store& operator=(const sqlite_store&) = delete;

 private:
  sqlite_store() = default;
  // One transaction (BEGIN IMMEDIATE) for the batch group_commit hands over.
  std::vector<store_outcome> write_batch(const std::vector<objection>& items);
  store_outcome insert_one(const objection& item);

  change_outcome change(const std::string& receipt, long long version, const std::string& actor,
                        const std::string& action, const std::string& reason, int months) override;
  veto::expected<std::vector<std::string>> receipts_closed_before(
      const std::string& closed_before) override;

  sqlite3* writer_db_ = nullptr;
  sqlite3* reader_db_ = nullptr;
  std::mutex reader_mutex_;
  sqlite3* admin_db_ = nullptr;  // the controller's reads and changes, one at a time
  std::mutex admin_mutex_;
  sqlite3* mail_db_ = nullptr;  // the sender's outbox and the codes, one at a time
  std::mutex mail_mutex_;

  std::unique_ptr<group_commit> writer_;  // the only user of writer_db_
};

}  // namespace veto_server

#endif  // VETO_SERVER_OBJECTION_STORE_H
