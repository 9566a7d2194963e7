#include "orchestrator/runs/Scheduler.h"

#include "orchestrator/Clock.h"
#include "orchestrator/api/Connections.h"
#include "orchestrator/http/Http.h"
#include "orchestrator/runs/RunState.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>

#include <algorithm>

Q_DECLARE_LOGGING_CATEGORY(lcRuns)

Q_LOGGING_CATEGORY(lcScheduler, "mr.orchestrator.scheduler")

namespace mr::orch::runs {

namespace {

using protocol::MachineSession;
using protocol::SessionState;

struct MachineState {
    QString id, environmentId, groupId;
    int unattendedBots = 1;
    bool reuseSessions = false;
    bool sessionRecommendations = true;
    bool available = false; ///< online, not in maintenance, no key rotation pending
    QList<MachineSession> sessions;
    int attendedBusy = 0;   ///< attended runs Offered/Running/Cancelling here
    int unattendedBusy = 0; ///< the same for unattended runs
    QString lastOfferedAt;
    int load() const { return attendedBusy + unattendedBusy; }
};

struct Candidate {
    QString id, environmentId, flowId, connectionId, ownerId, ownerName, connectionKind, targetMachineId, targetGroupId,
        runMode, inputs, queuedAt;
};

/// Why a machine cannot take a run right now.
enum class Verdict { Eligible, Waits, OwnSessionBlocks };

QString placeholders(qsizetype n) {
    QStringList marks(n, QStringLiteral("?"));
    return marks.join(QStringLiteral(", "));
}

QVariantList toVariants(const QStringList& values) {
    QVariantList list;
    for (const QString& v : values)
        list.append(v);
    return list;
}

/// R19: an unlocked session where the desktop app is signed in as the connection's owner (or, for
/// the head-less agent's static session table, whose OS user carries the owner's username).
Verdict attendedVerdict(const MachineState& m, const QString& ownerName) {
    if (m.attendedBusy > 0)
        return Verdict::Waits; // one desktop: one attended run at a time
    for (const MachineSession& s : m.sessions) {
        if (s.state == SessionState::Active && (s.account.value_or(QString()) == ownerName || s.user == ownerName))
            return Verdict::Eligible;
    }
    return Verdict::Waits;
}

/// R13, R20, R22.
Verdict unattendedVerdict(const MachineState& m, const QString& connectionUser) {
    if (m.unattendedBusy >= m.unattendedBots)
        return Verdict::Waits;
    bool ownBlocked = false;
    for (const MachineSession& s : m.sessions) {
        if (s.user == connectionUser) {
            if (s.state != SessionState::Active)
                ownBlocked = true;
            else if (!m.reuseSessions)
                return Verdict::Waits;
        } else if (s.state == SessionState::Active) {
            return Verdict::Waits; // another user's active session: the desktop OS rule
        }
    }
    return ownBlocked ? Verdict::OwnSessionBlocks : Verdict::Eligible;
}

QList<protocol::Var> parseVars(const QString& json) {
    QList<protocol::Var> vars;
    for (const QJsonValue& v : QJsonDocument::fromJson(json.toUtf8()).array()) {
        auto decoded = protocol::Var::fromJson(v.toObject());
        if (decoded)
            vars.append(decoded.take());
    }
    return vars;
}

/// Creates or extends the DesktopFlowsNotRunning recommendation of @p run's owner on @p m (R23).
void recommend(Db& db, const Candidate& run, const MachineState& m, const QString& user, const QDateTime& now) {
    QSqlQuery q = db.exec(QStringLiteral("SELECT id, run_ids, users FROM recommendations WHERE machine_id = ? AND "
                                         "owner_id = ? AND kind = 'DesktopFlowsNotRunning' AND resolved = FALSE"),
                          {m.id, run.ownerId});
    if (q.next()) {
        QJsonArray runIds = QJsonDocument::fromJson(q.value(1).toString().toUtf8()).array();
        QJsonArray users = QJsonDocument::fromJson(q.value(2).toString().toUtf8()).array();
        if (runIds.contains(run.id) && users.contains(user))
            return;
        if (!runIds.contains(run.id))
            runIds.append(run.id);
        if (!users.contains(user))
            users.append(user);
        db.exec(QStringLiteral("UPDATE recommendations SET run_ids = ?, users = ? WHERE id = ?"),
                {QString::fromUtf8(QJsonDocument(runIds).toJson(QJsonDocument::Compact)),
                 QString::fromUtf8(QJsonDocument(users).toJson(QJsonDocument::Compact)), q.value(0).toString()});
        return;
    }
    db.exec(QStringLiteral("INSERT INTO recommendations (id, environment_id, kind, machine_id, owner_id, run_ids, "
                           "users, created_at, expires_at, resolved) VALUES (?, ?, 'DesktopFlowsNotRunning', ?, ?, ?, "
                           "?, ?, ?, FALSE)"),
            {newId(), run.environmentId, m.id, run.ownerId,
             QString::fromUtf8(QJsonDocument(QJsonArray{run.id}).toJson(QJsonDocument::Compact)),
             QString::fromUtf8(QJsonDocument(QJsonArray{user}).toJson(QJsonDocument::Compact)), isoUtc(now),
             isoUtc(now.addSecs(protocol::kRecommendationWindowSeconds))});
    qCInfo(lcScheduler) << "run" << run.id << "waits for a session of" << user << "on" << m.id << "(recommendation)";
}

QList<MachineState> loadMachines(Db& db, const QSet<QString>& ids) {
    const QStringList list(ids.begin(), ids.end());
    const QString in = QStringLiteral(" IN (") + placeholders(list.size()) + QStringLiteral(")");
    QList<MachineState> machines;
    QSqlQuery q = db.exec(QStringLiteral("SELECT id, environment_id, group_id, unattended_bots, reuse_sessions, "
                                         "session_recommendations, sessions, online, maintenance_mode, "
                                         "key_rotation_requested FROM machines WHERE id") +
                              in,
                          toVariants(list));
    while (q.next()) {
        MachineState m;
        m.id = q.value(0).toString();
        m.environmentId = q.value(1).toString();
        m.groupId = q.value(2).toString();
        m.unattendedBots = q.value(3).toInt();
        m.reuseSessions = q.value(4).toBool();
        m.sessionRecommendations = q.value(5).toBool();
        m.sessions = parseSessions(q.value(6).toString());
        m.available = q.value(7).toBool() && !q.value(8).toBool() && !q.value(9).toBool();
        machines.append(m);
    }
    auto find = [&](const QString& id) -> MachineState* {
        for (MachineState& m : machines) {
            if (m.id == id)
                return &m;
        }
        return nullptr;
    };
    QSqlQuery busy = db.exec(
        QStringLiteral("SELECT CASE WHEN status = 'Offered' THEN offer_machine_id ELSE machine_id END, run_mode, "
                       "COUNT(*) FROM runs WHERE (status IN ('Running', 'Cancelling') AND machine_id") +
            in + QStringLiteral(") OR (status = 'Offered' AND offer_machine_id") + in +
            QStringLiteral(") GROUP BY 1, 2"),
        toVariants(list) + toVariants(list));
    while (busy.next()) {
        if (MachineState* m = find(busy.value(0).toString()))
            (busy.value(1).toString() == QLatin1String("attended") ? m->attendedBusy : m->unattendedBusy) +=
                busy.value(2).toInt();
    }
    QSqlQuery last = db.exec(QStringLiteral("SELECT offer_machine_id, MAX(offered_at) FROM runs WHERE "
                                            "offer_machine_id") +
                                 in + QStringLiteral(" GROUP BY offer_machine_id"),
                             toVariants(list));
    while (last.next()) {
        if (MachineState* m = find(last.value(0).toString()))
            m->lastOfferedAt = last.value(1).toString();
    }
    return machines;
}

QList<Candidate> loadCandidates(Db& db, const QDateTime& now, const QList<MachineState>& machines) {
    QStringList machineIds, groupIds;
    for (const MachineState& m : machines) {
        machineIds.append(m.id);
        if (!m.groupId.isEmpty() && !groupIds.contains(m.groupId))
            groupIds.append(m.groupId);
    }
    QString where = QStringLiteral("r.target_machine_id IN (") + placeholders(machineIds.size()) + QLatin1Char(')');
    QVariantList binds{isoUtc(now)};
    binds += toVariants(machineIds);
    if (!groupIds.isEmpty()) {
        where += QStringLiteral(" OR r.target_group_id IN (") + placeholders(groupIds.size()) + QLatin1Char(')');
        binds += toVariants(groupIds);
    }
    QSqlQuery q = db.exec(
        QStringLiteral("SELECT r.id, r.environment_id, r.flow_id, r.connection_id, r.connection_owner_id, "
                       "u.username, r.connection_kind, r.target_machine_id, r.target_group_id, r.run_mode, r.inputs, "
                       "r.queued_at FROM runs r LEFT JOIN users u ON u.id = r.connection_owner_id WHERE "
                       "r.status = 'Queued' AND r.timeout_at > ? AND (") +
            where + QStringLiteral(") ORDER BY r.priority DESC, r.queued_at ASC, r.id LIMIT 500") +
            (db.isPostgres() ? QStringLiteral(" FOR UPDATE OF r SKIP LOCKED") : QString()),
        binds);
    QList<Candidate> list;
    while (q.next()) {
        Candidate c;
        c.id = q.value(0).toString();
        c.environmentId = q.value(1).toString();
        c.flowId = q.value(2).toString();
        c.connectionId = q.value(3).toString();
        c.ownerId = q.value(4).toString();
        c.ownerName = q.value(5).toString();
        c.connectionKind = q.value(6).toString();
        c.targetMachineId = q.value(7).toString();
        c.targetGroupId = q.value(8).toString();
        c.runMode = q.value(9).toString();
        c.inputs = q.value(10).toString();
        c.queuedAt = q.value(11).toString();
        list.append(c);
    }
    return list;
}

std::optional<protocol::OfferedFlow> loadFlow(Db& db, const QString& flowId) {
    QSqlQuery q =
        db.exec(QStringLiteral("SELECT id, version, script, inputs, outputs FROM flows WHERE id = ?"), {flowId});
    if (!q.next())
        return std::nullopt;
    protocol::OfferedFlow f;
    f.id = q.value(0).toString();
    f.version = q.value(1).toInt();
    f.script = q.value(2).toString();
    f.inputs = parseVars(q.value(3).toString());
    f.outputs = parseVars(q.value(4).toString());
    return f;
}

} // namespace

QList<Offer> dispatchPass(Db& db, const QDateTime& now, const QSet<QString>& connectedHere,
                          const PasswordOpener& openPassword) {
    QList<Offer> offers;
    if (connectedHere.isEmpty())
        return offers;
    db.transaction([&] {
        offers.clear();
        QList<MachineState> machines = loadMachines(db, connectedHere);
        if (machines.isEmpty())
            return;
        const QList<Candidate> candidates = loadCandidates(db, now, machines);
        bool changed = false;
        for (const Candidate& run : candidates) {
            QSqlQuery c = db.exec(QStringLiteral("SELECT username, sealed_password FROM connections WHERE id = ?"),
                                  {run.connectionId});
            const bool haveConnection = c.next();
            const QString connectionUser = haveConnection ? c.value(0).toString() : QString();
            const QString sealed = haveConnection ? c.value(1).toString() : QString();
            const bool attended = run.runMode == QLatin1String("attended");
            const bool signIn = run.connectionKind == QLatin1String("signIn");
            if (!haveConnection) {
                changed |= finishRun(db, run.id, QStringLiteral("Failed"), QStringLiteral("CredentialsIncorrect"),
                                     QStringLiteral("The connection of this run was deleted."), now);
                continue;
            }
            if (!attended && signIn) {
                changed |= finishRun(db, run.id, QStringLiteral("Failed"), QStringLiteral("SignInConnectionUnattended"),
                                     QStringLiteral("Sign-in connections run attended only."), now);
                continue;
            }
            // A password that does not open (another data key, a damaged row) fails the run with
            // the reason, rather than sending the machine an empty password.
            std::optional<QString> password;
            if (!signIn && !sealed.isEmpty() && openPassword) {
                password = openPassword(sealed);
                if (!password) {
                    qCWarning(lcRuns) << "run" << run.id << "fails: the password of connection" << run.connectionId
                                      << "does not open with the data key";
                    changed |= finishRun(db, run.id, QStringLiteral("Failed"), QStringLiteral("CredentialsIncorrect"),
                                         unreadablePasswordMessage(), now);
                    continue;
                }
            }
            QList<MachineState*> eligible;
            MachineState* ownBlocked = nullptr;
            for (MachineState& m : machines) {
                const bool inTarget = run.targetMachineId.isEmpty()
                                          ? (!m.groupId.isEmpty() && m.groupId == run.targetGroupId)
                                          : m.id == run.targetMachineId;
                if (!inTarget || !m.available || m.environmentId != run.environmentId)
                    continue;
                const Verdict v = attended ? attendedVerdict(m, run.ownerName) : unattendedVerdict(m, connectionUser);
                if (v == Verdict::Eligible)
                    eligible.append(&m);
                else if (v == Verdict::OwnSessionBlocks && !ownBlocked)
                    ownBlocked = &m;
            }
            if (eligible.isEmpty()) {
                if (ownBlocked && ownBlocked->sessionRecommendations) {
                    recommend(db, run, *ownBlocked, connectionUser, now);
                } else if (ownBlocked) {
                    changed |= finishRun(
                        db, run.id, QStringLiteral("Failed"), QStringLiteral("SessionExistsForTheUserWhenUnattended"),
                        QStringLiteral("The user %1 has a locked or disconnected session on the machine; an "
                                       "unattended run cannot open another one.")
                            .arg(connectionUser),
                        now);
                }
                continue;
            }
            MachineState* pick = *std::min_element(eligible.begin(), eligible.end(), [](auto* a, auto* b) {
                if (a->load() != b->load())
                    return a->load() < b->load();
                if (a->lastOfferedAt != b->lastOfferedAt)
                    return a->lastOfferedAt < b->lastOfferedAt; // never offered ("") comes first
                return a->id < b->id;
            });
            const std::optional<protocol::OfferedFlow> flow = loadFlow(db, run.flowId);
            if (!flow)
                continue;
            if (db.execAffected(
                    QStringLiteral("UPDATE runs SET status = 'Offered', offer_machine_id = ?, offered_at = ? "
                                   "WHERE id = ? AND status = 'Queued'"),
                    {pick->id, isoUtc(now), run.id}) != 1)
                continue;
            changed = true;
            (attended ? pick->attendedBusy : pick->unattendedBusy) += 1;
            pick->lastOfferedAt = isoUtc(now);

            Offer o;
            o.machineId = pick->id;
            o.queuedAt = protocol::fromIsoUtc(run.queuedAt).value_or(now);
            o.offer.runId = run.id;
            o.offer.flow = *flow;
            o.offer.inputs = QJsonDocument::fromJson(run.inputs.toUtf8()).object();
            o.offer.runMode = attended ? protocol::RunMode::Attended : protocol::RunMode::Unattended;
            o.offer.connection.id = run.connectionId;
            o.offer.connection.kind = signIn ? protocol::ConnectionKind::SignIn : protocol::ConnectionKind::Password;
            if (!signIn) {
                o.offer.connection.username = connectionUser;
                // Opened from the data key here; the hub seals it to the machine's key as it sends
                // the offer (AgentHub::putPassword), for agents that declared sealedSecrets.
                o.offer.connection.password = password;
            }
            offers.append(o);
        }
    });
    return offers;
}

TimerOutcome timerPass(Db& db, const QDateTime& now, const ServerConfig& config) {
    TimerOutcome out;
    db.transaction([&] {
        out = {};
        const QString nowText = isoUtc(now);
        out.changes += db.execAffected(
            // offer_machine_id and offered_at stay: the round robin sees this machine had its turn.
            QStringLiteral("UPDATE runs SET status = 'Queued' WHERE status = 'Offered' AND offered_at <= ?"),
            {isoUtc(now.addSecs(-protocol::kOfferTimeoutSeconds))});

        QSqlQuery late = db.exec(QStringLiteral("SELECT id, queued_at, timeout_at FROM runs WHERE status IN "
                                                "('Queued', 'Offered') AND timeout_at <= ?"),
                                 {nowText});
        QList<QPair<QString, qint64>> timedOut;
        while (late.next()) {
            const auto queued = protocol::fromIsoUtc(late.value(1).toString());
            const auto limit = protocol::fromIsoUtc(late.value(2).toString());
            timedOut.append({late.value(0).toString(), queued && limit ? queued->secsTo(*limit) : 0});
        }
        for (const auto& [id, seconds] : std::as_const(timedOut)) {
            const QString limit = seconds == 3600 ? QStringLiteral("1 hour")
                                  : seconds > 3600 && seconds % 3600 == 0
                                      ? QStringLiteral("%1 hours").arg(seconds / 3600)
                                      : QStringLiteral("%1 minutes").arg(seconds / 60);
            out.changes += finishRun(db, id, QStringLiteral("Failed"), QStringLiteral("QueueTimeout"),
                                     QStringLiteral("The run waited in the queue for %1 without a machine to run it "
                                                    "and timed out.")
                                         .arg(limit),
                                     now);
        }

        QSqlQuery recs =
            db.exec(QStringLiteral("SELECT id, run_ids, expires_at FROM recommendations WHERE resolved = FALSE"));
        QList<QPair<QString, QStringList>> expired, settled;
        while (recs.next()) {
            QStringList ids;
            for (const QJsonValue& v : QJsonDocument::fromJson(recs.value(1).toString().toUtf8()).array())
                ids.append(v.toString());
            (recs.value(2).toString() <= nowText ? expired : settled).append({recs.value(0).toString(), ids});
        }
        for (const auto& [recId, ids] : std::as_const(expired)) {
            for (const QString& id : ids)
                out.changes += finishRun(
                    db, id, QStringLiteral("Failed"), QStringLiteral("SessionExistsForTheUserWhenUnattended"),
                    QStringLiteral("The connection's user kept a locked or disconnected session on the machine for "
                                   "10 minutes; an unattended run cannot open another one."),
                    now);
            db.exec(QStringLiteral("UPDATE recommendations SET resolved = TRUE WHERE id = ?"), {recId});
        }
        for (const auto& [recId, ids] : std::as_const(settled)) {
            // Resolved once none of its runs waits any more (they started, ended or were cancelled).
            if (ids.isEmpty())
                continue;
            const int waiting = db.scalar(QStringLiteral("SELECT COUNT(*) FROM runs WHERE status IN ('Queued', "
                                                         "'Offered') AND id IN (") +
                                              placeholders(ids.size()) + QLatin1Char(')'),
                                          toVariants(ids))
                                    .toInt();
            if (waiting == 0)
                db.exec(QStringLiteral("UPDATE recommendations SET resolved = TRUE WHERE id = ?"), {recId});
        }

        // Silence counts from this server's start at the earliest (ServerConfig::startedAt).
        const auto due = [&](int seconds) {
            return !config.startedAt.isValid() || config.startedAt <= now.addSecs(-seconds);
        };
        if (due(config.offlineAfterSeconds)) {
            QSqlQuery silent = db.exec(QStringLiteral("SELECT id FROM machines WHERE online = TRUE AND (last_seen_at "
                                                      "IS NULL OR last_seen_at <= ?)"),
                                       {isoUtc(now.addSecs(-config.offlineAfterSeconds))});
            while (silent.next())
                out.offlineMachines.append(silent.value(0).toString());
        }
        for (const QString& id : std::as_const(out.offlineMachines))
            db.exec(QStringLiteral("UPDATE machines SET online = FALSE WHERE id = ?"), {id});

        QSqlQuery lost =
            db.exec(QStringLiteral("SELECT r.id, r.status, m.id FROM runs r LEFT JOIN machines m ON m.id = "
                                   "r.machine_id WHERE r.status IN ('Running', 'Cancelling') AND "
                                   "(m.id IS NULL OR (m.online = FALSE AND (m.last_seen_at IS NULL OR "
                                   "m.last_seen_at <= ?)))"),
                    {isoUtc(now.addSecs(-config.lostGraceSeconds))});
        QList<QPair<QString, QString>> lostRuns;
        while (lost.next()) {
            // A deleted machine is lost at once; a silent one only after the grace since this
            // server started, too.
            if (lost.value(2).isNull() == false && !due(config.lostGraceSeconds))
                continue;
            lostRuns.append({lost.value(0).toString(), lost.value(1).toString()});
        }
        for (const auto& [id, status] : std::as_const(lostRuns)) {
            if (status == kCancelling)
                out.changes += finishRun(db, id, QStringLiteral("Cancelled"), QStringLiteral("Cancelled"),
                                         QStringLiteral("The run was cancelled; its machine did not come back."), now);
            else
                out.changes += finishRun(db, id, QStringLiteral("Failed"), QStringLiteral("MachineLost"),
                                         QStringLiteral("The machine went offline and did not come back within %1 "
                                                        "seconds to report the run.")
                                             .arg(config.lostGraceSeconds),
                                         now);
        }
        recountMachines(db);
    });
    return out;
}

} // namespace mr::orch::runs
