#include "orchestrator/api/Recommendations.h"

#include "orchestrator/RunEngine.h"
#include "orchestrator/Services.h"
#include "orchestrator/api/ControlPlane.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QSqlQuery>

namespace mr::orch {

namespace {

const QString kColumns =
    QStringLiteral("id, kind, machine_id, run_ids, users, created_at, expires_at, resolved, owner_id, environment_id");

QJsonObject recommendationJson(const QSqlQuery& q) {
    return QJsonObject{
        {QStringLiteral("id"), q.value(0).toString()},
        {QStringLiteral("kind"), q.value(1).toString()},
        {QStringLiteral("machineId"), q.value(2).toString()},
        {QStringLiteral("runIds"), QJsonDocument::fromJson(q.value(3).toString().toUtf8()).array()},
        {QStringLiteral("users"), QJsonDocument::fromJson(q.value(4).toString().toUtf8()).array()},
        {QStringLiteral("createdAt"), q.value(5).toString()},
        {QStringLiteral("expiresAt"), q.value(6).toString()},
    };
}

QStringList stringsOf(const QJsonArray& array) {
    QStringList out;
    for (const QJsonValue& v : array)
        out.append(v.toString());
    return out;
}

HttpResponse listRecommendations(Context& ctx) {
    const Principal& user = ctx.user();
    const EnvironmentRow env = loadEnvironment(ctx.db, ctx.request.param(QStringLiteral("env")));
    require(environmentSubject(ctx.db, user, env.id), Action::ViewEnvironment, env.name);
    QSqlQuery q = ctx.db.exec(QStringLiteral("SELECT ") + kColumns +
                                  QStringLiteral(" FROM recommendations WHERE environment_id = ? AND owner_id = ? AND "
                                                 "resolved = ? AND expires_at > ? ORDER BY created_at, id"),
                              {env.id, user.userId, false, isoUtc(ctx.now())});
    QJsonArray list;
    while (q.next())
        list.append(recommendationJson(q));
    return HttpResponse::json(200, list);
}

/// The runs named by the optional body: `{"runIds": […]}`, `[{"runIds": […]}, …]`, or nothing
/// (all of the recommendation's runs).
QStringList requestedRuns(const HttpRequest& request) {
    if (request.body.trimmed().isEmpty())
        return {};
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(request.body, &error);
    if (error.error != QJsonParseError::NoError)
        throw ApiError::badRequest(QString(), QStringLiteral("The body is not valid JSON."));
    QJsonArray items;
    if (doc.isObject())
        items.append(doc.object());
    else
        items = doc.array();
    QStringList runIds;
    for (const QJsonValue& item : items) {
        const QJsonValue ids = item.toObject().value(QStringLiteral("runIds"));
        if (!item.isObject() || !ids.isArray())
            throw ApiError::badRequest(QStringLiteral("runIds"),
                                       QStringLiteral("The body is {\"runIds\": [...]} or [{\"runIds\": [...]}]."));
        for (const QJsonValue& id : ids.toArray()) {
            if (!id.isString())
                throw ApiError::badRequest(QStringLiteral("runIds"), QStringLiteral("Run ids are strings."));
            runIds.append(id.toString());
        }
    }
    return runIds;
}

HttpResponse disconnectUsers(Context& ctx) {
    const Principal& user = ctx.user();
    const QString id = ctx.request.param(QStringLiteral("id"));
    QSqlQuery q =
        ctx.db.exec(QStringLiteral("SELECT ") + kColumns + QStringLiteral(" FROM recommendations WHERE id = ?"), {id});
    if (!q.next() || q.value(8).toString() != user.userId)
        throw ApiError::notFound(QStringLiteral("The recommendation"));
    if (q.value(7).toBool() || q.value(6).toString() <= isoUtc(ctx.now()))
        throw ApiError(QStringLiteral("Conflict"), QStringLiteral("The recommendation has expired or was acted on."));
    const QString machineId = q.value(2).toString();
    const QStringList allRuns = stringsOf(QJsonDocument::fromJson(q.value(3).toString().toUtf8()).array());
    const QStringList allUsers = stringsOf(QJsonDocument::fromJson(q.value(4).toString().toUtf8()).array());
    const QStringList runIds = requestedRuns(ctx.request);

    QStringList users = allUsers;
    if (!runIds.isEmpty()) {
        // Only the sessions of the given runs: their connections' users.
        QSet<QString> wanted;
        for (const QString& runId : runIds) {
            if (!allRuns.contains(runId))
                throw ApiError::badRequest(QStringLiteral("runIds"),
                                           QStringLiteral("The run %1 is not part of this recommendation.").arg(runId));
            const QString username = ctx.db
                                         .scalar(QStringLiteral("SELECT c.username FROM runs r JOIN connections c ON "
                                                                "c.id = r.connection_id WHERE r.id = ?"),
                                                 {runId})
                                         .toString();
            if (!username.isEmpty())
                wanted.insert(username);
        }
        users.clear();
        for (const QString& u : allUsers) {
            if (wanted.contains(u))
                users.append(u);
        }
    }
    if (users.size() == allUsers.size())
        ctx.db.exec(QStringLiteral("UPDATE recommendations SET resolved = ? WHERE id = ?"), {true, id});
    if (ctx.services.engine && !users.isEmpty())
        ctx.services.engine->endSessions(machineId, users);
    return HttpResponse::json(202, QJsonObject{{QStringLiteral("id"), id},
                                               {QStringLiteral("machineId"), machineId},
                                               {QStringLiteral("users"), QJsonArray::fromStringList(users)}});
}

} // namespace

void registerRecommendationRoutes(Router& router) {
    router.add("GET", QStringLiteral("/api/v1/environments/{env}/recommendations"), listRecommendations);
    router.add("POST", QStringLiteral("/api/v1/recommendations/{id}/disconnect-users"), disconnectUsers);
}

} // namespace mr::orch
