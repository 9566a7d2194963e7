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

struct DemoFlow {
    const char* name;
    const char* description;
    const char* script;
    const char* inputs;  // JSON array of Var
    const char* outputs; // JSON array of Var
};

const DemoFlow kFlows[] = {
    {"Hello", "Greets someone and says how long the name is.",
     "log('Hello, ' + inputs.name + '!');\n"
     "outputs.greeting = 'Hello, ' + inputs.name + '!';\n"
     "outputs.length = inputs.name.length;\n",
     R"([{"name":"name","type":"text","description":"Who to greet","default":"world","optional":true}])",
     R"([{"name":"greeting","type":"text"},{"name":"length","type":"number"}])"},
    {"Count files", "Counts the files in a folder of this machine.",
     "const names = fs.list(inputs.folder);\n"
     "log(names.length + ' entries in ' + inputs.folder);\n"
     "outputs.count = names.length;\n",
     R"([{"name":"folder","type":"text","description":"A folder on the machine","default":"/tmp","optional":true}])",
     R"([{"name":"count","type":"number"}])"},
    {"Sign in to the ticket system", "Shows how sensitive inputs stay out of every log.",
     "log('signing in as ' + inputs.user + ' with ' + inputs.password);\n"
     "wait(1);\n"
     "outputs.signedIn = true;\n",
     R"([{"name":"user","type":"text"},{"name":"password","type":"text","sensitive":true}])",
     R"([{"name":"signedIn","type":"boolean"}])"},
};

/// The sample flows, as version 1, unless a flow of that name exists.
void addDemoFlows(Db& db, const QString& environmentId, const QString& makerId, const QDateTime& now) {
    for (const DemoFlow& f : kFlows) {
        const QString name = QString::fromUtf8(f.name);
        if (db.scalar(QStringLiteral("SELECT id FROM flows WHERE environment_id = ? AND name_key = ?"),
                      {environmentId, name.toLower()})
                .isValid())
            continue;
        db.exec(QStringLiteral("INSERT INTO flows (id, environment_id, name, name_key, version, description, script, "
                               "inputs, outputs, created_at, created_by) VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?)"),
                {newId(), environmentId, name, name.toLower(), QString::fromUtf8(f.description),
                 QString::fromUtf8(f.script), QString::fromUtf8(f.inputs), QString::fromUtf8(f.outputs), isoUtc(now),
                 makerId});
    }
}

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
    addDemoFlows(db, env->id, makerId, now);
    out << "Demo environment ready: " << env->name << " (" << env->id << ")\n"
        << "Sign in with one of these (username / password):\n";
    for (const DemoUser& d : kUsers)
        out << "  " << d.username << " / " << d.password << "   roles: " << d.roles << '\n';
    out << "Group: Demo pool (owned by maker)\n"
        << "Flows: Hello, Count files, Sign in to the ticket system\n";
    out.flush();
}

} // namespace mr::orch
