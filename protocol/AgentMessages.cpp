#include "protocol/AgentMessages.h"

#include "protocol/Flow.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace mr::protocol {

namespace {

QString key(const char* name) {
    return QLatin1String(name);
}

template <class T>
Decoded<T> finish(const JsonReader& r, T value) {
    if (!r.ok()) {
        return r.error();
    }
    return value;
}

template <std::size_t I = 0>
std::optional<Decoded<AgentMessageBody>> decodeBody(const QString& type, const QJsonObject& json) {
    if constexpr (I < std::variant_size_v<AgentMessageBody>) {
        using T = std::variant_alternative_t<I, AgentMessageBody>;
        if (type == T::kType) {
            Decoded<T> decoded = T::fromJson(json);
            if (!decoded.ok()) {
                return Decoded<AgentMessageBody>(decoded.error());
            }
            return Decoded<AgentMessageBody>(AgentMessageBody(std::in_place_type<T>, decoded.take()));
        }
        return decodeBody<I + 1>(type, json);
    } else {
        return std::nullopt;
    }
}

/// Reads `password` and `sealedPassword`: each nullable, at most one of them set, the sealed one
/// well formed and the plain one within the password limit.
void readPasswords(JsonReader& r, std::optional<QString>* password, std::optional<QString>* sealedPassword) {
    *password = r.nullableString(u"password");
    *sealedPassword = r.nullableString(u"sealedPassword");
    if (!r.ok()) {
        return;
    }
    if (*password && password->value().size() > kMaxConnectionPasswordChars) {
        r.fail(u"password",
               QStringLiteral("expected at most %1 characters").arg(QString::number(kMaxConnectionPasswordChars)));
    } else if (*sealedPassword && *password) {
        r.fail(u"sealedPassword", QStringLiteral("expected either 'password' or 'sealedPassword', not both"));
    } else if (*sealedPassword && !isSealedPasswordWellFormed(**sealedPassword)) {
        r.fail(u"sealedPassword", QStringLiteral("expected standard base64 of a sealed box of at most %1 bytes")
                                      .arg(QString::number(kMaxConnectionPasswordBytes + kSealedBoxOverheadBytes)));
    }
}

} // namespace

bool isSealedPasswordWellFormed(const QString& text) {
    if (text.size() > kMaxSealedPasswordBase64 || text.size() % 4 != 0) {
        return false;
    }
    const QByteArray latin = text.toLatin1();
    if (QString::fromLatin1(latin) != text) {
        return false; // not Latin-1, so not base64
    }
    const QByteArray::FromBase64Result decoded =
        QByteArray::fromBase64Encoding(latin, QByteArray::Base64Encoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded) {
        return false;
    }
    const qsizetype size = decoded.decoded.size();
    // Canonical: one encoding per box, so nothing can hide in padding bits or odd spellings.
    return size >= kSealedBoxOverheadBytes && size <= kSealedBoxOverheadBytes + kMaxConnectionPasswordBytes &&
           decoded.decoded.toBase64() == latin;
}

// AgentSettings

QJsonObject AgentSettings::toJson() const {
    return {{key("name"), name},
            {key("maintenanceMode"), maintenanceMode},
            {key("unattendedBots"), unattendedBots},
            {key("reuseSessions"), reuseSessions},
            {key("sessionRecommendations"), sessionRecommendations}};
}

Decoded<AgentSettings> AgentSettings::fromJson(const QJsonObject& json) {
    JsonReader r(json);
    AgentSettings s;
    s.name = r.string(u"name");
    s.maintenanceMode = r.boolean(u"maintenanceMode");
    s.unattendedBots = r.integer(u"unattendedBots");
    s.reuseSessions = r.boolean(u"reuseSessions");
    s.sessionRecommendations = r.boolean(u"sessionRecommendations");
    return finish(r, s);
}

// Hello

QJsonObject Hello::toJson() const {
    return {{key("protocolVersion"), protocolVersion},
            {key("machineId"), machineId},
            {key("version"), version},
            {key("os"), os},
            {key("sessions"), toJsonArray(sessions)},
            {key("unfinished"), QJsonArray::fromStringList(unfinished)},
            {key("features"), QJsonArray::fromStringList(features)}};
}

Decoded<Hello> Hello::fromJson(const QJsonObject& json) {
    JsonReader r(json);
    Hello m;
    m.protocolVersion = r.integer(u"protocolVersion");
    m.machineId = r.string(u"machineId");
    m.version = r.string(u"version");
    m.os = r.string(u"os");
    m.sessions = r.list<MachineSession>(u"sessions");
    m.unfinished = r.stringList(u"unfinished");
    // Optional (an addition to API.md): peers that do not know it send none.
    if (!r.value(u"features").isNull()) {
        m.features = r.stringList(u"features");
    }
    if (r.ok() && m.features.size() > kMaxHelloFeatures) {
        r.fail(u"features", QStringLiteral("expected at most %1 names").arg(QString::number(kMaxHelloFeatures)));
    }
    for (qsizetype i = 0; r.ok() && i < m.features.size(); ++i) {
        if (m.features.at(i).isEmpty() || m.features.at(i).size() > kMaxFeatureNameChars) {
            r.fail(QStringLiteral("features[%1]").arg(QString::number(i)),
                   QStringLiteral("expected a name of 1 to %1 characters").arg(QString::number(kMaxFeatureNameChars)));
        }
    }
    return finish(r, m);
}

// Welcome

QJsonObject Welcome::toJson() const {
    return {{key("settings"), settings.toJson()}, {key("heartbeatSeconds"), heartbeatSeconds}};
}

Decoded<Welcome> Welcome::fromJson(const QJsonObject& json) {
    JsonReader r(json);
    Welcome m;
    m.settings = r.nested<AgentSettings>(u"settings");
    m.heartbeatSeconds = r.integer(u"heartbeatSeconds");
    if (r.ok() && m.heartbeatSeconds <= 0) {
        r.fail(u"heartbeatSeconds", QStringLiteral("expected a positive integer"));
    }
    return finish(r, m);
}

// Heartbeat

QJsonObject Heartbeat::toJson() const {
    return {{key("sessions"), sessions ? QJsonValue(toJsonArray(*sessions)) : QJsonValue(QJsonValue::Null)}};
}

Decoded<Heartbeat> Heartbeat::fromJson(const QJsonObject& json) {
    JsonReader r(json);
    Heartbeat m;
    if (!r.value(u"sessions").isNull()) {
        m.sessions = r.list<MachineSession>(u"sessions");
    }
    return finish(r, m);
}

// RunOffer

QJsonObject OfferedFlow::toJson() const {
    return {{key("id"), id},
            {key("version"), version},
            {key("script"), script},
            {key("inputs"), toJsonArray(inputs)},
            {key("outputs"), toJsonArray(outputs)}};
}

Decoded<OfferedFlow> OfferedFlow::fromJson(const QJsonObject& json) {
    JsonReader r(json);
    OfferedFlow f;
    f.id = r.string(u"id");
    f.version = r.integer(u"version");
    f.script = r.string(u"script");
    f.inputs = readVars(r, u"inputs");
    f.outputs = readVars(r, u"outputs");
    return finish(r, f);
}

QJsonObject OfferedConnection::toJson() const {
    QJsonObject json{{key("id"), id}, {key("kind"), enumName(kind)}, {key("username"), jsonOrNull(username)}};
    // Either field, never both: a peer that did not declare sealedSecrets sees API.md's message.
    if (sealedPassword) {
        json.insert(key("sealedPassword"), *sealedPassword);
    } else {
        json.insert(key("password"), jsonOrNull(password));
    }
    return json;
}

Decoded<OfferedConnection> OfferedConnection::fromJson(const QJsonObject& json) {
    JsonReader r(json);
    OfferedConnection c;
    c.id = r.string(u"id");
    c.kind = r.enumeration<ConnectionKind>(u"kind");
    c.username = r.nullableString(u"username");
    readPasswords(r, &c.password, &c.sealedPassword);
    return finish(r, c);
}

QJsonObject RunOffer::toJson() const {
    return {{key("runId"), runId},
            {key("flow"), flow.toJson()},
            {key("inputs"), inputs},
            {key("runMode"), enumName(runMode)},
            {key("connection"), connection.toJson()}};
}

Decoded<RunOffer> RunOffer::fromJson(const QJsonObject& json) {
    JsonReader r(json);
    RunOffer m;
    m.runId = r.string(u"runId");
    m.flow = r.nested<OfferedFlow>(u"flow");
    m.inputs = r.object(u"inputs");
    m.runMode = r.enumeration<RunMode>(u"runMode");
    m.connection = r.nested<OfferedConnection>(u"connection");
    return finish(r, m);
}

// RunAccept, RunDecline

QJsonObject RunAccept::toJson() const {
    return {{key("runId"), runId}};
}

Decoded<RunAccept> RunAccept::fromJson(const QJsonObject& json) {
    JsonReader r(json);
    RunAccept m;
    m.runId = r.string(u"runId");
    return finish(r, m);
}

QJsonObject RunDecline::toJson() const {
    return {{key("runId"), runId}, {key("reason"), reason}};
}

Decoded<RunDecline> RunDecline::fromJson(const QJsonObject& json) {
    JsonReader r(json);
    RunDecline m;
    m.runId = r.string(u"runId");
    m.reason = r.string(u"reason");
    return finish(r, m);
}

// RunEvent

QJsonObject RunEvent::toJson() const {
    const bool isLog = kind == RunEventKind::Log;
    const QJsonValue null(QJsonValue::Null);
    return {{key("runId"), runId},
            {key("eventSeq"), eventSeq},
            {key("kind"), enumName(kind)},
            {key("at"), jsonTime(at)},
            {key("level"), isLog ? QJsonValue(level) : null},
            {key("text"), isLog ? QJsonValue(text) : null},
            {key("data"), isLog ? null : QJsonValue(data)}};
}

Decoded<RunEvent> RunEvent::fromJson(const QJsonObject& json) {
    JsonReader r(json);
    RunEvent m;
    m.runId = r.string(u"runId");
    m.eventSeq = r.integer64(u"eventSeq");
    if (r.ok() && m.eventSeq < 1) {
        r.fail(u"eventSeq", QStringLiteral("expected a positive integer"));
    }
    m.kind = r.enumeration<RunEventKind>(u"kind");
    m.at = r.dateTime(u"at");
    if (m.kind == RunEventKind::Log) {
        m.level = r.string(u"level");
        m.text = r.string(u"text");
    } else {
        m.data = r.object(u"data");
    }
    return finish(r, m);
}

// RunResult

QJsonObject RunResult::toJson() const {
    return {{key("runId"), runId},
            {key("status"), enumName(status)},
            {key("outputs"), outputs},
            {key("errorCode"), jsonOrNull(errorCode)},
            {key("errorMessage"), jsonOrNull(errorMessage)},
            {key("errorLine"), jsonOrNull(errorLine)}};
}

Decoded<RunResult> RunResult::fromJson(const QJsonObject& json) {
    JsonReader r(json);
    RunResult m;
    m.runId = r.string(u"runId");
    m.status = r.enumeration<RunStatus>(u"status");
    if (r.ok() && !isTerminal(m.status)) {
        r.fail(u"status", QStringLiteral("expected one of 'Succeeded', 'Failed', 'Cancelled'"));
    }
    m.outputs = r.object(u"outputs", QJsonObject());
    m.errorCode = r.nullableString(u"errorCode");
    m.errorMessage = r.nullableString(u"errorMessage");
    m.errorLine = r.nullableInteger(u"errorLine");
    return finish(r, m);
}

// CancelRun, SettingsChanged, EndSessions

QJsonObject CancelRun::toJson() const {
    return {{key("runId"), runId}};
}

Decoded<CancelRun> CancelRun::fromJson(const QJsonObject& json) {
    JsonReader r(json);
    CancelRun m;
    m.runId = r.string(u"runId");
    return finish(r, m);
}

QJsonObject SettingsChanged::toJson() const {
    return {{key("settings"), settings.toJson()}};
}

Decoded<SettingsChanged> SettingsChanged::fromJson(const QJsonObject& json) {
    JsonReader r(json);
    SettingsChanged m;
    m.settings = r.nested<AgentSettings>(u"settings");
    return finish(r, m);
}

QJsonObject EndSessions::toJson() const {
    return {{key("users"), QJsonArray::fromStringList(users)}};
}

Decoded<EndSessions> EndSessions::fromJson(const QJsonObject& json) {
    JsonReader r(json);
    EndSessions m;
    m.users = r.stringList(u"users");
    return finish(r, m);
}

// Credentials

QJsonObject CheckCredentials::toJson() const {
    QJsonObject json{{key("requestId"), requestId}, {key("username"), username}};
    if (sealedPassword) {
        json.insert(key("sealedPassword"), *sealedPassword);
    } else {
        json.insert(key("password"), password.value_or(QString()));
    }
    return json;
}

Decoded<CheckCredentials> CheckCredentials::fromJson(const QJsonObject& json) {
    JsonReader r(json);
    CheckCredentials m;
    m.requestId = r.string(u"requestId");
    m.username = r.string(u"username");
    if (r.ok() && r.value(u"sealedPassword").isNull()) {
        m.password = r.string(u"password"); // required when nothing is sealed, as API.md has it
    }
    if (r.ok()) {
        readPasswords(r, &m.password, &m.sealedPassword);
    }
    return finish(r, m);
}

QJsonObject CredentialsChecked::toJson() const {
    return {{key("requestId"), requestId}, {key("ok"), ok}};
}

Decoded<CredentialsChecked> CredentialsChecked::fromJson(const QJsonObject& json) {
    JsonReader r(json);
    CredentialsChecked m;
    m.requestId = r.string(u"requestId");
    m.ok = r.boolean(u"ok");
    return finish(r, m);
}

// Keys

QJsonObject RotateKey::toJson() const {
    return {};
}

Decoded<RotateKey> RotateKey::fromJson(const QJsonObject&) {
    return RotateKey{};
}

QJsonObject KeyRotated::toJson() const {
    return {{key("publicKey"), publicKey}, {key("signature"), signature}};
}

Decoded<KeyRotated> KeyRotated::fromJson(const QJsonObject& json) {
    JsonReader r(json);
    KeyRotated m;
    m.publicKey = r.string(u"publicKey");
    m.signature = r.string(u"signature");
    return finish(r, m);
}

QJsonObject Ack::toJson() const {
    return {};
}

Decoded<Ack> Ack::fromJson(const QJsonObject&) {
    return Ack{};
}

// Envelope

QString AgentMessage::type() const {
    return std::visit([](const auto& body) { return QString(std::decay_t<decltype(body)>::kType); }, this->body);
}

bool alwaysAcked(const AgentMessageBody& body) {
    return std::holds_alternative<RunEvent>(body) || std::holds_alternative<RunResult>(body);
}

bool AgentMessage::needsAck() const {
    return ack || alwaysAcked(body);
}

AgentMessage ackFor(qint64 seq) {
    return AgentMessage{seq, false, Ack{}};
}

QJsonObject agentMessageToJson(const AgentMessage& message) {
    QJsonObject json = std::visit([](const auto& body) { return body.toJson(); }, message.body);
    json.insert(key("type"), message.type());
    json.insert(key("seq"), message.seq);
    if (message.needsAck()) {
        json.insert(key("ack"), true);
    }
    return json;
}

QByteArray encodeAgentMessage(const AgentMessage& message) {
    return QJsonDocument(agentMessageToJson(message)).toJson(QJsonDocument::Compact);
}

Decoded<AgentMessage> decodeAgentMessage(const QByteArray& frame) {
    Decoded<QJsonObject> parsed = parseObject(frame, kMaxAgentMessageBytes);
    if (!parsed.ok()) {
        return parsed.error();
    }
    const QJsonObject json = parsed.take();
    JsonReader r(json);
    const QString type = r.string(u"type");
    AgentMessage message;
    message.seq = r.integer64(u"seq");
    if (r.ok() && message.seq < 0) {
        r.fail(u"seq", QStringLiteral("expected a non-negative integer"));
    }
    message.ack = r.boolean(u"ack", false);
    if (!r.ok()) {
        return r.error();
    }
    std::optional<Decoded<AgentMessageBody>> body = decodeBody(type, json);
    if (!body) {
        return DecodeError{key("type"), QStringLiteral("unknown message type '") + type + QLatin1Char('\'')};
    }
    if (!body->ok()) {
        return body->error();
    }
    message.body = body->take();
    message.ack = message.needsAck();
    return message;
}

} // namespace mr::protocol
