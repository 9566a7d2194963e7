// Runs (REQUIREMENTS R24–R27): trigger, read, log, cancel, list. The trigger's checks live in
// RunsTrigger.cpp; the run engine (hub/, runs/) takes the queue from there.

#include "orchestrator/api/Runs.h"

#include "orchestrator/Metrics.h"
#include "orchestrator/RunEngine.h"
#include "orchestrator/Services.h"
#include "orchestrator/api/Connections.h"
#include "orchestrator/api/ControlPlane.h"
#include "orchestrator/api/Flows.h"
#include "orchestrator/api/Recommendations.h"
#include "orchestrator/api/Schedules.h"
#include "protocol/Masking.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>

namespace mr::orch {

namespace {

const QString kRunColumns = QStringLiteral(
    "r.id, r.environment_id, r.flow_id, r.flow_version, r.connection_id, r.machine_id, r.run_mode, r.priority, "
    "r.status, r.error_code, r.error_message, r.error_line, r.inputs, r.outputs, r.queued_at, r.started_at, "
    "r.ended_at, r.triggered_by, f.inputs, f.outputs, r.connection_owner_id, r.target_machine_id, "
    "r.target_group_id, r.offer_machine_id");
const QString kRunFrom = QStringLiteral(" FROM runs r JOIN flows f ON f.id = r.flow_id");

/// What the routes need of a run besides its JSON.
struct RunRecord {
    QJsonObject json;
    QString id, environmentId, status, connectionOwnerId, machineId, targetMachineId, targetGroupId, offerMachineId;
};

QJsonValue textOrNull(const QVariant& v) {
    return v.isNull() || v.toString().isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(v.toString());
}

RunRecord runFrom(const QSqlQuery& q) {
    RunRecord r;
    r.id = q.value(0).toString();
    r.environmentId = q.value(1).toString();
    r.status = q.value(8).toString();
    r.connectionOwnerId = q.value(20).toString();
    r.machineId = q.value(5).toString();
    r.targetMachineId = q.value(21).toString();
    r.targetGroupId = q.value(22).toString();
    r.offerMachineId = q.value(23).toString();
    const QList<protocol::Var> declaredInputs = varsFromColumn(q.value(18).toString());
    const QList<protocol::Var> declaredOutputs = varsFromColumn(q.value(19).toString());
    const QJsonObject inputs = QJsonDocument::fromJson(q.value(12).toString().toUtf8()).object();
    const QJsonValue outputs =
        q.value(13).isNull() ? QJsonValue(QJsonValue::Null)
                             : QJsonValue(protocol::maskSensitive(
                                   QJsonDocument::fromJson(q.value(13).toString().toUtf8()).object(), declaredOutputs));
    r.json = QJsonObject{
        {QStringLiteral("id"), r.id},
        {QStringLiteral("environmentId"), r.environmentId},
        {QStringLiteral("flowId"), q.value(2).toString()},
        {QStringLiteral("flowVersion"), q.value(3).toInt()},
        {QStringLiteral("connectionId"), textOrNull(q.value(4))},
        {QStringLiteral("machineId"), textOrNull(q.value(5))},
        {QStringLiteral("runMode"), q.value(6).toString()},
        {QStringLiteral("priority"), q.value(7).toInt() > 0 ? QStringLiteral("high") : QStringLiteral("normal")},
        // Offered is internal (ARCHITECTURE.md): the API shows it as Queued.
        {QStringLiteral("status"), r.status == QLatin1String("Offered") ? QStringLiteral("Queued") : r.status},
        {QStringLiteral("errorCode"), textOrNull(q.value(9))},
        {QStringLiteral("errorMessage"), textOrNull(q.value(10))},
        {QStringLiteral("errorLine"),
         q.value(11).isNull() ? QJsonValue(QJsonValue::Null) : QJsonValue(q.value(11).toInt())},
        {QStringLiteral("inputs"), protocol::maskSensitive(inputs, declaredInputs)},
        {QStringLiteral("outputs"), outputs},
        {QStringLiteral("queuedAt"), q.value(14).toString()},
        {QStringLiteral("startedAt"), textOrNull(q.value(15))},
        {QStringLiteral("endedAt"), textOrNull(q.value(16))},
        {QStringLiteral("triggeredBy"), q.value(17).toString()},
    };
    return r;
}

std::optional<RunRecord> findRun(Db& db, const QString& id, bool forUpdate = false) {
    const QString lock = forUpdate && db.isPostgres() ? QStringLiteral(" FOR UPDATE OF r") : QString();
    QSqlQuery q =
        db.exec(QStringLiteral("SELECT ") + kRunColumns + kRunFrom + QStringLiteral(" WHERE r.id = ?") + lock, {id});
    if (!q.next())
        return std::nullopt;
    return runFrom(q);
}

/// The run when the caller may see it: its connection's owner, a co-owner (or owner) of the
/// machine or group it targets or runs on, an environment admin. Anyone else: 404.
RunRecord visibleRun(Context& ctx, const QString& id, bool forUpdate = false) {
    const Principal& user = ctx.user();
    const std::optional<RunRecord> run = findRun(ctx.db, id, forUpdate);
    if (!run)
        throw ApiError::notFound(QStringLiteral("The run"));
    if (run->connectionOwnerId == user.userId)
        return *run;
    ResourceAccess access = ResourceAccess::None;
    for (const QString& machineId : {run->machineId, run->targetMachineId}) {
        if (machineId.isEmpty())
            continue;
        if (const auto m = findMachine(ctx.db, machineId, user.userId))
            access = std::max(access, m->access);
    }
    if (!run->targetGroupId.isEmpty()) {
        if (const auto g = findGroup(ctx.db, run->targetGroupId, user.userId))
            access = std::max(access, g->access);
    }
    if (!decide(resourceSubject(ctx.db, user, run->environmentId, access), Action::ViewOthersRuns).allowed)
        throw ApiError::notFound(QStringLiteral("The run"));
    return *run;
}

const QStringList kTriggerFields{QStringLiteral("flowId"), QStringLiteral("connectionId"), QStringLiteral("runMode"),
                                 QStringLiteral("priority"), QStringLiteral("inputs")};

HttpResponse postRun(Context& ctx) {
    const Principal& user = ctx.user();
    const EnvironmentRow env = loadEnvironment(ctx.db, ctx.request.param(QStringLiteral("env")));
    const QJsonObject body = requireJsonObject(ctx.request);
    const TriggerRequest request = parseTriggerBody(body, env.id, kTriggerFields);
    const QString runId = createRun(ctx.db, user, request, ctx.now(), user.username);
    if (ctx.services.engine)
        ctx.services.engine->wake();
    return HttpResponse::json(202, loadRunJson(ctx.db, runId));
}

HttpResponse getRun(Context& ctx) {
    return HttpResponse::json(200, visibleRun(ctx, ctx.request.param(QStringLiteral("id"))).json);
}

int queryInt(Context& ctx, const QString& name, int fallback, int min, int max) {
    const QString text = ctx.request.queryValue(name);
    if (text.isEmpty())
        return fallback;
    bool ok = false;
    const int value = text.toInt(&ok);
    if (!ok || value < min || value > max)
        throw ApiError::badRequest(
            name, QStringLiteral("'%1' must be a whole number from %2 to %3.").arg(name).arg(min).arg(max));
    return value;
}

HttpResponse getRunLog(Context& ctx) {
    const RunRecord run = visibleRun(ctx, ctx.request.param(QStringLiteral("id")));
    const int after = queryInt(ctx, QStringLiteral("after"), 0, 0, std::numeric_limits<int>::max());
    const int limit = queryInt(ctx, QStringLiteral("limit"), 100, 1, 1000);
    QSqlQuery q = ctx.db.exec(QStringLiteral("SELECT seq, at, level, text FROM run_log WHERE run_id = ? AND seq > ? "
                                             "ORDER BY seq LIMIT ?"),
                              {run.id, after, limit});
    QJsonArray lines;
    while (q.next())
        lines.append(QJsonObject{{QStringLiteral("seq"), q.value(0).toLongLong()},
                                 {QStringLiteral("at"), q.value(1).toString()},
                                 {QStringLiteral("level"), q.value(2).toString()},
                                 {QStringLiteral("text"), q.value(3).toString()}});
    return HttpResponse::json(200, lines);
}

HttpResponse cancelRun(Context& ctx) {
    const QString id = ctx.request.param(QStringLiteral("id"));
    visibleRun(ctx, id);
    QString tellMachine;
    ctx.db.transaction([&] {
        const RunRecord run = visibleRun(ctx, id, true);
        const QString status = run.status;
        if (status == QLatin1String("Queued") || status == QLatin1String("Offered")) {
            // Not started: it ends at once. An offer in flight is withdrawn; the engine refuses a
            // late accept because the run is no longer Offered.
            ctx.db.exec(QStringLiteral("UPDATE runs SET status = 'Cancelled', error_code = 'Cancelled', "
                                       "error_message = ?, ended_at = ?, offered_at = NULL WHERE id = ?"),
                        {QStringLiteral("The run was cancelled before it started."), isoUtc(ctx.now()), run.id});
            if (status == QLatin1String("Offered"))
                tellMachine = run.offerMachineId;
        } else if (status == QLatin1String("Running") || status == QLatin1String("Cancelling")) {
            ctx.db.exec(QStringLiteral("UPDATE runs SET status = 'Cancelling' WHERE id = ?"), {run.id});
            tellMachine = run.machineId;
        } else {
            throw ApiError(QStringLiteral("Conflict"),
                           QStringLiteral("The run has ended (%1); there is nothing to cancel.").arg(status));
        }
    });
    if (ctx.services.engine) {
        if (!tellMachine.isEmpty())
            ctx.services.engine->cancelRun(tellMachine, id);
        ctx.services.engine->wake(); // a place in the queue is free
    }
    return HttpResponse::json(202, loadRunJson(ctx.db, id));
}

HttpResponse listRuns(Context& ctx) {
    const Principal& user = ctx.user();
    const EnvironmentRow env = loadEnvironment(ctx.db, ctx.request.param(QStringLiteral("env")));
    Subject subject = environmentSubject(ctx.db, user, env.id);
    require(subject, Action::ViewEnvironment, env.name);

    QString sql = QStringLiteral("SELECT ") + kRunColumns + kRunFrom + QStringLiteral(" WHERE r.environment_id = ?");
    QVariantList binds{env.id};
    if (!decide(subject, Action::ViewOthersRuns).allowed) { // not an admin: their runs, and runs they co-own
        const QString machines = QStringLiteral("(SELECT id FROM machines WHERE owner_id = ? UNION SELECT machine_id "
                                                "FROM machine_access WHERE user_id = ? AND role = 'coOwner')");
        sql += QStringLiteral(" AND (r.connection_owner_id = ? OR r.machine_id IN ") + machines +
               QStringLiteral(" OR r.target_machine_id IN ") + machines +
               QStringLiteral(" OR r.target_group_id IN (SELECT id FROM machine_groups WHERE owner_id = ? UNION "
                              "SELECT group_id FROM group_access WHERE user_id = ? AND role = 'coOwner'))");
        binds << user.userId << user.userId << user.userId << user.userId << user.userId << user.userId << user.userId;
    }
    const QString status = ctx.request.queryValue(QStringLiteral("status"));
    if (!status.isEmpty()) {
        if (!protocol::parseEnum<protocol::RunStatus>(status))
            throw ApiError::badRequest(
                QStringLiteral("status"),
                QStringLiteral("'status' must be one of %1.").arg(protocol::enumNameList<protocol::RunStatus>()));
        if (status == QLatin1String("Queued")) {
            sql += QStringLiteral(" AND r.status IN ('Queued', 'Offered')");
        } else {
            sql += QStringLiteral(" AND r.status = ?");
            binds << status;
        }
    }
    const QString machineId = ctx.request.queryValue(QStringLiteral("machineId"));
    if (!machineId.isEmpty()) {
        sql += QStringLiteral(" AND (r.machine_id = ? OR r.target_machine_id = ?)");
        binds << machineId << machineId;
    }
    // Paging: `before` is the id of the last run of the previous page; (queued_at, id) orders
    // runs queued in the same millisecond too.
    const QString before = ctx.request.queryValue(QStringLiteral("before"));
    if (!before.isEmpty()) {
        const QVariant at = ctx.db.scalar(
            QStringLiteral("SELECT queued_at FROM runs WHERE id = ? AND environment_id = ?"), {before, env.id});
        if (!at.isValid())
            throw ApiError::badRequest(QStringLiteral("before"),
                                       QStringLiteral("'before' must be the id of a run of this environment."));
        sql += QStringLiteral(" AND (r.queued_at < ? OR (r.queued_at = ? AND r.id < ?))");
        binds << at.toString() << at.toString() << before;
    }
    const int limit = queryInt(ctx, QStringLiteral("limit"), 100, 1, 1000);
    sql += QStringLiteral(" ORDER BY r.queued_at DESC, r.id DESC LIMIT ?");
    binds << limit;
    QSqlQuery q = ctx.db.exec(sql, binds);
    QJsonArray list;
    while (q.next())
        list.append(runFrom(q).json);
    return HttpResponse::json(200, list);
}

} // namespace

QJsonObject loadRunJson(Db& db, const QString& runId) {
    const std::optional<RunRecord> run = findRun(db, runId);
    return run ? run->json : QJsonObject();
}

void registerRunRoutes(Router& router) {
    registerFlowRoutes(router);
    registerConnectionRoutes(router);
    // The trigger body may exceed 2 MB of inputs by its other fields and JSON escaping; the
    // inputs themselves are measured after parsing.
    router.add("POST", QStringLiteral("/api/v1/environments/{env}/runs"), postRun,
               {8 * 1024 * 1024, QStringLiteral("InputTooLarge")});
    router.add("GET", QStringLiteral("/api/v1/environments/{env}/runs"), listRuns);
    router.add("GET", QStringLiteral("/api/v1/runs/{id}"), getRun);
    router.add("GET", QStringLiteral("/api/v1/runs/{id}/log"), getRunLog);
    router.add("POST", QStringLiteral("/api/v1/runs/{id}/cancel"), cancelRun);
    registerScheduleRoutes(router);
    registerRecommendationRoutes(router);
    registerMetricsRoute(router);
}

} // namespace mr::orch
