#pragma once

#include "agent/flow/FlowTypes.h"

#include <QHash>
#include <QObject>

namespace mr::agent {

class FlowRun;

/// Owns the running flows of this agent: starts a FlowRun per job, relays its signals, cancels
/// by run id and deletes each run (and its thread) once it has finished.
class FlowEngine final : public QObject {
    Q_OBJECT
public:
    explicit FlowEngine(QObject* parent = nullptr);
    ~FlowEngine() override;

    /// Starts @p job; false (and nothing happens) when a run with the same id is still running.
    bool start(const FlowJob& job);
    /// Cancels a running run; false when there is none with that id.
    bool cancel(const QString& runId);
    int runningCount() const { return int(m_runs.size()); }
    /// What each running flow is doing now: run id → "action(args…)" (empty between actions).
    QHash<QString, QString> currentActions() const;

Q_SIGNALS:
    void event(const mr::agent::FlowEvent& event);
    void events(const QList<mr::agent::FlowEvent>& events);
    void finished(const mr::agent::FlowResult& result);

private:
    QHash<QString, FlowRun*> m_runs; ///< Children of this object.
};

} // namespace mr::agent
