#include "orchestrator/cli/Demo.h"

#include "orchestrator/Clock.h"
#include "orchestrator/api/Environments.h"
#include "orchestrator/auth/UserDirectory.h"
#include "orchestrator/http/Http.h"

namespace mr::orch {

namespace {

struct DemoUser {
    const char* username;
    const char* displayName;
    const char* password;
    bool admin;
    const char* roles; // comma-separated, in "Demo"
};

// Demo passwords are public on purpose: this is sample data for a local trial.
const DemoUser kUsers[] = {
    {"admin", "Ada Admin", "demo-admin-pw", true, "EnvironmentAdmin"},
    {"maker", "Max Maker", "demo-maker-pw", false, "EnvironmentMaker,MachineOwner"},
    {"user", "Uma User", "demo-user-pw", false, "MachineUser"},
};

} // namespace

void createDemo(Db& db, const QDateTime& now, QTextStream& out) {
    auto env = findEnvironmentByName(db, QStringLiteral("Demo"));
    if (!env)
        env = createEnvironment(db, QStringLiteral("Demo"), now);
    QString makerId;
    for (const DemoUser& d : kUsers) {
        auto u = findUserByName(db, QString::fromLatin1(d.username));
        if (!u)
            u = createUser(db, QString::fromLatin1(d.username), QString::fromLatin1(d.displayName),
                           QString::fromLatin1(d.password), d.admin, now);
        grantRoles(db, env->id, u->id, QString::fromLatin1(d.roles).split(QLatin1Char(',')));
        if (QLatin1String(d.username) == QLatin1String("maker"))
            makerId = u->id;
    }
    const QVariant group =
        db.scalar(QStringLiteral("SELECT id FROM machine_groups WHERE environment_id = ? AND name_key = ?"),
                  {env->id, QStringLiteral("demo pool")});
    if (!group.isValid()) {
        db.exec(QStringLiteral("INSERT INTO machine_groups (id, environment_id, name, name_key, description, owner_id, "
                               "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"),
                {newId(), env->id, QStringLiteral("Demo pool"), QStringLiteral("demo pool"),
                 QStringLiteral("Machines that share the demo's unattended runs"), makerId, isoUtc(now)});
    }
    out << "Demo environment ready: " << env->name << " (" << env->id << ")\n"
        << "Sign in with one of these (username / password):\n";
    for (const DemoUser& d : kUsers)
        out << "  " << d.username << " / " << d.password << "   roles: " << d.roles << '\n';
    out << "Group: Demo pool (owned by maker)\n";
    out.flush();
}

} // namespace mr::orch
