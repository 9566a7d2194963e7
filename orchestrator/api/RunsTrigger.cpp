// Starting a run (REQUIREMENTS R21, R24–R26): the checks of API.md's "Trigger checks, in this
// order" and the insert into the queue, shared by the trigger route and the schedules.

#include "orchestrator/api/Connections.h"
#include "orchestrator/api/ControlPlane.h"
#include "orchestrator/api/Flows.h"
#include "orchestrator/api/Runs.h"
#include "protocol/Limits.h"

#include <QJsonDocument>
#include <QSqlQuery>

#include <cmath>

namespace mr::orch {

namespace {

ApiError inputInvalid(const QString& variable, const QString& message) {
    return ApiError(QStringLiteral("InputInvalid"), message, QJsonObject{{QStringLiteral("variable"), variable}});
}

/// The inputs checked against the flow's declaration, with defaults filled in. Messages never
/// quote a value: it may be sensitive (R25).
QJsonObject checkInputs(const QList<protocol::Var>& declared, const QJsonObject& given) {
    for (auto it = given.begin(); it != given.end(); ++it) {
        const bool known =
            std::any_of(declared.begin(), declared.end(), [&](const protocol::Var& v) { return v.name == it.key(); });
        if (!known)
            throw inputInvalid(it.key(), QStringLiteral("The flow has no input named '%1'.").arg(it.key()));
    }
    QJsonObject filled;
    for (const protocol::Var& var : declared) {
        const QJsonValue value = given.value(var.name);
        if (value.isUndefined() || value.isNull()) {
            if (!var.defaultValue.isNull() && !var.defaultValue.isUndefined())
                filled.insert(var.name, var.defaultValue);
            else if (!var.optional)
                throw inputInvalid(var.name, QStringLiteral("The input '%1' is required.").arg(var.name));
            continue;
        }
        if (!protocol::varAccepts(var, value))
            throw inputInvalid(var.name,
                               QStringLiteral("The input '%1' must be of type %2, not %3.")
                                   .arg(var.name, protocol::enumName(var.type), protocol::jsonTypeName(value)));
        filled.insert(var.name, value);
    }
    return filled;
}

const QString kActive = QStringLiteral("'Queued', 'Offered', 'Running', 'Cancelling'");

/// R21: a run of the other mode queued or running on the same machine or group. For a machine
/// the runs of its group count too, and for a group the runs of its machines.
void checkModeConflict(Db& db, const ConnectionRow& c, protocol::RunMode mode) {
    const QString other = protocol::enumName(mode == protocol::RunMode::Attended ? protocol::RunMode::Unattended
                                                                                 : protocol::RunMode::Attended);
    QSqlQuery q;
    if (!c.targetMachineId.isEmpty()) {
        q = db.exec(QStringLiteral("SELECT id FROM runs WHERE status IN (") + kActive +
                        QStringLiteral(") AND run_mode = ? AND (target_machine_id = ? OR machine_id = ? OR "
                                       "offer_machine_id = ? OR target_group_id = (SELECT group_id FROM machines "
                                       "WHERE id = ?))"),
                    {other, c.targetMachineId, c.targetMachineId, c.targetMachineId, c.targetMachineId});
    } else {
        const QString members = QStringLiteral("(SELECT id FROM machines WHERE group_id = ?)");
        q = db.exec(QStringLiteral("SELECT id FROM runs WHERE status IN (") + kActive +
                        QStringLiteral(") AND run_mode = ? AND (target_group_id = ? OR target_machine_id IN ") +
                        members + QStringLiteral(" OR machine_id IN ") + members +
                        QStringLiteral(" OR offer_machine_id IN ") + members + QLatin1Char(')'),
                    {other, c.targetGroupId, c.targetGroupId, c.targetGroupId, c.targetGroupId});
    }
    if (q.next())
        throw ApiError(
            QStringLiteral("ModeConflict"),
            QStringLiteral("An %1 run is queued or running on this %2 right now; attended and unattended "
                           "runs do not mix on one machine or group. Try again when it has ended.")
                .arg(other, c.targetMachineId.isEmpty() ? QStringLiteral("machine group") : QStringLiteral("machine")),
            QJsonObject{{QStringLiteral("runId"), q.value(0).toString()}});
}

/// R26: at most 70 accepted per connection in any sliding 60 s. The connection row is locked, so
/// concurrent triggers of one connection count one after the other.
void checkRate(Db& db, const QString& connectionId, const QDateTime& now) {
    const QDateTime cutoff = now.addSecs(-protocol::kRateWindowSeconds);
    db.exec(QStringLiteral("DELETE FROM run_triggers WHERE connection_id = ? AND at <= ?"),
            {connectionId, isoUtc(cutoff)});
    QSqlQuery q =
        db.exec(QStringLiteral("SELECT COUNT(*), MIN(at) FROM run_triggers WHERE connection_id = ?"), {connectionId});
    q.next();
    const int count = q.value(0).toInt();
    if (count < protocol::kMaxRunsPerMinutePerConnection)
        return;
    const auto oldest = protocol::fromIsoUtc(q.value(1).toString());
    const qint64 waitMs = oldest ? now.msecsTo(oldest->addSecs(protocol::kRateWindowSeconds)) : 1000;
    const qint64 retryAfter = std::max<qint64>(1, qint64(std::ceil(double(waitMs) / 1000.0)));
    ApiError e(QStringLiteral("RateLimited"),
               QStringLiteral("This connection started %1 runs within the last minute, the most it may. Try again in "
                              "%2 seconds.")
                   .arg(count)
                   .arg(retryAfter),
               QJsonObject{{QStringLiteral("retryAfterSeconds"), retryAfter}});
    e.headers.append({"Retry-After", QByteArray::number(retryAfter)});
    throw e;
}

} // namespace

TriggerRequest parseTriggerBody(const QJsonObject& body, const QString& environmentId, const QStringList& allowed) {
    rejectUnknownFields(body, allowed);
    TriggerRequest r;
    r.environmentId = environmentId;
    r.flowId = requireString(body, QStringLiteral("flowId"), 64);
    r.connectionId = requireString(body, QStringLiteral("connectionId"), 64);
    const QString mode = requireString(body, QStringLiteral("runMode"), 32);
    const auto runMode = protocol::parseEnum<protocol::RunMode>(mode);
    if (!runMode)
        throw ApiError::badRequest(QStringLiteral("runMode"),
                                   QStringLiteral("The field 'runMode' is 'attended' or 'unattended'."));
    r.runMode = *runMode;
    if (allowed.contains(QStringLiteral("priority"))) {
        const QString priority = optionalString(body, QStringLiteral("priority"), QStringLiteral("normal"), 32);
        const auto p = protocol::parseEnum<protocol::RunPriority>(priority);
        if (!p)
            throw ApiError::badRequest(QStringLiteral("priority"),
                                       QStringLiteral("The field 'priority' is 'normal' or 'high'."));
        r.priority = *p;
    }
    const QJsonValue inputs = body.value(QStringLiteral("inputs"));
    if (!inputs.isUndefined() && !inputs.isNull() && !inputs.isObject())
        throw ApiError::badRequest(QStringLiteral("inputs"), QStringLiteral("The field 'inputs' must be an object."));
    r.inputs = inputs.toObject();
    // R26: the inputs as sent, re-encoded compactly, at most 2 MB.
    const qsizetype size = QJsonDocument(r.inputs).toJson(QJsonDocument::Compact).size();
    if (size > protocol::kMaxInputBytes)
        throw ApiError(QStringLiteral("InputTooLarge"),
                       QStringLiteral("The inputs take %1 bytes; at most %2 bytes are allowed.")
                           .arg(size)
                           .arg(protocol::kMaxInputBytes));
    return r;
}

QString createRun(Db& db, const Principal& caller, const TriggerRequest& request, const QDateTime& now,
                  const QString& triggeredBy, const QString& scheduleId, TriggerChecks checks,
                  QJsonObject* filledInputs) {
    QString runId;
    db.transaction([&] {
        // Rights. Only its owner sees or uses a connection (R17): anyone else's reads as absent.
        const std::optional<ConnectionRow> c = findConnection(db, request.connectionId, true);
        if (!c || c->ownerId != caller.userId || c->environmentId != request.environmentId)
            throw ApiError::notFound(QStringLiteral("The connection"));
        const std::optional<FlowRow> flow = findFlow(db, request.flowId);
        if (!flow || flow->environmentId != request.environmentId)
            throw ApiError::notFound(QStringLiteral("The flow"));
        // The owner must still hold the run right on the target (access can be revoked after the
        // connection was made, or the owner may have left the environment).
        if (!c->targetMachineId.isEmpty()) {
            const std::optional<MachineRow> m = findMachine(db, c->targetMachineId, caller.userId);
            if (!m)
                throw ApiError::notFound(QStringLiteral("The machine"));
            require(resourceSubject(db, caller, m->environmentId, m->access), Action::RunOnMachine, m->name);
        } else {
            const std::optional<GroupRow> g = findGroup(db, c->targetGroupId, caller.userId);
            if (!g)
                throw ApiError::notFound(QStringLiteral("The machine group"));
            require(resourceSubject(db, caller, g->environmentId, g->access), Action::RunOnGroup, g->name);
        }
        // R16.
        if (c->isSignIn() && request.runMode == protocol::RunMode::Unattended)
            throw ApiError(QStringLiteral("SignInConnectionUnattended"),
                           QStringLiteral("The connection '%1' signs in as you in your own session, so it runs "
                                          "attended flows only. Use a connection with a username and password for "
                                          "unattended runs.")
                               .arg(c->name));
        const QJsonObject inputs = checkInputs(flow->inputs, request.inputs);
        if (filledInputs)
            *filledInputs = inputs;
        if (checks.modeConflict)
            checkModeConflict(db, *c, request.runMode);
        if (checks.rate)
            checkRate(db, c->id, now);
        if (!checks.insert)
            return;

        const QVariant nullText(QMetaType::fromType<QString>());
        runId = newId();
        const int timeout = c->isSignIn() ? protocol::kSignInQueueTimeoutSeconds : protocol::kQueueTimeoutSeconds;
        db.exec(QStringLiteral("INSERT INTO runs (id, environment_id, flow_id, flow_version, connection_id, "
                               "connection_owner_id, connection_kind, target_machine_id, target_group_id, run_mode, "
                               "priority, status, inputs, queued_at, timeout_at, triggered_by, schedule_id) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'Queued', ?, ?, ?, ?, ?)"),
                {runId, request.environmentId, flow->id, flow->version, c->id, c->ownerId, c->kind,
                 c->targetMachineId.isEmpty() ? nullText : QVariant(c->targetMachineId),
                 c->targetGroupId.isEmpty() ? nullText : QVariant(c->targetGroupId),
                 protocol::enumName(request.runMode), request.priority == protocol::RunPriority::High ? 1 : 0,
                 QString::fromUtf8(QJsonDocument(inputs).toJson(QJsonDocument::Compact)), isoUtc(now),
                 isoUtc(now.addSecs(timeout)), triggeredBy, scheduleId.isEmpty() ? nullText : QVariant(scheduleId)});
        if (checks.rate)
            db.exec(QStringLiteral("INSERT INTO run_triggers (connection_id, at) VALUES (?, ?)"), {c->id, isoUtc(now)});
    });
    return runId;
}

} // namespace mr::orch
