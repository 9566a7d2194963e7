#pragma once

// Internal to orchestrator/api: what the control-plane routes (environments, machines, groups,
// sharing) share — loading rows, gathering the policy's Subject, and the JSON of API.md's
// Machine and Group types.

#include "orchestrator/http/Router.h"
#include "orchestrator/policy/AccessPolicy.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace mr::orch {

class Router;

void registerEnvironmentRoutes(Router& router);
void registerMachineRoutes(Router& router);
void registerGroupRoutes(Router& router);
void registerSharingRoutes(Router& router);

/// An environment row.
struct EnvironmentRow {
    QString id, name;
};
/// The environment, or ApiError NotFound.
EnvironmentRow loadEnvironment(Db& db, const QString& id);

/// Membership and roles of @p userId in @p environmentId, plus the orchestrator admin flag.
Subject environmentSubject(Db& db, const Principal& user, const QString& environmentId);

/// A machine row with its owner's username and the caller's stored access.
struct MachineRow {
    QString id, environmentId, name, description, version, os, groupId, groupName, ownerId, owner;
    bool maintenanceMode = false, online = false, reuseSessions = false, sessionRecommendations = true;
    bool keyRotationRequested = false;
    int runningCount = 0, queuedCount = 0, unattendedBots = 1;
    QString sessions, lastSeenAt, keyCreatedAt;
    ResourceAccess access = ResourceAccess::None; ///< of the user the row was loaded for
};
/// Loads one machine with @p userId's access; std::nullopt when there is no such machine.
std::optional<MachineRow> findMachine(Db& db, const QString& id, const QString& userId, bool forUpdate = false);
/// Every machine of an environment (optionally only a group's), with @p userId's access.
QList<MachineRow> listMachines(Db& db, const QString& environmentId, const QString& userId,
                               const QString& groupId = {});

/// A group row with its owner's username, its members and the caller's stored access.
struct GroupRow {
    QString id, environmentId, name, description, ownerId, owner;
    bool maintenanceMode = false, reuseSessions = false, sessionRecommendations = true;
    int unattendedBots = 1;
    QStringList machineIds;
    ResourceAccess access = ResourceAccess::None;
};
std::optional<GroupRow> findGroup(Db& db, const QString& id, const QString& userId, bool forUpdate = false);
QList<GroupRow> listGroups(Db& db, const QString& environmentId, const QString& userId);

/// The Subject for acting on a machine or group: the caller's roles in its environment and
/// their access to it.
Subject resourceSubject(Db& db, const Principal& user, const QString& environmentId, ResourceAccess access);

/// The machine (or group) when the caller may see it; ApiError NotFound when it does not
/// exist or they may not see it (its existence is not leaked).
MachineRow visibleMachine(Context& ctx, const QString& id, Subject* subject = nullptr, bool forUpdate = false);
GroupRow visibleGroup(Context& ctx, const QString& id, Subject* subject = nullptr, bool forUpdate = false);

/// The `access` field shown to a viewer: their own, or "coOwner" for administrators without one.
QString viewerAccess(const Subject& subject);

QJsonObject machineJson(const MachineRow& machine, const Subject& viewer);
QJsonObject groupJson(const GroupRow& group, const Subject& viewer);

/// A machine or group name: trimmed, 1–63 characters, no control characters; ApiError
/// BadRequest naming @p field otherwise.
QString validateName(const QJsonValue& value, const QString& field);
/// Case-insensitive uniqueness key of a name.
inline QString nameKey(const QString& name) {
    return name.toLower();
}

/// @p s, never null: Qt binds a null QString as SQL NULL, which NOT NULL text columns refuse.
inline QString notNull(const QString& s) {
    return s.isNull() ? QStringLiteral("") : s;
}

/// Throws BadRequest for a field of @p body that is not in @p allowed.
void rejectUnknownFields(const QJsonObject& body, const QStringList& allowed);

/// The settings a group imposes on its machines (R14) and a single machine's own.
struct MachineSettings {
    bool maintenanceMode = false;
    bool reuseSessions = false;
    int unattendedBots = 1;
    bool sessionRecommendations = true;
};
/// Reads the settings fields present in @p body over @p current (validating each).
MachineSettings readSettings(const QJsonObject& body, const MachineSettings& current);
/// The bounds of `unattendedBots`.
inline constexpr int kMaxUnattendedBots = 50;

/// Tells the agent hub (when wired) that these machines' settings changed. Call after commit.
void notifySettingsChanged(Context& ctx, const QStringList& machineIds);

} // namespace mr::orch
