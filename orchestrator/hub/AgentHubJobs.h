#pragma once
// Inside the agent hub only: AgentHub::submitThen, shared by the files the hub is split into
// (AgentHub.cpp: sockets and agent messages; AgentHubPasses.cpp: dispatch and timer passes;
// AgentHubCommands.cpp: what the orchestrator asks of a machine, here or on another instance).

#include "orchestrator/hub/AgentHub.h"
#include "orchestrator/store/DbPool.h"

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcHub)

namespace mr::orch {

template <class T>
void AgentHub::submitThen(std::function<T(Db&)> job, std::function<void(T)> then, std::function<void()> failed,
                          const QString& orderKey) {
    if (m_stopped)
        return;
    DbPool::Job wrapped = [this, alive = m_alive, job = std::move(job), then = std::move(then),
                           failed = std::move(failed)](Db& db) {
        std::optional<T> result;
        try {
            result = job(db);
        } catch (const std::exception& e) {
            qCWarning(lcHub) << "database job failed:" << e.what();
        }
        if (!*alive)
            return;
        QMetaObject::invokeMethod(
            this,
            [this, result = std::move(result), then, failed] {
                if (m_stopped)
                    return;
                if (result)
                    then(*result);
                else if (failed)
                    failed();
            },
            Qt::QueuedConnection);
    };
    if (orderKey.isEmpty())
        m_pool.submit(std::move(wrapped));
    else
        m_pool.submitOrdered(orderKey, std::move(wrapped));
}

} // namespace mr::orch
