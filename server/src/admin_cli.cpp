#include "admin_cli.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>

#include "admin_app.h"
#include "admin_auth.h"
#include "admin_export.h"
#include "bytes.h"
#include "deadline.h"
#include "json_writer.h"
#include "veto/veto.h"

namespace veto_server {
namespace {

constexpr int exit_trouble = 1;
constexpr int exit_usage = 2;
constexpr const char* cli_actor = "cli";

const char* const admin_usage =
    "usage: veto-server admin COMMAND [OPTIONS]\n"
    "  token create --name NAME --role reader|handler --tokens FILE\n"
    "                 adds a token to FILE (created 0600) and prints its secret, once\n"
    "  list    --db FILE [FILTER] [--order newest|urgent]   one JSON object a line\n"
    "  show    --db FILE --receipt R                         one objection in full (audited)\n"
    "  export  --db FILE [--format ndjson|csv] [FILTER]      (audited)\n"
    "  answer  --db FILE --receipt R --reason TEXT\n"
    "  reject  --db FILE --receipt R --reason TEXT\n"
    "  extend  --db FILE --receipt R --months 1|2 --reason TEXT\n"
    "  erase   --db FILE --receipt R\n"
    "  retention --db FILE --days N   erases what was closed more than N days ago\n"
    "  audit   --db FILE [--format ndjson|csv]               the audit log\n"
    "  compact --db FILE              checkpoint and VACUUM: erased data leaves the file\n"
    "  outbox  --db FILE [--state pending|sent|failed|undeliverable]\n"
    "                 the receipt emails, newest first, with the relay's last reply\n"
        "FILTER: --status S --country CC --from YYYY-MM-DD --to YYYY-MM-DD --overdue\n"
    "--db takes a SQLite file or a PostgreSQL URL; --db-file FILE reads it from FILE's\n"
    "first line, and without either the environment's VETO_DB is used.\n";

int usage(const std::string& message) {
  std::fprintf(stderr, "veto-server admin: %s\n%s", message.c_str(), admin_usage);
  return exit_usage;
}

int trouble(const std::string& message) {
  std::fprintf(stderr, "veto-server admin: %s\n", message.c_str());
  return exit_trouble;
}

void print(const std::string& text) { std::fwrite(text.data(), 1, text.size(), stdout); }

std::vector<std::string> field_names() {
  std::vector<std::string> names;
  if (veto::expected<veto::validator> v = veto::validator::from_default_ruleset()) {
    for (const veto::field_description& f : v->fields()) names.push_back(f.name);
  }
  return names;
}

int report_change(const change_outcome& outcome) {
  switch (outcome.status) {
    case change_outcome::kind::changed: {
      std::string out;
      veto::json_writer w(out);
      w.begin_object();
      write_summary_members(w, outcome.summary, format_date(utc_today()));
      w.end_object();
      print(out + "\n");
      return 0;
    }
    case change_outcome::kind::not_found: return trouble("no objection with this receipt");
    case change_outcome::kind::conflict: return trouble("changed by someone else; try again");
    case change_outcome::kind::not_allowed:
      return trouble("this change does not apply to the objection in its present state");
    case change_outcome::kind::failed: return trouble("the database failed; nothing was changed");
  }
  return exit_trouble;
}

}  // namespace

std::string utc_days_ago(int days) {
  const std::time_t then = std::time(nullptr) - static_cast<std::time_t>(days) * 86400;
  std::tm tm{};
  gmtime_r(&then, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
  return text;
}

int admin_command(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "help" || args[0] == "--help") {
    std::fputs(admin_usage, args.empty() ? stderr : stdout);
    return args.empty() ? exit_usage : 0;
  }
  std::vector<std::string> words(args.begin(), args.end());
  std::string command = words[0];
  std::size_t first_option = 1;
  if (command == "token") {
    if (words.size() < 2 || words[1] != "create") return usage("token: only 'token create'");
    command = "token create";
    first_option = 2;
  }
  // --NAME VALUE pairs, and the one flag --overdue.
  std::map<std::string, std::string> o;
  for (std::size_t i = first_option; i < words.size(); ++i) {
    const std::string& word = words[i];
    if (word == "--overdue") {
      o["overdue"] = "1";
      continue;
    }
    if (word.rfind("--", 0) != 0 || i + 1 >= words.size()) return usage("unexpected " + word);
    o[word.substr(2)] = words[++i];
  }
  const auto known = [&](std::initializer_list<const char*> names) -> std::string {
    for (const auto& [name, value] : o) {
      bool ok = false;
      for (const char* n : names) ok = ok || name == n;
      if (!ok) return "--" + name + " is not an option of " + command;
    }
    return "";
  };
  std::string bad;

  if (command == "token create") {
    if (!(bad = known({"name", "role", "tokens"})).empty()) return usage(bad);
    if (o["tokens"].empty()) return usage("token create needs --tokens FILE");
    const veto::expected<std::string> secret = create_token(o["tokens"], o["name"], o["role"]);
    if (!secret) return trouble(secret.error());
    // The only time the secret is shown: on stdout, never in a file or a log.
    print(*secret + "\n");
    std::fprintf(stderr, "veto-server admin: token %s (%s) added to %s; keep the secret above, "
                 "it is not stored\n", o["name"].c_str(), o["role"].c_str(), o["tokens"].c_str());
    return 0;
  }

  const std::initializer_list<const char*> filter_options = {"db", "db-file", "status", "country", "from", "to",
                                                             "overdue", "order", "format"};
  if (command == "list" || command == "export") {
    if (!(bad = known(filter_options)).empty()) return usage(bad);
  } else if (command == "show" || command == "erase") {
    if (!(bad = known({"db", "db-file", "receipt"})).empty()) return usage(bad);
  } else if (command == "answer" || command == "reject") {
    if (!(bad = known({"db", "db-file", "receipt", "reason"})).empty()) return usage(bad);
  } else if (command == "extend") {
    if (!(bad = known({"db", "db-file", "receipt", "reason", "months"})).empty()) return usage(bad);
  } else if (command == "retention") {
    if (!(bad = known({"db", "db-file", "days"})).empty()) return usage(bad);
  } else if (command == "audit") {
    if (!(bad = known({"db", "db-file", "format"})).empty()) return usage(bad);
  } else if (command == "compact") {
    if (!(bad = known({"db", "db-file"})).empty()) return usage(bad);
  } else if (command == "outbox") {
    if (!(bad = known({"db", "db-file", "state"})).empty()) return usage(bad);
  } else {
    return usage("unknown command: " + command);
  }
  const veto::expected<std::string> db = database_name(o["db-file"], o["db"], "");
  if (!db) return usage(db.error());
  if (db->empty()) return usage(command + " needs --db FILE|URL, --db-file FILE or VETO_DB");
  const std::string format = o.count("format") ? o["format"] : "ndjson";
  if (format != "ndjson" && format != "csv") return usage("--format: ndjson or csv");
  if ((command != "list" && command != "export" && command != "retention" && command != "audit" &&
       command != "compact" && command != "outbox") &&
      !is_receipt_shaped(o["receipt"])) {
    return usage(command + " needs --receipt XXXX-XXXX-XXXX-XXXX");
  }

  veto::expected<std::unique_ptr<objection_store>> opened = objection_store::open(*db);
  if (!opened) return trouble(opened.error());
  objection_store& store = **opened;
  const std::string today = format_date(utc_today());

  if (command == "list" || command == "export") {
    httplib::Request req;
    for (const char* name : {"status", "country", "from", "to", "overdue", "order"}) {
      if (o.count(name)) req.params.emplace(name, o[name]);
    }
    veto::expected<objection_filter> f = filter_from(req, objection_filter::order::newest);
    if (!f) return usage(f.error());
    f->limit = 200;
    const std::vector<std::string> names = field_names();
    if (command == "export") {
      if (!store.audit(cli_actor, "export", "", "format=" + format)) return trouble("cannot audit");
      if (format == "csv") print(export_csv_header(names));
    }
    do {
      if (command == "list") {
        const veto::expected<objection_page> page = store.list(*f, today);
        if (!page) return trouble(page.error());
        for (const objection_summary& s : page->items) {
          std::string out;
          veto::json_writer w(out);
          w.begin_object();
          write_summary_members(w, s, today);
          w.end_object();
          print(out + "\n");
        }
        f->cursor = page->next_cursor;
      } else {
        const veto::expected<export_page> page = store.export_rows(*f, today);
        if (!page) return trouble(page.error());
        for (const export_row& row : page->items) {
          print(format == "csv" ? export_csv_line(row, names) : export_json_line(row, today));
        }
        f->cursor = page->next_cursor;
      }
    } while (!f->cursor.empty());
    return 0;
  }
  if (command == "show") {
    const auto found = store.find(o["receipt"], cli_actor);
    if (!found) return trouble(found.error());
    if (!*found) return trouble("no objection with this receipt");
    std::string out;
    veto::json_writer w(out);
    w.begin_object();
    write_summary_members(w, (*found)->summary, today);
    w.key("locale"), w.string((*found)->locale);
    w.key("fields"), w.raw((*found)->fields_json);
    w.end_object();
    print(out + "\n");
    return 0;
  }
  if (command == "answer" || command == "reject") {
    if (o["reason"].empty()) return usage(command + " needs --reason TEXT");
    return report_change(store.change_status(o["receipt"], 0,
                                             command == "answer" ? status_answered : status_rejected,
                                             o["reason"], cli_actor));
  }
  if (command == "extend") {
    if (o["reason"].empty()) return usage("extend needs --reason TEXT");
    if (o["months"] != "1" && o["months"] != "2") return usage("--months: 1 or 2");
    return report_change(store.extend(o["receipt"], 0, o["months"][0] - '0', o["reason"], cli_actor));
  }
  if (command == "erase") return report_change(store.erase(o["receipt"], 0, cli_actor));
  if (command == "retention") {
    const std::string& days = o["days"];
    if (days.empty() || days.size() > 5 || days.find_first_not_of("0123456789") != std::string::npos) {
      return usage("--days: a number of days");
    }
    const auto erased = store.erase_closed_before(utc_days_ago(std::stoi(days)), cli_actor);
    if (!erased) return trouble(erased.error());
    for (const std::string& receipt : *erased) print(receipt + "\n");
    std::fprintf(stderr, "veto-server admin: erased %zu objection(s)\n", erased->size());
    return 0;
  }
  if (command == "audit") {
    if (!store.audit(cli_actor, "audit_export", "", "format=" + format)) return trouble("cannot audit");
    if (format == "csv") print(audit_csv_header());
    long long after = 0;
    for (;;) {
      const auto entries = store.audit_log(after, 500);
      if (!entries) return trouble(entries.error());
      for (const audit_entry& e : *entries) print(format == "csv" ? audit_csv_line(e) : audit_json_line(e));
      if (entries->size() < 500) return 0;
      after = entries->back().id;
    }
  }
  if (command == "outbox") {
    const std::string state = o.count("state") ? o["state"] : "";
    if (!state.empty() && state != mail_pending && state != mail_sent && state != mail_failed &&
        state != mail_undeliverable) {
      return usage("--state: pending, sent, failed or undeliverable");
    }
    const auto rows = store.outbox(state, 100000);
    if (!rows) return trouble(rows.error());
    for (const outbox_status& row : *rows) {
      std::string line;
      veto::json_writer w(line);
      w.begin_object();
      w.key("receipt"), w.string(row.receipt);
      w.key("state"), w.string(row.state);
      w.key("attempts"), w.number(static_cast<long long>(row.attempts));
      w.key("next_attempt_at"), w.string(row.next_attempt_at);
      w.key("last_reply"), w.string(row.last_reply);
      w.key("sent_at");
      row.sent_at.empty() ? w.null() : w.string(row.sent_at);
      w.end_object();
      print(line + "\n");
    }
    return 0;
  }
  // compact
  const veto::expected<bool> compacted = store.compact();
  if (!compacted) return trouble(compacted.error());
  return 0;
}

retention_schedule::retention_schedule(objection_store& store, int days)
    : store_(store), days_(days) {
  thread_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stopping_) {
      lock.unlock();
      const auto erased = store_.erase_closed_before(utc_days_ago(days_), "retention");
      if (!erased) {
        std::fprintf(stderr, "veto-server: retention: %s\n", erased.error().c_str());
      } else if (!erased->empty()) {
        std::fprintf(stderr, "veto-server: retention: erased %zu objection(s) closed more than %d days ago\n",
                     erased->size(), days_);
      }
      lock.lock();
      stop_changed_.wait_for(lock, std::chrono::hours(1), [this] { return stopping_; });
    }
  });
}

retention_schedule::~retention_schedule() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  stop_changed_.notify_all();
  thread_.join();
}

}  // namespace veto_server
