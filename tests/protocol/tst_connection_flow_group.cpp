#include "JsonTestUtil.h"
#include "protocol/Connection.h"
#include "protocol/Flow.h"
#include "protocol/Group.h"

#include <QTest>

using namespace mr::protocol;
using namespace mr::protocol::test;

namespace {

Connection sampleConnection() {
    Connection c;
    c.id = QStringLiteral("c0000000-0000-4000-8000-000000000001");
    c.environmentId = QStringLiteral("e0000000-0000-4000-8000-000000000001");
    c.name = QStringLiteral("Ann on pc-7");
    c.target = ConnectionTarget::machine(QStringLiteral("m0000000-0000-4000-8000-000000000001"));
    c.kind = ConnectionKind::Password;
    c.username = QStringLiteral("ann");
    c.owner = QStringLiteral("ann");
    c.createdAt = sampleTime();
    return c;
}

QList<FieldSpec> connectionFields() {
    return {{QStringLiteral("id"), Kind::String},
            {QStringLiteral("environmentId"), Kind::String},
            {QStringLiteral("name"), Kind::String},
            {QStringLiteral("target"), Kind::Object},
            {QStringLiteral("target.machineId"), Kind::String},
            {QStringLiteral("kind"), Kind::Enum},
            {QStringLiteral("username"), Kind::NullableString},
            {QStringLiteral("owner"), Kind::String},
            {QStringLiteral("createdAt"), Kind::Time}};
}

Var makeVar(const QString& name, VarType type) {
    Var var;
    var.name = name;
    var.type = type;
    return var;
}

Flow sampleFlow() {
    Flow f;
    f.id = QStringLiteral("f0000000-0000-4000-8000-000000000001");
    f.environmentId = QStringLiteral("e0000000-0000-4000-8000-000000000001");
    f.name = QStringLiteral("Invoices");
    f.description = QStringLiteral("Books the invoices");
    f.version = 4;
    f.script = QStringLiteral("log(inputs.customer);\noutputs.total = 3;\n");
    Var secret = makeVar(QStringLiteral("password"), VarType::Text);
    secret.sensitive = true;
    f.inputs = {makeVar(QStringLiteral("customer"), VarType::Text), makeVar(QStringLiteral("lines"), VarType::List),
                secret};
    f.outputs = {makeVar(QStringLiteral("total"), VarType::Number)};
    f.createdAt = sampleTime();
    f.createdBy = QStringLiteral("maker");
    return f;
}

QList<FieldSpec> flowFields() {
    return {{QStringLiteral("id"), Kind::String},
            {QStringLiteral("environmentId"), Kind::String},
            {QStringLiteral("name"), Kind::String},
            {QStringLiteral("description"), Kind::String},
            {QStringLiteral("version"), Kind::Int},
            {QStringLiteral("script"), Kind::String},
            {QStringLiteral("inputs"), Kind::Array},
            {QStringLiteral("inputs[2].type"), Kind::Enum},
            {QStringLiteral("inputs[1].name"), Kind::String},
            {QStringLiteral("outputs"), Kind::Array},
            {QStringLiteral("outputs[0].sensitive"), Kind::OptionalBool},
            {QStringLiteral("createdAt"), Kind::Time},
            {QStringLiteral("createdBy"), Kind::String}};
}

Group sampleGroup() {
    Group g;
    g.id = QStringLiteral("g0000000-0000-4000-8000-000000000001");
    g.environmentId = QStringLiteral("e0000000-0000-4000-8000-000000000001");
    g.name = QStringLiteral("Front office");
    g.description = QStringLiteral("All desks");
    g.maintenanceMode = true;
    g.reuseSessions = true;
    g.unattendedBots = 4;
    g.sessionRecommendations = false;
    g.machineIds = {QStringLiteral("m1"), QStringLiteral("m2")};
    g.owner = QStringLiteral("ann");
    g.access = Access::User;
    return g;
}

QList<FieldSpec> groupFields() {
    return {{QStringLiteral("id"), Kind::String},
            {QStringLiteral("environmentId"), Kind::String},
            {QStringLiteral("name"), Kind::String},
            {QStringLiteral("description"), Kind::String},
            {QStringLiteral("maintenanceMode"), Kind::Bool},
            {QStringLiteral("reuseSessions"), Kind::Bool},
            {QStringLiteral("unattendedBots"), Kind::Int},
            {QStringLiteral("sessionRecommendations"), Kind::Bool},
            {QStringLiteral("machineIds"), Kind::StringArray},
            {QStringLiteral("owner"), Kind::String},
            {QStringLiteral("access"), Kind::Enum}};
}

} // namespace

/// Connection (and its target), Flow and Group.
class TestConnectionFlowGroup final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void connectionRoundTrip();
    void connectionGroupTarget();
    void connectionEncodesEveryField();
    void connectionRequired_data();
    void connectionRequired();
    void connectionNullable_data();
    void connectionNullable();
    void connectionWrongTypes_data();
    void connectionWrongTypes();
    void targetNeedsExactlyOneKey_data();
    void targetNeedsExactlyOneKey();
    void connectionNeverCarriesPassword();

    void flowRoundTrip();
    void flowEncodesEveryField();
    void flowRequired_data();
    void flowRequired();
    void flowWrongTypes_data();
    void flowWrongTypes();
    void flowRefusesDuplicateVarNames();
    void flowRefusesBadVarName();

    void groupRoundTrip();
    void groupEncodesEveryField();
    void groupRequired_data();
    void groupRequired();
    void groupWrongTypes_data();
    void groupWrongTypes();
};

void TestConnectionFlowGroup::connectionRoundTrip() {
    checkRoundTrip(sampleConnection());
    // createdAt is required: an unset one encodes as null and is refused.
    QVERIFY(Connection{}.toJson().value(QStringLiteral("createdAt")).isNull());
    QCOMPARE(Connection::fromJson(Connection{}.toJson()).error().field, QStringLiteral("createdAt"));
}

void TestConnectionFlowGroup::connectionGroupTarget() {
    Connection c = sampleConnection();
    c.target = ConnectionTarget::group(QStringLiteral("g1"));
    c.kind = ConnectionKind::SignIn;
    c.username.reset();
    checkRoundTrip(c);
    const QJsonObject json = c.toJson();
    QCOMPARE(json.value(QStringLiteral("target")).toObject(),
             (QJsonObject{{QStringLiteral("groupId"), QStringLiteral("g1")}}));
    QCOMPARE(json.value(QStringLiteral("kind")).toString(), QStringLiteral("signIn"));
    QVERIFY(json.value(QStringLiteral("username")).isNull());
}

void TestConnectionFlowGroup::connectionEncodesEveryField() {
    checkAllFieldsWritten(sampleConnection(), connectionFields());
    checkAllFieldsWritten(Connection{}, connectionFields());
    const QJsonObject json = sampleConnection().toJson();
    QCOMPARE(json.value(QStringLiteral("target")).toObject(),
             (QJsonObject{{QStringLiteral("machineId"), QStringLiteral("m0000000-0000-4000-8000-000000000001")}}));
    QCOMPARE(json.value(QStringLiteral("kind")).toString(), QStringLiteral("password"));
    QCOMPARE(json.value(QStringLiteral("createdAt")).toString(), QStringLiteral("2026-11-21T22:34:13.123Z"));
}

void TestConnectionFlowGroup::connectionRequired_data() {
    addRequiredRows(connectionFields());
}

void TestConnectionFlowGroup::connectionRequired() {
    QFETCH(QString, field);
    if (field == QLatin1String("target.machineId")) {
        // An empty target is refused as a whole: it has neither key.
        const Decoded<Connection> decoded = Connection::fromJson(withoutField(sampleConnection().toJson(), field));
        QVERIFY(!decoded.ok());
        QCOMPARE(decoded.error().field, QStringLiteral("target"));
        return;
    }
    checkMissing(sampleConnection());
}

void TestConnectionFlowGroup::connectionNullable_data() {
    addNullableRows(connectionFields());
}

void TestConnectionFlowGroup::connectionNullable() {
    checkNullable(sampleConnection());
}

void TestConnectionFlowGroup::connectionWrongTypes_data() {
    addWrongTypeRows(connectionFields());
}

void TestConnectionFlowGroup::connectionWrongTypes() {
    checkWrongType(sampleConnection());
}

void TestConnectionFlowGroup::targetNeedsExactlyOneKey_data() {
    QTest::addColumn<QJsonObject>("target");
    QTest::addColumn<bool>("valid");
    QTest::newRow("machine") << QJsonObject{{QStringLiteral("machineId"), QStringLiteral("m")}} << true;
    QTest::newRow("group") << QJsonObject{{QStringLiteral("groupId"), QStringLiteral("g")}} << true;
    QTest::newRow("both") << QJsonObject{{QStringLiteral("machineId"), QStringLiteral("m")},
                                         {QStringLiteral("groupId"), QStringLiteral("g")}}
                          << false;
    QTest::newRow("neither") << QJsonObject{} << false;
    QTest::newRow("other key") << QJsonObject{{QStringLiteral("id"), QStringLiteral("m")}} << false;
    QTest::newRow("null id") << QJsonObject{{QStringLiteral("groupId"), QJsonValue(QJsonValue::Null)}} << false;
}

void TestConnectionFlowGroup::targetNeedsExactlyOneKey() {
    QFETCH(QJsonObject, target);
    QFETCH(bool, valid);
    const Decoded<Connection> decoded =
        Connection::fromJson(withField(sampleConnection().toJson(), QStringLiteral("target"), target));
    QCOMPARE(decoded.ok(), valid);
    if (!valid) {
        QVERIFY2(decoded.error().field.startsWith(QStringLiteral("target")), qPrintable(decoded.error().field));
    }
}

void TestConnectionFlowGroup::connectionNeverCarriesPassword() {
    QVERIFY(!sampleConnection().toJson().contains(QStringLiteral("password")));
}

void TestConnectionFlowGroup::flowRoundTrip() {
    checkRoundTrip(sampleFlow());
    Flow empty;
    empty.createdAt = sampleTime();
    checkRoundTrip(empty);
}

void TestConnectionFlowGroup::flowEncodesEveryField() {
    checkAllFieldsWritten(sampleFlow(), flowFields());
    checkAllFieldsWritten(Flow{}, flowFields());
    const QJsonObject json = sampleFlow().toJson();
    const QJsonArray inputs = json.value(QStringLiteral("inputs")).toArray();
    QCOMPARE(inputs.size(), 3);
    QCOMPARE(inputs.at(2).toObject().value(QStringLiteral("sensitive")), QJsonValue(true));
    QCOMPARE(inputs.at(1).toObject().value(QStringLiteral("type")).toString(), QStringLiteral("list"));
    QCOMPARE(json.value(QStringLiteral("version")).toInt(), 4);
}

void TestConnectionFlowGroup::flowRequired_data() {
    addRequiredRows(flowFields());
}

void TestConnectionFlowGroup::flowRequired() {
    checkMissing(sampleFlow());
}

void TestConnectionFlowGroup::flowWrongTypes_data() {
    addWrongTypeRows(flowFields());
}

void TestConnectionFlowGroup::flowWrongTypes() {
    checkWrongType(sampleFlow());
}

void TestConnectionFlowGroup::flowRefusesDuplicateVarNames() {
    Flow f = sampleFlow();
    f.inputs.append(makeVar(QStringLiteral("customer"), VarType::Number));
    const Decoded<Flow> decoded = Flow::fromJson(f.toJson());
    QVERIFY(!decoded.ok());
    QCOMPARE(decoded.error().field, QStringLiteral("inputs[3].name"));
}

void TestConnectionFlowGroup::flowRefusesBadVarName() {
    const Decoded<Flow> decoded =
        Flow::fromJson(withField(sampleFlow().toJson(), QStringLiteral("outputs[0].name"), QStringLiteral("a b")));
    QVERIFY(!decoded.ok());
    QCOMPARE(decoded.error().field, QStringLiteral("outputs[0].name"));
}

void TestConnectionFlowGroup::groupRoundTrip() {
    checkRoundTrip(sampleGroup());
    checkRoundTrip(Group{});
}

void TestConnectionFlowGroup::groupEncodesEveryField() {
    checkAllFieldsWritten(sampleGroup(), groupFields());
    const QJsonObject json = sampleGroup().toJson();
    QCOMPARE(json.value(QStringLiteral("machineIds")).toArray(),
             (QJsonArray{QStringLiteral("m1"), QStringLiteral("m2")}));
    QCOMPARE(json.value(QStringLiteral("access")).toString(), QStringLiteral("user"));
    QCOMPARE(json.value(QStringLiteral("unattendedBots")).toInt(), 4);
}

void TestConnectionFlowGroup::groupRequired_data() {
    addRequiredRows(groupFields());
}

void TestConnectionFlowGroup::groupRequired() {
    checkMissing(sampleGroup());
}

void TestConnectionFlowGroup::groupWrongTypes_data() {
    addWrongTypeRows(groupFields());
}

void TestConnectionFlowGroup::groupWrongTypes() {
    checkWrongType(sampleGroup());
}

QTEST_GUILESS_MAIN(TestConnectionFlowGroup)
#include "tst_connection_flow_group.moc"
