#include "orchestrator/store/DbPool.h"

namespace mr::orch {

DbPool::DbPool(const DatabaseLocation& location, int workers)
    : m_location(location)
    , m_workerCount(std::max(1, workers)) {}

DbPool::~DbPool() {
    stop();
}

void DbPool::start() {
    for (int i = 0; i < m_workerCount; ++i) {
        std::promise<QString> opened;
        std::future<QString> result = opened.get_future();
        auto thread = std::unique_ptr<QThread>(QThread::create([this, i, &opened] { workerLoop(i, &opened); }));
        thread->setObjectName(QStringLiteral("db-%1").arg(i));
        thread->start();
        const QString error = result.get();
        m_threads.push_back(std::move(thread));
        if (!error.isEmpty()) {
            stop();
            throw DbError(error);
        }
    }
}

void DbPool::stop() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    for (auto& t : m_threads)
        t->wait();
    m_threads.clear();
}

void DbPool::submit(Job job) {
    {
        std::lock_guard lock(m_mutex);
        m_jobs.push_back(std::move(job));
    }
    m_wake.notify_one();
}

void DbPool::submitOrdered(const QString& key, Job job) {
    {
        std::lock_guard lock(m_mutex);
        auto it = m_waitingByKey.find(key);
        if (it != m_waitingByKey.end()) { // one of this key's jobs is queued or running: wait behind it
            it->second.push_back(std::move(job));
            return;
        }
        m_waitingByKey.emplace(key, std::deque<Job>());
        m_jobs.push_back(ordered(key, std::move(job)));
    }
    m_wake.notify_one();
}

DbPool::Job DbPool::ordered(const QString& key, Job job) {
    return [this, key, job = std::move(job)](Db& db) {
        struct Next { // hands the key's next job to the queue, also when this one throws
            DbPool* pool;
            const QString& key;
            ~Next() {
                {
                    std::lock_guard lock(pool->m_mutex);
                    auto it = pool->m_waitingByKey.find(key);
                    if (it->second.empty()) {
                        pool->m_waitingByKey.erase(it);
                        return;
                    }
                    Job following = std::move(it->second.front());
                    it->second.pop_front();
                    pool->m_jobs.push_back(pool->ordered(key, std::move(following)));
                }
                pool->m_wake.notify_one();
            }
        } next{this, key};
        job(db);
    };
}

void DbPool::runAndWait(const Job& job) {
    std::promise<void> done;
    auto future = done.get_future();
    submit([&](Db& db) {
        try {
            job(db);
            done.set_value();
        } catch (...) {
            done.set_exception(std::current_exception());
        }
    });
    future.get();
}

void DbPool::workerLoop(int index, std::promise<QString>* opened) {
    Db db(m_location, QStringLiteral("mr-db-%1-%2").arg(index).arg(quintptr(this)));
    try {
        db.open();
        opened->set_value(QString());
    } catch (const DbError& e) {
        opened->set_value(QString::fromStdString(e.what()));
        return;
    }
    for (;;) {
        Job job;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stopping || !m_jobs.empty(); });
            if (m_jobs.empty())
                return; // stopping and drained
            job = std::move(m_jobs.front());
            m_jobs.pop_front();
        }
        try {
            job(db);
        } catch (const std::exception& e) {
            qCWarning(lcStore) << "database job failed:" << e.what();
        }
    }
}

} // namespace mr::orch
