#include "objection_store.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <vector>

#include "bytes.h"
#include "deadline.h"
#include "store_sql.h"

namespace veto_server {
namespace {

using namespace store_sql;

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

// PRAGMA user_version: 0 is the first schema (above, from before versions were kept);
// each migration below moves a database one version forward, in one transaction.
constexpr int schema_version = 2;

// 0 -> 1: the controller's side. Status, deadline (received date + 1 month + extension),
// an optimistic version, the country (for filters; erased with the rest), the history of
// changes, and the audit log, which triggers keep append-only.
constexpr const char* migration_to_1 =
    "ALTER TABLE objections ADD COLUMN status TEXT NOT NULL DEFAULT 'received';"
    "ALTER TABLE objections ADD COLUMN country TEXT;"
    "ALTER TABLE objections ADD COLUMN deadline TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE objections ADD COLUMN extension_months INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE objections ADD COLUMN version INTEGER NOT NULL DEFAULT 1;"
    "ALTER TABLE objections ADD COLUMN closed_at TEXT;"
    "ALTER TABLE objections ADD COLUMN erased_at TEXT;"
    "UPDATE objections SET country = json_extract(fields, '$.country');"
    "CREATE INDEX objections_received ON objections (received_at, id);"
    "CREATE INDEX objections_open ON objections (status, deadline, id);"
    "CREATE INDEX objections_closed ON objections (closed_at);"
    "CREATE TABLE status_history ("
    " id INTEGER PRIMARY KEY,"
    " objection_id INTEGER NOT NULL REFERENCES objections (id),"
    " at TEXT NOT NULL,"
    " actor TEXT NOT NULL,"
    " action TEXT NOT NULL,"  // answered, rejected, extended, erased
    " reason TEXT NOT NULL DEFAULT '',"
    " extension_months INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX status_history_objection ON status_history (objection_id);"
    "CREATE TABLE audit_log ("
    " id INTEGER PRIMARY KEY,"
    " at TEXT NOT NULL,"
    " actor TEXT NOT NULL,"
    " action TEXT NOT NULL,"
    " receipt TEXT NOT NULL DEFAULT '',"
    " detail TEXT NOT NULL DEFAULT '');"
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log"
    " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log"
    " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;";

// 1 -> 2: mail (issue 23). The outbox holds one row per receipt email, written with its
// objection; `next_attempt_at` orders the sender's work. The codes table holds keyed hashes
// only (objection_store.h), and the used or superseded ones until their window has passed,
// so that resends stay counted.
constexpr const char* migration_to_2 =
    "CREATE TABLE outbox ("
    " id INTEGER PRIMARY KEY,"
    " objection_id INTEGER NOT NULL UNIQUE REFERENCES objections (id),"
    " recipient TEXT NOT NULL,"  // emptied when the objection is erased
    " message_id TEXT NOT NULL UNIQUE,"
    " state TEXT NOT NULL DEFAULT 'pending',"  // pending, sent, failed, undeliverable
    " attempts INTEGER NOT NULL DEFAULT 0,"
    " next_attempt_at TEXT NOT NULL,"
    " last_reply TEXT NOT NULL DEFAULT '',"
    " sent_at TEXT);"
    "CREATE INDEX outbox_due ON outbox (state, next_attempt_at, id);"
    "CREATE TABLE codes ("
    " id INTEGER PRIMARY KEY,"
    " address_key TEXT NOT NULL,"  // HMAC(pepper, address)
    " code_hash TEXT NOT NULL,"    // HMAC(pepper, address_key + code)
    " created_at TEXT NOT NULL,"
    " expires_at TEXT NOT NULL,"
    " wrong_tries INTEGER NOT NULL DEFAULT 0,"
    " used INTEGER NOT NULL DEFAULT 0);"  // 1: used, or superseded by a newer code
    "CREATE INDEX codes_address ON codes (address_key, created_at);";

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

// Creates the database file owner-only before SQLite opens it (SQLite creates -wal and
// -shm with the database file's mode, umask or not); warns about existing files that
// other users can read.
std::string prepare_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) return "cannot open database " + path + ": " + std::strerror(errno);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 && errno != EEXIST) {
      return "cannot create database " + path + ": " + std::strerror(errno);
    }
    if (fd >= 0) {
      const bool ok = ::fchmod(fd, 0600) == 0;  // the umask may have taken bits away
      ::close(fd);
      if (!ok) return "cannot make " + path + " owner-only: " + std::strerror(errno);
    }
    return "";
  }
  for (const char* suffix : {"", "-wal", "-shm"}) {
    const std::string file = path + suffix;
    if (::stat(file.c_str(), &st) == 0 && (st.st_mode & 0077) != 0) {
      std::fprintf(stderr,
                   "veto-server: warning: %s is open to other users (mode %04o) and holds "
                   "personal data; chmod 600 it\n",
                   file.c_str(), static_cast<unsigned>(st.st_mode & 07777));
    }
  }
  return "";
}

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
  // Deleted and erased content is overwritten with zeros, not left in free pages.
  sqlite3_exec(db, "PRAGMA secure_delete=ON", nullptr, nullptr, nullptr);
  return db;
}

std::optional<int> user_version(sqlite3* db) {
  statement query(db, "PRAGMA user_version");
  if (!query || sqlite3_step(query.get()) != SQLITE_ROW) return std::nullopt;
  return sqlite3_column_int(query.get(), 0);
}

// Runs the migrations from the database's version to schema_version.
std::string migrate(sqlite3* db, const std::string& path) {
  const std::optional<int> version = user_version(db);
  if (!version) return "cannot read the schema version of " + path;
  if (*version > schema_version) {
    return path + " has schema version " + std::to_string(*version) +
           ", newer than this veto-server knows (" + std::to_string(schema_version) + ")";
  }
  if (*version == schema_version) return "";
  if (!exec(db, "BEGIN IMMEDIATE")) return "cannot migrate " + path;
  bool ok = true;
  if (*version < 1) {
    ok = exec(db, migration_to_1);
    std::vector<std::pair<long long, std::string>> rows;
    if (ok) {
      statement query(db, "SELECT id, received_at FROM objections");
      while (query && sqlite3_step(query.get()) == SQLITE_ROW) {
        rows.emplace_back(sqlite3_column_int64(query.get(), 0), query.text(1));
      }
    }
    for (const auto& [id, received_at] : rows) {
      statement update(db, "UPDATE objections SET deadline = ?1 WHERE id = ?2");
      update.bind(1, deadline_of(received_at, 0));
      update.bind(2, id);
      ok = ok && update && sqlite3_step(update.get()) == SQLITE_DONE;
    }
  }
  if (*version < 2) ok = ok && exec(db, migration_to_2);
  ok = ok && exec(db, ("PRAGMA user_version=" + std::to_string(schema_version)).c_str());
  if (!ok || !exec(db, "COMMIT")) {
    const std::string reason = sqlite3_errmsg(db);
    exec(db, "ROLLBACK");
    return "cannot migrate " + path + " to schema version " + std::to_string(schema_version) +
           ": " + reason;
  }
  return "";
}

objection_summary read_summary(const statement& row, int first = 0) {
  objection_summary s;
  s.receipt = row.text(first);
  s.received_at = row.text(first + 1);
  s.country = row.text(first + 2);
  s.status = row.text(first + 3);
  s.deadline = row.text(first + 4);
  s.extension_months = sqlite3_column_int(row.get(), first + 5);
  s.version = sqlite3_column_int64(row.get(), first + 6);
  s.closed_at = row.text(first + 7);
  s.erased_at = row.text(first + 8);
  return s;
}

// Runs a page query, calling `take(row)` for each of at most `limit` rows; the cursor of
// the next page, empty when this was the last.
template <class Take>
veto::expected<std::string> run_page(sqlite3* db, const objection_filter& f,
                                     const std::string& today, const std::string& columns,
                                     Take take) {
  veto::expected<page_query> q = build_page_query(f, today, columns, '?');
  if (!q) return veto::unexpected(q.error());
  statement query(db, q->sql.c_str());
  if (!query) return veto::unexpected(std::string("database: ") + sqlite3_errmsg(db));
  for (std::size_t i = 0; i < q->texts.size(); ++i) query.bind(static_cast<int>(i + 1), q->texts[i]);
  std::size_t count = 0;
  std::string last_cursor;
  for (;;) {
    const int rc = sqlite3_step(query.get());
    if (rc == SQLITE_DONE) return std::string();
    if (rc != SQLITE_ROW) return veto::unexpected(std::string("database: ") + sqlite3_errmsg(db));
    if (count == f.limit) return last_cursor;  // one more row exists
    take(query);
    last_cursor = make_cursor(f.sort, query.text(1), query.text(rank_column), query.text(4),
                              query.text(id_column));
    ++count;
  }
}

bool insert_audit(sqlite3* db, const std::string& at, const std::string& actor,
                  const std::string& action, const std::string& receipt,
                  const std::string& detail) {
  statement insert(db,
                   "INSERT INTO audit_log (at, actor, action, receipt, detail)"
                   " VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!insert) return false;
  insert.bind(1, at);
  insert.bind(2, actor);
  insert.bind(3, action);
  insert.bind(4, receipt);
  insert.bind(5, detail);
  return sqlite3_step(insert.get()) == SQLITE_DONE;
}

}  // namespace

veto::expected<std::unique_ptr<sqlite_store>> sqlite_store::open(const std::string& path) {
  std::unique_ptr<sqlite_store> store(new sqlite_store());
  std::string error = prepare_file(path);
  if (!error.empty()) return veto::unexpected(std::move(error));
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
  error = migrate(store->writer_db_, path);
  if (!error.empty()) return veto::unexpected(std::move(error));
  store->reader_db_ = open_connection(path, error);
  if (!store->reader_db_) return veto::unexpected(std::move(error));
  store->admin_db_ = open_connection(path, error);
  if (!store->admin_db_) return veto::unexpected(std::move(error));
  store->mail_db_ = open_connection(path, error);
  if (!store->mail_db_) return veto::unexpected(std::move(error));
  // The sender's updates need no fsync of their own: a lost "sent" after a power cut
  // means the email goes again (at least once, same Message-ID), and the objections'
  // FULL commits sync the WAL with everything before them anyway.
  exec(store->mail_db_, "PRAGMA synchronous=NORMAL");
  store->writer_ = std::make_unique<group_commit>(
      [s = store.get()](const std::vector<objection>& items) { return s->write_batch(items); });
  return store;
}

sqlite_store::~sqlite_store() {
  writer_.reset();  // writes what is queued first
  sqlite3_close(mail_db_);
  sqlite3_close(admin_db_);
  sqlite3_close(reader_db_);
  sqlite3_close(writer_db_);  // the last connection checkpoints the WAL into the database
}

store_outcome sqlite_store::store(objection item) {
  return writer_->submit(std::move(item));
}

std::optional<bool> sqlite_store::has_receipt(const std::string& receipt) {
  std::lock_guard<std::mutex> lock(reader_mutex_);
  statement query(reader_db_, "SELECT 1 FROM objections WHERE receipt = ?1");
  if (!query) return std::nullopt;
  query.bind(1, receipt);
  const int rc = sqlite3_step(query.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  count_database_error();
  return std::nullopt;
}

bool sqlite_store::ping() {
  std::lock_guard<std::mutex> lock(reader_mutex_);
  statement query(reader_db_, "SELECT count(*) FROM sqlite_master");
  return query && sqlite3_step(query.get()) == SQLITE_ROW;
}

std::optional<bool> sqlite_store::has_request(const std::string& idempotency_key,
                                              const std::string& request_sha256) {
  std::lock_guard<std::mutex> lock(reader_mutex_);
  statement query(reader_db_,
                  "SELECT 1 FROM objections WHERE idempotency_key = ?1 AND request_sha256 = ?2");
  if (!query) return std::nullopt;
  query.bind(1, idempotency_key);
  query.bind(2, request_sha256);
  const int rc = sqlite3_step(query.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return std::nullopt;
}

store_outcome sqlite_store::insert_one(const objection& item) {
  // A receipt collision (80 random bits) is all but impossible; should it happen, the
  // INSERT is ignored and a new receipt drawn.
  for (int attempt = 0; attempt < 3; ++attempt) {
    const std::optional<std::string> receipt = random_receipt();
    if (!receipt) return {};
    statement insert(writer_db_,
                     "INSERT OR IGNORE INTO objections (receipt, received_at, locale, ruleset_id,"
                     " ruleset_version, fields, idempotency_key, request_sha256, country,"
                     " deadline) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
                     " json_extract(?6, '$.country'), ?9)");
    if (!insert) return {};
    const std::string received_at = utc_now();
    insert.bind(1, *receipt);
    insert.bind(2, received_at);
    insert.bind(9, deadline_of(received_at, 0));
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
    if (sqlite3_changes(writer_db_) == 1) {
      if (item.receipt_mail) {
        // In the objection's transaction: its COMMIT acknowledges both or neither.
        statement queue(writer_db_,
                        "INSERT INTO outbox (objection_id, recipient, message_id, next_attempt_at)"
                        " VALUES (?1, ?2, ?3, ?4)");
        if (!queue) return {};
        queue.bind(1, static_cast<long long>(sqlite3_last_insert_rowid(writer_db_)));
        queue.bind(2, item.receipt_mail->to);
        queue.bind(3, "<receipt." + *receipt + "@" + item.receipt_mail->message_id_domain + ">");
        queue.bind(4, received_at);
        if (sqlite3_step(queue.get()) != SQLITE_DONE) return {};
      }
      return {store_outcome::kind::stored, *receipt};
    }
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

veto::expected<objection_page> sqlite_store::list(const objection_filter& filter,
                                                     const std::string& today) {
  std::lock_guard<std::mutex> lock(admin_mutex_);
  objection_page page;
  veto::expected<std::string> next =
      run_page(admin_db_, filter, today, summary_columns,
               [&](const statement& row) { page.items.push_back(read_summary(row)); });
  if (!next) return veto::unexpected(next.error());
  page.next_cursor = std::move(*next);
  return page;
}

veto::expected<export_page> sqlite_store::export_rows(const objection_filter& filter,
                                                         const std::string& today) {
  std::lock_guard<std::mutex> lock(admin_mutex_);
  export_page page;
  veto::expected<std::string> next = run_page(
      admin_db_, filter, today, std::string(summary_columns) + ", locale, fields",
      [&](const statement& row) {
        page.items.push_back(export_row{read_summary(row), row.text(summary_column_count),
                                        row.text(summary_column_count + 1)});
      });
  if (!next) return veto::unexpected(next.error());
  page.next_cursor = std::move(*next);
  return page;
}

veto::expected<std::optional<objection_record>> sqlite_store::find(const std::string& receipt,
                                                                       const std::string& actor) {
  std::lock_guard<std::mutex> lock(admin_mutex_);
  const auto failed = [&]() -> veto::expected<std::optional<objection_record>> {
    const std::string reason = std::string("database: ") + sqlite3_errmsg(admin_db_);
    exec(admin_db_, "ROLLBACK");
    return veto::unexpected(reason);
  };
  if (!exec(admin_db_, "BEGIN IMMEDIATE")) return failed();
  long long id = 0;
  objection_record record;
  {
    statement query(admin_db_, (std::string("SELECT ") + summary_columns +
                                ", locale, ruleset_id, ruleset_version, fields"
                                " FROM objections WHERE receipt = ?1")
                                   .c_str());
    if (!query) return failed();
    query.bind(1, receipt);
    const int rc = sqlite3_step(query.get());
    if (rc == SQLITE_DONE) {
      exec(admin_db_, "ROLLBACK");
      return std::optional<objection_record>();
    }
    if (rc != SQLITE_ROW) return failed();
    record.summary = read_summary(query);
    id = sqlite3_column_int64(query.get(), 9);
    record.locale = query.text(summary_column_count);
    record.ruleset_id = query.text(summary_column_count + 1);
    record.ruleset_version = sqlite3_column_int64(query.get(), summary_column_count + 2);
    record.fields_json = query.text(summary_column_count + 3);
  }
  {
    statement history(admin_db_,
                      "SELECT at, actor, action, reason, extension_months FROM status_history"
                      " WHERE objection_id = ?1 ORDER BY id");
    if (!history) return failed();
    history.bind(1, id);
    int rc;
    while ((rc = sqlite3_step(history.get())) == SQLITE_ROW) {
      record.history.push_back(status_change{history.text(0), history.text(1), history.text(2),
                                             history.text(3),
                                             sqlite3_column_int(history.get(), 4)});
    }
    if (rc != SQLITE_DONE) return failed();
  }
  if (!insert_audit(admin_db_, utc_now(), actor, "read", receipt, "")) return failed();
  if (!exec(admin_db_, "COMMIT")) return failed();
  return std::optional<objection_record>(std::move(record));
}

change_outcome sqlite_store::change(const std::string& receipt, long long version,
                                       const std::string& actor, const std::string& action,
                                       const std::string& reason, int months) {
  std::lock_guard<std::mutex> lock(admin_mutex_);
  using kind = change_outcome::kind;
  const auto end = [&](kind k) {
    exec(admin_db_, "ROLLBACK");
    return change_outcome{k, {}};
  };
  if (!exec(admin_db_, "BEGIN IMMEDIATE")) return end(kind::failed);
  long long id = 0;
  objection_summary current;
  {
    statement query(admin_db_, (std::string("SELECT ") + summary_columns +
                                " FROM objections WHERE receipt = ?1")
                                   .c_str());
    if (!query) return end(kind::failed);
    query.bind(1, receipt);
    const int rc = sqlite3_step(query.get());
    if (rc == SQLITE_DONE) return end(kind::not_found);
    if (rc != SQLITE_ROW) return end(kind::failed);
    current = read_summary(query);
    id = sqlite3_column_int64(query.get(), 9);
  }
  if (version != 0 && version != current.version) return end(kind::conflict);
  const bool open = current.status == status_received && current.erased_at.empty();
  const std::string now = utc_now();
  std::string sql;
  std::string detail;
  if (action == status_answered || action == status_rejected) {
    if (!open) return end(kind::not_allowed);
    sql = "UPDATE objections SET status = ?2, closed_at = ?3, version = version + 1 WHERE id = ?1";
  } else if (action == "extended") {
    if (!open || months <= current.extension_months || months > max_extension_months) {
      return end(kind::not_allowed);
    }
    sql = "UPDATE objections SET extension_months = ?4, deadline = ?5, version = version + 1"
          " WHERE id = ?1";
    detail = "months=" + std::to_string(months);
  } else if (action == "erased") {
    if (!current.erased_at.empty()) return end(kind::not_allowed);
    // The tombstone: receipt, dates, status and ruleset stay; what a person gave, and
    // what could confirm a guess of it (the request's hash, the idempotency key), goes.
    sql = "UPDATE objections SET fields = '{}', country = NULL, locale = '',"
          " idempotency_key = NULL, request_sha256 = '', erased_at = ?3,"
          " version = version + 1 WHERE id = ?1";
    detail = reason;  // why it was erased: "on request", "retention: ..."
  } else {
    return end(kind::not_allowed);
  }
  {
    statement update(admin_db_, sql.c_str());
    if (!update) return end(kind::failed);
    update.bind(1, id);
    update.bind(2, action);
    update.bind(3, now);
    update.bind(4, static_cast<long long>(months));
    update.bind(5, deadline_of(current.received_at, months));
    if (sqlite3_step(update.get()) != SQLITE_DONE) return end(kind::failed);
  }
  if (action == "erased") {
    // A handler's reasons may quote the person: they go with the rest; so does the
    // address of the receipt email, which is not sent any more if it was still pending.
    for (const char* sql_clear :
         {"UPDATE status_history SET reason = '' WHERE objection_id = ?1",
          "UPDATE outbox SET recipient = '', state = CASE state WHEN 'pending' THEN 'failed'"
          " ELSE state END, last_reply = CASE state WHEN 'pending' THEN 'erased before it"
          " was sent' ELSE last_reply END WHERE objection_id = ?1"}) {
      statement clear(admin_db_, sql_clear);
      if (!clear) return end(kind::failed);
      clear.bind(1, id);
      if (sqlite3_step(clear.get()) != SQLITE_DONE) return end(kind::failed);
    }
  }
  {
    statement history(admin_db_,
                      "INSERT INTO status_history (objection_id, at, actor, action, reason,"
                      " extension_months) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!history) return end(kind::failed);
    history.bind(1, id);
    history.bind(2, now);
    history.bind(3, actor);
    history.bind(4, action);
    history.bind(5, action == "erased" ? std::string() : reason);
    history.bind(6, static_cast<long long>(months));
    if (sqlite3_step(history.get()) != SQLITE_DONE) return end(kind::failed);
  }
  if (!insert_audit(admin_db_, now, actor, action, receipt, detail)) return end(kind::failed);
  change_outcome outcome{kind::changed, {}};
  {
    statement query(admin_db_, (std::string("SELECT ") + summary_columns +
                                " FROM objections WHERE id = ?1")
                                   .c_str());
    if (!query) return end(kind::failed);
    query.bind(1, id);
    if (sqlite3_step(query.get()) != SQLITE_ROW) return end(kind::failed);
    outcome.summary = read_summary(query);
  }
  if (!exec(admin_db_, "COMMIT")) return end(kind::failed);
  return outcome;
}

veto::expected<std::vector<std::string>> sqlite_store::receipts_closed_before(
    const std::string& closed_before) {
  std::vector<std::string> due;
  std::lock_guard<std::mutex> lock(admin_mutex_);
  statement query(admin_db_,
                  "SELECT receipt FROM objections WHERE closed_at IS NOT NULL"
                  " AND closed_at < ?1 AND erased_at IS NULL ORDER BY id");
  if (!query) return veto::unexpected(std::string("database: ") + sqlite3_errmsg(admin_db_));
  query.bind(1, closed_before);
  int rc;
  while ((rc = sqlite3_step(query.get())) == SQLITE_ROW) due.push_back(query.text(0));
  if (rc != SQLITE_DONE) {
    return veto::unexpected(std::string("database: ") + sqlite3_errmsg(admin_db_));
  }
  return due;
}

bool sqlite_store::audit(const std::string& actor, const std::string& action,
                            const std::string& receipt, const std::string& detail) {
  std::lock_guard<std::mutex> lock(admin_mutex_);
  return insert_audit(admin_db_, utc_now(), actor, action, receipt, detail);
}

veto::expected<std::vector<audit_entry>> sqlite_store::audit_log(long long after_id,
                                                                    std::size_t limit) {
  std::lock_guard<std::mutex> lock(admin_mutex_);
  statement query(admin_db_,
                  "SELECT id, at, actor, action, receipt, detail FROM audit_log WHERE id > ?1"
                  " ORDER BY id LIMIT ?2");
  if (!query) return veto::unexpected(std::string("database: ") + sqlite3_errmsg(admin_db_));
  query.bind(1, after_id);
  query.bind(2, static_cast<long long>(limit));
  std::vector<audit_entry> entries;
  int rc;
  while ((rc = sqlite3_step(query.get())) == SQLITE_ROW) {
    entries.push_back(audit_entry{sqlite3_column_int64(query.get(), 0), query.text(1),
                                  query.text(2), query.text(3), query.text(4), query.text(5)});
  }
  if (rc != SQLITE_DONE) {
    return veto::unexpected(std::string("database: ") + sqlite3_errmsg(admin_db_));
  }
  return entries;
}

veto::expected<objection_store::statistics> sqlite_store::stats(const std::string& today,
                                                                   int days) {
  const std::optional<civil_date> end = parse_date(today);
  if (!end || days < 1) return veto::unexpected(std::string("stats: bad date range"));
  const long long last = days_from_epoch(*end);
  statistics out;
  // Each day of the range, oldest first, 0 until counted.
  for (long long day = last - days + 1; day <= last; ++day) {
    out.per_day.emplace_back(format_date(date_from_days(day)), 0);
  }
  std::lock_guard<std::mutex> lock(admin_mutex_);
  const auto error = [&] {
    return veto::unexpected(std::string("database: ") + sqlite3_errmsg(admin_db_));
  };
  {
    statement query(admin_db_,
                    "SELECT substr(received_at, 1, 10) AS day, count(*) FROM objections"
                    " WHERE day >= ?1 AND day <= ?2 GROUP BY day");
    if (!query) return error();
    query.bind(1, out.per_day.front().first);
    query.bind(2, today);
    int rc;
    while ((rc = sqlite3_step(query.get())) == SQLITE_ROW) {
      const std::string day = query.text(0);
      for (auto& [date, count] : out.per_day) {
        if (date == day) count = sqlite3_column_int64(query.get(), 1);
      }
    }
    if (rc != SQLITE_DONE) return error();
  }
  statement open(admin_db_,
                 "SELECT count(*), coalesce(sum(deadline < ?1), 0) FROM objections"
                 " WHERE status = 'received' AND erased_at IS NULL");
  if (!open) return error();
  open.bind(1, today);
  if (sqlite3_step(open.get()) != SQLITE_ROW) return error();
  out.open = sqlite3_column_int64(open.get(), 0);
  out.overdue = sqlite3_column_int64(open.get(), 1);
  return out;
}

veto::expected<std::vector<outbox_item>> sqlite_store::due_mail(const std::string& now,
                                                                   std::size_t limit) {
  std::lock_guard<std::mutex> lock(mail_mutex_);
  statement query(mail_db_,
                  "SELECT m.id, o.receipt, o.received_at, o.deadline, o.locale, o.fields,"
                  " m.recipient, m.message_id, m.attempts FROM outbox m"
                  " JOIN objections o ON o.id = m.objection_id"
                  " WHERE m.state = 'pending' AND m.next_attempt_at <= ?1"
                  " ORDER BY m.next_attempt_at, m.id LIMIT ?2");
  if (!query) return veto::unexpected(std::string("database: ") + sqlite3_errmsg(mail_db_));
  query.bind(1, now);
  query.bind(2, static_cast<long long>(limit));
  std::vector<outbox_item> items;
  int rc;
  while ((rc = sqlite3_step(query.get())) == SQLITE_ROW) {
    items.push_back(outbox_item{sqlite3_column_int64(query.get(), 0), query.text(1),
                                query.text(2), query.text(3), query.text(4), query.text(5),
                                query.text(6), query.text(7),
                                sqlite3_column_int(query.get(), 8)});
  }
  if (rc != SQLITE_DONE) return veto::unexpected(std::string("database: ") + sqlite3_errmsg(mail_db_));
  return items;
}

bool sqlite_store::record_mail_attempts(const std::vector<mail_attempt>& attempts) {
  if (attempts.empty()) return true;
  std::lock_guard<std::mutex> lock(mail_mutex_);
  if (!exec(mail_db_, "BEGIN IMMEDIATE")) return false;
  bool ok = true;
  for (const mail_attempt& a : attempts) {
    statement update(mail_db_,
                     "UPDATE outbox SET state = ?2, attempts = attempts + ?3, last_reply = ?4,"
                     " next_attempt_at = CASE WHEN ?2 = 'pending' THEN ?5 ELSE next_attempt_at END,"
                     " sent_at = CASE WHEN ?2 = 'sent' THEN ?6 ELSE sent_at END"
                     " WHERE id = ?1 AND state = 'pending'");
    if (!update) {
      ok = false;
      break;
    }
    update.bind(1, a.id);
    update.bind(2, std::string(a.state));
    update.bind(3, a.tried ? 1LL : 0LL);
    update.bind(4, a.reply);
    update.bind(5, a.next_attempt_at);
    update.bind(6, a.at);
    if (sqlite3_step(update.get()) != SQLITE_DONE) {
      ok = false;
      break;
    }
  }
  if (!ok || !exec(mail_db_, "COMMIT")) {
    exec(mail_db_, "ROLLBACK");
    return false;
  }
  return true;
}

namespace {

constexpr const char* outbox_columns =
    "SELECT o.receipt, m.state, m.attempts, m.next_attempt_at, m.last_reply,"
    " coalesce(m.sent_at, '') FROM outbox m JOIN objections o ON o.id = m.objection_id";

outbox_status read_outbox_status(const statement& row) {
  return outbox_status{row.text(0), row.text(1), sqlite3_column_int(row.get(), 2), row.text(3),
                       row.text(4), row.text(5)};
}

}  // namespace

veto::expected<std::vector<outbox_status>> sqlite_store::outbox(const std::string& state,
                                                                   std::size_t limit) {
  std::lock_guard<std::mutex> lock(mail_mutex_);
  statement query(mail_db_, (std::string(outbox_columns) +
                             " WHERE ?1 = '' OR m.state = ?1 ORDER BY m.id DESC LIMIT ?2")
                                .c_str());
  if (!query) return veto::unexpected(std::string("database: ") + sqlite3_errmsg(mail_db_));
  query.bind(1, state);
  query.bind(2, static_cast<long long>(limit));
  std::vector<outbox_status> rows;
  int rc;
  while ((rc = sqlite3_step(query.get())) == SQLITE_ROW) rows.push_back(read_outbox_status(query));
  if (rc != SQLITE_DONE) return veto::unexpected(std::string("database: ") + sqlite3_errmsg(mail_db_));
  return rows;
}

veto::expected<std::optional<outbox_status>> sqlite_store::outbox_of(const std::string& receipt) {
  std::lock_guard<std::mutex> lock(mail_mutex_);
  statement query(mail_db_, (std::string(outbox_columns) + " WHERE o.receipt = ?1").c_str());
  if (!query) return veto::unexpected(std::string("database: ") + sqlite3_errmsg(mail_db_));
  query.bind(1, receipt);
  const int rc = sqlite3_step(query.get());
  if (rc == SQLITE_ROW) return std::optional<outbox_status>(read_outbox_status(query));
  if (rc == SQLITE_DONE) return std::optional<outbox_status>();
  return veto::unexpected(std::string("database: ") + sqlite3_errmsg(mail_db_));
}

veto::expected<objection_store::outbox_counts> sqlite_store::outbox_totals() {
  std::lock_guard<std::mutex> lock(mail_mutex_);
  statement query(mail_db_,
                  "SELECT count(*) FILTER (WHERE state = 'pending'),"
                  " count(*) FILTER (WHERE state = 'failed'),"
                  " count(*) FILTER (WHERE state = 'undeliverable') FROM outbox");
  if (!query || sqlite3_step(query.get()) != SQLITE_ROW) {
    return veto::unexpected(std::string("database: ") + sqlite3_errmsg(mail_db_));
  }
  return outbox_counts{sqlite3_column_int64(query.get(), 0), sqlite3_column_int64(query.get(), 1),
                       sqlite3_column_int64(query.get(), 2)};
}

code_issue_outcome sqlite_store::issue_code(const code_issue& issue) {
  std::lock_guard<std::mutex> lock(mail_mutex_);
  const auto end = [&](code_issue_outcome outcome) {
    exec(mail_db_, outcome == code_issue_outcome::issued ? "COMMIT" : "ROLLBACK");
    return outcome;
  };
  if (!exec(mail_db_, "BEGIN IMMEDIATE")) return code_issue_outcome::failed;
  {
    // Rows older than the window count for nothing any more.
    statement forget(mail_db_, "DELETE FROM codes WHERE created_at < ?1 AND expires_at < ?2");
    if (!forget) return end(code_issue_outcome::failed);
    forget.bind(1, issue.window_start);
    forget.bind(2, issue.now);
    if (sqlite3_step(forget.get()) != SQLITE_DONE) return end(code_issue_outcome::failed);
  }
  {
    statement count(mail_db_,
                    "SELECT count(*) FROM codes WHERE address_key = ?1 AND created_at >= ?2");
    if (!count) return end(code_issue_outcome::failed);
    count.bind(1, issue.address_key);
    count.bind(2, issue.window_start);
    if (sqlite3_step(count.get()) != SQLITE_ROW) return end(code_issue_outcome::failed);
    if (sqlite3_column_int64(count.get(), 0) >= issue.max_in_window) {
      return end(code_issue_outcome::limited);
    }
  }
  {
    statement supersede(mail_db_, "UPDATE codes SET used = 1 WHERE address_key = ?1 AND used = 0");
    if (!supersede) return end(code_issue_outcome::failed);
    supersede.bind(1, issue.address_key);
    if (sqlite3_step(supersede.get()) != SQLITE_DONE) return end(code_issue_outcome::failed);
  }
  statement insert(mail_db_,
                   "INSERT INTO codes (address_key, code_hash, created_at, expires_at)"
                   " VALUES (?1, ?2, ?3, ?4)");
  if (!insert) return end(code_issue_outcome::failed);
  insert.bind(1, issue.address_key);
  insert.bind(2, issue.code_hash);
  insert.bind(3, issue.now);
  insert.bind(4, issue.expires_at);
  if (sqlite3_step(insert.get()) != SQLITE_DONE) return end(code_issue_outcome::failed);
  if (!exec(mail_db_, "COMMIT")) {
    exec(mail_db_, "ROLLBACK");
    return code_issue_outcome::failed;
  }
  return code_issue_outcome::issued;
}

code_check_outcome sqlite_store::use_code(const code_attempt& attempt) {
  std::lock_guard<std::mutex> lock(mail_mutex_);
  const auto end = [&](code_check_outcome outcome, bool commit) {
    if (!exec(mail_db_, commit ? "COMMIT" : "ROLLBACK") && commit) {
      exec(mail_db_, "ROLLBACK");
      return code_check_outcome::failed;
    }
    return outcome;
  };
  if (!exec(mail_db_, "BEGIN IMMEDIATE")) return code_check_outcome::failed;
  long long id = 0;
  std::string stored_hash;
  std::string expires_at;
  int wrong_tries = 0;
  {
    statement query(mail_db_,
                    "SELECT id, code_hash, expires_at, wrong_tries FROM codes"
                    " WHERE address_key = ?1 AND used = 0 ORDER BY id DESC LIMIT 1");
    if (!query) return end(code_check_outcome::failed, false);
    query.bind(1, attempt.address_key);
    const int rc = sqlite3_step(query.get());
    if (rc == SQLITE_DONE) return end(code_check_outcome::none, false);
    if (rc != SQLITE_ROW) return end(code_check_outcome::failed, false);
    id = sqlite3_column_int64(query.get(), 0);
    stored_hash = query.text(1);
    expires_at = query.text(2);
    wrong_tries = sqlite3_column_int(query.get(), 3);
  }
  if (wrong_tries >= attempt.max_wrong) return end(code_check_outcome::exhausted, false);
  if (expires_at <= attempt.now) return end(code_check_outcome::expired, false);
  // Both are hex digests of the same length; CRYPTO_memcmp reads all of them whatever
  // differs, so the time taken says nothing about how much of a guess was right.
  const bool right = stored_hash.size() == attempt.code_hash.size() &&
                     CRYPTO_memcmp(stored_hash.data(), attempt.code_hash.data(),
                                   stored_hash.size()) == 0;
  statement update(mail_db_, right ? "UPDATE codes SET used = 1 WHERE id = ?1"
                                   : "UPDATE codes SET wrong_tries = wrong_tries + 1 WHERE id = ?1");
  if (!update) return end(code_check_outcome::failed, false);
  update.bind(1, id);
  if (sqlite3_step(update.get()) != SQLITE_DONE) return end(code_check_outcome::failed, false);
  if (right) return end(code_check_outcome::accepted, true);
  return end(wrong_tries + 1 >= attempt.max_wrong ? code_check_outcome::exhausted
                                                  : code_check_outcome::wrong,
             true);
}

veto::expected<bool> sqlite_store::compact() {
  std::lock_guard<std::mutex> lock(admin_mutex_);
  // The WAL into the database, the database rewritten without free pages, and the WAL
  // the VACUUM wrote into the database as well (then truncated).
  if (!exec(admin_db_, "PRAGMA wal_checkpoint(TRUNCATE)") || !exec(admin_db_, "VACUUM") ||
      !exec(admin_db_, "PRAGMA wal_checkpoint(TRUNCATE)")) {
    return veto::unexpected(std::string("database: ") + sqlite3_errmsg(admin_db_));
  }
  return true;
}

std::vector<store_outcome> sqlite_store::write_batch(const std::vector<objection>& items) {
  std::vector<store_outcome> outcomes(items.size());
  if (exec(writer_db_, "BEGIN IMMEDIATE")) {
    for (std::size_t i = 0; i < items.size(); ++i) outcomes[i] = insert_one(items[i]);
    if (!exec(writer_db_, "COMMIT")) {
      exec(writer_db_, "ROLLBACK");
      for (store_outcome& outcome : outcomes) outcome = {};
    }
  }
  for (const store_outcome& outcome : outcomes) {
    if (outcome.status == store_outcome::kind::failed) count_database_error();
  }
  return outcomes;
}

}  // namespace veto_server
