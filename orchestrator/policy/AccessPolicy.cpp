#include "orchestrator/policy/AccessPolicy.h"

#include "orchestrator/http/Http.h"

#include <initializer_list>

namespace mr::orch {

namespace {

using R = EnvironmentRole;
using A = ResourceAccess;

/// One row of the table. An action is allowed to
///  - an orchestrator administrator, always;
///  - a member holding one of `roles` (environment-wide: no access to the resource needed);
///  - any member when `anyMember` is set;
///  - a member whose access to the machine/group is at least `minAccess` (R9);
///  - a member holding one of `rolesWithAccess` who has any access to the machine/group: a role
///    that extends what sharing gave them (R11: Machine User Can Share may share what was
///    shared with them).
///
/// How R11 reads here: the role-based rights of Machine Owner on machines and groups (run,
/// share, add to group, edit, delete) are for the machines and groups they own or co-own, which
/// R9's co-owner access already grants; what the role adds is registering machines and creating
/// groups. Machine User runs on what was shared with them, which R9's "user" access grants.
/// Environment Admin may do everything in the environment; the orchestrator administrator
/// everything everywhere.
struct Rule {
    Action action;
    std::initializer_list<R> roles;
    bool anyMember;
    A minAccess; ///< None: no access level grants it by itself
    std::initializer_list<R> rolesWithAccess;
    const char* needs;
    const char* message; ///< %1 = the environment's, machine's or group's name
};

// clang-format off
const Rule kRules[] = {
    // action                        environment-wide roles                                        any member  access       roles + any access         needs
    {Action::CreateEnvironment,     {},                                                              false, A::None,    {},                        "OrchestratorAdmin",
     "Creating an environment needs an orchestrator administrator."},
    {Action::ManageMembers,         {R::EnvironmentAdmin},                                           false, A::None,    {},                        "EnvironmentAdmin",
     "Managing the members of %1 needs the Environment Admin role."},
    {Action::ViewEnvironment,       {},                                                              true,  A::None,    {},                        "EnvironmentMember",
     "Only members of %1 can see what it holds."},
    {Action::RegisterMachine,       {R::EnvironmentAdmin, R::EnvironmentMaker, R::MachineOwner},     false, A::None,    {},                        "EnvironmentMaker or MachineOwner",
     "Registering a machine in %1 needs the Environment Maker or Desktop Flows Machine Owner role."},
    {Action::CreateGroup,           {R::EnvironmentAdmin, R::EnvironmentMaker, R::MachineOwner},     false, A::None,    {},                        "EnvironmentMaker or MachineOwner",
     "Creating a machine group in %1 needs the Environment Maker or Desktop Flows Machine Owner role."},
    {Action::ViewMachine,           {R::EnvironmentAdmin},                                           false, A::User,    {},                        "user",
     "Seeing the machine '%1' needs access to it."},
    {Action::RunOnMachine,          {R::EnvironmentAdmin},                                           false, A::User,    {},                        "user",
     "Running flows on the machine '%1' needs user or co-owner access to it."},
    {Action::EditMachine,           {R::EnvironmentAdmin},                                           false, A::CoOwner, {},                        "coOwner",
     "Changing the machine '%1' needs co-owner access to it."},
    {Action::DeleteMachine,         {R::EnvironmentAdmin},                                           false, A::CoOwner, {},                        "coOwner",
     "Deleting the machine '%1' needs co-owner access to it."},
    {Action::ShareMachine,          {R::EnvironmentAdmin},                                           false, A::CoOwner, {R::MachineUserCanShare}, "coOwner or MachineUserCanShare",
     "Sharing the machine '%1' needs co-owner access to it or the Desktop Flows Machine User Can Share role."},
    {Action::ShareMachineAsCoOwner, {R::EnvironmentAdmin},                                           false, A::CoOwner, {},                        "coOwner",
     "Granting or revoking co-owner access to the machine '%1' needs co-owner access to it."},
    {Action::AddToGroup,            {R::EnvironmentAdmin},                                           false, A::CoOwner, {},                        "coOwner",
     "Adding '%1' to a group or removing it needs co-owner access to it."},
    {Action::MoveEnvironment,       {R::EnvironmentAdmin},                                           false, A::CoOwner, {},                        "coOwner",
     "Moving the machine '%1' to another environment needs co-owner access to it."},
    {Action::ViewGroup,             {R::EnvironmentAdmin},                                           false, A::User,    {},                        "user",
     "Seeing the machine group '%1' needs access to it."},
    {Action::RunOnGroup,            {R::EnvironmentAdmin},                                           false, A::User,    {},                        "user",
     "Running flows on the machine group '%1' needs user or co-owner access to it."},
    {Action::EditGroup,             {R::EnvironmentAdmin},                                           false, A::CoOwner, {},                        "coOwner",
     "Changing the machine group '%1' needs co-owner access to it."},
    {Action::DeleteGroup,           {R::EnvironmentAdmin},                                           false, A::CoOwner, {},                        "coOwner",
     "Deleting the machine group '%1' needs co-owner access to it."},
    {Action::ShareGroup,            {R::EnvironmentAdmin},                                           false, A::CoOwner, {R::MachineUserCanShare}, "coOwner or MachineUserCanShare",
     "Sharing the machine group '%1' needs co-owner access to it or the Desktop Flows Machine User Can Share role."},
    {Action::ShareGroupAsCoOwner,   {R::EnvironmentAdmin},                                           false, A::CoOwner, {},                        "coOwner",
     "Granting or revoking co-owner access to the machine group '%1' needs co-owner access to it."},
    {Action::CreateFlow,            {R::EnvironmentAdmin, R::EnvironmentMaker},                      false, A::None,    {},                        "EnvironmentMaker",
     "Uploading flows to %1 needs the Environment Maker role."},
    {Action::ViewOthersRuns,        {R::EnvironmentAdmin},                                           false, A::CoOwner, {},                        "coOwner",
     "Seeing or cancelling other users' runs on '%1' needs co-owner access to it."},
};
// clang-format on

const Rule& ruleFor(Action action) {
    for (const Rule& rule : kRules) {
        if (rule.action == action)
            return rule;
    }
    Q_UNREACHABLE(); // every Action has a row; tst_access_matrix walks them all
}

bool holdsAny(const Subject& subject, std::initializer_list<R> roles) {
    for (R role : roles) {
        if (subject.hasRole(role))
            return true;
    }
    return false;
}

struct RoleName {
    R role;
    const char* name;
};
const RoleName kRoleNames[] = {
    {R::EnvironmentAdmin, "EnvironmentAdmin"},
    {R::EnvironmentMaker, "EnvironmentMaker"},
    {R::MachineOwner, "MachineOwner"},
    {R::MachineUser, "MachineUser"},
    {R::MachineUserCanShare, "MachineUserCanShare"},
};

} // namespace

Decision decide(const Subject& subject, Action action) {
    const Rule& rule = ruleFor(action);
    Decision d;
    d.needs = QString::fromLatin1(rule.needs);
    const ResourceAccess access = subject.effectiveAccess();
    d.allowed = subject.orchestratorAdmin || holdsAny(subject, rule.roles) || (rule.anyMember && subject.member) ||
                (rule.minAccess != A::None && access >= rule.minAccess) ||
                (access != A::None && holdsAny(subject, rule.rolesWithAccess));
    return d;
}

void require(const Subject& subject, Action action, const QString& target) {
    const Decision d = decide(subject, action);
    if (d.allowed)
        return;
    QString message = QString::fromLatin1(ruleFor(action).message);
    if (message.contains(QLatin1String("%1")))
        message = message.arg(target);
    throw ApiError::forbidden(d.needs, message);
}

QStringList roleNames() {
    QStringList names;
    for (const RoleName& r : kRoleNames)
        names.append(QString::fromLatin1(r.name));
    return names;
}

QString roleName(EnvironmentRole role) {
    for (const RoleName& r : kRoleNames) {
        if (r.role == role)
            return QString::fromLatin1(r.name);
    }
    return {};
}

std::optional<EnvironmentRole> parseRole(const QString& name) {
    for (const RoleName& r : kRoleNames) {
        if (name == QLatin1String(r.name))
            return r.role;
    }
    return std::nullopt;
}

QList<EnvironmentRole> parseRoleList(const QString& column) {
    QList<EnvironmentRole> roles;
    const QStringList parts = column.split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (const QString& part : parts) {
        if (const auto role = parseRole(part.trimmed()); role && !roles.contains(*role))
            roles.append(*role);
    }
    return roles;
}

QString accessName(ResourceAccess access) {
    switch (access) {
    case A::Owner:
        return QStringLiteral("owner");
    case A::CoOwner:
        return QStringLiteral("coOwner");
    case A::User:
        return QStringLiteral("user");
    case A::None:
        break;
    }
    return {};
}

ResourceAccess parseAccess(const QString& name) {
    if (name == QLatin1String("coOwner"))
        return A::CoOwner;
    if (name == QLatin1String("user"))
        return A::User;
    return A::None;
}

} // namespace mr::orch
