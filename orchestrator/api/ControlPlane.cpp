#include "orchestrator/api/ControlPlane.h"

#include "orchestrator/Services.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>

namespace mr::orch {

namespace {

const QString kMachineColumns = QStringLiteral(
    "m.id, m.environment_id, m.name, m.description, m.version, m.os, m.group_id, m.owner_id, u.username, "
    "m.maintenance_mode, m.online, m.reuse_sessions, m.session_recommendations, m.key_rotation_requested, "
    "m.running_count, m.queued_count, m.unattended_bots, m.sessions, m.last_seen_at, m.key_created_at, a.role, "
    "(SELECT g.name FROM machine_groups g WHERE g.id = m.group_id)");

ResourceAccess accessOf(const QString& ownerId, const QString& storedRole, const QString& userId) {
    if (!userId.isEmpty() && ownerId == userId)
        return ResourceAccess::Owner;
    return parseAccess(storedRole);
}

MachineRow machineFrom(const QSqlQuery& q, const QString& userId) {
    MachineRow m;
    m.id = q.value(0).toString();
    m.environmentId = q.value(1).toString();
    m.name = q.value(2).toString();
    m.description = q.value(3).toString();
    m.version = q.value(4).toString();
    m.os = q.value(5).toString();
    m.groupId = q.value(6).toString();
    m.ownerId = q.value(7).toString();
    m.owner = q.value(8).toString();
    m.maintenanceMode = q.value(9).toBool();
    m.online = q.value(10).toBool();
    m.reuseSessions = q.value(11).toBool();
    m.sessionRecommendations = q.value(12).toBool();
    m.keyRotationRequested = q.value(13).toBool();
    m.runningCount = q.value(14).toInt();
    m.queuedCount = q.value(15).toInt();
    m.unattendedBots = q.value(16).toInt();
    m.sessions = q.value(17).toString();
    m.lastSeenAt = q.value(18).toString();
    m.keyCreatedAt = q.value(19).toString();
    m.access = accessOf(m.ownerId, q.value(20).toString(), userId);
    m.groupName = q.value(21).toString();
    return m;
}

const QString kGroupColumns =
    QStringLiteral("g.id, g.environment_id, g.name, g.description, g.owner_id, u.username, g.maintenance_mode, "
                   "g.reuse_sessions, g.session_recommendations, g.unattended_bots, a.role");

GroupRow groupFrom(const QSqlQuery& q, const QString& userId) {
    GroupRow g;
    g.id = q.value(0).toString();
    g.environmentId = q.value(1).toString();
    g.name = q.value(2).toString();
    g.description = q.value(3).toString();
    g.ownerId = q.value(4).toString();
    g.owner = q.value(5).toString();
    g.maintenanceMode = q.value(6).toBool();
    g.reuseSessions = q.value(7).toBool();
    g.sessionRecommendations = q.value(8).toBool();
    g.unattendedBots = q.value(9).toInt();
    g.access = accessOf(g.ownerId, q.value(10).toString(), userId);
    return g;
}

QJsonValue nullable(const QString& s) {
    return s.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s);
}

} // namespace

EnvironmentRow loadEnvironment(Db& db, const QString& id) {
    QSqlQuery q = db.exec(QStringLiteral("SELECT id, name FROM environments WHERE id = ?"), {id});
    if (!q.next())
        throw ApiError::notFound(QStringLiteral("The environment"));
    return {q.value(0).toString(), q.value(1).toString()};
}

Subject environmentSubject(Db& db, const Principal& user, const QString& environmentId) {
    Subject s;
    s.orchestratorAdmin = user.isAdmin;
    QSqlQuery q =
        db.exec(QStringLiteral("SELECT roles FROM environment_members WHERE environment_id = ? AND user_id = ?"),
                {environmentId, user.userId});
    if (q.next()) {
        s.member = true;
        s.roles = parseRoleList(q.value(0).toString());
    }
    return s;
}

Subject resourceSubject(Db& db, const Principal& user, const QString& environmentId, ResourceAccess access) {
    Subject s = environmentSubject(db, user, environmentId);
    s.access = access;
    return s;
}

std::optional<MachineRow> findMachine(Db& db, const QString& id, const QString& userId, bool forUpdate) {
    // PostgreSQL locks the machine row for the transaction; SQLite's write transaction
    // (BEGIN IMMEDIATE) already serializes writers.
    const QString lock = forUpdate && db.isPostgres() ? QStringLiteral(" FOR UPDATE OF m") : QString();
    QSqlQuery q = db.exec(QStringLiteral("SELECT ") + kMachineColumns +
                              QStringLiteral(" FROM machines m JOIN users u ON u.id = m.owner_id "
                                             "LEFT JOIN machine_access a ON a.machine_id = m.id AND a.user_id = ? "
                                             "WHERE m.id = ?") +
                              lock,
                          {userId, id});
    if (!q.next())
        return std::nullopt;
    return machineFrom(q, userId);
}

QList<MachineRow> listMachines(Db& db, const QString& environmentId, const QString& userId, const QString& groupId) {
    QString sql = QStringLiteral("SELECT ") + kMachineColumns +
                  QStringLiteral(" FROM machines m JOIN users u ON u.id = m.owner_id "
                                 "LEFT JOIN machine_access a ON a.machine_id = m.id AND a.user_id = ? "
                                 "WHERE m.environment_id = ?");
    QVariantList binds{userId, environmentId};
    if (!groupId.isEmpty()) {
        sql += QStringLiteral(" AND m.group_id = ?");
        binds.append(groupId);
    }
    sql += QStringLiteral(" ORDER BY m.name_key");
    QSqlQuery q = db.exec(sql, binds);
    QList<MachineRow> rows;
    while (q.next())
        rows.append(machineFrom(q, userId));
    return rows;
}

std::optional<GroupRow> findGroup(Db& db, const QString& id, const QString& userId, bool forUpdate) {
    // The lock makes concurrent "add to group" calls count members one after the other, so two
    // of them cannot make the 51st member.
    const QString lock = forUpdate && db.isPostgres() ? QStringLiteral(" FOR UPDATE OF g") : QString();
    QSqlQuery q = db.exec(QStringLiteral("SELECT ") + kGroupColumns +
                              QStringLiteral(" FROM machine_groups g JOIN users u ON u.id = g.owner_id "
                                             "LEFT JOIN group_access a ON a.group_id = g.id AND a.user_id = ? "
                                             "WHERE g.id = ?") +
                              lock,
                          {userId, id});
    if (!q.next())
        return std::nullopt;
    GroupRow g = groupFrom(q, userId);
    QSqlQuery members =
        db.exec(QStringLiteral("SELECT id FROM machines WHERE group_id = ? ORDER BY name_key, id"), {g.id});
    while (members.next())
        g.machineIds.append(members.value(0).toString());
    return g;
}

QList<GroupRow> listGroups(Db& db, const QString& environmentId, const QString& userId) {
    QSqlQuery q = db.exec(QStringLiteral("SELECT ") + kGroupColumns +
                              QStringLiteral(" FROM machine_groups g JOIN users u ON u.id = g.owner_id "
                                             "LEFT JOIN group_access a ON a.group_id = g.id AND a.user_id = ? "
                                             "WHERE g.environment_id = ? ORDER BY g.name_key"),
                          {userId, environmentId});
    QList<GroupRow> groups;
    while (q.next())
        groups.append(groupFrom(q, userId));
    QSqlQuery members = db.exec(QStringLiteral("SELECT group_id, id FROM machines WHERE environment_id = ? AND "
                                               "group_id IS NOT NULL ORDER BY name_key, id"),
                                {environmentId});
    QHash<QString, QStringList> byGroup;
    while (members.next())
        byGroup[members.value(0).toString()].append(members.value(1).toString());
    for (GroupRow& g : groups)
        g.machineIds = byGroup.value(g.id);
    return groups;
}

MachineRow visibleMachine(Context& ctx, const QString& id, Subject* subject, bool forUpdate) {
    const Principal& user = ctx.user();
    const std::optional<MachineRow> machine = findMachine(ctx.db, id, user.userId, forUpdate);
    if (!machine)
        throw ApiError::notFound(QStringLiteral("The machine"));
    const Subject s = resourceSubject(ctx.db, user, machine->environmentId, machine->access);
    if (!decide(s, Action::ViewMachine).allowed)
        throw ApiError::notFound(QStringLiteral("The machine"));
    if (subject)
        *subject = s;
    return *machine;
}

GroupRow visibleGroup(Context& ctx, const QString& id, Subject* subject, bool forUpdate) {
    const Principal& user = ctx.user();
    const std::optional<GroupRow> group = findGroup(ctx.db, id, user.userId, forUpdate);
    if (!group)
        throw ApiError::notFound(QStringLiteral("The machine group"));
    const Subject s = resourceSubject(ctx.db, user, group->environmentId, group->access);
    if (!decide(s, Action::ViewGroup).allowed)
        throw ApiError::notFound(QStringLiteral("The machine group"));
    if (subject)
        *subject = s;
    return *group;
}

QString viewerAccess(const Subject& subject) {
    const ResourceAccess access = subject.effectiveAccess();
    return access == ResourceAccess::None ? accessName(ResourceAccess::CoOwner) : accessName(access);
}

QJsonObject machineJson(const MachineRow& m, const Subject& viewer) {
    QJsonArray sessions = QJsonDocument::fromJson(m.sessions.toUtf8()).array();
    QString status = m.online ? QStringLiteral("online") : QStringLiteral("offline");
    if (m.maintenanceMode)
        status = QStringLiteral("maintenance");
    return QJsonObject{
        {QStringLiteral("id"), m.id},
        {QStringLiteral("environmentId"), m.environmentId},
        {QStringLiteral("name"), m.name},
        {QStringLiteral("description"), m.description},
        {QStringLiteral("version"), m.version},
        {QStringLiteral("os"), m.os},
        {QStringLiteral("groupId"), nullable(m.groupId)},
        // Addition (docs/api.md): the group's name, so a client need not read the group.
        {QStringLiteral("groupName"), nullable(m.groupName)},
        {QStringLiteral("status"), status},
        {QStringLiteral("maintenanceMode"), m.maintenanceMode},
        {QStringLiteral("runningCount"), m.runningCount},
        {QStringLiteral("queuedCount"), m.queuedCount},
        {QStringLiteral("access"), viewerAccess(viewer)},
        {QStringLiteral("owner"), m.owner},
        {QStringLiteral("unattendedBots"), m.unattendedBots},
        {QStringLiteral("reuseSessions"), m.reuseSessions},
        {QStringLiteral("sessionRecommendations"), m.sessionRecommendations},
        {QStringLiteral("sessions"), sessions},
        {QStringLiteral("lastSeenAt"), nullable(m.lastSeenAt)},
        // Additions to API.md's Machine (docs/api.md): when the key was made, and whether the
        // orchestrator has asked the machine to rotate it (R5).
        {QStringLiteral("keyCreatedAt"), nullable(m.keyCreatedAt)},
        {QStringLiteral("keyRotationRequested"), m.keyRotationRequested},
    };
}

QJsonObject groupJson(const GroupRow& g, const Subject& viewer) {
    return QJsonObject{
        {QStringLiteral("id"), g.id},
        {QStringLiteral("environmentId"), g.environmentId},
        {QStringLiteral("name"), g.name},
        {QStringLiteral("description"), g.description},
        {QStringLiteral("maintenanceMode"), g.maintenanceMode},
        {QStringLiteral("reuseSessions"), g.reuseSessions},
        {QStringLiteral("unattendedBots"), g.unattendedBots},
        {QStringLiteral("sessionRecommendations"), g.sessionRecommendations},
        {QStringLiteral("machineIds"), QJsonArray::fromStringList(g.machineIds)},
        {QStringLiteral("owner"), g.owner},
        {QStringLiteral("access"), viewerAccess(viewer)},
    };
}

QString validateName(const QJsonValue& value, const QString& field) {
    if (value.isUndefined() || value.isNull())
        throw ApiError::badRequest(field, QStringLiteral("The field '%1' is required.").arg(field));
    if (!value.isString())
        throw ApiError::badRequest(field, QStringLiteral("The field '%1' must be a string.").arg(field));
    const QString name = value.toString().trimmed();
    if (name.isEmpty() || name.size() > 63)
        throw ApiError::badRequest(field, QStringLiteral("A name has 1 to 63 characters."));
    for (const QChar c : name) {
        if (c.category() == QChar::Other_Control || c.category() == QChar::Other_Format ||
            c.category() == QChar::Separator_Line || c.category() == QChar::Separator_Paragraph)
            throw ApiError::badRequest(field, QStringLiteral("A name may not contain control characters."));
    }
    return name;
}

void rejectUnknownFields(const QJsonObject& body, const QStringList& allowed) {
    for (auto it = body.begin(); it != body.end(); ++it) {
        if (!allowed.contains(it.key()))
            throw ApiError::badRequest(it.key(), QStringLiteral("Unknown field '%1'; the fields are: %2.")
                                                     .arg(it.key(), allowed.join(QStringLiteral(", "))));
    }
}

MachineSettings readSettings(const QJsonObject& body, const MachineSettings& current) {
    MachineSettings s;
    s.maintenanceMode = optionalBool(body, QStringLiteral("maintenanceMode"), current.maintenanceMode);
    s.reuseSessions = optionalBool(body, QStringLiteral("reuseSessions"), current.reuseSessions);
    s.unattendedBots =
        optionalInt(body, QStringLiteral("unattendedBots"), current.unattendedBots, 1, kMaxUnattendedBots);
    s.sessionRecommendations =
        optionalBool(body, QStringLiteral("sessionRecommendations"), current.sessionRecommendations);
    return s;
}

void notifySettingsChanged(Context& ctx, const QStringList& machineIds) {
    if (!ctx.services.onMachineSettingsChanged)
        return;
    for (const QString& id : machineIds)
        ctx.services.onMachineSettingsChanged(id);
}

} // namespace mr::orch
