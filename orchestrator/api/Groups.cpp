// Machine groups (R14): create, list, read, change (settings reach every member; maintenance on
// the group puts every member in maintenance, R7), delete, and add or remove members (R12: at
// most 50).

#include "orchestrator/api/ControlPlane.h"

#include "protocol/Limits.h"

#include <QJsonArray>
#include <QSqlQuery>

namespace mr::orch {

namespace {

const QStringList kPatchFields{
    QStringLiteral("name"),          QStringLiteral("description"),    QStringLiteral("maintenanceMode"),
    QStringLiteral("reuseSessions"), QStringLiteral("unattendedBots"), QStringLiteral("sessionRecommendations")};

ApiError groupNameTaken(const QString& name, const QString& environmentName) {
    return ApiError(QStringLiteral("Conflict"),
                    QStringLiteral("A machine group named '%1' already exists in %2.").arg(name, environmentName),
                    QJsonObject{{QStringLiteral("field"), QStringLiteral("name")}});
}

void requireFreeGroupName(Db& db, const QString& environmentId, const QString& environmentName, const QString& name,
                          const QString& exceptGroupId = {}) {
    if (db.scalar(QStringLiteral("SELECT id FROM machine_groups WHERE environment_id = ? AND name_key = ? AND id <> ?"),
                  {environmentId, nameKey(name), exceptGroupId})
            .isValid())
        throw groupNameTaken(name, environmentName);
}

/// Gives the group's settings to its machines (R14; maintenance too, R7). Returns their ids.
QStringList applyGroupSettings(Db& db, const QString& groupId, const MachineSettings& s) {
    db.exec(QStringLiteral("UPDATE machines SET maintenance_mode = ?, reuse_sessions = ?, unattended_bots = ?, "
                           "session_recommendations = ? WHERE group_id = ?"),
            {s.maintenanceMode, s.reuseSessions, s.unattendedBots, s.sessionRecommendations, groupId});
    QStringList ids;
    QSqlQuery q = db.exec(QStringLiteral("SELECT id FROM machines WHERE group_id = ?"), {groupId});
    while (q.next())
        ids.append(q.value(0).toString());
    return ids;
}

MachineSettings settingsOf(const GroupRow& g) {
    return {g.maintenanceMode, g.reuseSessions, g.unattendedBots, g.sessionRecommendations};
}

HttpResponse postGroup(Context& ctx) {
    const Principal& user = ctx.user();
    const EnvironmentRow env = loadEnvironment(ctx.db, ctx.request.param(QStringLiteral("env")));
    const QJsonObject body = requireJsonObject(ctx.request);
    const QString name = validateName(body.value(QStringLiteral("name")), QStringLiteral("name"));
    const QString description = optionalString(body, QStringLiteral("description"), QStringLiteral(""), 1024);
    Subject subject = environmentSubject(ctx.db, user, env.id);
    require(subject, Action::CreateGroup, env.name);

    const QString id = newId();
    try {
        ctx.db.transaction([&] {
            requireFreeGroupName(ctx.db, env.id, env.name, name);
            ctx.db.exec(QStringLiteral("INSERT INTO machine_groups (id, environment_id, name, name_key, description, "
                                       "owner_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"),
                        {id, env.id, name, nameKey(name), notNull(description), user.userId, isoUtc(ctx.now())});
        });
    } catch (const DbError& e) {
        if (Db::isUniqueViolation(e))
            throw groupNameTaken(name, env.name);
        throw;
    }
    const GroupRow group = *findGroup(ctx.db, id, user.userId);
    subject.access = group.access;
    return HttpResponse::json(201, groupJson(group, subject));
}

HttpResponse listEnvironmentGroups(Context& ctx) {
    const Principal& user = ctx.user();
    const EnvironmentRow env = loadEnvironment(ctx.db, ctx.request.param(QStringLiteral("env")));
    Subject subject = environmentSubject(ctx.db, user, env.id);
    require(subject, Action::ViewEnvironment, env.name);
    QJsonArray list;
    const QList<GroupRow> groups = listGroups(ctx.db, env.id, user.userId);
    for (const GroupRow& g : groups) {
        subject.access = g.access;
        if (decide(subject, Action::ViewGroup).allowed)
            list.append(groupJson(g, subject));
    }
    return HttpResponse::json(200, list);
}

HttpResponse getGroup(Context& ctx) {
    Subject subject;
    const GroupRow group = visibleGroup(ctx, ctx.request.param(QStringLiteral("id")), &subject);
    return HttpResponse::json(200, groupJson(group, subject));
}

HttpResponse patchGroup(Context& ctx) {
    const QString id = ctx.request.param(QStringLiteral("id"));
    visibleGroup(ctx, id);
    const QJsonObject body = requireJsonObject(ctx.request);
    rejectUnknownFields(body, kPatchFields);

    QStringList changedMachines;
    ctx.db.transaction([&] {
        Subject subject;
        const GroupRow g = visibleGroup(ctx, id, &subject, true);
        require(subject, Action::EditGroup, g.name);
        const QString name = body.contains(QStringLiteral("name"))
                                 ? validateName(body.value(QStringLiteral("name")), QStringLiteral("name"))
                                 : g.name;
        const QString description = optionalString(body, QStringLiteral("description"), g.description, 1024);
        const MachineSettings s = readSettings(body, settingsOf(g));
        if (nameKey(name) != nameKey(g.name))
            requireFreeGroupName(ctx.db, g.environmentId, loadEnvironment(ctx.db, g.environmentId).name, name, g.id);
        ctx.db.exec(QStringLiteral("UPDATE machine_groups SET name = ?, name_key = ?, description = ?, "
                                   "maintenance_mode = ?, reuse_sessions = ?, unattended_bots = ?, "
                                   "session_recommendations = ? WHERE id = ?"),
                    {name, nameKey(name), notNull(description), s.maintenanceMode, s.reuseSessions, s.unattendedBots,
                     s.sessionRecommendations, g.id});
        changedMachines = applyGroupSettings(ctx.db, g.id, s);
    });
    notifySettingsChanged(ctx, changedMachines);
    Subject subject;
    const GroupRow group = visibleGroup(ctx, id, &subject);
    return HttpResponse::json(200, groupJson(group, subject));
}

HttpResponse deleteGroup(Context& ctx) {
    const QString id = ctx.request.param(QStringLiteral("id"));
    QStringList members;
    ctx.db.transaction([&] {
        Subject subject;
        const GroupRow g = visibleGroup(ctx, id, &subject, true);
        require(subject, Action::DeleteGroup, g.name);
        // Members leave and keep the settings they had from the group (R14).
        ctx.db.exec(QStringLiteral("UPDATE machines SET group_id = NULL WHERE group_id = ?"), {g.id});
        ctx.db.exec(QStringLiteral("DELETE FROM group_access WHERE group_id = ?"), {g.id});
        ctx.db.exec(QStringLiteral("DELETE FROM machine_groups WHERE id = ?"), {g.id});
        members = g.machineIds;
    });
    notifySettingsChanged(ctx, members);
    return HttpResponse::noContent();
}

/// The group and the machine, both locked, when the caller co-owns both (or may otherwise
/// change membership).
struct Membership {
    GroupRow group;
    MachineRow machine;
};

Membership lockForMembership(Context& ctx) {
    Subject groupSubject;
    Subject machineSubject;
    // Lock order everywhere: the group, then its machines.
    GroupRow group = visibleGroup(ctx, ctx.request.param(QStringLiteral("id")), &groupSubject, true);
    MachineRow machine = visibleMachine(ctx, ctx.request.param(QStringLiteral("machineId")), &machineSubject, true);
    require(groupSubject, Action::AddToGroup, group.name);
    require(machineSubject, Action::AddToGroup, machine.name);
    return {std::move(group), std::move(machine)};
}

HttpResponse putGroupMachine(Context& ctx) {
    bool changed = false;
    QString machineId;
    ctx.db.transaction([&] {
        const Membership m = lockForMembership(ctx);
        machineId = m.machine.id;
        if (m.machine.groupId == m.group.id)
            return; // already a member: PUT is idempotent
        if (m.machine.environmentId != m.group.environmentId)
            throw ApiError(QStringLiteral("Conflict"),
                           QStringLiteral("The machine '%1' and the group '%2' are in different environments.")
                               .arg(m.machine.name, m.group.name));
        if (!m.machine.groupId.isEmpty())
            throw ApiError(QStringLiteral("Conflict"),
                           QStringLiteral("The machine '%1' is already in another group; remove it from there first.")
                               .arg(m.machine.name),
                           QJsonObject{{QStringLiteral("groupId"), m.machine.groupId}});
        // Counted under the group's lock (PostgreSQL FOR UPDATE; SQLite's write transaction), so
        // two concurrent adds cannot both see 49.
        const int count =
            ctx.db.scalar(QStringLiteral("SELECT COUNT(*) FROM machines WHERE group_id = ?"), {m.group.id}).toInt();
        if (count >= protocol::kMaxMachinesPerGroup)
            throw ApiError(QStringLiteral("GroupFull"),
                           QStringLiteral("The group '%1' already holds %2 machines, the most a group may hold.")
                               .arg(m.group.name)
                               .arg(protocol::kMaxMachinesPerGroup));
        const MachineSettings s = settingsOf(m.group);
        ctx.db.exec(
            QStringLiteral("UPDATE machines SET group_id = ?, maintenance_mode = ?, reuse_sessions = ?, "
                           "unattended_bots = ?, session_recommendations = ? WHERE id = ?"),
            {m.group.id, s.maintenanceMode, s.reuseSessions, s.unattendedBots, s.sessionRecommendations, m.machine.id});
        changed = true;
    });
    if (changed)
        notifySettingsChanged(ctx, {machineId});
    return HttpResponse::noContent();
}

HttpResponse deleteGroupMachine(Context& ctx) {
    QString machineId;
    ctx.db.transaction([&] {
        const Membership m = lockForMembership(ctx);
        if (m.machine.groupId != m.group.id)
            throw ApiError::notFound(
                QStringLiteral("The machine '%1' in the group '%2'").arg(m.machine.name, m.group.name));
        // It keeps the settings it had from the group (R14).
        ctx.db.exec(QStringLiteral("UPDATE machines SET group_id = NULL WHERE id = ?"), {m.machine.id});
        machineId = m.machine.id;
    });
    notifySettingsChanged(ctx, {machineId});
    return HttpResponse::noContent();
}

} // namespace

void registerGroupRoutes(Router& router) {
    router.add("POST", QStringLiteral("/api/v1/environments/{env}/groups"), postGroup);
    router.add("GET", QStringLiteral("/api/v1/environments/{env}/groups"), listEnvironmentGroups);
    router.add("GET", QStringLiteral("/api/v1/groups/{id}"), getGroup);
    router.add("PATCH", QStringLiteral("/api/v1/groups/{id}"), patchGroup);
    router.add("DELETE", QStringLiteral("/api/v1/groups/{id}"), deleteGroup);
    router.add("PUT", QStringLiteral("/api/v1/groups/{id}/machines/{machineId}"), putGroupMachine);
    router.add("DELETE", QStringLiteral("/api/v1/groups/{id}/machines/{machineId}"), deleteGroupMachine);
}

} // namespace mr::orch
