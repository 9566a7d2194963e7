// Connections (REQUIREMENTS R15–R18): a target machine or group and how to open a session there.
// Only the owner ever sees or uses one (R17), so every other caller gets 404 as if it did not
// exist. Passwords are sealed with the data key and never leave in an answer.

#include "orchestrator/api/Connections.h"

#include "orchestrator/RunEngine.h"
#include "orchestrator/Services.h"
#include "orchestrator/api/ControlPlane.h"
#include "orchestrator/auth/Crypto.h"
#include "protocol/Connection.h"
#include "protocol/Limits.h"

#include <QJsonArray>
#include <QSqlQuery>

#include <sodium.h>

namespace mr::orch {

namespace {

const QString kColumns = QStringLiteral(
    "c.id, c.environment_id, c.name, c.target_machine_id, c.target_group_id, c.kind, c.username, c.sealed_password, "
    "c.owner_id, u.username, c.created_at");

ConnectionRow connectionFrom(const QSqlQuery& q) {
    ConnectionRow c;
    c.id = q.value(0).toString();
    c.environmentId = q.value(1).toString();
    c.name = q.value(2).toString();
    c.targetMachineId = q.value(3).toString();
    c.targetGroupId = q.value(4).toString();
    c.kind = q.value(5).toString();
    c.username = q.value(6).toString();
    c.sealedPassword = q.value(7).toString();
    c.ownerId = q.value(8).toString();
    c.owner = q.value(9).toString();
    c.createdAt = q.value(10).toString();
    return c;
}

QJsonObject connectionJson(const ConnectionRow& c) {
    const bool machine = !c.targetMachineId.isEmpty();
    return QJsonObject{
        {QStringLiteral("id"), c.id},
        {QStringLiteral("environmentId"), c.environmentId},
        {QStringLiteral("name"), c.name},
        {QStringLiteral("target"), QJsonObject{{machine ? QStringLiteral("machineId") : QStringLiteral("groupId"),
                                                machine ? c.targetMachineId : c.targetGroupId}}},
        {QStringLiteral("kind"), c.kind},
        {QStringLiteral("username"), c.isSignIn() ? QJsonValue(QJsonValue::Null) : QJsonValue(c.username)},
        {QStringLiteral("owner"), c.owner},
        {QStringLiteral("createdAt"), c.createdAt},
    };
}

/// The caller's own connection, or 404 (someone else's reads as absent: R17).
ConnectionRow ownConnection(Context& ctx) {
    const Principal& user = ctx.user();
    const std::optional<ConnectionRow> c = findConnection(ctx.db, ctx.request.param(QStringLiteral("id")));
    if (!c || c->ownerId != user.userId)
        throw ApiError::notFound(QStringLiteral("The connection"));
    return *c;
}

HttpResponse postConnection(Context& ctx) {
    const Principal& user = ctx.user();
    const EnvironmentRow env = loadEnvironment(ctx.db, ctx.request.param(QStringLiteral("env")));
    const QJsonObject body = requireJsonObject(ctx.request);
    rejectUnknownFields(body, {QStringLiteral("name"), QStringLiteral("target"), QStringLiteral("kind"),
                               QStringLiteral("username"), QStringLiteral("password")});
    const QString name = validateName(body.value(QStringLiteral("name")), QStringLiteral("name"));
    if (!body.value(QStringLiteral("target")).isObject())
        throw ApiError::badRequest(
            QStringLiteral("target"),
            QStringLiteral("The field 'target' must be {\"machineId\": …} or {\"groupId\": …}."));
    const auto target = protocol::ConnectionTarget::fromJson(body.value(QStringLiteral("target")).toObject());
    if (!target.ok())
        throw ApiError::badRequest(
            QStringLiteral("target"),
            QStringLiteral("The field 'target' must be {\"machineId\": …} or {\"groupId\": …}."));
    const QString kindText = requireString(body, QStringLiteral("kind"), 16);
    const auto kind = protocol::parseEnum<protocol::ConnectionKind>(kindText);
    if (!kind)
        throw ApiError::badRequest(QStringLiteral("kind"),
                                   QStringLiteral("The field 'kind' is 'password' or 'signIn'."));
    QString username, password;
    if (*kind == protocol::ConnectionKind::Password) {
        username = requireString(body, QStringLiteral("username"), 256);
        const QJsonValue p = body.value(QStringLiteral("password"));
        if (!p.isString())
            throw ApiError::badRequest(QStringLiteral("password"),
                                       QStringLiteral("A password connection needs the field 'password'."));
        password = p.toString();
        if (password.size() > protocol::kMaxConnectionPasswordChars)
            throw ApiError::badRequest(QStringLiteral("password"), QStringLiteral("The password is too long."));
    }

    // Rights: the run right on the target (R9, R11); an invisible target reads as absent.
    const QString targetId = target.value().id;
    if (target.value().kind == protocol::ConnectionTarget::Kind::Machine) {
        Subject subject;
        const MachineRow m = visibleMachine(ctx, targetId, &subject);
        if (m.environmentId != env.id)
            throw ApiError::notFound(QStringLiteral("The machine"));
        require(subject, Action::RunOnMachine, m.name);
    } else {
        Subject subject;
        const GroupRow g = visibleGroup(ctx, targetId, &subject);
        if (g.environmentId != env.id)
            throw ApiError::notFound(QStringLiteral("The machine group"));
        require(subject, Action::RunOnGroup, g.name);
    }

    const bool machine = target.value().kind == protocol::ConnectionTarget::Kind::Machine;
    const QString id = newId();
    const QVariant nullText(QMetaType::fromType<QString>());
    ctx.db.exec(QStringLiteral("INSERT INTO connections (id, environment_id, name, target_machine_id, target_group_id, "
                               "kind, username, sealed_password, owner_id, created_at) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                {id, env.id, name, machine ? QVariant(targetId) : nullText, machine ? nullText : QVariant(targetId),
                 kindText, username.isEmpty() ? nullText : QVariant(username),
                 *kind == protocol::ConnectionKind::Password
                     ? QVariant(sealConnectionPassword(ctx.services.dataKey, password))
                     : nullText,
                 user.userId, isoUtc(ctx.now())});
    return HttpResponse::json(201, connectionJson(*findConnection(ctx.db, id)));
}

HttpResponse listConnections(Context& ctx) {
    const Principal& user = ctx.user();
    const EnvironmentRow env = loadEnvironment(ctx.db, ctx.request.param(QStringLiteral("env")));
    require(environmentSubject(ctx.db, user, env.id), Action::ViewEnvironment, env.name);
    QSqlQuery q = ctx.db.exec(QStringLiteral("SELECT ") + kColumns +
                                  QStringLiteral(" FROM connections c JOIN users u ON u.id = c.owner_id "
                                                 "WHERE c.environment_id = ? AND c.owner_id = ? ORDER BY c.created_at, "
                                                 "c.id"),
                              {env.id, user.userId});
    QJsonArray list;
    while (q.next())
        list.append(connectionJson(connectionFrom(q)));
    return HttpResponse::json(200, list);
}

HttpResponse deleteConnection(Context& ctx) {
    const ConnectionRow c = ownConnection(ctx);
    ctx.db.transaction([&] {
        ctx.db.exec(QStringLiteral("DELETE FROM schedules WHERE connection_id = ?"), {c.id});
        ctx.db.exec(QStringLiteral("DELETE FROM run_triggers WHERE connection_id = ?"), {c.id});
        ctx.db.exec(QStringLiteral("DELETE FROM connections WHERE id = ?"), {c.id});
    });
    return HttpResponse::noContent();
}

HttpResponse notConnected() {
    return HttpResponse::error(
        QStringLiteral("Conflict"),
        QStringLiteral("The machine is not connected, so the credentials cannot be checked now."));
}

/// The machine that checks the credentials: the target machine when it is online, else an
/// online member of the target group (not in maintenance first); empty when none is.
QString checkingMachine(Db& db, const ConnectionRow& c) {
    const QString sql = c.targetMachineId.isEmpty()
                            ? QStringLiteral("SELECT id FROM machines WHERE group_id = ? AND online = ? ORDER BY "
                                             "maintenance_mode, running_count, id")
                            : QStringLiteral("SELECT id FROM machines WHERE id = ? AND online = ?");
    return db.scalar(sql, {c.targetMachineId.isEmpty() ? c.targetGroupId : c.targetMachineId, true}).toString();
}

void testConnection(Context& ctx, Router::Responder respond) {
    const ConnectionRow c = ownConnection(ctx);
    if (c.isSignIn()) { // nothing to check: it runs as its owner in their own session
        respond(HttpResponse::json(200, QJsonObject{{QStringLiteral("ok"), true}}));
        return;
    }
    const QString machineId = checkingMachine(ctx.db, c);
    RunEngine* engine = ctx.services.engine;
    if (!engine || machineId.isEmpty()) {
        respond(notConnected());
        return;
    }
    const std::optional<QString> password = openConnectionPassword(ctx.services.dataKey, c.sealedPassword);
    if (!password) {
        respond(HttpResponse::error(QStringLiteral("CredentialsIncorrect"), unreadablePasswordMessage()));
        return;
    }
    engine->checkCredentials(machineId, c.username, *password, [respond](std::optional<bool> ok) {
        if (!ok)
            respond(notConnected());
        else if (*ok)
            respond(HttpResponse::json(200, QJsonObject{{QStringLiteral("ok"), true}}));
        else
            respond(HttpResponse::error(QStringLiteral("CredentialsIncorrect"),
                                        QStringLiteral("Unable to connect. The credentials for the machine are "
                                                       "incorrect.")));
    });
}

} // namespace

std::optional<ConnectionRow> findConnection(Db& db, const QString& id, bool forUpdate) {
    const QString lock = forUpdate && db.isPostgres() ? QStringLiteral(" FOR UPDATE OF c") : QString();
    QSqlQuery q =
        db.exec(QStringLiteral("SELECT ") + kColumns +
                    QStringLiteral(" FROM connections c JOIN users u ON u.id = c.owner_id WHERE c.id = ?") + lock,
                {id});
    if (!q.next())
        return std::nullopt;
    return connectionFrom(q);
}

QString sealConnectionPassword(const QByteArray& dataKey, const QString& password) {
    crypto::ensureSodium();
    Q_ASSERT(dataKey.size() == crypto_secretbox_KEYBYTES);
    const QByteArray plain = password.toUtf8();
    const QByteArray nonce = crypto::randomBytes(crypto_secretbox_NONCEBYTES);
    QByteArray box(qsizetype(crypto_secretbox_MACBYTES) + plain.size(), Qt::Uninitialized);
    crypto_secretbox_easy(reinterpret_cast<unsigned char*>(box.data()),
                          reinterpret_cast<const unsigned char*>(plain.constData()), quint64(plain.size()),
                          reinterpret_cast<const unsigned char*>(nonce.constData()),
                          reinterpret_cast<const unsigned char*>(dataKey.constData()));
    return QString::fromLatin1(QByteArray(nonce + box).toBase64());
}

QString unreadablePasswordMessage() {
    return QStringLiteral("The connection's stored password cannot be read with this orchestrator's data key (was the "
                          "data key replaced?). Save the connection's password again.");
}

std::optional<QString> openConnectionPassword(const QByteArray& dataKey, const QString& sealed) {
    crypto::ensureSodium();
    const QByteArray bytes = QByteArray::fromBase64(sealed.toLatin1());
    if (dataKey.size() != crypto_secretbox_KEYBYTES ||
        bytes.size() < qsizetype(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES))
        return std::nullopt;
    const QByteArray nonce = bytes.left(crypto_secretbox_NONCEBYTES);
    const QByteArray box = bytes.mid(crypto_secretbox_NONCEBYTES);
    QByteArray plain(box.size() - qsizetype(crypto_secretbox_MACBYTES), Qt::Uninitialized);
    if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()),
                                   reinterpret_cast<const unsigned char*>(box.constData()), quint64(box.size()),
                                   reinterpret_cast<const unsigned char*>(nonce.constData()),
                                   reinterpret_cast<const unsigned char*>(dataKey.constData())) != 0)
        return std::nullopt;
    const QString password = QString::fromUtf8(plain);
    sodium_memzero(plain.data(), size_t(plain.size()));
    return password;
}

void deleteMachineConnectionRows(Db& db, const QString& machineId) {
    db.exec(QStringLiteral("DELETE FROM schedules WHERE connection_id IN (SELECT id FROM connections WHERE "
                           "target_machine_id = ?)"),
            {machineId});
    db.exec(QStringLiteral("DELETE FROM connections WHERE target_machine_id = ?"), {machineId});
}

void registerConnectionRoutes(Router& router) {
    router.add("POST", QStringLiteral("/api/v1/environments/{env}/connections"), postConnection);
    router.add("GET", QStringLiteral("/api/v1/environments/{env}/connections"), listConnections);
    router.add("DELETE", QStringLiteral("/api/v1/connections/{id}"), deleteConnection);
    router.addAsync("POST", QStringLiteral("/api/v1/connections/{id}/test"), testConnection);
}

} // namespace mr::orch
