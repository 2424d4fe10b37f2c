// Group commit, as both stores do it (store.h): the threads that call submit() wait while
// one writer thread takes what has queued up, at most store_sql::max_batch objections, and
// hands them to the store's `write` to commit in one transaction. Under load a commit
// (an fsync in SQLite, a round trip in PostgreSQL) then carries many objections instead of
// one. The store decides what a batch's failure means for each objection in it.
#ifndef VETO_SERVER_GROUP_COMMIT_H
#define VETO_SERVER_GROUP_COMMIT_H

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "store.h"

namespace veto_server {

class group_commit {
 public:
  // One outcome per objection, in order (a missing one counts as failed).
  using write_batch = std::function<std::vector<store_outcome>(const std::vector<objection>&)>;

  // Starts the writer thread.
  explicit group_commit(write_batch write);
  // Writes what is queued, then stops the thread; submit() fails from the start of it.
  ~group_commit();

  group_commit(const group_commit&) = delete;
  group_commit& operator=(const group_commit&) = delete;

  // Queues `item` and blocks until its batch is written: the outcome `write` gave it.
  store_outcome submit(objection item);

 private:
  struct job {
    objection item;
    std::promise<store_outcome> done;
  };
  void writer_loop();

  write_batch write_;
  std::mutex queue_mutex_;
  std::condition_variable queue_changed_;
  std::deque<job> queue_;
  bool stopping_ = false;
  std::thread writer_;  // last: it starts once everything above is there
};

}  // namespace veto_server

#endif  // VETO_SERVER_GROUP_COMMIT_H
