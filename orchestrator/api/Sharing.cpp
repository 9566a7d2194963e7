// Sharing machines and groups (R9): list, grant and revoke co-owner or user access.
//
// Who may grant what: co-owners (and owners, environment and orchestrator administrators) grant
// and revoke both kinds. A Machine User Can Share who holds only "user" access may share what
// was shared with them, but only as "user": they cannot give more than they have, and they
// cannot change or revoke a co-owner's access (Action::ShareMachineAsCoOwner).

#include "orchestrator/api/ControlPlane.h"

#include "orchestrator/auth/UserDirectory.h"

#include <QJsonArray>
#include <QSqlQuery>

namespace mr::orch {

namespace {

/// What differs between sharing a machine and sharing a group.
struct Shared {
    QString accessTable; ///< machine_access / group_access
    QString idColumn;    ///< machine_id / group_id
    Action share;
    Action shareAsCoOwner;
};

const Shared kMachine{QStringLiteral("machine_access"), QStringLiteral("machine_id"), Action::ShareMachine,
                      Action::ShareMachineAsCoOwner};
const Shared kGroup{QStringLiteral("group_access"), QStringLiteral("group_id"), Action::ShareGroup,
                    Action::ShareGroupAsCoOwner};

/// The machine's or group's id, environment, name and owner, after checking the caller may see it.
struct Target {
    QString id, environmentId, name, ownerId;
    Subject subject;
};

Target loadTarget(Context& ctx, const Shared& kind, bool forUpdate) {
    Target t;
    const QString id = ctx.request.param(QStringLiteral("id"));
    if (kind.share == Action::ShareMachine) {
        const MachineRow m = visibleMachine(ctx, id, &t.subject, forUpdate);
        t.id = m.id;
        t.environmentId = m.environmentId;
        t.name = m.name;
        t.ownerId = m.ownerId;
    } else {
        const GroupRow g = visibleGroup(ctx, id, &t.subject, forUpdate);
        t.id = g.id;
        t.environmentId = g.environmentId;
        t.name = g.name;
        t.ownerId = g.ownerId;
    }
    return t;
}

UserRecord userByName(Db& db, const QString& username) {
    const std::optional<UserRecord> user = findUserByName(db, username);
    if (!user)
        throw ApiError::notFound(QStringLiteral("The user '%1'").arg(username));
    return *user;
}

ResourceAccess storedAccess(Db& db, const Shared& kind, const QString& targetId, const QString& userId) {
    return parseAccess(db.scalar(QStringLiteral("SELECT role FROM ") + kind.accessTable + QStringLiteral(" WHERE ") +
                                     kind.idColumn + QStringLiteral(" = ? AND user_id = ?"),
                                 {targetId, userId})
                           .toString());
}

ApiError ownerConflict(const QString& username, const QString& name) {
    return ApiError(QStringLiteral("Conflict"),
                    QStringLiteral("%1 owns '%2'; the owner's access cannot be changed.").arg(username, name));
}

HttpResponse listAccess(Context& ctx, const Shared& kind) {
    const Target t = loadTarget(ctx, kind, false);
    require(t.subject, kind.share, t.name);
    // Deactivated users and users who left the environment stay listed, flagged (R9).
    const QString select = QStringLiteral("SELECT u.username, u.display_name, u.deactivated, "
                                          "CASE WHEN em.user_id IS NULL THEN 1 ELSE 0 END");
    const QString members =
        QStringLiteral(" LEFT JOIN environment_members em ON em.environment_id = ? AND em.user_id = u.id");
    QJsonArray list;
    const auto entry = [](const QSqlQuery& q, const QString& role) {
        return QJsonObject{{QStringLiteral("username"), q.value(0).toString()},
                           {QStringLiteral("displayName"), q.value(1).toString()},
                           {QStringLiteral("role"), role},
                           {QStringLiteral("deactivated"), q.value(2).toBool() || q.value(3).toInt() != 0}};
    };
    QSqlQuery owner =
        ctx.db.exec(select + QStringLiteral(" FROM users u") + members + QStringLiteral(" WHERE u.id = ?"),
                    {t.environmentId, t.ownerId});
    if (owner.next())
        list.append(entry(owner, accessName(ResourceAccess::Owner)));
    QSqlQuery rows =
        ctx.db.exec(select + QStringLiteral(", a.role FROM ") + kind.accessTable +
                        QStringLiteral(" a JOIN users u ON u.id = a.user_id") + members + QStringLiteral(" WHERE a.") +
                        kind.idColumn + QStringLiteral(" = ? AND a.user_id <> ? ORDER BY u.username_key"),
                    {t.environmentId, t.id, t.ownerId});
    while (rows.next())
        list.append(entry(rows, accessName(parseAccess(rows.value(4).toString()))));
    return HttpResponse::json(200, list);
}

HttpResponse putAccess(Context& ctx, const Shared& kind) {
    const Target visible = loadTarget(ctx, kind, false); // 404 before looking at the body
    const QJsonObject body = requireJsonObject(ctx.request);
    const QString roleText = requireString(body, QStringLiteral("role"), 16);
    const ResourceAccess role = parseAccess(roleText);
    if (role == ResourceAccess::None)
        throw ApiError::badRequest(QStringLiteral("role"), QStringLiteral("The role is \"coOwner\" or \"user\"."));
    require(visible.subject, kind.share, visible.name); // before telling which usernames exist
    const UserRecord user = userByName(ctx.db, ctx.request.param(QStringLiteral("username")));

    ctx.db.transaction([&] {
        const Target t = loadTarget(ctx, kind, true);
        require(t.subject, kind.share, t.name);
        if (user.id == t.ownerId)
            throw ownerConflict(user.username, t.name);
        const ResourceAccess current = storedAccess(ctx.db, kind, t.id, user.id);
        if (role == ResourceAccess::CoOwner || current == ResourceAccess::CoOwner)
            require(t.subject, kind.shareAsCoOwner, t.name);
        const QString where = QStringLiteral(" WHERE ") + kind.idColumn + QStringLiteral(" = ? AND user_id = ?");
        if (current != ResourceAccess::None)
            ctx.db.exec(QStringLiteral("UPDATE ") + kind.accessTable + QStringLiteral(" SET role = ?") + where,
                        {roleText, t.id, user.id});
        else
            ctx.db.exec(QStringLiteral("INSERT INTO ") + kind.accessTable + QStringLiteral(" (") + kind.idColumn +
                            QStringLiteral(", user_id, role) VALUES (?, ?, ?)"),
                        {t.id, user.id, roleText});
    });
    return HttpResponse::noContent();
}

HttpResponse deleteAccess(Context& ctx, const Shared& kind) {
    const Target visible = loadTarget(ctx, kind, false);
    require(visible.subject, kind.share, visible.name); // before telling which usernames exist
    const UserRecord user = userByName(ctx.db, ctx.request.param(QStringLiteral("username")));
    ctx.db.transaction([&] {
        const Target t = loadTarget(ctx, kind, true);
        require(t.subject, kind.share, t.name);
        if (user.id == t.ownerId)
            throw ownerConflict(user.username, t.name);
        if (storedAccess(ctx.db, kind, t.id, user.id) == ResourceAccess::CoOwner)
            require(t.subject, kind.shareAsCoOwner, t.name);
        ctx.db.exec(QStringLiteral("DELETE FROM ") + kind.accessTable + QStringLiteral(" WHERE ") + kind.idColumn +
                        QStringLiteral(" = ? AND user_id = ?"),
                    {t.id, user.id});
    });
    return HttpResponse::noContent();
}

} // namespace

void registerSharingRoutes(Router& router) {
    router.add("GET", QStringLiteral("/api/v1/machines/{id}/access"),
               [](Context& c) { return listAccess(c, kMachine); });
    router.add("PUT", QStringLiteral("/api/v1/machines/{id}/access/{username}"),
               [](Context& c) { return putAccess(c, kMachine); });
    router.add("DELETE", QStringLiteral("/api/v1/machines/{id}/access/{username}"),
               [](Context& c) { return deleteAccess(c, kMachine); });
    router.add("GET", QStringLiteral("/api/v1/groups/{id}/access"), [](Context& c) { return listAccess(c, kGroup); });
    router.add("PUT", QStringLiteral("/api/v1/groups/{id}/access/{username}"),
               [](Context& c) { return putAccess(c, kGroup); });
    router.add("DELETE", QStringLiteral("/api/v1/groups/{id}/access/{username}"),
               [](Context& c) { return deleteAccess(c, kGroup); });
}

} // namespace mr::orch
