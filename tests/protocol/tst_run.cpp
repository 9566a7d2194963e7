#include "JsonTestUtil.h"
#include "protocol/Run.h"

#include <QTest>

using namespace mr::protocol;
using namespace mr::protocol::test;

namespace {

Run sample() {
    Run run;
    run.id = QStringLiteral("r0000000-0000-4000-8000-000000000001");
    run.environmentId = QStringLiteral("e0000000-0000-4000-8000-000000000001");
    run.flowId = QStringLiteral("f0000000-0000-4000-8000-000000000001");
    run.flowVersion = 3;
    run.connectionId = QStringLiteral("c0000000-0000-4000-8000-000000000001");
    run.machineId = QStringLiteral("m0000000-0000-4000-8000-000000000001");
    run.runMode = RunMode::Unattended;
    run.priority = RunPriority::High;
    run.status = RunStatus::Failed;
    run.errorCode = QStringLiteral("FlowError");
    run.errorMessage = QStringLiteral("The file was not found.");
    run.errorLine = 12;
    run.inputs = {{QStringLiteral("customer"), QStringLiteral("ACME")}, {QStringLiteral("n"), 3}};
    run.outputs = {{QStringLiteral("total"), 9.5}};
    run.queuedAt = sampleTime();
    run.startedAt = sampleTime(5);
    run.endedAt = sampleTime(65);
    run.triggeredBy = QStringLiteral("ann");
    return run;
}

QList<FieldSpec> runFields() {
    return {{QStringLiteral("id"), Kind::String},
            {QStringLiteral("environmentId"), Kind::String},
            {QStringLiteral("flowId"), Kind::String},
            {QStringLiteral("flowVersion"), Kind::Int},
            {QStringLiteral("connectionId"), Kind::String},
            {QStringLiteral("machineId"), Kind::NullableString},
            {QStringLiteral("runMode"), Kind::Enum},
            {QStringLiteral("priority"), Kind::Enum},
            {QStringLiteral("status"), Kind::Enum},
            {QStringLiteral("errorCode"), Kind::NullableString},
            {QStringLiteral("errorMessage"), Kind::NullableString},
            {QStringLiteral("errorLine"), Kind::NullableInt},
            {QStringLiteral("inputs"), Kind::Object},
            {QStringLiteral("outputs"), Kind::NullableObject},
            {QStringLiteral("queuedAt"), Kind::Time},
            {QStringLiteral("startedAt"), Kind::NullableTime},
            {QStringLiteral("endedAt"), Kind::NullableTime},
            {QStringLiteral("triggeredBy"), Kind::String}};
}

LogLine sampleLine() {
    return LogLine{42, sampleTime(), QStringLiteral("warning"), QStringLiteral("Retrying in 5 s…")};
}

QList<FieldSpec> logFields() {
    return {{QStringLiteral("seq"), Kind::Int},
            {QStringLiteral("at"), Kind::Time},
            {QStringLiteral("level"), Kind::String},
            {QStringLiteral("text"), Kind::String}};
}

} // namespace

/// Run and LogLine.
class TestRun final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void roundTrip();
    void roundTripQueued();
    void encodesEveryField();
    void encodesWireNames();
    void statusNames_data();
    void statusNames();
    void modeAndPriorityNames();
    void required_data();
    void required();
    void nullable_data();
    void nullable();
    void outputsNullReadsEmpty();
    void wrongTypes_data();
    void wrongTypes();

    void logLineRoundTrip();
    void logLineEncodesEveryField();
    void logLineRequired_data();
    void logLineRequired();
    void logLineWrongTypes_data();
    void logLineWrongTypes();
    void logLineLargeSeq();
};

void TestRun::roundTrip() {
    checkRoundTrip(sample());
}

void TestRun::roundTripQueued() {
    Run run;
    run.id = QStringLiteral("r");
    run.queuedAt = sampleTime();
    checkRoundTrip(run);
}

void TestRun::encodesEveryField() {
    checkAllFieldsWritten(sample(), runFields());
    Run queued;
    queued.queuedAt = sampleTime();
    checkAllFieldsWritten(queued, runFields());
    const QJsonObject json = queued.toJson();
    for (const char* key : {"machineId", "errorCode", "errorMessage", "errorLine", "startedAt", "endedAt"}) {
        QVERIFY2(json.value(QLatin1String(key)).isNull(), key);
    }
    QCOMPARE(json.value(QStringLiteral("outputs")), QJsonValue(QJsonObject()));
    QCOMPARE(json.value(QStringLiteral("status")).toString(), QStringLiteral("Queued"));
}

void TestRun::encodesWireNames() {
    const QJsonObject json = sample().toJson();
    QCOMPARE(json.value(QStringLiteral("runMode")).toString(), QStringLiteral("unattended"));
    QCOMPARE(json.value(QStringLiteral("priority")).toString(), QStringLiteral("high"));
    QCOMPARE(json.value(QStringLiteral("status")).toString(), QStringLiteral("Failed"));
    QCOMPARE(json.value(QStringLiteral("errorLine")).toInt(), 12);
    QCOMPARE(json.value(QStringLiteral("startedAt")).toString(), QStringLiteral("2026-11-21T22:34:18.123Z"));
    QCOMPARE(json.value(QStringLiteral("inputs")).toObject().value(QStringLiteral("customer")).toString(),
             QStringLiteral("ACME"));
}

void TestRun::statusNames_data() {
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("terminal");
    QTest::newRow("queued") << int(RunStatus::Queued) << QStringLiteral("Queued") << false;
    QTest::newRow("running") << int(RunStatus::Running) << QStringLiteral("Running") << false;
    QTest::newRow("cancelling") << int(RunStatus::Cancelling) << QStringLiteral("Cancelling") << false;
    QTest::newRow("succeeded") << int(RunStatus::Succeeded) << QStringLiteral("Succeeded") << true;
    QTest::newRow("failed") << int(RunStatus::Failed) << QStringLiteral("Failed") << true;
    QTest::newRow("cancelled") << int(RunStatus::Cancelled) << QStringLiteral("Cancelled") << true;
}

void TestRun::statusNames() {
    QFETCH(int, status);
    QFETCH(QString, name);
    QFETCH(bool, terminal);
    QCOMPARE(enumName(RunStatus(status)), name);
    QCOMPARE(parseEnum<RunStatus>(name), std::optional<RunStatus>(RunStatus(status)));
    QVERIFY(!parseEnum<RunStatus>(name.toLower()).has_value());
    QCOMPARE(isTerminal(RunStatus(status)), terminal);
    Run run = sample();
    run.status = RunStatus(status);
    checkRoundTrip(run);
}

void TestRun::modeAndPriorityNames() {
    QCOMPARE(enumName(RunMode::Attended), QStringLiteral("attended"));
    QCOMPARE(enumName(RunMode::Unattended), QStringLiteral("unattended"));
    QCOMPARE(enumName(RunPriority::Normal), QStringLiteral("normal"));
    QCOMPARE(enumName(RunPriority::High), QStringLiteral("high"));
}

void TestRun::required_data() {
    addRequiredRows(runFields());
}

void TestRun::required() {
    checkMissing(sample());
}

void TestRun::nullable_data() {
    QList<FieldSpec> specs = runFields();
    specs.removeIf([](const FieldSpec& spec) { return spec.path == QLatin1String("outputs"); });
    addNullableRows(specs);
}

void TestRun::nullable() {
    checkNullable(sample());
}

void TestRun::outputsNullReadsEmpty() {
    const Decoded<Run> decoded =
        Run::fromJson(withField(sample().toJson(), QStringLiteral("outputs"), QJsonValue(QJsonValue::Null)));
    QVERIFY(decoded.ok());
    QVERIFY(decoded.value().outputs.isEmpty());
}

void TestRun::wrongTypes_data() {
    addWrongTypeRows(runFields());
}

void TestRun::wrongTypes() {
    checkWrongType(sample());
}

void TestRun::logLineRoundTrip() {
    checkRoundTrip(sampleLine());
}

void TestRun::logLineEncodesEveryField() {
    checkAllFieldsWritten(sampleLine(), logFields());
    const QJsonObject json = sampleLine().toJson();
    QCOMPARE(json.value(QStringLiteral("seq")).toInt(), 42);
    QCOMPARE(json.value(QStringLiteral("at")).toString(), QStringLiteral("2026-11-21T22:34:13.123Z"));
}

void TestRun::logLineRequired_data() {
    addRequiredRows(logFields());
}

void TestRun::logLineRequired() {
    checkMissing(sampleLine());
}

void TestRun::logLineWrongTypes_data() {
    addWrongTypeRows(logFields());
}

void TestRun::logLineWrongTypes() {
    checkWrongType(sampleLine());
}

void TestRun::logLineLargeSeq() {
    LogLine line = sampleLine();
    line.seq = 5'000'000'000LL; // past 32 bits
    checkRoundTrip(line);
}

QTEST_GUILESS_MAIN(TestRun)
#include "tst_run.moc"
