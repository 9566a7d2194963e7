// Machines: register (R1, R2), list (R8), read, change (R3, R7, R14), delete (R10) and move to
// another environment (R4).

#include "orchestrator/api/Connections.h"
#include "orchestrator/api/ControlPlane.h"

#include <QJsonArray>
#include <QSqlQuery>

namespace mr::orch {

namespace {

const QStringList kPatchFields{
    QStringLiteral("name"),          QStringLiteral("description"),    QStringLiteral("maintenanceMode"),
    QStringLiteral("reuseSessions"), QStringLiteral("unattendedBots"), QStringLiteral("sessionRecommendations")};

ApiError nameTaken(const QString& name, const QString& environmentName) {
    return ApiError(QStringLiteral("MachineNameTaken"),
                    QStringLiteral("A machine named '%1' already exists in %2.").arg(name, environmentName),
                    QJsonObject{{QStringLiteral("field"), QStringLiteral("name")}});
}

/// Throws MachineNameTaken when another machine of the environment has this name (ignoring case).
void requireFreeName(Db& db, const QString& environmentId, const QString& environmentName, const QString& name,
                     const QString& exceptMachineId = {}) {
    const QVariant other =
        db.scalar(QStringLiteral("SELECT id FROM machines WHERE environment_id = ? AND name_key = ? AND id <> ?"),
                  {environmentId, nameKey(name), exceptMachineId});
    if (other.isValid())
        throw nameTaken(name, environmentName);
}

/// Standard base64 of a 32-byte Ed25519 public key.
QString validatePublicKey(const QString& key) {
    const auto decoded = QByteArray::fromBase64Encoding(key.toLatin1(), QByteArray::Base64Encoding |
                                                                            QByteArray::AbortOnBase64DecodingErrors);
    if (key.size() != 44 || !decoded || decoded.decoded.size() != 32)
        throw ApiError::badRequest(
            QStringLiteral("publicKey"),
            QStringLiteral("The field 'publicKey' must be a 32-byte Ed25519 key in standard base64."));
    return key;
}

/// Removes every connection that targets the machine, with their schedules (R4), in the
/// caller's transaction.
void deleteMachineConnections(Db& db, const QString& machineId) {
    deleteMachineConnectionRows(db, machineId);
}

QString groupName(Db& db, const QString& groupId) {
    return db.scalar(QStringLiteral("SELECT name FROM machine_groups WHERE id = ?"), {groupId}).toString();
}

HttpResponse postMachine(Context& ctx) {
    const Principal& user = ctx.user();
    const EnvironmentRow env = loadEnvironment(ctx.db, ctx.request.param(QStringLiteral("env")));
    const QJsonObject body = requireJsonObject(ctx.request);
    const QString name = validateName(body.value(QStringLiteral("name")), QStringLiteral("name"));
    const QString description = optionalString(body, QStringLiteral("description"), QStringLiteral(""), 1024);
    const QString publicKey = validatePublicKey(requireString(body, QStringLiteral("publicKey"), 64));
    const QString fingerprint = requireString(body, QStringLiteral("fingerprint"), 256);
    const QString version = requireString(body, QStringLiteral("version"), 64);
    const QString os = optionalString(body, QStringLiteral("os"), QStringLiteral(""), 256);

    Subject subject = environmentSubject(ctx.db, user, env.id);
    require(subject, Action::RegisterMachine, env.name);

    const QString id = newId();
    const QString now = isoUtc(ctx.now());
    try {
        ctx.db.transaction([&] {
            requireFreeName(ctx.db, env.id, env.name, name);
            ctx.db.exec(
                QStringLiteral("INSERT INTO machines (id, environment_id, name, name_key, description, version, "
                               "os, owner_id, public_key, fingerprint, key_created_at, created_at) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                {id, env.id, name, nameKey(name), notNull(description), version, notNull(os), user.userId, publicKey,
                 fingerprint, now, now});
        });
    } catch (const DbError& e) {
        if (Db::isUniqueViolation(e)) // a concurrent registration won the name
            throw nameTaken(name, env.name);
        throw;
    }
    const MachineRow machine = *findMachine(ctx.db, id, user.userId);
    subject.access = machine.access;
    return HttpResponse::json(201, machineJson(machine, subject));
}

HttpResponse listEnvironmentMachines(Context& ctx) {
    const Principal& user = ctx.user();
    const EnvironmentRow env = loadEnvironment(ctx.db, ctx.request.param(QStringLiteral("env")));
    Subject subject = environmentSubject(ctx.db, user, env.id);
    require(subject, Action::ViewEnvironment, env.name);
    QJsonArray list;
    const QList<MachineRow> machines = listMachines(ctx.db, env.id, user.userId);
    for (const MachineRow& m : machines) {
        subject.access = m.access;
        if (decide(subject, Action::ViewMachine).allowed)
            list.append(machineJson(m, subject));
    }
    return HttpResponse::json(200, list);
}

HttpResponse getMachine(Context& ctx) {
    Subject subject;
    const MachineRow machine = visibleMachine(ctx, ctx.request.param(QStringLiteral("id")), &subject);
    return HttpResponse::json(200, machineJson(machine, subject));
}

HttpResponse patchMachine(Context& ctx) {
    const QString id = ctx.request.param(QStringLiteral("id"));
    visibleMachine(ctx, id); // 404 before looking at the body
    const QJsonObject body = requireJsonObject(ctx.request);
    rejectUnknownFields(body, kPatchFields);

    Subject subject;
    ctx.db.transaction([&] {
        const MachineRow m = visibleMachine(ctx, id, &subject, true);
        require(subject, Action::EditMachine, m.name);
        const QString name = body.contains(QStringLiteral("name"))
                                 ? validateName(body.value(QStringLiteral("name")), QStringLiteral("name"))
                                 : m.name;
        const QString description = optionalString(body, QStringLiteral("description"), m.description, 1024);
        const MachineSettings current{m.maintenanceMode, m.reuseSessions, m.unattendedBots, m.sessionRecommendations};
        const MachineSettings s = readSettings(body, current);
        const bool settingsChanged =
            s.maintenanceMode != current.maintenanceMode || s.reuseSessions != current.reuseSessions ||
            s.unattendedBots != current.unattendedBots || s.sessionRecommendations != current.sessionRecommendations;
        if (settingsChanged && !m.groupId.isEmpty()) // R7, R14: the group decides its machines' settings
            throw ApiError(QStringLiteral("Conflict"),
                           QStringLiteral("The machine '%1' is in group %2; change the group's settings.")
                               .arg(m.name, groupName(ctx.db, m.groupId)),
                           QJsonObject{{QStringLiteral("groupId"), m.groupId}});
        if (nameKey(name) != nameKey(m.name))
            requireFreeName(ctx.db, m.environmentId, loadEnvironment(ctx.db, m.environmentId).name, name, m.id);
        ctx.db.exec(QStringLiteral("UPDATE machines SET name = ?, name_key = ?, description = ?, maintenance_mode = ?, "
                                   "reuse_sessions = ?, unattended_bots = ?, session_recommendations = ? WHERE id = ?"),
                    {name, nameKey(name), notNull(description), s.maintenanceMode, s.reuseSessions, s.unattendedBots,
                     s.sessionRecommendations, m.id});
    });
    notifySettingsChanged(ctx, {id});
    const MachineRow machine = visibleMachine(ctx, id, &subject);
    return HttpResponse::json(200, machineJson(machine, subject));
}

HttpResponse deleteMachine(Context& ctx) {
    const QString id = ctx.request.param(QStringLiteral("id"));
    ctx.db.transaction([&] {
        Subject subject;
        const MachineRow m = visibleMachine(ctx, id, &subject, true);
        require(subject, Action::DeleteMachine, m.name);
        deleteMachineConnections(ctx.db, m.id);
        ctx.db.exec(QStringLiteral("DELETE FROM machine_access WHERE machine_id = ?"), {m.id});
        ctx.db.exec(QStringLiteral("DELETE FROM machines WHERE id = ?"), {m.id});
    });
    // The hub finds the machine gone and closes its socket.
    notifySettingsChanged(ctx, {id});
    return HttpResponse::noContent();
}

HttpResponse moveMachine(Context& ctx) {
    const Principal& user = ctx.user();
    const QString id = ctx.request.param(QStringLiteral("id"));
    visibleMachine(ctx, id);
    const QJsonObject body = requireJsonObject(ctx.request);
    const QString targetId = requireString(body, QStringLiteral("environmentId"), 64);

    bool moved = false;
    try {
        ctx.db.transaction([&] {
            Subject subject;
            const MachineRow m = visibleMachine(ctx, id, &subject, true);
            require(subject, Action::MoveEnvironment, m.name);
            const EnvironmentRow target = loadEnvironment(ctx.db, targetId);
            require(environmentSubject(ctx.db, user, target.id), Action::RegisterMachine, target.name);
            if (target.id == m.environmentId)
                return;
            requireFreeName(ctx.db, target.id, target.name, m.name, m.id);
            // R4: a machine runs flows for one environment; its connections belong to the old one.
            // It leaves its group (keeping the settings it had from it, R14).
            deleteMachineConnections(ctx.db, m.id);
            ctx.db.exec(QStringLiteral("UPDATE machines SET environment_id = ?, group_id = NULL WHERE id = ?"),
                        {target.id, m.id});
            moved = true;
        });
    } catch (const DbError& e) {
        if (Db::isUniqueViolation(e))
            throw ApiError(QStringLiteral("MachineNameTaken"), QStringLiteral("The machine's name is taken there."),
                           QJsonObject{{QStringLiteral("field"), QStringLiteral("name")}});
        throw;
    }
    if (moved)
        notifySettingsChanged(ctx, {id});
    // Answered even when the caller cannot see it in its new environment (an environment admin
    // of the old one): they did move it.
    const MachineRow machine = *findMachine(ctx.db, id, user.userId);
    return HttpResponse::json(
        200, machineJson(machine, resourceSubject(ctx.db, user, machine.environmentId, machine.access)));
}

} // namespace

void registerMachineRoutes(Router& router) {
    router.add("POST", QStringLiteral("/api/v1/environments/{env}/machines"), postMachine);
    router.add("GET", QStringLiteral("/api/v1/environments/{env}/machines"), listEnvironmentMachines);
    router.add("GET", QStringLiteral("/api/v1/machines/{id}"), getMachine);
    router.add("PATCH", QStringLiteral("/api/v1/machines/{id}"), patchMachine);
    router.add("DELETE", QStringLiteral("/api/v1/machines/{id}"), deleteMachine);
    router.add("POST", QStringLiteral("/api/v1/machines/{id}/environment"), moveMachine);
}

} // namespace mr::orch
