#include "agent/flow/FlowEngine.h"

#include "agent/flow/FlowRun.h"

namespace mr::agent {

FlowEngine::FlowEngine(QObject* parent)
    : QObject(parent) {
    registerFlowMetaTypes();
}

FlowEngine::~FlowEngine() {
    // Children are deleted after this body; each FlowRun cancels and joins its thread.
    for (FlowRun* run : std::as_const(m_runs))
        run->cancel();
}

bool FlowEngine::start(const FlowJob& job) {
    if (m_runs.contains(job.runId))
        return false;
    auto* run = new FlowRun(job, this);
    m_runs.insert(job.runId, run);
    connect(run, &FlowRun::event, this, &FlowEngine::event);
    connect(run, &FlowRun::events, this, &FlowEngine::events);
    connect(run, &FlowRun::finished, this, [this, run](const FlowResult& result) {
        m_runs.remove(result.runId);
        run->deleteLater();
        Q_EMIT finished(result);
    });
    run->start();
    return true;
}

QHash<QString, QString> FlowEngine::currentActions() const {
    QHash<QString, QString> actions;
    for (auto it = m_runs.cbegin(); it != m_runs.cend(); ++it)
        actions.insert(it.key(), it.value()->currentAction());
    return actions;
}

bool FlowEngine::cancel(const QString& runId) {
    FlowRun* run = m_runs.value(runId);
    if (!run)
        return false;
    run->cancel();
    return true;
}

} // namespace mr::agent
