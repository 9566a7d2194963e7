#pragma once

#include "orchestrator/store/Database.h"
#include "protocol/AgentMessages.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

/// What the agent hub writes for the messages of a machine (hello, heartbeat, offers, events,
/// results, key rotation) and the bookkeeping every run transition needs. Every function runs on a
/// database worker and opens its own transaction unless it says otherwise.
namespace mr::orch::runs {

inline const QString kQueued = QStringLiteral("Queued");
inline const QString kOffered = QStringLiteral("Offered");
inline const QString kRunning = QStringLiteral("Running");
inline const QString kCancelling = QStringLiteral("Cancelling");

/// The settings a machine gets in `welcome` and `settingsChanged`; std::nullopt when the machine
/// no longer exists.
std::optional<protocol::AgentSettings> loadAgentSettings(Db& db, const QString& machineId);

struct HelloOutcome {
    bool machineExists = false;
    protocol::AgentSettings settings;
    QStringList lostRuns;     ///< Running here, not listed as unfinished: now Failed MachineLost
    QStringList requeuedRuns; ///< offered here before the agent (re)connected: back in the queue
    bool keyRotationRequested = false;
    QByteArray publicKey; ///< the machine's Ed25519 public key (raw 32 bytes): what passwords are sealed to
};
/// `hello`: the machine is online with these sessions, version and OS; the runs it does not list as
/// unfinished are lost; its pending offers go back to the queue.
HelloOutcome applyHello(Db& db, const QString& machineId, const protocol::Hello& hello, const QString& instanceId,
                        const QDateTime& now);

/// `heartbeat`: last_seen_at, online again, and the sessions when they changed.
void applyHeartbeat(Db& db, const QString& machineId, const std::optional<QList<protocol::MachineSession>>& sessions,
                    const QDateTime& now);

/// The socket of the machine closed (and no newer one replaced it): offline from now on.
void markDisconnected(Db& db, const QString& machineId, const QString& instanceId, const QDateTime& now);

/// `runAccept`: Running here when the run is still offered to this machine. False when the offer
/// was withdrawn (timed out, re-queued, cancelled): the agent must not run it.
bool acceptRun(Db& db, const QString& machineId, const QString& runId, const QDateTime& now);

/// `runDecline`: back to the queue when it is still offered to this machine.
void declineRun(Db& db, const QString& machineId, const QString& runId, const QString& reason);

/// One `runEvent` or `runResult` waiting to be stored and acknowledged.
struct AckedItem {
    qint64 seq = 0;
    std::optional<protocol::RunEvent> event;
    std::optional<protocol::RunResult> result;
};

/// Stores a batch of events and results in one transaction, idempotently: a log line by
/// (run, eventSeq), a result once (a repeated one is ignored). Results end runs of this machine
/// only. Returns the runs that ended with this batch.
QStringList applyAckedBatch(Db& db, const QString& machineId, const QList<AckedItem>& items, const QDateTime& now);

/// `keyRotated`: checks the signature with the stored key, stores the new key, clears the request.
/// False (and nothing changes) when no rotation was asked for or the signature is wrong.
bool applyKeyRotated(Db& db, const QString& machineId, const protocol::KeyRotated& rotated, const QDateTime& now);

/// Sets `key_rotation_requested`; false when the machine does not exist.
bool requestKeyRotation(Db& db, const QString& machineId);

/// Recounts machines.running_count (Running/Cancelling on the machine) and queued_count
/// (Queued/Offered aimed at the machine or its group) where they are wrong. Inside a transaction;
/// the timer pass calls it once a second, so the counts in the machine list lag at most that.
void recountMachines(Db& db);

/// Ends a run (inside a transaction): status, error, ended_at. Only from a non-terminal status.
bool finishRun(Db& db, const QString& runId, const QString& status, const QString& errorCode,
               const QString& errorMessage, const QDateTime& now);

/// Parses the sessions column.
QList<protocol::MachineSession> parseSessions(const QString& json);
QString sessionsJson(const QList<protocol::MachineSession>& sessions);

} // namespace mr::orch::runs
