#include "orchestrator/api/Environments.h"

#include "orchestrator/api/ControlPlane.h"
#include "orchestrator/auth/UserDirectory.h"

#include <QJsonArray>
#include <QSqlQuery>

namespace mr::orch {

namespace {

QString validateEnvironmentName(const QString& raw) {
    const QString name = raw.trimmed();
    if (name.isEmpty() || name.size() > 100)
        throw ApiError::badRequest(QStringLiteral("name"),
                                   QStringLiteral("An environment name has 1 to 100 characters."));
    for (const QChar c : name) {
        if (c.category() == QChar::Other_Control || c.category() == QChar::Other_Format)
            throw ApiError::badRequest(QStringLiteral("name"),
                                       QStringLiteral("An environment name may not contain control characters."));
    }
    return name;
}

/// Parses `roles` of a request body: an array of known role names.
QStringList readRoles(const QJsonObject& body) {
    const QJsonValue v = body.value(QStringLiteral("roles"));
    if (v.isUndefined() || v.isNull())
        throw ApiError::badRequest(QStringLiteral("roles"), QStringLiteral("The field 'roles' is required."));
    if (!v.isArray())
        throw ApiError::badRequest(QStringLiteral("roles"),
                                   QStringLiteral("The field 'roles' must be an array of role names."));
    QStringList roles;
    const QJsonArray array = v.toArray();
    for (const QJsonValue& item : array) {
        if (!item.isString() || !parseRole(item.toString()))
            throw ApiError::badRequest(QStringLiteral("roles"),
                                       QStringLiteral("Unknown role %1; the roles are: %2.")
                                           .arg(item.isString() ? QStringLiteral("'%1'").arg(item.toString())
                                                                : QStringLiteral("(not a string)"),
                                                validRoles().join(QStringLiteral(", "))));
        if (!roles.contains(item.toString()))
            roles.append(item.toString());
    }
    return roles;
}

/// The roles in a canonical order, as stored in `environment_members.roles`.
QString roleColumn(const QStringList& roles) {
    QStringList ordered;
    for (const QString& r : validRoles()) {
        if (roles.contains(r))
            ordered.append(r);
    }
    const QString column = ordered.join(QLatin1Char(','));
    return column.isNull() ? QStringLiteral("") : column; // a member without roles: '' (the column is NOT NULL)
}

void setRoles(Db& db, const QString& environmentId, const QString& userId, const QStringList& roles) {
    db.transaction([&] {
        const int changed = db.execAffected(
            QStringLiteral("UPDATE environment_members SET roles = ? WHERE environment_id = ? AND user_id = ?"),
            {roleColumn(roles), environmentId, userId});
        if (changed == 0)
            db.exec(QStringLiteral("INSERT INTO environment_members (environment_id, user_id, roles) VALUES (?, ?, ?)"),
                    {environmentId, userId, roleColumn(roles)});
    });
}

QJsonArray rolesJson(const QString& column) {
    QJsonArray roles;
    for (EnvironmentRole role : parseRoleList(column))
        roles.append(roleName(role));
    return roles;
}

/// `[{id, name, roles}]`: the user's environments, or every environment for an administrator.
QJsonArray environmentsOf(Db& db, const Principal& user, bool all) {
    QSqlQuery q =
        all ? db.exec(QStringLiteral("SELECT e.id, e.name, m.roles FROM environments e "
                                     "LEFT JOIN environment_members m ON m.environment_id = e.id AND m.user_id = ? "
                                     "ORDER BY e.name_key"),
                      {user.userId})
            : db.exec(QStringLiteral("SELECT e.id, e.name, m.roles FROM environments e "
                                     "JOIN environment_members m ON m.environment_id = e.id "
                                     "WHERE m.user_id = ? ORDER BY e.name_key"),
                      {user.userId});
    QJsonArray list;
    while (q.next()) {
        list.append(QJsonObject{{QStringLiteral("id"), q.value(0).toString()},
                                {QStringLiteral("name"), q.value(1).toString()},
                                {QStringLiteral("roles"), rolesJson(q.value(2).toString())}});
    }
    return list;
}

UserRecord userByName(Db& db, const QString& username) {
    const std::optional<UserRecord> user = findUserByName(db, username);
    if (!user)
        throw ApiError::notFound(QStringLiteral("The user '%1'").arg(username));
    return *user;
}

HttpResponse getMe(Context& ctx) {
    const Principal& user = ctx.user();
    return HttpResponse::json(200, QJsonObject{{QStringLiteral("id"), user.userId},
                                               {QStringLiteral("username"), user.username},
                                               {QStringLiteral("displayName"), user.displayName},
                                               {QStringLiteral("environments"), environmentsOf(ctx.db, user, false)}});
}

HttpResponse listEnvironments(Context& ctx) {
    const Principal& user = ctx.user();
    return HttpResponse::json(200, environmentsOf(ctx.db, user, user.isAdmin));
}

HttpResponse postEnvironment(Context& ctx) {
    const Principal& user = ctx.user();
    Subject subject;
    subject.orchestratorAdmin = user.isAdmin;
    require(subject, Action::CreateEnvironment, QString());
    const QJsonObject body = requireJsonObject(ctx.request);
    const EnvironmentRecord env =
        createEnvironment(ctx.db, requireString(body, QStringLiteral("name"), 100), ctx.now());
    return HttpResponse::json(201, QJsonObject{{QStringLiteral("id"), env.id},
                                               {QStringLiteral("name"), env.name},
                                               {QStringLiteral("roles"), QJsonArray()}});
}

HttpResponse putMember(Context& ctx) {
    const Principal& caller = ctx.user();
    const EnvironmentRow env = loadEnvironment(ctx.db, ctx.request.param(QStringLiteral("env")));
    require(environmentSubject(ctx.db, caller, env.id), Action::ManageMembers, env.name);
    const QStringList roles = readRoles(requireJsonObject(ctx.request));
    const UserRecord user = userByName(ctx.db, ctx.request.param(QStringLiteral("username")));
    setRoles(ctx.db, env.id, user.id, roles); // PUT replaces: the body is the member's whole set of roles
    return HttpResponse::noContent();
}

HttpResponse deleteMember(Context& ctx) {
    const Principal& caller = ctx.user();
    const EnvironmentRow env = loadEnvironment(ctx.db, ctx.request.param(QStringLiteral("env")));
    require(environmentSubject(ctx.db, caller, env.id), Action::ManageMembers, env.name);
    const UserRecord user = userByName(ctx.db, ctx.request.param(QStringLiteral("username")));
    // Their machine_access/group_access rows stay: access lists show them as deactivated so an
    // owner sees whom to remove (R9), and the policy ignores access of non-members.
    ctx.db.exec(QStringLiteral("DELETE FROM environment_members WHERE environment_id = ? AND user_id = ?"),
                {env.id, user.id});
    return HttpResponse::noContent();
}

} // namespace

QStringList validRoles() {
    return roleNames();
}

EnvironmentRecord createEnvironment(Db& db, const QString& rawName, const QDateTime& now) {
    const QString name = validateEnvironmentName(rawName);
    const EnvironmentRecord env{newId(), name};
    const auto taken = [&] {
        return ApiError(QStringLiteral("Conflict"),
                        QStringLiteral("An environment named '%1' already exists.").arg(name),
                        QJsonObject{{QStringLiteral("field"), QStringLiteral("name")}});
    };
    try {
        db.transaction([&] {
            if (db.scalar(QStringLiteral("SELECT 1 FROM environments WHERE name_key = ?"), {name.toLower()}).isValid())
                throw taken();
            db.exec(QStringLiteral("INSERT INTO environments (id, name, name_key, created_at) VALUES (?, ?, ?, ?)"),
                    {env.id, name, name.toLower(), isoUtc(now)});
        });
    } catch (const DbError& e) {
        if (Db::isUniqueViolation(e))
            throw taken();
        throw;
    }
    return env;
}

std::optional<EnvironmentRecord> findEnvironmentByName(Db& db, const QString& name) {
    QSqlQuery q =
        db.exec(QStringLiteral("SELECT id, name FROM environments WHERE name_key = ?"), {name.trimmed().toLower()});
    if (!q.next())
        return std::nullopt;
    return EnvironmentRecord{q.value(0).toString(), q.value(1).toString()};
}

void grantRoles(Db& db, const QString& environmentId, const QString& userId, const QStringList& roles) {
    for (const QString& role : roles) {
        if (!parseRole(role))
            throw ApiError::badRequest(QStringLiteral("roles"),
                                       QStringLiteral("Unknown role '%1'; the roles are: %2.")
                                           .arg(role, validRoles().join(QStringLiteral(", "))));
    }
    db.transaction([&] {
        const QVariant current =
            db.scalar(QStringLiteral("SELECT roles FROM environment_members WHERE environment_id = ? AND user_id = ?"),
                      {environmentId, userId});
        QStringList merged = current.toString().split(QLatin1Char(','), Qt::SkipEmptyParts);
        merged.append(roles);
        setRoles(db, environmentId, userId, merged);
    });
}

void registerEnvironmentRoutes(Router& router) {
    router.add("GET", QStringLiteral("/api/v1/me"), getMe);
    router.add("GET", QStringLiteral("/api/v1/environments"), listEnvironments);
    router.add("POST", QStringLiteral("/api/v1/environments"), postEnvironment);
    router.add("PUT", QStringLiteral("/api/v1/environments/{env}/members/{username}"), putMember);
    router.add("DELETE", QStringLiteral("/api/v1/environments/{env}/members/{username}"), deleteMember);
}

void registerControlPlaneRoutes(Router& router) {
    registerEnvironmentRoutes(router);
    registerMachineRoutes(router);
    registerGroupRoutes(router);
    registerSharingRoutes(router);
}

} // namespace mr::orch
