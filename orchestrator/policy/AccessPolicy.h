#pragma once

#include <QString>
#include <QStringList>

#include <optional>

namespace mr::orch {

/// The security roles a user can hold in one environment (REQUIREMENTS R2, R11).
enum class EnvironmentRole {
    EnvironmentAdmin,
    EnvironmentMaker,
    MachineOwner,
    MachineUser,
    MachineUserCanShare,
};

/// A user's access to one machine or group (REQUIREMENTS R9), weakest first so that `>=` reads
/// as "at least".
enum class ResourceAccess { None, User, CoOwner, Owner };

/// Everything the control plane asks permission for.
enum class Action {
    CreateEnvironment,
    ManageMembers,
    ViewEnvironment, ///< list its machines, groups, …
    RegisterMachine,
    CreateGroup,
    ViewMachine,
    RunOnMachine,
    EditMachine,
    DeleteMachine,
    ShareMachine,          ///< list, grant and revoke "user" access
    ShareMachineAsCoOwner, ///< grant or revoke "coOwner" access
    AddToGroup,            ///< asked of the machine and of the group: adding and removing members
    MoveEnvironment,
    ViewGroup,
    RunOnGroup,
    EditGroup,
    DeleteGroup,
    ShareGroup,
    ShareGroupAsCoOwner,
    CreateFlow,     ///< upload a flow or a new version of one
    ViewOthersRuns, ///< see and cancel runs on a machine or group that another user's connection started
};

/// Who asks, as far as the policy cares: orchestrator administrator or not, membership and roles
/// in the environment of the thing acted on, and access to that machine or group.
struct Subject {
    bool orchestratorAdmin = false;
    bool member = false; ///< member of the environment; access rows of a removed member count for nothing (R9)
    QList<EnvironmentRole> roles;
    ResourceAccess access = ResourceAccess::None;

    bool hasRole(EnvironmentRole role) const { return member && roles.contains(role); }
    /// The access that counts: none once the user has left the environment.
    ResourceAccess effectiveAccess() const { return member ? access : ResourceAccess::None; }
};

/// The answer: allowed, or refused with what would allow it (`details.needs` of the 403).
struct Decision {
    bool allowed = false;
    QString needs;
};

/// The one place that decides every control-plane action, from a table that mirrors R9 and R11.
/// Routes gather a Subject and ask; they never check roles themselves.
Decision decide(const Subject& subject, Action action);

/// decide(), throwing ApiError Forbidden (with details.needs and a message naming @p target,
/// e.g. the environment's or the machine's name) when refused.
void require(const Subject& subject, Action action, const QString& target);

/// Role names as the API spells them ("EnvironmentAdmin", …), in the order of EnvironmentRole.
QStringList roleNames();
QString roleName(EnvironmentRole role);
std::optional<EnvironmentRole> parseRole(const QString& name);
/// Parses the comma-separated `environment_members.roles` column; unknown names are skipped.
QList<EnvironmentRole> parseRoleList(const QString& column);

/// "owner", "coOwner", "user", or an empty string for None.
QString accessName(ResourceAccess access);
/// The stored machine_access/group_access role ("coOwner" or "user"); None for anything else.
ResourceAccess parseAccess(const QString& name);

} // namespace mr::orch
