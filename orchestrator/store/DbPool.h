#pragma once

#include "orchestrator/store/Database.h"

#include <QThread>

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace mr::orch {

/// Worker threads that each own one database connection. The HTTP/WebSocket event loop hands
/// work here and never waits on the database itself (ARCHITECTURE.md, Threads).
///
/// SQLite gets one worker (one writer is what SQLite allows anyway; WAL keeps readers of the
/// CLI and other processes unblocked); PostgreSQL gets several.
class DbPool final {
public:
    using Job = std::function<void(Db&)>;

    DbPool(const DatabaseLocation& location, int workers);
    ~DbPool();
    DbPool(const DbPool&) = delete;
    DbPool& operator=(const DbPool&) = delete;

    /// Opens every connection; throws DbError when the database cannot be opened.
    void start();
    /// Finishes queued jobs, then joins the threads.
    void stop();

    /// Queues @p job; it runs on some worker thread. Exceptions escaping a job are logged.
    void submit(Job job);
    /// Like submit(), but jobs with the same @p key run one at a time, in the order they were
    /// submitted (e.g. every message of one machine: an accept must be stored before the
    /// events of its run, whichever worker is free).
    void submitOrdered(const QString& key, Job job);

    /// Runs @p job on a worker and waits for it: for start-up and command-line tools only.
    void runAndWait(const Job& job);

    const DatabaseLocation& location() const { return m_location; }
    int workerCount() const { return int(m_threads.size()); }

private:
    void workerLoop(int index, std::promise<QString>* opened);
    Job ordered(const QString& key, Job job);

    DatabaseLocation m_location;
    int m_workerCount;
    std::vector<std::unique_ptr<QThread>> m_threads;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<Job> m_jobs;
    std::map<QString, std::deque<Job>> m_waitingByKey; ///< keys with a job queued or running
    bool m_stopping = false;
};

} // namespace mr::orch
