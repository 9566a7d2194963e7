#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace mr::orch {

/// The live side of the run queue, as request handlers see it: the agent hub and its timers.
/// Handlers run on database worker threads, so every call is thread-safe and returns at once;
/// the work happens on the hub's thread. Handlers call these only after their transaction
/// committed.
class RunEngine {
public:
    virtual ~RunEngine() = default;

    /// The queue changed (a run was triggered, a machine left maintenance, …): dispatch soon.
    virtual void wake() = 0;
    /// Sends `cancelRun` to the machine that runs @p runId (no-op when it is not connected here).
    virtual void cancelRun(const QString& machineId, const QString& runId) = 0;
    /// Sends `endSessions` (recommendation action "Disconnect users").
    virtual void endSessions(const QString& machineId, const QStringList& users) = 0;
    /// Asks the machine to check credentials (`checkCredentials`). @p done is called once, on any
    /// thread: true/false is the machine's answer; std::nullopt means the machine is not
    /// connected or did not answer in time.
    virtual void checkCredentials(const QString& machineId, const QString& username, const QString& password,
                                  std::function<void(std::optional<bool> ok)> done) = 0;
};

} // namespace mr::orch
