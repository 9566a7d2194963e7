#pragma once

#include "agent/flow/FlowTypes.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QLoggingCategory>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>

Q_DECLARE_LOGGING_CATEGORY(lcFlow)

namespace mr::agent {

/// The state of one run shared between the flow thread and the thread that owns the FlowRun:
/// the cancel flag, the masking of sensitive values and the buffer of events not yet emitted.
/// Every member function is thread-safe.
class FlowContext final {
public:
    /// Events buffered beyond this many are flushed without waiting for the timer.
    static constexpr int kFlushEvents = 50;

    FlowContext(QString runId, QStringList sensitiveValues);

    const QString& runId() const { return m_runId; }

    void cancel();
    bool isCancelled() const { return m_cancelled.load(); }
    /// Sleeps up to @p duration; false when the run was cancelled meanwhile (wakes at once).
    bool sleepFor(std::chrono::milliseconds duration);

    /// @p text with every sensitive value replaced by "***".
    QString mask(const QString& text) const;
    QJsonValue mask(const QJsonValue& value) const;

    /// Buffers an event (masked, numbered, stamped). Calls the buffer-full callback when the
    /// buffer reaches kFlushEvents.
    void addEvent(const QString& kind, const QString& level, const QString& text, const QJsonObject& data = {});
    void log(const QString& level, const QString& text) { addEvent(QStringLiteral("log"), level, text); }
    QList<FlowEvent> takeEvents();
    /// The action the flow is in now, as "name(args…)" (masked), or empty between actions.
    void setCurrentAction(const QString& action);
    QString currentAction() const;
    /// Called (from the flow thread) when the buffer is full; set before the run starts.
    void setBufferFullCallback(std::function<void()> callback) { m_bufferFull = std::move(callback); }

private:
    const QString m_runId;
    QStringList m_sensitive; ///< Longest first, so a value containing another masks whole.
    std::atomic_bool m_cancelled{false};
    std::mutex m_waitMutex;
    std::condition_variable m_waitCondition;
    mutable std::mutex m_eventMutex;
    QList<FlowEvent> m_buffer;
    qint64 m_nextSeq = 1;
    std::function<void()> m_bufferFull;
    mutable std::mutex m_actionMutex;
    QString m_currentAction;
};

/// Logs one action call as an event when it goes out of scope: its name, its arguments (masked),
/// its duration and its outcome. Call fail() with the error before that when it failed.
class ActionLog final {
public:
    ActionLog(FlowContext& context, QString name, QJsonArray args);
    ~ActionLog();
    ActionLog(const ActionLog&) = delete;
    ActionLog& operator=(const ActionLog&) = delete;

    void fail(const QString& error) { m_error = error; }

private:
    FlowContext& m_context;
    QString m_name;
    QJsonArray m_args;
    QString m_error;
    QElapsedTimer m_timer;
};

} // namespace mr::agent
