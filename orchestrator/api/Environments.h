#pragma once

#include "orchestrator/store/Database.h"

#include <QDateTime>
#include <QString>
#include <QStringList>

#include <optional>

namespace mr::orch {

class Router;

/// An environment as the command line sees it.
struct EnvironmentRecord {
    QString id, name;
};

/// Creates an environment. Throws ApiError BadRequest (field `name`) for an invalid name and
/// ApiError Conflict when the name is taken (ignoring case).
EnvironmentRecord createEnvironment(Db& db, const QString& name, const QDateTime& now);
/// Looks an environment up by name, ignoring case.
std::optional<EnvironmentRecord> findEnvironmentByName(Db& db, const QString& name);
/// Adds @p roles to the user's roles in the environment (making them a member when they are
/// not one yet). Throws ApiError BadRequest (field `roles`) for an unknown role name.
void grantRoles(Db& db, const QString& environmentId, const QString& userId, const QStringList& roles);
/// The role names the API accepts: EnvironmentAdmin, EnvironmentMaker, MachineOwner,
/// MachineUser, MachineUserCanShare.
QStringList validRoles();

/// Registers the control plane of API.md: `/me`, environments and members, machines, groups
/// and sharing.
void registerControlPlaneRoutes(Router& router);

} // namespace mr::orch
