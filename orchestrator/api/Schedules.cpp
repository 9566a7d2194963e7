// Schedules (REQUIREMENTS R24): a flow run on a connection at the times of a 5-field cron
// expression, in UTC. Only the connection's owner makes, sees and deletes them (R17).

#include "orchestrator/api/Schedules.h"

#include "orchestrator/api/ControlPlane.h"
#include "orchestrator/api/Flows.h"
#include "orchestrator/api/Runs.h"
#include "orchestrator/runs/Cron.h"
#include "protocol/Masking.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>

namespace mr::orch {

namespace {

const QString kColumns = QStringLiteral(
    "s.id, s.environment_id, s.flow_id, s.connection_id, s.run_mode, s.cron, s.inputs, s.next_fire_at, s.created_at, "
    "f.inputs, s.owner_id");

QJsonObject scheduleJson(const QSqlQuery& q) {
    const QJsonObject inputs = QJsonDocument::fromJson(q.value(6).toString().toUtf8()).object();
    return QJsonObject{
        {QStringLiteral("id"), q.value(0).toString()},
        {QStringLiteral("environmentId"), q.value(1).toString()},
        {QStringLiteral("flowId"), q.value(2).toString()},
        {QStringLiteral("connectionId"), q.value(3).toString()},
        {QStringLiteral("runMode"), q.value(4).toString()},
        {QStringLiteral("cron"), q.value(5).toString()},
        {QStringLiteral("inputs"), protocol::maskSensitive(inputs, varsFromColumn(q.value(9).toString()))},
        {QStringLiteral("nextRunAt"), q.value(7).toString()},
        {QStringLiteral("createdAt"), q.value(8).toString()},
    };
}

QJsonObject loadSchedule(Db& db, const QString& id) {
    QSqlQuery q = db.exec(QStringLiteral("SELECT ") + kColumns +
                              QStringLiteral(" FROM schedules s JOIN flows f ON f.id = s.flow_id WHERE s.id = ?"),
                          {id});
    return q.next() ? scheduleJson(q) : QJsonObject();
}

HttpResponse postSchedule(Context& ctx) {
    const Principal& user = ctx.user();
    const EnvironmentRow env = loadEnvironment(ctx.db, ctx.request.param(QStringLiteral("env")));
    const QJsonObject body = requireJsonObject(ctx.request);
    const TriggerRequest request =
        parseTriggerBody(body, env.id,
                         {QStringLiteral("flowId"), QStringLiteral("connectionId"), QStringLiteral("runMode"),
                          QStringLiteral("cron"), QStringLiteral("inputs")});
    const QString cronText = requireString(body, QStringLiteral("cron"), 256);
    QString why;
    const std::optional<CronExpression> cron = CronExpression::parse(cronText, &why);
    if (!cron)
        throw ApiError::badRequest(QStringLiteral("cron"), why);
    const QDateTime now = ctx.now();
    const std::optional<QDateTime> next = cron->nextAfter(now);
    if (!next)
        throw ApiError::badRequest(QStringLiteral("cron"), QStringLiteral("The cron expression never matches a date."));

    // Checked like a trigger, except the rate and ModeConflict: both are about the moment a run
    // starts, and the firing checks them then.
    QJsonObject inputs;
    createRun(ctx.db, user, request, now, user.username, {}, TriggerChecks{false, false, false}, &inputs);
    const QString id = newId();
    ctx.db.exec(QStringLiteral("INSERT INTO schedules (id, environment_id, flow_id, connection_id, run_mode, cron, "
                               "inputs, owner_id, next_fire_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                {id, env.id, request.flowId, request.connectionId, protocol::enumName(request.runMode), cron->text(),
                 QString::fromUtf8(QJsonDocument(inputs).toJson(QJsonDocument::Compact)), user.userId, isoUtc(*next),
                 isoUtc(now)});
    return HttpResponse::json(201, loadSchedule(ctx.db, id));
}

HttpResponse listSchedules(Context& ctx) {
    const Principal& user = ctx.user();
    const EnvironmentRow env = loadEnvironment(ctx.db, ctx.request.param(QStringLiteral("env")));
    require(environmentSubject(ctx.db, user, env.id), Action::ViewEnvironment, env.name);
    QSqlQuery q = ctx.db.exec(QStringLiteral("SELECT ") + kColumns +
                                  QStringLiteral(" FROM schedules s JOIN flows f ON f.id = s.flow_id "
                                                 "WHERE s.environment_id = ? AND s.owner_id = ? ORDER BY s.created_at, "
                                                 "s.id"),
                              {env.id, user.userId});
    QJsonArray list;
    while (q.next())
        list.append(scheduleJson(q));
    return HttpResponse::json(200, list);
}

HttpResponse deleteSchedule(Context& ctx) {
    const Principal& user = ctx.user();
    const int removed = ctx.db.execAffected(QStringLiteral("DELETE FROM schedules WHERE id = ? AND owner_id = ?"),
                                            {ctx.request.param(QStringLiteral("id")), user.userId});
    if (removed == 0) // someone else's reads as absent
        throw ApiError::notFound(QStringLiteral("The schedule"));
    return HttpResponse::noContent();
}

} // namespace

void registerScheduleRoutes(Router& router) {
    router.add("POST", QStringLiteral("/api/v1/environments/{env}/schedules"), postSchedule,
               {8 * 1024 * 1024, QStringLiteral("InputTooLarge")});
    router.add("GET", QStringLiteral("/api/v1/environments/{env}/schedules"), listSchedules);
    router.add("DELETE", QStringLiteral("/api/v1/schedules/{id}"), deleteSchedule);
}

} // namespace mr::orch
