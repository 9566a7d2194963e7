#include "JsonTestUtil.h"
#include "protocol/Machine.h"

#include <QTest>

using namespace mr::protocol;
using namespace mr::protocol::test;

namespace {

Machine sample() {
    Machine m;
    m.id = QStringLiteral("7d7bd5e4-5f6a-4d7c-9a1b-0c2e3f4a5b6c");
    m.environmentId = QStringLiteral("0b6c2a9e-1111-4c2d-8e3f-aaaaaaaaaaaa");
    m.name = QStringLiteral("pc-7");
    m.description = QStringLiteral("Front desk");
    m.version = QStringLiteral("0.1.0");
    m.os = QStringLiteral("Debian GNU/Linux 12");
    m.groupId = QStringLiteral("2c3d4e5f-2222-4c2d-8e3f-bbbbbbbbbbbb");
    m.status = MachineStatus::Maintenance;
    m.maintenanceMode = true;
    m.runningCount = 2;
    m.queuedCount = 5;
    m.access = Access::CoOwner;
    m.owner = QStringLiteral("ann");
    m.unattendedBots = 3;
    m.reuseSessions = true;
    m.sessionRecommendations = false;
    m.sessions = {MachineSession{QStringLiteral("ann"), QStringLiteral("ann"), SessionState::Locked},
                  MachineSession{QStringLiteral("bob"), std::nullopt, SessionState::Disconnected}};
    m.lastSeenAt = sampleTime();
    return m;
}

QList<FieldSpec> fields() {
    return {{QStringLiteral("id"), Kind::String},
            {QStringLiteral("environmentId"), Kind::String},
            {QStringLiteral("name"), Kind::String},
            {QStringLiteral("description"), Kind::String},
            {QStringLiteral("version"), Kind::String},
            {QStringLiteral("os"), Kind::String},
            {QStringLiteral("groupId"), Kind::NullableString},
            {QStringLiteral("status"), Kind::Enum},
            {QStringLiteral("maintenanceMode"), Kind::Bool},
            {QStringLiteral("runningCount"), Kind::Int},
            {QStringLiteral("queuedCount"), Kind::Int},
            {QStringLiteral("access"), Kind::Enum},
            {QStringLiteral("owner"), Kind::String},
            {QStringLiteral("unattendedBots"), Kind::Int},
            {QStringLiteral("reuseSessions"), Kind::Bool},
            {QStringLiteral("sessionRecommendations"), Kind::Bool},
            {QStringLiteral("sessions"), Kind::Array},
            {QStringLiteral("sessions[0].user"), Kind::String},
            {QStringLiteral("sessions[0].account"), Kind::NullableString},
            {QStringLiteral("sessions[0].state"), Kind::Enum},
            {QStringLiteral("lastSeenAt"), Kind::NullableTime}};
}

} // namespace

/// Machine and MachineSession as the API shows them.
class TestMachine final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void roundTrip();
    void roundTripUnset();
    void encodesEveryField();
    void encodesWireNames();
    void defaultsMatchRegistration();
    void requiredFields_data();
    void requiredFields();
    void nullableFields_data();
    void nullableFields();
    void wrongTypes_data();
    void wrongTypes();
    void sessionNotAnObject();
    void enumNames();
};

void TestMachine::roundTrip() {
    checkRoundTrip(sample());
}

void TestMachine::roundTripUnset() {
    checkRoundTrip(Machine{});
}

void TestMachine::encodesEveryField() {
    checkAllFieldsWritten(Machine{}, fields());
    checkAllFieldsWritten(sample(), fields());
    const QJsonObject json = Machine{}.toJson();
    QVERIFY(json.value(QStringLiteral("groupId")).isNull());
    QVERIFY(json.value(QStringLiteral("lastSeenAt")).isNull());
    QCOMPARE(sortedKeys(MachineSession{}.toJson()),
             (QStringList{QStringLiteral("account"), QStringLiteral("state"), QStringLiteral("user")}));
    QVERIFY(MachineSession{}.toJson().value(QStringLiteral("account")).isNull());
}

void TestMachine::encodesWireNames() {
    const QJsonObject json = sample().toJson();
    QCOMPARE(json.value(QStringLiteral("status")).toString(), QStringLiteral("maintenance"));
    QCOMPARE(json.value(QStringLiteral("access")).toString(), QStringLiteral("coOwner"));
    QCOMPARE(json.value(QStringLiteral("lastSeenAt")).toString(), QStringLiteral("2026-11-21T22:34:13.123Z"));
    QCOMPARE(json.value(QStringLiteral("runningCount")).toInt(), 2);
    const QJsonArray sessions = json.value(QStringLiteral("sessions")).toArray();
    QCOMPARE(sessions.size(), 2);
    QCOMPARE(sessions.at(0).toObject().value(QStringLiteral("state")).toString(), QStringLiteral("locked"));
    QCOMPARE(sessions.at(1).toObject().value(QStringLiteral("state")).toString(), QStringLiteral("disconnected"));
    QVERIFY(sessions.at(1).toObject().value(QStringLiteral("account")).isNull());
}

void TestMachine::defaultsMatchRegistration() {
    const Machine m;
    QCOMPARE(m.unattendedBots, 1);
    QCOMPARE(m.reuseSessions, false);
    QCOMPARE(m.sessionRecommendations, true);
}

void TestMachine::requiredFields_data() {
    addRequiredRows(fields());
}

void TestMachine::requiredFields() {
    checkMissing(sample());
}

void TestMachine::nullableFields_data() {
    addNullableRows(fields());
}

void TestMachine::nullableFields() {
    checkNullable(sample());
}

void TestMachine::wrongTypes_data() {
    addWrongTypeRows(fields());
}

void TestMachine::wrongTypes() {
    checkWrongType(sample());
}

void TestMachine::sessionNotAnObject() {
    const QJsonObject json =
        withField(sample().toJson(), QStringLiteral("sessions[1]"), QJsonValue(QStringLiteral("ann")));
    const Decoded<Machine> decoded = Machine::fromJson(json);
    QVERIFY(!decoded.ok());
    QCOMPARE(decoded.error().field, QStringLiteral("sessions[1]"));
    QCOMPARE(decoded.error().reason, QStringLiteral("expected an object, got string"));
}

void TestMachine::enumNames() {
    QCOMPARE(enumName(SessionState::Active), QStringLiteral("active"));
    QCOMPARE(enumName(MachineStatus::Online), QStringLiteral("online"));
    QCOMPARE(enumName(MachineStatus::Offline), QStringLiteral("offline"));
    QCOMPARE(enumName(Access::Owner), QStringLiteral("owner"));
    QCOMPARE(enumName(Access::User), QStringLiteral("user"));
}

QTEST_GUILESS_MAIN(TestMachine)
#include "tst_machine.moc"
