#pragma once

#include "orchestrator/Services.h"
#include "orchestrator/store/Database.h"
#include "protocol/AgentMessages.h"

#include <QDateTime>
#include <QList>
#include <QSet>
#include <QString>

#include <functional>

namespace mr::orch::runs {

/// A run claimed for a machine (status Offered); the hub sends it as `runOffer`. A password
/// connection's password is in `offer.connection.password`, opened: the hub puts it into the
/// message the way the machine's agent takes it (sealed to its key, or as it is).
struct Offer {
    QString machineId;
    protocol::RunOffer offer;
    QDateTime queuedAt;
};

/// Opens a connection's stored password for the offer (the run API's openConnectionPassword).
using PasswordOpener = std::function<std::optional<QString>(const QString& sealed)>;

/// The dispatch pass (ARCHITECTURE.md, "The life of a run"): takes queued runs in order priority
/// DESC, queued_at ASC, finds each one's eligible machines among @p connectedHere (online, not in
/// maintenance, no key rotation pending, in the target, same environment, and the session rules
/// of R19/R20), picks the least loaded (ties: the machine offered a run least recently) and claims
/// the run for it (Queued → Offered). Runs blocked by a locked or disconnected session of their
/// own user get a recommendation (R23) or fail at once. One transaction; on PostgreSQL the
/// candidate rows are locked with FOR UPDATE SKIP LOCKED so instances never claim the same run.
QList<Offer> dispatchPass(Db& db, const QDateTime& now, const QSet<QString>& connectedHere,
                          const PasswordOpener& openPassword);

/// What the timer pass changed.
struct TimerOutcome {
    QStringList offlineMachines; ///< marked offline now (silent past offlineAfterSeconds)
    int changes = 0;             ///< runs re-queued or ended: dispatch again
    int firedSchedules = 0;      ///< runs the schedules queued (the hub fills it in)
};

/// The 1 s pass: offers not accepted in time go back to the queue; runs queued past timeout_at fail
/// with QueueTimeout; expired recommendations fail their runs; silent machines go offline; Running
/// runs on machines offline past the grace fail with MachineLost; the counts are made true.
TimerOutcome timerPass(Db& db, const QDateTime& now, const ServerConfig& config);

} // namespace mr::orch::runs
