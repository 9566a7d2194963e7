#pragma once

#include "agent/flow/FlowTypes.h"

#include <QObject>
#include <QTimer>

#include <memory>
#include <mutex>

class QJSEngine;
class QThread;

namespace mr::agent {

class FlowContext;

/// Runs one flow in its own thread with its own QJSEngine (ARCHITECTURE.md "Threads"). Lives in
/// the thread that creates it, which needs an event loop: events are emitted from there in
/// batches (at most every 200 ms or 50 events), and `finished` comes once, after every event.
class FlowRun final : public QObject {
    Q_OBJECT
public:
    static constexpr int kFlushIntervalMs = 200;

    explicit FlowRun(FlowJob job, QObject* parent = nullptr);
    /// Cancels a run still going and waits for its thread.
    ~FlowRun() override;

    const QString& runId() const { return m_job.runId; }
    bool isRunning() const { return m_started && !m_done; }
    /// The action the flow is in now (FlowContext::currentAction); empty between actions.
    QString currentAction() const;

    /// Starts the flow thread; only the first call does anything.
    void start();
    /// Stops the run: interrupts the script, wakes `wait`, kills a running process tree, aborts
    /// an HTTP request. The run then ends Cancelled. Thread-safe.
    void cancel();

Q_SIGNALS:
    void event(const mr::agent::FlowEvent& event);
    /// The same events as `event`, one signal per batch.
    void events(const QList<mr::agent::FlowEvent>& events);
    void finished(const mr::agent::FlowResult& result);

private:
    void runInThread();
    FlowResult execute(QJSEngine& engine);
    void flushEvents();
    void onThreadFinished();

    const FlowJob m_job;
    std::unique_ptr<FlowContext> m_context;
    QThread* m_thread = nullptr;
    QTimer m_flushTimer;
    std::mutex m_engineMutex;
    QJSEngine* m_engine = nullptr; ///< Set while the flow thread has one; guarded by m_engineMutex.
    FlowResult m_result;           ///< Written by the flow thread before it ends.
    bool m_started = false;
    bool m_done = false;
};

} // namespace mr::agent
