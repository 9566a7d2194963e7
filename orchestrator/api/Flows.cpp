// Flows: upload (a new flow, or a new version of one with the same name), list the latest
// versions, read one version (REQUIREMENTS R25, R26).

#include "orchestrator/api/Flows.h"

#include "orchestrator/api/ControlPlane.h"
#include "protocol/Flow.h"
#include "protocol/Limits.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>

namespace mr::orch {

namespace {

const QString kFlowColumns = QStringLiteral("f.id, f.environment_id, f.name, f.description, f.version, f.script, "
                                            "f.inputs, f.outputs, f.created_at, u.username");

FlowRow flowFrom(const QSqlQuery& q) {
    FlowRow f;
    f.id = q.value(0).toString();
    f.environmentId = q.value(1).toString();
    f.name = q.value(2).toString();
    f.description = q.value(3).toString();
    f.version = q.value(4).toInt();
    f.script = q.value(5).toString();
    f.inputs = varsFromColumn(q.value(6).toString());
    f.outputs = varsFromColumn(q.value(7).toString());
    f.createdAt = q.value(8).toString();
    f.createdBy = q.value(9).toString();
    return f;
}

QByteArray varsColumn(const QList<protocol::Var>& vars) {
    return QJsonDocument(protocol::toJsonArray(vars)).toJson(QJsonDocument::Compact);
}

/// Reads "inputs"/"outputs" (optional, default []), refusing bad or duplicate declarations.
QList<protocol::Var> readDeclared(const QJsonObject& body, const QString& key) {
    if (!body.contains(key) || body.value(key).isNull())
        return {};
    protocol::JsonReader reader(body);
    const QList<protocol::Var> vars = protocol::readVars(reader, key);
    if (!reader.ok())
        throw ApiError::badRequest(
            reader.error().field,
            QStringLiteral("The flow's declaration is not valid: %1.").arg(reader.error().message()));
    return vars;
}

HttpResponse postFlow(Context& ctx) {
    const Principal& user = ctx.user();
    const EnvironmentRow env = loadEnvironment(ctx.db, ctx.request.param(QStringLiteral("env")));
    require(environmentSubject(ctx.db, user, env.id), Action::CreateFlow, env.name);

    const QJsonObject body = requireJsonObject(ctx.request);
    rejectUnknownFields(body, {QStringLiteral("name"), QStringLiteral("description"), QStringLiteral("script"),
                               QStringLiteral("inputs"), QStringLiteral("outputs")});
    const QString name = validateName(body.value(QStringLiteral("name")), QStringLiteral("name"));
    const QString description = optionalString(body, QStringLiteral("description"), QStringLiteral(""), 4096);
    const QJsonValue scriptValue = body.value(QStringLiteral("script"));
    if (!scriptValue.isString())
        throw ApiError::badRequest(QStringLiteral("script"), QStringLiteral("The field 'script' must be a string."));
    const QString script = scriptValue.toString();
    const QList<protocol::Var> inputs = readDeclared(body, QStringLiteral("inputs"));
    const QList<protocol::Var> outputs = readDeclared(body, QStringLiteral("outputs"));

    // R26: the script with its manifest (what an agent receives) is at most 16 MB.
    const QByteArray inputsColumn = varsColumn(inputs);
    const QByteArray outputsColumn = varsColumn(outputs);
    const qsizetype size = script.toUtf8().size() + inputsColumn.size() + outputsColumn.size() + name.toUtf8().size() +
                           description.toUtf8().size();
    if (size > protocol::kMaxFlowBytes)
        throw ApiError(QStringLiteral("FlowTooLarge"),
                       QStringLiteral("The flow is %1 bytes; a flow with its manifest may have at most %2 bytes.")
                           .arg(size)
                           .arg(protocol::kMaxFlowBytes));

    const QString id = newId();
    const QString now = isoUtc(ctx.now());
    // Two makers uploading the same name at once: the loser of the unique (name, version) key
    // takes the next number.
    for (int attempt = 0;; ++attempt) {
        try {
            ctx.db.transaction([&] {
                const int version = ctx.db
                                        .scalar(QStringLiteral("SELECT COALESCE(MAX(version), 0) FROM flows WHERE "
                                                               "environment_id = ? AND name_key = ?"),
                                                {env.id, nameKey(name)})
                                        .toInt() +
                                    1;
                ctx.db.exec(QStringLiteral("INSERT INTO flows (id, environment_id, name, name_key, version, "
                                           "description, script, inputs, outputs, created_at, created_by) "
                                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                            {id, env.id, name, nameKey(name), version, notNull(description), notNull(script),
                             QString::fromUtf8(inputsColumn), QString::fromUtf8(outputsColumn), now, user.userId});
            });
            break;
        } catch (const DbError& e) {
            if (!Db::isUniqueViolation(e) || attempt >= 4)
                throw;
        }
    }
    return HttpResponse::json(201, flowJson(*findFlow(ctx.db, id)));
}

HttpResponse listFlows(Context& ctx) {
    const Principal& user = ctx.user();
    const EnvironmentRow env = loadEnvironment(ctx.db, ctx.request.param(QStringLiteral("env")));
    require(environmentSubject(ctx.db, user, env.id), Action::ViewEnvironment, env.name);
    QSqlQuery q = ctx.db.exec(QStringLiteral("SELECT ") + kFlowColumns +
                                  QStringLiteral(" FROM flows f JOIN users u ON u.id = f.created_by "
                                                 "WHERE f.environment_id = ? AND f.version = (SELECT MAX(v.version) "
                                                 "FROM flows v WHERE v.environment_id = f.environment_id AND "
                                                 "v.name_key = f.name_key) ORDER BY f.name_key"),
                              {env.id});
    QJsonArray list;
    while (q.next())
        list.append(flowJson(flowFrom(q)));
    return HttpResponse::json(200, list);
}

HttpResponse getFlow(Context& ctx) {
    const Principal& user = ctx.user();
    const std::optional<FlowRow> flow = findFlow(ctx.db, ctx.request.param(QStringLiteral("id")));
    if (!flow || !decide(environmentSubject(ctx.db, user, flow->environmentId), Action::ViewEnvironment).allowed)
        throw ApiError::notFound(QStringLiteral("The flow"));
    return HttpResponse::json(200, flowJson(*flow));
}

} // namespace

QList<protocol::Var> varsFromColumn(const QString& column) {
    QList<protocol::Var> vars;
    const QJsonArray array = QJsonDocument::fromJson(column.toUtf8()).array();
    for (const QJsonValue& v : array) {
        protocol::Decoded<protocol::Var> decoded = protocol::Var::fromJson(v.toObject());
        if (decoded.ok())
            vars.append(decoded.take());
    }
    return vars;
}

std::optional<FlowRow> findFlow(Db& db, const QString& id) {
    QSqlQuery q = db.exec(QStringLiteral("SELECT ") + kFlowColumns +
                              QStringLiteral(" FROM flows f JOIN users u ON u.id = f.created_by WHERE f.id = ?"),
                          {id});
    if (!q.next())
        return std::nullopt;
    return flowFrom(q);
}

QJsonObject flowJson(const FlowRow& f) {
    return QJsonObject{
        {QStringLiteral("id"), f.id},
        {QStringLiteral("environmentId"), f.environmentId},
        {QStringLiteral("name"), f.name},
        {QStringLiteral("description"), f.description},
        {QStringLiteral("version"), f.version},
        {QStringLiteral("script"), f.script},
        {QStringLiteral("inputs"), protocol::toJsonArray(f.inputs)},
        {QStringLiteral("outputs"), protocol::toJsonArray(f.outputs)},
        {QStringLiteral("createdAt"), f.createdAt},
        {QStringLiteral("createdBy"), f.createdBy},
    };
}

void registerFlowRoutes(Router& router) {
    // 16 MB of script may take up to twice that once JSON-escaped; the exact limit is checked on
    // the decoded flow.
    router.add("POST", QStringLiteral("/api/v1/environments/{env}/flows"), postFlow,
               {40 * 1024 * 1024, QStringLiteral("FlowTooLarge")});
    router.add("GET", QStringLiteral("/api/v1/environments/{env}/flows"), listFlows);
    router.add("GET", QStringLiteral("/api/v1/flows/{id}"), getFlow);
}

} // namespace mr::orch
