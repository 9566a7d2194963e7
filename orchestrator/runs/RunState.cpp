#include "orchestrator/runs/RunState.h"

#include "orchestrator/Clock.h"
#include "orchestrator/auth/Jwt.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>

#include <tuple>

Q_LOGGING_CATEGORY(lcRuns, "mr.orchestrator.runs")

namespace mr::orch::runs {

namespace {

QVariant nullText() {
    return QVariant(QMetaType::fromType<QString>());
}

QString compact(const QJsonObject& o) {
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

} // namespace

QList<protocol::MachineSession> parseSessions(const QString& json) {
    QList<protocol::MachineSession> sessions;
    const QJsonArray array = QJsonDocument::fromJson(json.toUtf8()).array();
    for (const QJsonValue& v : array) {
        auto decoded = protocol::MachineSession::fromJson(v.toObject());
        if (decoded)
            sessions.append(decoded.take());
    }
    return sessions;
}

QString sessionsJson(const QList<protocol::MachineSession>& sessions) {
    return QString::fromUtf8(QJsonDocument(protocol::toJsonArray(sessions)).toJson(QJsonDocument::Compact));
}

std::optional<protocol::AgentSettings> loadAgentSettings(Db& db, const QString& machineId) {
    QSqlQuery q = db.exec(QStringLiteral("SELECT name, maintenance_mode, unattended_bots, reuse_sessions, "
                                         "session_recommendations FROM machines WHERE id = ?"),
                          {machineId});
    if (!q.next())
        return std::nullopt;
    protocol::AgentSettings s;
    s.name = q.value(0).toString();
    s.maintenanceMode = q.value(1).toBool();
    s.unattendedBots = q.value(2).toInt();
    s.reuseSessions = q.value(3).toBool();
    s.sessionRecommendations = q.value(4).toBool();
    return s;
}

bool finishRun(Db& db, const QString& runId, const QString& status, const QString& errorCode,
               const QString& errorMessage, const QDateTime& now) {
    return db.execAffected(QStringLiteral("UPDATE runs SET status = ?, error_code = ?, error_message = ?, ended_at = ? "
                                          "WHERE id = ? AND status IN "
                                          "('Queued', 'Offered', 'Running', 'Cancelling')"),
                           {status, errorCode.isEmpty() ? nullText() : QVariant(errorCode),
                            errorMessage.isEmpty() ? nullText() : QVariant(errorMessage), isoUtc(now), runId}) == 1;
}

void recountMachines(Db& db) {
    // Called by the timer pass once a second, not by every run change: with runs aimed at a group,
    // every change would rewrite each member's counters and hold those row locks until commit,
    // which serialised all database workers (measured on PostgreSQL: ~30 ms lock waits per run).
    // Counts come from the active runs only (the runs_queue index), grouped once, then only the
    // rows that changed are written, in id order: cheap whatever the queue holds, and two
    // transactions never lock machine rows in opposite orders.
    QHash<QString, int> running;
    QHash<QString, int> queuedForMachine;
    QHash<QString, int> queuedForGroup;
    QSqlQuery r = db.exec(QStringLiteral("SELECT machine_id, COUNT(*) FROM runs WHERE status IN ('Running', "
                                         "'Cancelling') AND machine_id IS NOT NULL GROUP BY machine_id"));
    while (r.next())
        running.insert(r.value(0).toString(), r.value(1).toInt());
    QSqlQuery q = db.exec(QStringLiteral("SELECT target_machine_id, target_group_id, COUNT(*) FROM runs WHERE status "
                                         "IN ('Queued', 'Offered') GROUP BY target_machine_id, target_group_id"));
    while (q.next()) {
        if (!q.value(0).isNull())
            queuedForMachine[q.value(0).toString()] += q.value(2).toInt();
        if (!q.value(1).isNull())
            queuedForGroup[q.value(1).toString()] += q.value(2).toInt();
    }
    QSqlQuery m = db.exec(QStringLiteral("SELECT id, group_id, running_count, queued_count FROM machines ORDER BY id"));
    QList<std::tuple<QString, int, int>> changed;
    while (m.next()) {
        const QString id = m.value(0).toString();
        const int run = running.value(id);
        const int queued =
            queuedForMachine.value(id) + (m.value(1).isNull() ? 0 : queuedForGroup.value(m.value(1).toString()));
        if (run != m.value(2).toInt() || queued != m.value(3).toInt())
            changed.append({id, run, queued});
    }
    for (const auto& [id, run, queued] : std::as_const(changed))
        db.exec(QStringLiteral("UPDATE machines SET running_count = ?, queued_count = ? WHERE id = ?"),
                {run, queued, id});
}

HelloOutcome applyHello(Db& db, const QString& machineId, const protocol::Hello& hello, const QString& instanceId,
                        const QDateTime& now) {
    HelloOutcome out;
    db.transaction([&] {
        const QString forUpdate = db.isPostgres() ? QStringLiteral(" FOR UPDATE") : QString();
        QSqlQuery m =
            db.exec(QStringLiteral("SELECT key_rotation_requested, public_key FROM machines WHERE id = ?") + forUpdate,
                    {machineId});
        if (!m.next())
            return;
        out.machineExists = true;
        out.keyRotationRequested = m.value(0).toBool();
        out.publicKey = QByteArray::fromBase64(m.value(1).toString().toLatin1());
        db.exec(QStringLiteral("UPDATE machines SET online = TRUE, last_seen_at = ?, sessions = ?, version = ?, os = ? "
                               "WHERE id = ?"),
                {isoUtc(now), sessionsJson(hello.sessions), hello.version, hello.os, machineId});
        db.exec(QStringLiteral("DELETE FROM agent_connections WHERE machine_id = ?"), {machineId});
        db.exec(QStringLiteral("INSERT INTO agent_connections (machine_id, instance_id, connected_at, "
                               "protocol_version) VALUES (?, ?, ?, ?)"),
                {machineId, instanceId, isoUtc(now), hello.protocolVersion});

        QSqlQuery r = db.exec(QStringLiteral("SELECT id, status FROM runs WHERE machine_id = ? AND status IN "
                                             "('Running', 'Cancelling') AND result_received = FALSE"),
                              {machineId});
        QStringList lost;
        while (r.next()) {
            // API.md: hello.unfinished lists the runs the agent cannot resume after a restart.
            // The others go on, or their results are sent again from the agent's journal.
            if (hello.unfinished.contains(r.value(0).toString()))
                lost.append(r.value(0).toString());
        }
        for (const QString& id : std::as_const(lost)) {
            if (finishRun(db, id, QStringLiteral("Failed"), QStringLiteral("MachineLost"),
                          QStringLiteral("The machine restarted and could not resume the run."), now))
                out.lostRuns.append(id);
        }
        QSqlQuery o = db.exec(QStringLiteral("SELECT id FROM runs WHERE offer_machine_id = ? AND status = 'Offered'"),
                              {machineId});
        while (o.next())
            out.requeuedRuns.append(o.value(0).toString());
        db.exec(QStringLiteral("UPDATE runs SET status = 'Queued' WHERE offer_machine_id = ? AND "
                               "status = 'Offered'"),
                {machineId});
    });
    if (out.machineExists) {
        if (auto s = loadAgentSettings(db, machineId))
            out.settings = *s;
    }
    return out;
}

void applyHeartbeat(Db& db, const QString& machineId, const std::optional<QList<protocol::MachineSession>>& sessions,
                    const QDateTime& now) {
    if (sessions)
        db.exec(QStringLiteral("UPDATE machines SET last_seen_at = ?, online = TRUE, sessions = ? WHERE id = ?"),
                {isoUtc(now), sessionsJson(*sessions), machineId});
    else
        db.exec(QStringLiteral("UPDATE machines SET last_seen_at = ?, online = TRUE WHERE id = ?"),
                {isoUtc(now), machineId});
}

void markDisconnected(Db& db, const QString& machineId, const QString& instanceId, const QDateTime& now) {
    db.transaction([&] {
        // Only when this instance still holds the machine: a newer connection elsewhere wins.
        const int held =
            db.execAffected(QStringLiteral("DELETE FROM agent_connections WHERE machine_id = ? AND instance_id = ?"),
                            {machineId, instanceId});
        if (held == 1)
            db.exec(QStringLiteral("UPDATE machines SET online = FALSE, last_seen_at = ? WHERE id = ?"),
                    {isoUtc(now), machineId});
    });
}

bool acceptRun(Db& db, const QString& machineId, const QString& runId, const QDateTime& now) {
    bool accepted = false;
    db.transaction([&] {
        accepted = db.execAffected(QStringLiteral("UPDATE runs SET status = 'Running', machine_id = ?, started_at = ? "
                                                  "WHERE id = ? AND status = 'Offered' AND offer_machine_id = ?"),
                                   {machineId, isoUtc(now), runId, machineId}) == 1;
    });
    return accepted;
}

void declineRun(Db& db, const QString& machineId, const QString& runId, const QString& reason) {
    const int n = db.execAffected(QStringLiteral("UPDATE runs SET status = 'Queued' WHERE id = ? AND status = "
                                                 "'Offered' AND offer_machine_id = ?"),
                                  {runId, machineId});
    if (n == 1)
        qCInfo(lcRuns) << "machine" << machineId << "declined run" << runId << "reason:" << reason.left(200);
}

QStringList applyAckedBatch(Db& db, const QString& machineId, const QList<AckedItem>& items, const QDateTime& now) {
    QStringList ended;
    db.transaction([&] {
        const QString insertLog = db.isPostgres()
                                      ? QStringLiteral("INSERT INTO run_log (run_id, seq, at, level, text) VALUES "
                                                       "(?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
                                      : QStringLiteral("INSERT OR IGNORE INTO run_log (run_id, seq, at, level, text) "
                                                       "VALUES (?, ?, ?, ?, ?)");
        for (const AckedItem& item : items) {
            if (item.event) {
                const protocol::RunEvent& e = *item.event;
                // Only the machine that runs it may write its log.
                const QVariant owner = db.scalar(QStringLiteral("SELECT machine_id FROM runs WHERE id = ?"), {e.runId});
                if (owner.toString() != machineId) {
                    qCWarning(lcRuns) << "machine" << machineId << "sent an event of run" << e.runId
                                      << "which it does not run; ignored";
                    continue;
                }
                // Progress is the "current action" of a live run, not a log line: it only moves
                // last_event_seq, so the log (GET /runs/{id}/log) holds what the flow logged.
                if (e.kind == protocol::RunEventKind::Log)
                    db.exec(insertLog, {e.runId, e.eventSeq, isoUtc(e.at.isValid() ? e.at : now), e.level, e.text});
                db.exec(QStringLiteral("UPDATE runs SET last_event_seq = ? WHERE id = ? AND last_event_seq < ?"),
                        {e.eventSeq, e.runId, e.eventSeq});
            } else if (item.result) {
                const protocol::RunResult& r = *item.result;
                const QString status = protocol::enumName(r.status);
                const int n = db.execAffected(
                    QStringLiteral(
                        "UPDATE runs SET status = ?, outputs = ?, error_code = ?, error_message = ?, "
                        "error_line = ?, ended_at = ?, result_received = TRUE WHERE id = ? AND "
                        "machine_id = ? AND status IN ('Running', 'Cancelling') AND result_received = FALSE"),
                    {status, compact(r.outputs), r.errorCode ? QVariant(*r.errorCode) : nullText(),
                     r.errorMessage ? QVariant(*r.errorMessage) : nullText(),
                     r.errorLine ? QVariant(*r.errorLine) : QVariant(QMetaType::fromType<int>()), isoUtc(now), r.runId,
                     machineId});
                if (n == 1) {
                    ended.append(r.runId);
                } else {
                    qCInfo(lcRuns) << "result of run" << r.runId << "from" << machineId << "ignored (already ended)";
                }
            }
        }
    });
    return ended;
}

bool requestKeyRotation(Db& db, const QString& machineId) {
    return db.execAffected(QStringLiteral("UPDATE machines SET key_rotation_requested = TRUE WHERE id = ?"),
                           {machineId}) == 1;
}

bool applyKeyRotated(Db& db, const QString& machineId, const protocol::KeyRotated& rotated, const QDateTime& now) {
    bool ok = false;
    db.transaction([&] {
        QSqlQuery q = db.exec(QStringLiteral("SELECT public_key, key_rotation_requested FROM machines WHERE id = ?"),
                              {machineId});
        if (!q.next() || !q.value(1).toBool())
            return;
        const QByteArray oldKey = QByteArray::fromBase64(q.value(0).toString().toLatin1());
        const QByteArray newKey = QByteArray::fromBase64(rotated.publicKey.toLatin1());
        const QByteArray signature = QByteArray::fromBase64(rotated.signature.toLatin1());
        if (newKey.size() != 32 || !verifyEd25519(oldKey, newKey, signature))
            return;
        db.exec(QStringLiteral("UPDATE machines SET public_key = ?, key_created_at = ?, key_rotation_requested = FALSE "
                               "WHERE id = ?"),
                {QString::fromLatin1(newKey.toBase64()), isoUtc(now), machineId});
        ok = true;
    });
    return ok;
}

} // namespace mr::orch::runs
