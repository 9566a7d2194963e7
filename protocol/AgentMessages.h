#pragma once

#include "protocol/Connection.h"
#include "protocol/Json.h"
#include "protocol/Limits.h"
#include "protocol/Machine.h"
#include "protocol/Run.h"
#include "protocol/Var.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>
#include <variant>

// The agent protocol of API.md: WebSocket text frames, one JSON object each,
// `{"type": ..., "seq": N, "ack"?: true, ...body}`. Each struct below is the body of one message
// type; its toJson() writes only the body fields (every one of them, null where unset, except
// that a password travels in one of `password` and `sealedPassword`, never both) and its
// fromJson() reads them from the whole frame, ignoring "type", "seq", "ack" and unknown fields.

namespace mr::protocol {

/// The machine settings the orchestrator pushes in `welcome` and `settingsChanged`.
struct AgentSettings {
    QString name;
    bool maintenanceMode = false;
    int unattendedBots = 1;
    bool reuseSessions = false;
    bool sessionRecommendations = true;

    QJsonObject toJson() const;
    static Decoded<AgentSettings> fromJson(const QJsonObject& json);
    bool operator==(const AgentSettings&) const = default;
};

/// agent → orchestrator, first message: who the agent is, its sessions, and the runs it had
/// started but cannot resume (the orchestrator fails them with MachineLost).
///
/// `features` (an addition to API.md, docs/api.md) names the optional protocol features the agent
/// understands; a peer that sends none (missing or null) gets the protocol as API.md writes it.
/// Unknown names are kept and ignored. At most kMaxHelloFeatures names of at most
/// kMaxFeatureNameChars characters each.
struct Hello {
    static constexpr QLatin1String kType{"hello"};
    /// The agent opens `sealedPassword` (runOffer.connection, checkCredentials): send it instead
    /// of `password`.
    static constexpr QLatin1String kFeatureSealedSecrets{"sealedSecrets"};

    int protocolVersion = kProtocolVersion;
    QString machineId;
    QString version;
    QString os;
    QList<MachineSession> sessions;
    QStringList unfinished; ///< Run ids.
    QStringList features;   ///< Optional features the agent declares ("sealedSecrets").

    /// True when @p feature is among `features`.
    bool declares(QLatin1String feature) const { return features.contains(feature); }

    QJsonObject toJson() const;
    static Decoded<Hello> fromJson(const QJsonObject& json);
    bool operator==(const Hello&) const = default;
};

/// orchestrator → agent, answer to hello.
struct Welcome {
    static constexpr QLatin1String kType{"welcome"};
    AgentSettings settings;
    int heartbeatSeconds = kHeartbeatSeconds;

    QJsonObject toJson() const;
    static Decoded<Welcome> fromJson(const QJsonObject& json);
    bool operator==(const Welcome&) const = default;
};

/// agent → orchestrator every heartbeatSeconds; `sessions` is set (non-null) only when they
/// changed since the last report.
struct Heartbeat {
    static constexpr QLatin1String kType{"heartbeat"};
    std::optional<QList<MachineSession>> sessions;

    QJsonObject toJson() const;
    static Decoded<Heartbeat> fromJson(const QJsonObject& json);
    bool operator==(const Heartbeat&) const = default;
};

/// The flow a run offer carries.
struct OfferedFlow {
    QString id;
    int version = 1;
    QString script;
    QList<Var> inputs;
    QList<Var> outputs;

    QJsonObject toJson() const;
    static Decoded<OfferedFlow> fromJson(const QJsonObject& json);
    bool operator==(const OfferedFlow&) const = default;
};

/// The connection a run offer carries. A password connection's password travels in one of two
/// fields, never both:
/// - `sealedPassword`: standard base64 of a libsodium sealed box (crypto_box_seal) of the
///   password's UTF-8 bytes, sealed to the machine's key (ARCHITECTURE.md: its Ed25519 public key
///   converted to X25519). Sent to agents whose hello declared Hello::kFeatureSealedSecrets; the
///   `password` field is then absent from the JSON.
/// - `password`: the password itself, for agents that did not declare it (API.md as written);
///   `sealedPassword` is then absent.
/// Both are null for sign-in connections. The decoder refuses both at once, and a
/// `sealedPassword` that is not canonical base64 of a box of a possible password
/// (isSealedPasswordWellFormed()); it does not open the box.
struct OfferedConnection {
    QString id;
    ConnectionKind kind = ConnectionKind::Password;
    std::optional<QString> username;
    std::optional<QString> password;
    std::optional<QString> sealedPassword;

    QJsonObject toJson() const;
    static Decoded<OfferedConnection> fromJson(const QJsonObject& json);
    bool operator==(const OfferedConnection&) const = default;
};

/// orchestrator → agent: run this (answer with runAccept or runDecline within kOfferTimeoutSeconds).
struct RunOffer {
    static constexpr QLatin1String kType{"runOffer"};
    QString runId;
    OfferedFlow flow;
    QJsonObject inputs;
    RunMode runMode = RunMode::Attended;
    OfferedConnection connection;

    QJsonObject toJson() const;
    static Decoded<RunOffer> fromJson(const QJsonObject& json);
    bool operator==(const RunOffer&) const = default;
};

/// agent → orchestrator: the offered run starts here.
struct RunAccept {
    static constexpr QLatin1String kType{"runAccept"};
    QString runId;

    QJsonObject toJson() const;
    static Decoded<RunAccept> fromJson(const QJsonObject& json);
    bool operator==(const RunAccept&) const = default;
};

/// agent → orchestrator: the offered run cannot start here; `reason` is a run error code
/// where one fits (e.g. AttendedUserSessionNotActive) or free text.
struct RunDecline {
    static constexpr QLatin1String kType{"runDecline"};
    QString runId;
    QString reason;

    QJsonObject toJson() const;
    static Decoded<RunDecline> fromJson(const QJsonObject& json);
    bool operator==(const RunDecline&) const = default;
};

/// What a run event reports.
enum class RunEventKind { Log, Progress };

template <>
struct EnumNames<RunEventKind> {
    static constexpr std::array names{
        std::pair{RunEventKind::Log, "log"},
        std::pair{RunEventKind::Progress, "progress"},
    };
};

/// agent → orchestrator (always "ack": true): something happened in a run. `eventSeq` counts
/// from 1 per run, so the orchestrator applies each event once however often it arrives.
///
/// Fields by kind (every field is always written, null where it does not apply):
/// - `log`: `level` ("info", "warning", "error", ...) and `text`, both required; `data` is null.
/// - `progress`: `data`, a free object (e.g. `{"action": "fs.copy", "percent": 40}`), required;
///   `level` and `text` are null.
struct RunEvent {
    static constexpr QLatin1String kType{"runEvent"};
    QString runId;
    qint64 eventSeq = 0;
    RunEventKind kind = RunEventKind::Log;
    QDateTime at;
    QString level;    ///< log only
    QString text;     ///< log only
    QJsonObject data; ///< progress only

    QJsonObject toJson() const;
    static Decoded<RunEvent> fromJson(const QJsonObject& json);
    bool operator==(const RunEvent&) const = default;
};

/// agent → orchestrator (always "ack": true): how a run ended, sent after all its runEvents.
/// `status` is Succeeded, Failed or Cancelled; anything else is refused when decoding.
struct RunResult {
    static constexpr QLatin1String kType{"runResult"};
    QString runId;
    RunStatus status = RunStatus::Succeeded;
    QJsonObject outputs;
    std::optional<QString> errorCode;
    std::optional<QString> errorMessage;
    std::optional<int> errorLine;

    QJsonObject toJson() const;
    static Decoded<RunResult> fromJson(const QJsonObject& json);
    bool operator==(const RunResult&) const = default;
};

/// orchestrator → agent: stop this run; it ends Cancelled.
struct CancelRun {
    static constexpr QLatin1String kType{"cancelRun"};
    QString runId;

    QJsonObject toJson() const;
    static Decoded<CancelRun> fromJson(const QJsonObject& json);
    bool operator==(const CancelRun&) const = default;
};

/// orchestrator → agent: the machine's settings changed.
struct SettingsChanged {
    static constexpr QLatin1String kType{"settingsChanged"};
    AgentSettings settings;

    QJsonObject toJson() const;
    static Decoded<SettingsChanged> fromJson(const QJsonObject& json);
    bool operator==(const SettingsChanged&) const = default;
};

/// orchestrator → agent: end the sessions of these OS users (recommendation "Disconnect users").
struct EndSessions {
    static constexpr QLatin1String kType{"endSessions"};
    QStringList users;

    QJsonObject toJson() const;
    static Decoded<EndSessions> fromJson(const QJsonObject& json);
    bool operator==(const EndSessions&) const = default;
};

/// orchestrator → agent: could this user sign in with this password (POST /connections/{id}/test)?
/// The password travels like OfferedConnection's: exactly one of `password` (the password itself)
/// and `sealedPassword` (sealed to the machine's key, for agents that declared
/// Hello::kFeatureSealedSecrets) is set and written; the decoder requires exactly one.
struct CheckCredentials {
    static constexpr QLatin1String kType{"checkCredentials"};
    QString requestId;
    QString username;
    std::optional<QString> password;
    std::optional<QString> sealedPassword;

    QJsonObject toJson() const;
    static Decoded<CheckCredentials> fromJson(const QJsonObject& json);
    bool operator==(const CheckCredentials&) const = default;
};

/// agent → orchestrator: the answer to checkCredentials.
struct CredentialsChecked {
    static constexpr QLatin1String kType{"credentialsChecked"};
    QString requestId;
    bool ok = false;

    QJsonObject toJson() const;
    static Decoded<CredentialsChecked> fromJson(const QJsonObject& json);
    bool operator==(const CredentialsChecked&) const = default;
};

/// orchestrator → agent: make a new key pair (no body).
struct RotateKey {
    static constexpr QLatin1String kType{"rotateKey"};

    QJsonObject toJson() const;
    static Decoded<RotateKey> fromJson(const QJsonObject& json);
    bool operator==(const RotateKey&) const = default;
};

/// agent → orchestrator: the new public key (standard base64 of the raw 32 Ed25519 bytes) and
/// `signature`, standard base64 of the OLD key's Ed25519 signature over those raw 32 bytes.
struct KeyRotated {
    static constexpr QLatin1String kType{"keyRotated"};
    QString publicKey;
    QString signature;

    QJsonObject toJson() const;
    static Decoded<KeyRotated> fromJson(const QJsonObject& json);
    bool operator==(const KeyRotated&) const = default;
};

/// True when @p text is what a `sealedPassword` may be: canonical standard base64 (with padding)
/// of kSealedBoxOverheadBytes to kSealedBoxOverheadBytes + kMaxConnectionPasswordBytes bytes.
bool isSealedPasswordWellFormed(const QString& text);

/// Either direction: acknowledges the message whose `seq` the envelope carries (no body).
struct Ack {
    static constexpr QLatin1String kType{"ack"};

    QJsonObject toJson() const;
    static Decoded<Ack> fromJson(const QJsonObject& json);
    bool operator==(const Ack&) const = default;
};

using AgentMessageBody =
    std::variant<Hello, Welcome, Heartbeat, RunOffer, RunAccept, RunDecline, RunEvent, RunResult, CancelRun,
                 SettingsChanged, EndSessions, CheckCredentials, CredentialsChecked, RotateKey, KeyRotated, Ack>;

/// One frame of the agent protocol: the body plus the envelope fields. `seq` counts up per
/// sender per connection; for an Ack it is the seq of the message acknowledged. `ack` asks the
/// peer to acknowledge; it is always true for runEvent and runResult, whatever is set here.
struct AgentMessage {
    qint64 seq = 0;
    bool ack = false;
    AgentMessageBody body;

    /// The wire "type" of the body ("hello", "runEvent", ...).
    QString type() const;
    /// True when the peer must answer with an ack (the `ack` flag, or a runEvent/runResult).
    bool needsAck() const;

    bool operator==(const AgentMessage&) const = default;
};

/// True for the message types that always carry "ack": true (runEvent, runResult).
bool alwaysAcked(const AgentMessageBody& body);

/// The ack of the message with sequence number @p seq.
AgentMessage ackFor(qint64 seq);

/// Decodes one frame. Frames over kMaxAgentMessageBytes are refused before parsing
/// (DecodeError::tooLarge()); an unknown type is an error on field "type"; a missing or
/// negative seq an error on "seq".
Decoded<AgentMessage> decodeAgentMessage(const QByteArray& frame);

/// The frame of a message: compact JSON, `{"type", "seq", "ack": true (only when needed), ...body}`.
QByteArray encodeAgentMessage(const AgentMessage& message);
/// The same as a JSON object.
QJsonObject agentMessageToJson(const AgentMessage& message);

} // namespace mr::protocol
