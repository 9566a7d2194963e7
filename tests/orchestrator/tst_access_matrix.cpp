// The whole access matrix of REQUIREMENTS R9 (machine and group sharing) and R11 (security roles)
// against a running orchestrator on SQLite and PostgreSQL: every subject × every action, each
// cell its own fresh machine and group, the expected answer read from a table written here.
// A second table checks the policy itself for the actions no route of the control plane exposes
// yet (running on a machine or group, co-owner sharing, members, environments).

#include "tst_control_plane_fixture.h"

#include "orchestrator/policy/AccessPolicy.h"

#include <QtTest>

using namespace mr::test;
using mr::orch::Db;

namespace {

/// Who acts, and how they relate to the environment E and to the machine M and group G of a cell.
struct SubjectSpec {
    const char* name;
    bool orchestratorAdmin;
    bool member; ///< member of E (false: never was, or removed — their access rows stay)
    QStringList roles;
    const char* access; ///< to M and G: "owner" (they own them), "coOwner", "user" or ""
};

const QList<SubjectSpec> kSubjects{
    {"OrchestratorAdmin", true, false, {}, ""},
    {"EnvironmentAdmin", false, true, {QStringLiteral("EnvironmentAdmin")}, ""},
    {"EnvironmentMaker", false, true, {QStringLiteral("EnvironmentMaker")}, ""},
    // R11: the Machine Owner role acts on the machines and groups its holder owns.
    {"MachineOwner", false, true, {QStringLiteral("MachineOwner")}, "owner"},
    // R11: Machine User / Can Share act on machines and groups shared with them.
    {"MachineUser", false, true, {QStringLiteral("MachineUser")}, "user"},
    {"MachineUserCanShare", false, true, {QStringLiteral("MachineUserCanShare")}, "user"},
    {"PlainMember", false, true, {}, ""},
    // R9, with no role at all: what sharing alone gives.
    {"CoOwner", false, true, {}, "coOwner"},
    {"SharedUser", false, true, {}, "user"},
    {"NonMember", false, false, {}, ""},
    {"RemovedCoOwner", false, false, {}, "coOwner"},
};

enum Act {
    Register,
    View,
    Edit,
    Delete,
    Share,
    AddToGroup,
    CreateGroup,
    ViewGroup,
    EditGroup,
    DeleteGroup,
    ShareGroup,
    Move
};
const char* const kActNames[] = {"register",    "view",      "edit",      "delete",      "share",      "addToGroup",
                                 "createGroup", "viewGroup", "editGroup", "deleteGroup", "shareGroup", "move"};
constexpr int kActs = 12;

// clang-format off
// Y: allowed. N: refused — 404 when the subject may not even see the machine/group, else 403.
// Move: every subject may register in the target environment, so the cell checks the machine side.
//                                          reg view edit del share add  cgrp vgrp egrp dgrp sgrp move
const QHash<QString, QString> kExpected{
    {QStringLiteral("OrchestratorAdmin"),   QStringLiteral("Y   Y    Y    Y   Y     Y    Y    Y    Y    Y    Y    Y")},
    {QStringLiteral("EnvironmentAdmin"),    QStringLiteral("Y   Y    Y    Y   Y     Y    Y    Y    Y    Y    Y    Y")},
    {QStringLiteral("EnvironmentMaker"),    QStringLiteral("Y   N    N    N   N     N    Y    N    N    N    N    N")},
    {QStringLiteral("MachineOwner"),        QStringLiteral("Y   Y    Y    Y   Y     Y    Y    Y    Y    Y    Y    Y")},
    {QStringLiteral("MachineUser"),         QStringLiteral("N   Y    N    N   N     N    N    Y    N    N    N    N")},
    {QStringLiteral("MachineUserCanShare"), QStringLiteral("N   Y    N    N   Y     N    N    Y    N    N    Y    N")},
    {QStringLiteral("PlainMember"),         QStringLiteral("N   N    N    N   N     N    N    N    N    N    N    N")},
    {QStringLiteral("CoOwner"),             QStringLiteral("N   Y    Y    Y   Y     Y    N    Y    Y    Y    Y    Y")},
    {QStringLiteral("SharedUser"),          QStringLiteral("N   Y    N    N   N     N    N    Y    N    N    N    N")},
    {QStringLiteral("NonMember"),           QStringLiteral("N   N    N    N   N     N    N    N    N    N    N    N")},
    {QStringLiteral("RemovedCoOwner"),      QStringLiteral("N   N    N    N   N     N    N    N    N    N    N    N")},
};
// clang-format on

QList<bool> row(const QString& subject) {
    QList<bool> cells;
    for (const QString& c : kExpected.value(subject).split(QLatin1Char(' '), Qt::SkipEmptyParts))
        cells.append(c == QLatin1String("Y"));
    return cells;
}

int allowedStatus(int act) {
    switch (act) {
    case Register:
    case CreateGroup:
        return 201;
    case View:
    case Edit:
    case ViewGroup:
    case EditGroup:
    case Move:
        return 200;
    default:
        return 204;
    }
}

} // namespace

class TestAccessMatrix : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase_data() { addEngineRows(); }
    void tableIsComplete() {
        QCOMPARE(kExpected.size(), kSubjects.size());
        for (const SubjectSpec& s : kSubjects)
            QCOMPARE(row(QString::fromLatin1(s.name)).size(), kActs);
    }

    void overHttp() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        ControlPlane cp(server);
        QStringList mismatches;
        int cells = 0;
        for (const SubjectSpec& spec : kSubjects) {
            const QString subjectName = QString::fromLatin1(spec.name);
            const auto env = cp.environment(QStringLiteral("Matrix"));
            const auto target = cp.environment(QStringLiteral("Target"));
            const Actor owner = cp.actor(QStringLiteral("owner"));
            const Actor grantee = cp.actor(QStringLiteral("grantee"));
            const Actor subject = cp.actor(QStringLiteral("subject"), spec.orchestratorAdmin);
            cp.grant(env, owner, {QStringLiteral("MachineOwner")});
            cp.grant(env, grantee, {QStringLiteral("MachineUser")});
            if (spec.member)
                cp.grant(env, subject, spec.roles);
            cp.grant(target, subject, {QStringLiteral("MachineOwner")});
            const QList<bool> expected = row(subjectName);
            const QString access = QString::fromLatin1(spec.access);

            for (int act = 0; act < kActs; ++act) {
                const QString ownerId = access == QLatin1String("owner") ? subject.user.id : owner.user.id;
                const QString machine = cp.insertMachine(env.id, ownerId, uniqueName(QStringLiteral("m")));
                const QString group = cp.insertGroup(env.id, ownerId, uniqueName(QStringLiteral("g")));
                if (access == QLatin1String("coOwner") || access == QLatin1String("user")) {
                    cp.share(QStringLiteral("machine_access"), QStringLiteral("machine_id"), machine, subject, access);
                    cp.share(QStringLiteral("group_access"), QStringLiteral("group_id"), group, subject, access);
                }
                const QString m = QStringLiteral("/api/v1/machines/") + machine;
                const QString g = QStringLiteral("/api/v1/groups/") + group;
                const QJsonObject shareBody{{QStringLiteral("role"), QStringLiteral("user")}};
                HttpResult r;
                switch (act) {
                case Register:
                    r = cp.registerMachine(subject, env.id, uniqueName(QStringLiteral("r")));
                    break;
                case View:
                    r = cp.get(m, subject);
                    break;
                case Edit:
                    r = cp.send("PATCH", m, {{QStringLiteral("description"), QStringLiteral("e")}}, subject);
                    break;
                case Delete:
                    r = cp.del(m, subject);
                    break;
                case Share:
                    r = cp.send("PUT", m + QStringLiteral("/access/") + grantee.name(), shareBody, subject);
                    break;
                case AddToGroup:
                    r = cp.send("PUT", g + QStringLiteral("/machines/") + machine, {}, subject);
                    break;
                case CreateGroup:
                    r = cp.send("POST", QStringLiteral("/api/v1/environments/%1/groups").arg(env.id),
                                {{QStringLiteral("name"), uniqueName(QStringLiteral("cg"))}}, subject);
                    break;
                case ViewGroup:
                    r = cp.get(g, subject);
                    break;
                case EditGroup:
                    r = cp.send("PATCH", g, {{QStringLiteral("description"), QStringLiteral("e")}}, subject);
                    break;
                case DeleteGroup:
                    r = cp.del(g, subject);
                    break;
                case ShareGroup:
                    r = cp.send("PUT", g + QStringLiteral("/access/") + grantee.name(), shareBody, subject);
                    break;
                case Move:
                    r = cp.send("POST", m + QStringLiteral("/environment"),
                                {{QStringLiteral("environmentId"), target.id}}, subject);
                    break;
                }
                ++cells;
                int want = allowedStatus(act);
                if (!expected.at(act)) {
                    const bool seesMachine = expected.at(View);
                    const bool seesGroup = expected.at(ViewGroup);
                    const bool envAction = act == Register || act == CreateGroup;
                    const bool sees = act == AddToGroup                           ? seesMachine && seesGroup
                                      : (act >= CreateGroup && act <= ShareGroup) ? seesGroup
                                                                                  : seesMachine;
                    want = envAction || sees ? 403 : 404;
                }
                if (r.status != want)
                    mismatches.append(QStringLiteral("%1 × %2: want %3, got %4")
                                          .arg(subjectName, QString::fromLatin1(kActNames[act]))
                                          .arg(want)
                                          .arg(describe(r)));
                else if (want == 403 && errorOf(r)
                                            .value(QStringLiteral("details"))
                                            .toObject()
                                            .value(QStringLiteral("needs"))
                                            .toString()
                                            .isEmpty())
                    mismatches.append(QStringLiteral("%1 × %2: 403 without details.needs")
                                          .arg(subjectName, QString::fromLatin1(kActNames[act])));
            }
        }
        QCOMPARE(cells, kSubjects.size() * kActs);
        QVERIFY2(mismatches.isEmpty(), qPrintable(mismatches.join(QLatin1Char('\n'))));
    }

    /// The policy table for every action, including those without a control-plane route here.
    void policy() {
        using mr::orch::Action;
        using mr::orch::ResourceAccess;
        const QList<QPair<Action, const char*>> actions{
            {Action::CreateEnvironment, "createEnvironment"},
            {Action::ManageMembers, "manageMembers"},
            {Action::ViewEnvironment, "viewEnvironment"},
            {Action::RegisterMachine, "register"},
            {Action::CreateGroup, "createGroup"},
            {Action::ViewMachine, "view"},
            {Action::RunOnMachine, "run"},
            {Action::EditMachine, "edit"},
            {Action::DeleteMachine, "delete"},
            {Action::ShareMachine, "share"},
            {Action::ShareMachineAsCoOwner, "shareAsCoOwner"},
            {Action::AddToGroup, "addToGroup"},
            {Action::MoveEnvironment, "move"},
            {Action::ViewGroup, "viewGroup"},
            {Action::RunOnGroup, "runOnGroup"},
            {Action::EditGroup, "editGroup"},
            {Action::DeleteGroup, "deleteGroup"},
            {Action::ShareGroup, "shareGroup"},
            {Action::ShareGroupAsCoOwner, "shareGroupAsCoOwner"},
            {Action::CreateFlow, "createFlow"},
            {Action::ViewOthersRuns, "viewOthersRuns"},
        };
        // clang-format off
        //                                                          cenv mm venv reg cgrp view run edit del share shco add move vgrp rgrp egrp dgrp sgrp sgco cflw vorn
        const QHash<QString, QString> expected{
            {QStringLiteral("OrchestratorAdmin"),   QStringLiteral("Y    Y  Y    Y   Y    Y    Y   Y    Y   Y     Y    Y   Y    Y    Y    Y    Y    Y    Y    Y    Y")},
            {QStringLiteral("EnvironmentAdmin"),    QStringLiteral("N    Y  Y    Y   Y    Y    Y   Y    Y   Y     Y    Y   Y    Y    Y    Y    Y    Y    Y    Y    Y")},
            {QStringLiteral("EnvironmentMaker"),    QStringLiteral("N    N  Y    Y   Y    N    N   N    N   N     N    N   N    N    N    N    N    N    N    Y    N")},
            {QStringLiteral("MachineOwner"),        QStringLiteral("N    N  Y    Y   Y    Y    Y   Y    Y   Y     Y    Y   Y    Y    Y    Y    Y    Y    Y    N    Y")},
            {QStringLiteral("MachineUser"),         QStringLiteral("N    N  Y    N   N    Y    Y   N    N   N     N    N   N    Y    Y    N    N    N    N    N    N")},
            {QStringLiteral("MachineUserCanShare"), QStringLiteral("N    N  Y    N   N    Y    Y   N    N   Y     N    N   N    Y    Y    N    N    Y    N    N    N")},
            {QStringLiteral("PlainMember"),         QStringLiteral("N    N  Y    N   N    N    N   N    N   N     N    N   N    N    N    N    N    N    N    N    N")},
            {QStringLiteral("CoOwner"),             QStringLiteral("N    N  Y    N   N    Y    Y   Y    Y   Y     Y    Y   Y    Y    Y    Y    Y    Y    Y    N    Y")},
            {QStringLiteral("SharedUser"),          QStringLiteral("N    N  Y    N   N    Y    Y   N    N   N     N    N   N    Y    Y    N    N    N    N    N    N")},
            {QStringLiteral("NonMember"),           QStringLiteral("N    N  N    N   N    N    N   N    N   N     N    N   N    N    N    N    N    N    N    N    N")},
            {QStringLiteral("RemovedCoOwner"),      QStringLiteral("N    N  N    N   N    N    N   N    N   N     N    N   N    N    N    N    N    N    N    N    N")},
        };
        // clang-format on
        QStringList mismatches;
        for (const SubjectSpec& spec : kSubjects) {
            mr::orch::Subject s;
            s.orchestratorAdmin = spec.orchestratorAdmin;
            s.member = spec.member;
            for (const QString& r : spec.roles)
                s.roles.append(*mr::orch::parseRole(r));
            const QString access = QString::fromLatin1(spec.access);
            s.access = access == QLatin1String("owner")     ? ResourceAccess::Owner
                       : access == QLatin1String("coOwner") ? ResourceAccess::CoOwner
                       : access == QLatin1String("user")    ? ResourceAccess::User
                                                            : ResourceAccess::None;
            const QStringList cells =
                expected.value(QString::fromLatin1(spec.name)).split(QLatin1Char(' '), Qt::SkipEmptyParts);
            QCOMPARE(cells.size(), actions.size());
            for (int i = 0; i < actions.size(); ++i) {
                const mr::orch::Decision d = mr::orch::decide(s, actions.at(i).first);
                if (d.allowed != (cells.at(i) == QLatin1String("Y")))
                    mismatches.append(QStringLiteral("%1 × %2").arg(QString::fromLatin1(spec.name),
                                                                    QString::fromLatin1(actions.at(i).second)));
                if (!d.allowed && d.needs.isEmpty())
                    mismatches.append(
                        QStringLiteral("%1 × %2: no needs")
                            .arg(QString::fromLatin1(spec.name), QString::fromLatin1(actions.at(i).second)));
            }
        }
        QVERIFY2(mismatches.isEmpty(), qPrintable(mismatches.join(QLatin1Char('\n'))));
    }
};

QTEST_GUILESS_MAIN(TestAccessMatrix)
#include "tst_access_matrix.moc"
