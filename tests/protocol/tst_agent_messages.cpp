#include "JsonTestUtil.h"
#include "protocol/AgentMessages.h"

#include <QJsonDocument>
#include <QSet>
#include <QTest>

using namespace mr::protocol;
using namespace mr::protocol::test;

namespace {

Var makeVar(const QString& name, VarType type, bool sensitive = false) {
    Var var;
    var.name = name;
    var.type = type;
    var.sensitive = sensitive;
    return var;
}

AgentSettings sampleSettings() {
    return AgentSettings{QStringLiteral("pc-7"), true, 2, true, false};
}

RunOffer sampleOffer() {
    RunOffer offer;
    offer.runId = QStringLiteral("r1");
    offer.flow = OfferedFlow{
        QStringLiteral("f1"),
        3,
        QStringLiteral("outputs.n = inputs.n + 1;"),
        {makeVar(QStringLiteral("n"), VarType::Number), makeVar(QStringLiteral("secret"), VarType::Text, true)},
        {makeVar(QStringLiteral("n"), VarType::Number)}};
    offer.inputs = {{QStringLiteral("n"), 1}, {QStringLiteral("secret"), QStringLiteral("s3cr3t")}};
    offer.runMode = RunMode::Unattended;
    offer.connection = OfferedConnection{QStringLiteral("c1"), ConnectionKind::Password, QStringLiteral("ann"),
                                         QStringLiteral("pa55word"), std::nullopt};
    return offer;
}

/// One message of every type, in the order of the variant.
QList<AgentMessage> samples() {
    const QList<MachineSession> sessions{{QStringLiteral("ann"), QStringLiteral("ann"), SessionState::Active},
                                         {QStringLiteral("bob"), std::nullopt, SessionState::Locked}};
    RunEvent log;
    log.runId = QStringLiteral("r1");
    log.eventSeq = 7;
    log.kind = RunEventKind::Log;
    log.at = sampleTime();
    log.level = QStringLiteral("info");
    log.text = QStringLiteral("Opened the file.");
    return {
        {1, false,
         Hello{kProtocolVersion, QStringLiteral("m1"), QStringLiteral("0.1.0"), QStringLiteral("Debian 12"), sessions,
               QStringList{QStringLiteral("r9")}, QStringList{QStringLiteral("sealedSecrets")}}},
        {2, false, Welcome{sampleSettings(), 15}},
        {3, false, Heartbeat{sessions}},
        {4, false, sampleOffer()},
        {5, false, RunAccept{QStringLiteral("r1")}},
        {6, false, RunDecline{QStringLiteral("r1"), QStringLiteral("AttendedUserSessionNotActive")}},
        {7, false, log},
        {8, false,
         RunResult{QStringLiteral("r1"), RunStatus::Failed, QJsonObject{{QStringLiteral("n"), 2}},
                   QStringLiteral("FlowError"), QStringLiteral("boom"), 3}},
        {9, false, CancelRun{QStringLiteral("r1")}},
        {10, false, SettingsChanged{sampleSettings()}},
        {11, false, EndSessions{QStringList{QStringLiteral("ann"), QStringLiteral("bob")}}},
        {12, false,
         CheckCredentials{QStringLiteral("q1"), QStringLiteral("ann"), QStringLiteral("pa55word"), std::nullopt}},
        {13, false, CredentialsChecked{QStringLiteral("q1"), true}},
        {14, false, RotateKey{}},
        {15, false, KeyRotated{QStringLiteral("cHVibGlj"), QStringLiteral("c2lnbmF0dXJl")}},
        {16, false, Ack{}},
    };
}

const QStringList kTypes{QStringLiteral("hello"),
                         QStringLiteral("welcome"),
                         QStringLiteral("heartbeat"),
                         QStringLiteral("runOffer"),
                         QStringLiteral("runAccept"),
                         QStringLiteral("runDecline"),
                         QStringLiteral("runEvent"),
                         QStringLiteral("runResult"),
                         QStringLiteral("cancelRun"),
                         QStringLiteral("settingsChanged"),
                         QStringLiteral("endSessions"),
                         QStringLiteral("checkCredentials"),
                         QStringLiteral("credentialsChecked"),
                         QStringLiteral("rotateKey"),
                         QStringLiteral("keyRotated"),
                         QStringLiteral("ack")};

QList<FieldSpec> settingsSpecs(const QString& prefix) {
    return {{prefix + QStringLiteral("name"), Kind::String},
            {prefix + QStringLiteral("maintenanceMode"), Kind::Bool},
            {prefix + QStringLiteral("unattendedBots"), Kind::Int},
            {prefix + QStringLiteral("reuseSessions"), Kind::Bool},
            {prefix + QStringLiteral("sessionRecommendations"), Kind::Bool}};
}

/// The body fields of each type (API.md's agent protocol table), in the order of kTypes.
QList<QList<FieldSpec>> bodySpecs() {
    return {
        {{QStringLiteral("protocolVersion"), Kind::Int},
         {QStringLiteral("machineId"), Kind::String},
         {QStringLiteral("version"), Kind::String},
         {QStringLiteral("os"), Kind::String},
         {QStringLiteral("sessions"), Kind::Array},
         {QStringLiteral("sessions[1].state"), Kind::Enum},
         {QStringLiteral("sessions[0].account"), Kind::NullableString},
         {QStringLiteral("unfinished"), Kind::StringArray},
         {QStringLiteral("features"), Kind::OptionalStringArray}},
        QList<FieldSpec>{{QStringLiteral("settings"), Kind::Object}, {QStringLiteral("heartbeatSeconds"), Kind::Int}} +
            settingsSpecs(QStringLiteral("settings.")),
        {{QStringLiteral("sessions[0].user"), Kind::String}},
        {{QStringLiteral("runId"), Kind::String},
         {QStringLiteral("flow"), Kind::Object},
         {QStringLiteral("flow.id"), Kind::String},
         {QStringLiteral("flow.version"), Kind::Int},
         {QStringLiteral("flow.script"), Kind::String},
         {QStringLiteral("flow.inputs"), Kind::Array},
         {QStringLiteral("flow.inputs[1].type"), Kind::Enum},
         {QStringLiteral("flow.outputs"), Kind::Array},
         {QStringLiteral("inputs"), Kind::Object},
         {QStringLiteral("runMode"), Kind::Enum},
         {QStringLiteral("connection"), Kind::Object},
         {QStringLiteral("connection.id"), Kind::String},
         {QStringLiteral("connection.kind"), Kind::Enum},
         {QStringLiteral("connection.username"), Kind::NullableString},
         {QStringLiteral("connection.password"), Kind::NullableString}},
        {{QStringLiteral("runId"), Kind::String}},
        {{QStringLiteral("runId"), Kind::String}, {QStringLiteral("reason"), Kind::String}},
        {{QStringLiteral("runId"), Kind::String},
         {QStringLiteral("eventSeq"), Kind::Int},
         {QStringLiteral("kind"), Kind::Enum},
         {QStringLiteral("at"), Kind::Time},
         {QStringLiteral("level"), Kind::String},
         {QStringLiteral("text"), Kind::String},
         {QStringLiteral("data"), Kind::NullableObject}},
        {{QStringLiteral("runId"), Kind::String},
         {QStringLiteral("status"), Kind::Enum},
         {QStringLiteral("outputs"), Kind::NullableObject},
         {QStringLiteral("errorCode"), Kind::NullableString},
         {QStringLiteral("errorMessage"), Kind::NullableString},
         {QStringLiteral("errorLine"), Kind::NullableInt}},
        {{QStringLiteral("runId"), Kind::String}},
        QList<FieldSpec>{{QStringLiteral("settings"), Kind::Object}} + settingsSpecs(QStringLiteral("settings.")),
        {{QStringLiteral("users"), Kind::StringArray}},
        {{QStringLiteral("requestId"), Kind::String},
         {QStringLiteral("username"), Kind::String},
         {QStringLiteral("password"), Kind::String}},
        {{QStringLiteral("requestId"), Kind::String}, {QStringLiteral("ok"), Kind::Bool}},
        {},
        {{QStringLiteral("publicKey"), Kind::String}, {QStringLiteral("signature"), Kind::String}},
        {},
    };
}

QByteArray frameOf(const QJsonObject& json) {
    return QJsonDocument(json).toJson(QJsonDocument::Compact);
}

/// What a sealedPassword looks like: base64 of a box of a password of @p passwordBytes bytes.
QString sealedOfSize(qsizetype passwordBytes) {
    return QString::fromLatin1(QByteArray(kSealedBoxOverheadBytes + passwordBytes, '\x5a').toBase64());
}

} // namespace

/// The agent protocol's messages, envelope and framing.
class TestAgentMessages final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void everyTypeHasASample();
    void roundTrip_data();
    void roundTrip();
    void bodyFieldsWritten_data();
    void bodyFieldsWritten();
    void wrongTypes_data();
    void wrongTypes();
    void missingFields_data();
    void missingFields();

    void ackAlwaysOnRunEventAndResult();
    void ackOnlyWhenAsked();
    void ackMessageIsMinimal();
    void unknownType();
    void badEnvelope_data();
    void badEnvelope();
    void malformedFrames_data();
    void malformedFrames();
    void oversizedFrameRefused();
    void largestFlowFits();

    void heartbeatSessionsOnlyWhenChanged();
    void runEventKinds();
    void runEventSeqMustBePositive();
    void runResultMustBeTerminal_data();
    void runResultMustBeTerminal();
    void welcomeHeartbeatPositive();
    void helloDefaultsToProtocolVersion();

    void helloWithAndWithoutFeatures();
    void helloFeaturesBounded_data();
    void helloFeaturesBounded();
    void runOfferWithSealedPassword();
    void checkCredentialsWithSealedPassword();
    void passwordAndSealedPasswordExclusive();
    void sealedPasswordBounded_data();
    void sealedPasswordBounded();
    void plainPasswordBounded();
};

void TestAgentMessages::everyTypeHasASample() {
    QCOMPARE(samples().size(), qsizetype(std::variant_size_v<AgentMessageBody>));
    QCOMPARE(kTypes.size(), samples().size());
    QCOMPARE(QSet<QString>(kTypes.begin(), kTypes.end()).size(), kTypes.size());
    for (qsizetype i = 0; i < samples().size(); ++i) {
        QCOMPARE(qsizetype(samples().at(i).body.index()), i);
        QCOMPARE(samples().at(i).type(), kTypes.at(i));
    }
}

void TestAgentMessages::roundTrip_data() {
    QTest::addColumn<int>("index");
    for (qsizetype i = 0; i < kTypes.size(); ++i) {
        QTest::newRow(qPrintable(kTypes.at(i))) << int(i);
    }
}

void TestAgentMessages::roundTrip() {
    QFETCH(int, index);
    const AgentMessage message = samples().at(index);
    const QByteArray frame = encodeAgentMessage(message);
    QVERIFY(!frame.contains('\n'));
    const QJsonObject json = QJsonDocument::fromJson(frame).object();
    QCOMPARE(json.value(QStringLiteral("type")).toString(), kTypes.at(index));
    QCOMPARE(json.value(QStringLiteral("seq")).toInteger(), message.seq);
    const Decoded<AgentMessage> decoded = decodeAgentMessage(frame);
    QVERIFY2(decoded.ok(), qPrintable(decoded.ok() ? QString() : decoded.error().message()));
    AgentMessage expected = message;
    expected.ack = message.needsAck();
    QVERIFY(decoded.value() == expected);
    QCOMPARE(decoded.value().type(), kTypes.at(index));
}

void TestAgentMessages::bodyFieldsWritten_data() {
    roundTrip_data();
}

void TestAgentMessages::bodyFieldsWritten() {
    QFETCH(int, index);
    QJsonObject json = agentMessageToJson(samples().at(index));
    json.remove(QStringLiteral("type"));
    json.remove(QStringLiteral("seq"));
    json.remove(QStringLiteral("ack"));
    QCOMPARE(sortedKeys(json), topLevelNames(bodySpecs().at(index)));
}

void TestAgentMessages::wrongTypes_data() {
    QTest::addColumn<int>("index");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QJsonValue>("bad");
    QTest::addColumn<QString>("errorField");
    const QList<QList<FieldSpec>> specs = bodySpecs();
    for (qsizetype i = 0; i < specs.size(); ++i) {
        for (const FieldSpec& spec : specs.at(i)) {
            if (kTypes.at(i) == QLatin1String("runEvent") && spec.path == QLatin1String("data")) {
                continue; // a log event ignores data: see runEventKinds
            }
            for (const auto& [label, value] : wrongValues(spec.kind)) {
                QString errorField = spec.path;
                if ((spec.kind == Kind::StringArray || spec.kind == Kind::OptionalStringArray) && value.isArray()) {
                    errorField += QStringLiteral("[0]");
                }
                QTest::addRow("%s: %s: %s", qPrintable(kTypes.at(i)), qPrintable(spec.path), qPrintable(label))
                    << int(i) << spec.path << value << errorField;
            }
        }
    }
}

void TestAgentMessages::wrongTypes() {
    QFETCH(int, index);
    QFETCH(QString, field);
    QFETCH(QJsonValue, bad);
    QFETCH(QString, errorField);
    const QJsonObject json = withField(agentMessageToJson(samples().at(index)), field, bad);
    const Decoded<AgentMessage> decoded = decodeAgentMessage(frameOf(json));
    QVERIFY(!decoded.ok());
    QCOMPARE(decoded.error().field, errorField);
}

void TestAgentMessages::missingFields_data() {
    QTest::addColumn<int>("index");
    QTest::addColumn<QString>("field");
    const QList<QList<FieldSpec>> specs = bodySpecs();
    for (qsizetype i = 0; i < specs.size(); ++i) {
        for (const FieldSpec& spec : specs.at(i)) {
            if (!isNullable(spec.kind) && spec.kind != Kind::OptionalStringArray &&
                kTypes.at(i) != QLatin1String("heartbeat")) {
                QTest::addRow("%s: %s", qPrintable(kTypes.at(i)), qPrintable(spec.path)) << int(i) << spec.path;
            }
        }
    }
}

void TestAgentMessages::missingFields() {
    QFETCH(int, index);
    QFETCH(QString, field);
    const QJsonObject json = withoutField(agentMessageToJson(samples().at(index)), field);
    const Decoded<AgentMessage> decoded = decodeAgentMessage(frameOf(json));
    QVERIFY(!decoded.ok());
    QCOMPARE(decoded.error().field, field);
    QCOMPARE(decoded.error().reason, QString(DecodeError::kMissing));
}

void TestAgentMessages::ackAlwaysOnRunEventAndResult() {
    for (int index : {6, 7}) {
        AgentMessage message = samples().at(index);
        message.ack = false;
        QVERIFY(message.needsAck());
        QVERIFY(alwaysAcked(message.body));
        const QJsonObject json = agentMessageToJson(message);
        QCOMPARE(json.value(QStringLiteral("ack")), QJsonValue(true));
        // Even a peer that leaves "ack" out gets an acknowledged message.
        const Decoded<AgentMessage> decoded = decodeAgentMessage(frameOf(withoutField(json, QStringLiteral("ack"))));
        QVERIFY(decoded.ok());
        QVERIFY(decoded.value().ack);
    }
}

void TestAgentMessages::ackOnlyWhenAsked() {
    AgentMessage hello = samples().at(0);
    QVERIFY(!agentMessageToJson(hello).contains(QStringLiteral("ack")));
    QVERIFY(!decodeAgentMessage(encodeAgentMessage(hello)).value().ack);
    hello.ack = true;
    QCOMPARE(agentMessageToJson(hello).value(QStringLiteral("ack")), QJsonValue(true));
    QVERIFY(decodeAgentMessage(encodeAgentMessage(hello)).value().ack);
}

void TestAgentMessages::ackMessageIsMinimal() {
    const AgentMessage ack = ackFor(41);
    QCOMPARE(agentMessageToJson(ack),
             (QJsonObject{{QStringLiteral("type"), QStringLiteral("ack")}, {QStringLiteral("seq"), 41}}));
    QVERIFY(std::holds_alternative<Ack>(decodeAgentMessage(R"({"type":"ack","seq":41})").value().body));
}

void TestAgentMessages::unknownType() {
    const Decoded<AgentMessage> decoded = decodeAgentMessage(R"({"type":"selfDestruct","seq":1})");
    QVERIFY(!decoded.ok());
    QCOMPARE(decoded.error().field, QStringLiteral("type"));
    QVERIFY(decoded.error().reason.contains(QStringLiteral("selfDestruct")));
    // Type names are case-sensitive.
    QCOMPARE(decodeAgentMessage(R"({"type":"Hello","seq":1})").error().field, QStringLiteral("type"));
}

void TestAgentMessages::badEnvelope_data() {
    QTest::addColumn<QByteArray>("frame");
    QTest::addColumn<QString>("field");
    QTest::newRow("no type") << QByteArray(R"({"seq":1})") << QStringLiteral("type");
    QTest::newRow("type number") << QByteArray(R"({"type":3,"seq":1})") << QStringLiteral("type");
    QTest::newRow("type null") << QByteArray(R"({"type":null,"seq":1})") << QStringLiteral("type");
    QTest::newRow("no seq") << QByteArray(R"({"type":"ack"})") << QStringLiteral("seq");
    QTest::newRow("seq string") << QByteArray(R"({"type":"ack","seq":"1"})") << QStringLiteral("seq");
    QTest::newRow("seq fraction") << QByteArray(R"({"type":"ack","seq":1.5})") << QStringLiteral("seq");
    QTest::newRow("seq negative") << QByteArray(R"({"type":"ack","seq":-1})") << QStringLiteral("seq");
    QTest::newRow("ack string") << QByteArray(R"({"type":"ack","seq":1,"ack":"yes"})") << QStringLiteral("ack");
}

void TestAgentMessages::badEnvelope() {
    QFETCH(QByteArray, frame);
    QFETCH(QString, field);
    const Decoded<AgentMessage> decoded = decodeAgentMessage(frame);
    QVERIFY(!decoded.ok());
    QCOMPARE(decoded.error().field, field);
}

void TestAgentMessages::malformedFrames_data() {
    QTest::addColumn<QByteArray>("frame");
    QTest::addColumn<QString>("reasonStart");
    QTest::newRow("empty") << QByteArray() << QStringLiteral("malformed JSON");
    QTest::newRow("cut") << encodeAgentMessage(samples().at(3)).chopped(5) << QStringLiteral("malformed JSON");
    QTest::newRow("array") << QByteArray(R"([{"type":"ack","seq":1}])") << QStringLiteral("expected a JSON object");
}

void TestAgentMessages::malformedFrames() {
    QFETCH(QByteArray, frame);
    QFETCH(QString, reasonStart);
    const Decoded<AgentMessage> decoded = decodeAgentMessage(frame);
    QVERIFY(!decoded.ok());
    QVERIFY(decoded.error().field.isEmpty());
    QVERIFY2(decoded.error().reason.startsWith(reasonStart), qPrintable(decoded.error().reason));
}

void TestAgentMessages::oversizedFrameRefused() {
    QByteArray frame = R"({"type":"ack","seq":1,"pad":")";
    frame += QByteArray(kMaxAgentMessageBytes, 'x');
    frame += "\"}";
    const Decoded<AgentMessage> decoded = decodeAgentMessage(frame);
    QVERIFY(!decoded.ok());
    QVERIFY(decoded.error().tooLarge());
}

void TestAgentMessages::largestFlowFits() {
    RunOffer offer = sampleOffer();
    offer.flow.script = QString(kMaxFlowBytes - 64, QLatin1Char('a'));
    offer.inputs = {{QStringLiteral("blob"), QString(kMaxInputBytes - 64, QLatin1Char('b'))}};
    const QByteArray frame = encodeAgentMessage({1, false, offer});
    QVERIFY(frame.size() <= kMaxAgentMessageBytes);
    const Decoded<AgentMessage> decoded = decodeAgentMessage(frame);
    QVERIFY(decoded.ok());
    QCOMPARE(std::get<RunOffer>(decoded.value().body).flow.script.size(), kMaxFlowBytes - 64);
}

void TestAgentMessages::heartbeatSessionsOnlyWhenChanged() {
    const AgentMessage unchanged{5, false, Heartbeat{}};
    const QJsonObject json = agentMessageToJson(unchanged);
    QVERIFY(json.contains(QStringLiteral("sessions")));
    QVERIFY(json.value(QStringLiteral("sessions")).isNull());
    QVERIFY(!std::get<Heartbeat>(decodeAgentMessage(frameOf(json)).value().body).sessions.has_value());
    QVERIFY(
        !std::get<Heartbeat>(decodeAgentMessage(R"({"type":"heartbeat","seq":5})").value().body).sessions.has_value());
    // No sessions at all is a change, not "unchanged".
    const AgentMessage none{6, false, Heartbeat{QList<MachineSession>{}}};
    const Heartbeat decoded = std::get<Heartbeat>(decodeAgentMessage(encodeAgentMessage(none)).value().body);
    QVERIFY(decoded.sessions.has_value());
    QVERIFY(decoded.sessions->isEmpty());
}

void TestAgentMessages::runEventKinds() {
    RunEvent progress;
    progress.runId = QStringLiteral("r1");
    progress.eventSeq = 8;
    progress.kind = RunEventKind::Progress;
    progress.at = sampleTime();
    progress.data = {{QStringLiteral("action"), QStringLiteral("fs.copy")}, {QStringLiteral("percent"), 40}};
    const QJsonObject json = agentMessageToJson({9, false, progress});
    QCOMPARE(json.value(QStringLiteral("kind")).toString(), QStringLiteral("progress"));
    QVERIFY(json.value(QStringLiteral("level")).isNull());
    QVERIFY(json.value(QStringLiteral("text")).isNull());
    QCOMPARE(json.value(QStringLiteral("data")).toObject(), progress.data);
    QCOMPARE(std::get<RunEvent>(decodeAgentMessage(frameOf(json)).value().body), progress);
    // progress needs data
    const Decoded<AgentMessage> noData = decodeAgentMessage(frameOf(withoutField(json, QStringLiteral("data"))));
    QCOMPARE(noData.error().field, QStringLiteral("data"));

    const QJsonObject log = agentMessageToJson(samples().at(6));
    QVERIFY(log.value(QStringLiteral("data")).isNull());
    QCOMPARE(log.value(QStringLiteral("level")).toString(), QStringLiteral("info"));
    QCOMPARE(log.value(QStringLiteral("at")).toString(), QStringLiteral("2026-11-21T22:34:13.123Z"));
}

void TestAgentMessages::runEventSeqMustBePositive() {
    const QJsonObject json = withField(agentMessageToJson(samples().at(6)), QStringLiteral("eventSeq"), QJsonValue(0));
    QCOMPARE(decodeAgentMessage(frameOf(json)).error().field, QStringLiteral("eventSeq"));
}

void TestAgentMessages::runResultMustBeTerminal_data() {
    QTest::addColumn<QString>("status");
    QTest::addColumn<bool>("valid");
    QTest::newRow("Succeeded") << QStringLiteral("Succeeded") << true;
    QTest::newRow("Failed") << QStringLiteral("Failed") << true;
    QTest::newRow("Cancelled") << QStringLiteral("Cancelled") << true;
    QTest::newRow("Queued") << QStringLiteral("Queued") << false;
    QTest::newRow("Running") << QStringLiteral("Running") << false;
    QTest::newRow("Cancelling") << QStringLiteral("Cancelling") << false;
}

void TestAgentMessages::runResultMustBeTerminal() {
    QFETCH(QString, status);
    QFETCH(bool, valid);
    const QJsonObject json = withField(agentMessageToJson(samples().at(7)), QStringLiteral("status"), status);
    const Decoded<AgentMessage> decoded = decodeAgentMessage(frameOf(json));
    QCOMPARE(decoded.ok(), valid);
    if (!valid) {
        QCOMPARE(decoded.error().field, QStringLiteral("status"));
    }
}

void TestAgentMessages::welcomeHeartbeatPositive() {
    const QJsonObject json =
        withField(agentMessageToJson(samples().at(1)), QStringLiteral("heartbeatSeconds"), QJsonValue(0));
    QCOMPARE(decodeAgentMessage(frameOf(json)).error().field, QStringLiteral("heartbeatSeconds"));
}

void TestAgentMessages::helloDefaultsToProtocolVersion() {
    QCOMPARE(Hello{}.protocolVersion, kProtocolVersion);
    QCOMPARE(Hello{}.toJson().value(QStringLiteral("protocolVersion")).toInt(), 1);
    QCOMPARE(Welcome{}.heartbeatSeconds, kHeartbeatSeconds);
}

void TestAgentMessages::helloWithAndWithoutFeatures() {
    // With: written as an array and read back.
    const AgentMessage with = samples().at(0);
    const QJsonObject json = agentMessageToJson(with);
    QCOMPARE(json.value(QStringLiteral("features")).toArray(), QJsonArray{QStringLiteral("sealedSecrets")});
    const Hello decoded = std::get<Hello>(decodeAgentMessage(frameOf(json)).value().body);
    QCOMPARE(decoded.features, QStringList{QStringLiteral("sealedSecrets")});
    QVERIFY(decoded.declares(Hello::kFeatureSealedSecrets));

    // Without: an empty array, read back as none.
    AgentMessage without = with;
    std::get<Hello>(without.body).features.clear();
    const QJsonObject withoutJson = agentMessageToJson(without);
    QCOMPARE(withoutJson.value(QStringLiteral("features")).toArray(), QJsonArray());
    const Decoded<AgentMessage> roundTripped = decodeAgentMessage(encodeAgentMessage(without));
    QVERIFY(roundTripped.ok());
    QVERIFY(roundTripped.value() == without);
    QVERIFY(!std::get<Hello>(roundTripped.value().body).declares(Hello::kFeatureSealedSecrets));

    // A hello as API.md writes it (no field) or with null declares nothing.
    for (const QJsonObject& peer : {withoutField(json, QStringLiteral("features")),
                                    withField(json, QStringLiteral("features"), QJsonValue::Null)}) {
        const Decoded<AgentMessage> d = decodeAgentMessage(frameOf(peer));
        QVERIFY2(d.ok(), qPrintable(d.ok() ? QString() : d.error().message()));
        QVERIFY(std::get<Hello>(d.value().body).features.isEmpty());
    }

    // Names the orchestrator does not know are kept (and ignored by it).
    const QJsonArray future{QStringLiteral("sealedSecrets"), QStringLiteral("somethingLater")};
    const Decoded<AgentMessage> d = decodeAgentMessage(frameOf(withField(json, QStringLiteral("features"), future)));
    QVERIFY(d.ok());
    QCOMPARE(std::get<Hello>(d.value().body).features,
             (QStringList{QStringLiteral("sealedSecrets"), QStringLiteral("somethingLater")}));
}

void TestAgentMessages::helloFeaturesBounded_data() {
    QTest::addColumn<QJsonArray>("features");
    QTest::addColumn<QString>("errorField");
    QJsonArray many;
    for (qsizetype i = 0; i <= kMaxHelloFeatures; ++i) {
        many.append(QStringLiteral("f%1").arg(i));
    }
    QTest::newRow("too many") << many << QStringLiteral("features");
    QTest::newRow("empty name") << QJsonArray{QString()} << QStringLiteral("features[0]");
    QTest::newRow("long name") << QJsonArray{QStringLiteral("ok"), QString(kMaxFeatureNameChars + 1, QLatin1Char('f'))}
                               << QStringLiteral("features[1]");
}

void TestAgentMessages::helloFeaturesBounded() {
    QFETCH(QJsonArray, features);
    QFETCH(QString, errorField);
    const QJsonObject json = withField(agentMessageToJson(samples().at(0)), QStringLiteral("features"), features);
    const Decoded<AgentMessage> decoded = decodeAgentMessage(frameOf(json));
    QVERIFY(!decoded.ok());
    QCOMPARE(decoded.error().field, errorField);
    // The most that is allowed passes.
    QJsonArray most;
    for (qsizetype i = 0; i < kMaxHelloFeatures; ++i) {
        most.append(QString(kMaxFeatureNameChars, QLatin1Char(char('a' + i % 26))));
    }
    QVERIFY(decodeAgentMessage(frameOf(withField(json, QStringLiteral("features"), most))).ok());
}

void TestAgentMessages::runOfferWithSealedPassword() {
    RunOffer offer = sampleOffer();
    offer.connection.password.reset();
    offer.connection.sealedPassword = sealedOfSize(8);
    const AgentMessage message{4, false, offer};
    const QJsonObject json = agentMessageToJson(message);
    const QJsonObject connection = json.value(QStringLiteral("connection")).toObject();
    // Instead of password, not next to it.
    QVERIFY(!connection.contains(QStringLiteral("password")));
    QCOMPARE(connection.value(QStringLiteral("sealedPassword")).toString(), *offer.connection.sealedPassword);
    QCOMPARE(sortedKeys(connection), (QStringList{QStringLiteral("id"), QStringLiteral("kind"),
                                                  QStringLiteral("sealedPassword"), QStringLiteral("username")}));
    const Decoded<AgentMessage> decoded = decodeAgentMessage(encodeAgentMessage(message));
    QVERIFY2(decoded.ok(), qPrintable(decoded.ok() ? QString() : decoded.error().message()));
    QVERIFY(decoded.value() == message);
    checkRoundTrip(offer.connection);

    // A sign-in connection: neither field set, `password` null as API.md has it.
    OfferedConnection signIn{QStringLiteral("c2"), ConnectionKind::SignIn, std::nullopt, std::nullopt, std::nullopt};
    QVERIFY(signIn.toJson().value(QStringLiteral("password")).isNull());
    QVERIFY(!signIn.toJson().contains(QStringLiteral("sealedPassword")));
    checkRoundTrip(signIn);
}

void TestAgentMessages::checkCredentialsWithSealedPassword() {
    const CheckCredentials sealed{QStringLiteral("q1"), QStringLiteral("ann"), std::nullopt, sealedOfSize(5)};
    const AgentMessage message{12, false, sealed};
    const QJsonObject json = agentMessageToJson(message);
    QVERIFY(!json.contains(QStringLiteral("password")));
    QCOMPARE(json.value(QStringLiteral("sealedPassword")).toString(), *sealed.sealedPassword);
    const Decoded<AgentMessage> decoded = decodeAgentMessage(encodeAgentMessage(message));
    QVERIFY2(decoded.ok(), qPrintable(decoded.ok() ? QString() : decoded.error().message()));
    QVERIFY(decoded.value() == message);
    checkRoundTrip(sealed);

    // The plain form stays API.md's: `password` required when nothing is sealed.
    const QJsonObject plain = agentMessageToJson(samples().at(11));
    QVERIFY(!plain.contains(QStringLiteral("sealedPassword")));
    const Decoded<AgentMessage> neither = decodeAgentMessage(frameOf(withoutField(plain, QStringLiteral("password"))));
    QVERIFY(!neither.ok());
    QCOMPARE(neither.error().field, QStringLiteral("password"));
    QCOMPARE(neither.error().reason, QString(DecodeError::kMissing));
    const Decoded<AgentMessage> sealedNull = decodeAgentMessage(frameOf(withField(
        withoutField(plain, QStringLiteral("password")), QStringLiteral("sealedPassword"), QJsonValue::Null)));
    QVERIFY(!sealedNull.ok());
    QCOMPARE(sealedNull.error().field, QStringLiteral("password"));
    const Decoded<AgentMessage> wrongType =
        decodeAgentMessage(frameOf(withField(json, QStringLiteral("sealedPassword"), QJsonValue(42))));
    QVERIFY(!wrongType.ok());
    QCOMPARE(wrongType.error().field, QStringLiteral("sealedPassword"));
}

void TestAgentMessages::passwordAndSealedPasswordExclusive() {
    const QString sealed = sealedOfSize(4);
    const QJsonObject offer =
        withField(agentMessageToJson(samples().at(3)), QStringLiteral("connection.sealedPassword"), sealed);
    const Decoded<AgentMessage> both = decodeAgentMessage(frameOf(offer));
    QVERIFY(!both.ok());
    QCOMPARE(both.error().field, QStringLiteral("connection.sealedPassword"));
    // A null password next to a sealed one is fine.
    QVERIFY(
        decodeAgentMessage(frameOf(withField(offer, QStringLiteral("connection.password"), QJsonValue::Null))).ok());

    const QJsonObject check = withField(agentMessageToJson(samples().at(11)), QStringLiteral("sealedPassword"), sealed);
    const Decoded<AgentMessage> bothCheck = decodeAgentMessage(frameOf(check));
    QVERIFY(!bothCheck.ok());
    QCOMPARE(bothCheck.error().field, QStringLiteral("sealedPassword"));
}

void TestAgentMessages::sealedPasswordBounded_data() {
    QTest::addColumn<QString>("sealed");
    QTest::addColumn<bool>("valid");
    const QString shortest = sealedOfSize(0);
    const QString longest = sealedOfSize(kMaxConnectionPasswordBytes);
    QCOMPARE(longest.size(), kMaxSealedPasswordBase64);
    QTest::newRow("empty password") << shortest << true;
    QTest::newRow("longest password") << longest << true;
    QTest::newRow("empty") << QString() << false;
    QTest::newRow("shorter than a box") << QString::fromLatin1(QByteArray(kSealedBoxOverheadBytes - 1, 'a').toBase64())
                                        << false;
    QTest::newRow("one byte too long") << sealedOfSize(kMaxConnectionPasswordBytes + 1) << false;
    QTest::newRow("huge") << QString(kMaxAgentMessageBytes / 4, QLatin1Char('A')) << false;
    QTest::newRow("not base64") << QString(shortest).replace(0, 1, QLatin1Char('*')) << false;
    QTest::newRow("base64url") << QString(shortest).replace(0, 1, QLatin1Char('-')) << false;
    QTest::newRow("spaces") << (QStringLiteral(" ") + shortest.mid(1)) << false;
    QTest::newRow("non-Latin-1") << QString(shortest).replace(0, 1, QChar(0x263A)) << false;
    QTest::newRow("no padding") << sealedOfSize(1).chopped(2) << false;
    // The same bytes spelt with one of the unused bits before the padding set: not canonical.
    QString unusedBits = sealedOfSize(1); // ...Wg==
    QCOMPARE(unusedBits.right(3), QStringLiteral("g=="));
    unusedBits[unusedBits.size() - 3] = QLatin1Char('h');
    QCOMPARE(QByteArray::fromBase64(unusedBits.toLatin1()), QByteArray::fromBase64(sealedOfSize(1).toLatin1()));
    QTest::newRow("padding bits set") << unusedBits << false;
}

void TestAgentMessages::sealedPasswordBounded() {
    QFETCH(QString, sealed);
    QFETCH(bool, valid);
    QCOMPARE(isSealedPasswordWellFormed(sealed), valid);
    RunOffer offer = sampleOffer();
    offer.connection.password.reset();
    offer.connection.sealedPassword = sealed;
    const Decoded<AgentMessage> inOffer = decodeAgentMessage(encodeAgentMessage({4, false, offer}));
    QCOMPARE(inOffer.ok(), valid);
    if (!valid) {
        QCOMPARE(inOffer.error().field, QStringLiteral("connection.sealedPassword"));
    }
    const Decoded<AgentMessage> inCheck = decodeAgentMessage(encodeAgentMessage(
        {12, false, CheckCredentials{QStringLiteral("q1"), QStringLiteral("ann"), std::nullopt, sealed}}));
    QCOMPARE(inCheck.ok(), valid);
    if (!valid) {
        QCOMPARE(inCheck.error().field, QStringLiteral("sealedPassword"));
    }
}

void TestAgentMessages::plainPasswordBounded() {
    const QString longest(kMaxConnectionPasswordChars, QLatin1Char('p'));
    const QString tooLong = longest + QLatin1Char('p');
    QVERIFY(decodeAgentMessage(
                frameOf(withField(agentMessageToJson(samples().at(3)), QStringLiteral("connection.password"), longest)))
                .ok());
    const Decoded<AgentMessage> offer = decodeAgentMessage(
        frameOf(withField(agentMessageToJson(samples().at(3)), QStringLiteral("connection.password"), tooLong)));
    QVERIFY(!offer.ok());
    QCOMPARE(offer.error().field, QStringLiteral("connection.password"));
    const Decoded<AgentMessage> check = decodeAgentMessage(
        frameOf(withField(agentMessageToJson(samples().at(11)), QStringLiteral("password"), tooLong)));
    QVERIFY(!check.ok());
    QCOMPARE(check.error().field, QStringLiteral("password"));
}

QTEST_GUILESS_MAIN(TestAgentMessages)
#include "tst_agent_messages.moc"
