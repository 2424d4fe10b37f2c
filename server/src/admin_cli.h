// `veto-server admin ...`: the controller's tasks without the HTTP listener, for operators
// who script (server/README.md, "Admin from the command line"), and the retention policy's
// schedule. Actions are audited with the actor "cli".
#ifndef VETO_SERVER_ADMIN_CLI_H
#define VETO_SERVER_ADMIN_CLI_H

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store.h"

namespace veto_server {

// Runs `veto-server admin ARGS...`; returns the exit status (0, 1 trouble, 2 usage).
int admin_command(const std::vector<std::string>& args);

// The UTC timestamp `days` days before now, as the store writes them.
std::string utc_days_ago(int days);

// Erases the objections closed more than `days` days ago, now and then every hour, until
// destroyed. Reports what it erased (receipts only) on stderr.
class retention_schedule {
 public:
  retention_schedule(objection_store& store, int days);
  ~retention_schedule();
  retention_schedule(const retention_schedule&) = delete;
  retention_schedule& operator=(const retention_schedule&) = delete;

 private:
  objection_store& store_;
  int days_;
  std::mutex mutex_;
  std::condition_variable stop_changed_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace veto_server

#endif  // VETO_SERVER_ADMIN_CLI_H
