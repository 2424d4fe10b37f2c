#include "objection_store.h"

#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <vector>

#include "bytes.h"

namespace veto_server {
namespace {

constexpr const char* schema =
    "CREATE TABLE IF NOT EXISTS objections ("
    " id INTEGER PRIMARY KEY,"
    " receipt TEXT NOT NULL UNIQUE,"
    " received_at TEXT NOT NULL,"  // UTC, ISO 8601 with milliseconds
    " locale TEXT NOT NULL,"
    " ruleset_id TEXT NOT NULL,"
    " ruleset_version INTEGER NOT NULL,"
    " fields TEXT NOT NULL,"         // JSON object: field name -> normalized value or null
    " idempotency_key TEXT UNIQUE,"  // NULL when the client sent none
    " request_sha256 TEXT NOT NULL"
    ");";

constexpr std::size_t max_batch = 256;

std::string utc_now() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03lldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(millis));
  return text;
}

bool exec(sqlite3* db, const char* sql) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    std::fprintf(stderr, "veto-server: database: %s\n", message ? message : sqlite3_errstr(rc));
  }
  sqlite3_free(message);
  return rc == SQLITE_OK;
}

// A prepared statement that finalizes itself.
class statement {
 public:
  statement(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  ~statement() { sqlite3_finalize(stmt_); }
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;
  explicit operator bool() const { return stmt_ != nullptr; }
  sqlite3_stmt* get() const { return stmt_; }
  void bind(int index, const std::string& text) {
    sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  }
  void bind(int index, long long number) { sqlite3_bind_int64(stmt_, index, number); }
  void bind_null(int index) { sqlite3_bind_null(stmt_, index); }
  std::string text(int column) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)))
             : std::string();
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

sqlite3* open_connection(const std::string& path, std::string& error) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    error = "cannot open database " + path + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close(db);
    return nullptr;
  }
  sqlite3_busy_timeout(db, 10000);
  return db;
}

}  // namespace

veto::expected<std::unique_ptr<objection_store>> objection_store::open(const std::string& path) {
  std::unique_ptr<objection_store> store(new objection_store());
  std::string error;
  store->writer_db_ = open_connection(path, error);
  if (!store->writer_db_) return veto::unexpected(std::move(error));
  // WAL: readers never block the writer; FULL: every COMMIT is fsynced before it returns,
  // so an acknowledged receipt survives a crash of the process and of the machine.
  {
    statement wal(store->writer_db_, "PRAGMA journal_mode=WAL");
    if (!wal || sqlite3_step(wal.get()) != SQLITE_ROW || wal.text(0) != "wal") {
      return veto::unexpected("cannot switch " + path +
                              " to WAL mode: " + sqlite3_errmsg(store->writer_db_));
    }
  }
  if (!exec(store->writer_db_, "PRAGMA synchronous=FULL") || !exec(store->writer_db_, schema)) {
    return veto::unexpected("cannot set up " + path + ": " + sqlite3_errmsg(store->writer_db_));
  }
  store->reader_db_ = open_connection(path, error);
  if (!store->reader_db_) return veto::unexpected(std::move(error));
  store->writer_ = std::thread([s = store.get()] { s->writer_loop(); });
  return store;
}

objection_store::~objection_store() {
  {
    std::lock_guard<std::mutex> lock(queue_mutex_);
    stopping_ = true;
  }
  queue_changed_.notify_all();
  if (writer_.joinable()) writer_.join();
  sqlite3_close(reader_db_);
  sqlite3_close(writer_db_);  // the last connection checkpoints the WAL into the database
}

store_outcome objection_store::store(objection item) {
  std::future<store_outcome> outcome;
  {
    std::lock_guard<std::mutex> lock(queue_mutex_);
    if (stopping_) return {};
    queue_.push_back(job{std::move(item), {}});
    outcome = queue_.back().done.get_future();
  }
  queue_changed_.notify_one();
  return outcome.get();
}

std::optional<bool> objection_store::has_receipt(const std::string& receipt) {
  std::lock_guard<std::mutex> lock(reader_mutex_);
  statement query(reader_db_, "SELECT 1 FROM objections WHERE receipt = ?1");
  if (!query) return std::nullopt;
  query.bind(1, receipt);
  const int rc = sqlite3_step(query.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return std::nullopt;
}

store_outcome objection_store::insert_one(const objection& item) {
  // A receipt collision (80 random bits) is all but impossible; should it happen, the
  // INSERT is ignored and a new receipt drawn.
  for (int attempt = 0; attempt < 3; ++attempt) {
    const std::optional<std::string> receipt = random_receipt();
    if (!receipt) return {};
    statement insert(writer_db_,
                     "INSERT OR IGNORE INTO objections (receipt, received_at, locale, ruleset_id,"
                     " ruleset_version, fields, idempotency_key, request_sha256)"
                     " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    if (!insert) return {};
    insert.bind(1, *receipt);
    insert.bind(2, utc_now());
    insert.bind(3, item.locale);
    insert.bind(4, item.ruleset_id);
    insert.bind(5, item.ruleset_version);
    insert.bind(6, item.fields_json);
    if (item.idempotency_key) {
      insert.bind(7, *item.idempotency_key);
    } else {
      insert.bind_null(7);
    }
    insert.bind(8, item.request_sha256);
    if (sqlite3_step(insert.get()) != SQLITE_DONE) return {};
    if (sqlite3_changes(writer_db_) == 1) return {store_outcome::kind::stored, *receipt};
    if (!item.idempotency_key) continue;
    // Ignored: the key is taken (by a committed row, or one earlier in this transaction,
    // whose caller hears about it only after the same COMMIT), or the receipt was.
    statement earlier(writer_db_,
                      "SELECT receipt, request_sha256 FROM objections WHERE idempotency_key = ?1");
    if (!earlier) return {};
    earlier.bind(1, *item.idempotency_key);
    const int rc = sqlite3_step(earlier.get());
    if (rc == SQLITE_ROW) {
      if (earlier.text(1) == item.request_sha256) {
        return {store_outcome::kind::replayed, earlier.text(0)};
      }
      return {store_outcome::kind::conflict, std::string()};
    }
    if (rc != SQLITE_DONE) return {};
  }
  return {};
}

void objection_store::writer_loop() {
  for (;;) {
    std::vector<job> batch;
    {
      std::unique_lock<std::mutex> lock(queue_mutex_);
      queue_changed_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to write
      while (!queue_.empty() && batch.size() < max_batch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    std::vector<store_outcome> outcomes(batch.size());
    if (exec(writer_db_, "BEGIN IMMEDIATE")) {
      for (std::size_t i = 0; i < batch.size(); ++i) outcomes[i] = insert_one(batch[i].item);
      if (!exec(writer_db_, "COMMIT")) {
        exec(writer_db_, "ROLLBACK");
        for (store_outcome& outcome : outcomes) outcome = {};
      }
    }
    for (std::size_t i = 0; i < batch.size(); ++i) batch[i].done.set_value(std::move(outcomes[i]));
  }
}

}  // namespace veto_server
