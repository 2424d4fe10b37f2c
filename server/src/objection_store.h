// Where accepted objections are kept: one SQLite database in WAL mode with
// `synchronous=FULL`. Rows are written by one writer thread that commits whatever has queued
// up in one transaction (group commit), so concurrent submissions share an fsync; a caller
// hears "stored" only after the COMMIT holding its row has returned.
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

  sqlite3* writer_db_ = nullptr;
  sqlite3* reader_db_ = nullptr;
  std::mutex reader_mutex_;

  std::mutex queue_mutex_;
  std::condition_variable queue_changed_;
  std::deque<job> queue_;
  bool stopping_ = false;
  std::thread writer_;
};

}  // namespace veto_server

#endif  // VETO_SERVER_OBJECTION_STORE_H
