// The PostgreSQL implementation of the store (store.h), for several veto-server instances
// on one database. Each instance keeps three connections (libpq): one for its writer
// thread, which commits what has queued up in one transaction (group commit, as in
// SQLite), one for the receipt page and readiness, one for the controller's side, and,
// made at its first use, one for the mail sender's outbox and the codes. The
// idempotency key's UNIQUE constraint with `INSERT ... ON CONFLICT DO NOTHING` decides
// between instances: the second of two inserts of one key waits for the first to commit
// and then reads its row, so both callers get one receipt. The controller's changes lock
// the row (`SELECT ... FOR UPDATE`) before checking its version.
//
// A lost connection is made anew on the next use, at most once a second per connection,
// so while the database is unreachable a submission fails at once (the server answers 503)
// instead of queueing; nothing is reported stored unless its COMMIT returned.
#ifndef VETO_SERVER_PG_STORE_H
#define VETO_SERVER_PG_STORE_H

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "group_commit.h"
#include "store.h"

namespace veto_server {

class pg_store final : public objection_store {
 public:
  // Connects with the libpq connection string `conninfo` (a URL or key=value pairs; a
  // password is better in ~/.pgpass or PGPASSFILE than in the string), migrates the
  // schema under an advisory lock, and starts the writer thread. Errors name the database
  // by host, port and name, never by the string.
  static veto::expected<std::unique_ptr<pg_store>> open(const std::string& conninfo);

  // What store.h promises.
  store_outcome store(objection item) override;
  std::optional<bool> has_receipt(const std::string& receipt) override;
  std::optional<bool> has_request(const std::string& idempotency_key,
                                  const std::string& request_sha256) override;
  bool ping() override;
  veto::expected<objection_page> list(const objection_filter& filter,
                                      const std::string& today) override;
  veto::expected<std::optional<objection_record>> find(const std::string& receipt,
                                                        const std::string& actor) override;
  veto::expected<export_page> export_rows(const objection_filter& filter,
                                          const std::string& today) override;
  bool audit(const std::string& actor, const std::string& action, const std::string& receipt,
             const std::string& detail) override;
  veto::expected<std::vector<audit_entry>> audit_log(long long after_id,
                                                     std::size_t limit) override;
  veto::expected<statistics> stats(const std::string& today, int days) override;

  // VACUUM FULL of the tables that held personal data: erased rows' old versions are gone
  // from the table files. The WAL and any base backups keep them until they are recycled.
  veto::expected<bool> compact() override;

  // The outbox and the codes, on a connection of their own (the sender's thread). due_mail
  // claims the due rows (FOR UPDATE SKIP LOCKED) and leases them to this instance's database
  // session, so several instances send each email once (pg_store.cpp: mail_lease).
  veto::expected<std::vector<outbox_item>> due_mail(const std::string& now, std::size_t limit) override;
  bool record_mail_attempts(const std::vector<mail_attempt>& attempts) override;
  veto::expected<std::vector<outbox_status>> outbox(const std::string& state, std::size_t limit) override;
  veto::expected<std::optional<outbox_status>> outbox_of(const std::string& receipt) override;
  code_issue_outcome issue_code(const code_issue& issue) override;
  code_check_outcome use_code(const code_attempt& attempt) override;
  veto::expected<outbox_counts> outbox_totals() override;

  // Finishes what is queued, stops the writer and closes the connections.
  ~pg_store() override;

  pg_store(const pg_store&) = delete;
  pg_store& operator=(const pg_store&) = delete;

  class connection;  // one libpq connection that makes itself anew (pg_store.cpp)

 private:
  explicit pg_store(const std::string& conninfo);
  // One transaction for the batch group_commit hands over; each on its own after a failure.
  std::vector<store_outcome> write_batch(const std::vector<objection>& items);

  change_outcome change(const std::string& receipt, long long version, const std::string& actor,
                        const std::string& action, const std::string& reason, int months) override;
  veto::expected<std::vector<std::string>> receipts_closed_before(
      const std::string& closed_before) override;
  template <class Take>
  veto::expected<std::string> run_page(const objection_filter& f, const std::string& today,
                                       const std::string& columns, Take take);

  std::unique_ptr<connection> writer_db_;
  std::unique_ptr<connection> reader_db_;
  std::mutex reader_mutex_;
  std::unique_ptr<connection> admin_db_;  // the controller's reads and changes, one at a time
  std::mutex admin_mutex_;
  std::unique_ptr<connection> mail_db_;  // the sender's outbox and the codes
  std::mutex mail_mutex_;

  std::unique_ptr<group_commit> writer_;  // the only user of writer_db_
};

}  // namespace veto_server

#endif  // VETO_SERVER_PG_STORE_H
