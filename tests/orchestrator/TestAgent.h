#pragma once

// A scripted agent for orchestrator tests: registers a machine with a real Ed25519 key, signs in
// with a machine assertion, opens the agent WebSocket, and sends and records protocol messages.
//
//   mr::test::TestAgent agent(server);
//   QVERIFY(agent.registerMachine(envId, makerToken, QStringLiteral("pc-1")));
//   QVERIFY(agent.connectAndHello({activeSession("alice")}));
//   const QJsonObject offer = agent.waitFor(QStringLiteral("runOffer"));
//   agent.accept(offer["runId"].toString());
//
// Waiting uses QTest::qWaitFor (what QTRY_* use); nothing here spins its own event loop.

#include "TestServer.h"
#include "tst_control_plane_fixture.h"

#include "orchestrator/api/Connections.h"
#include "orchestrator/auth/Crypto.h"
#include "orchestrator/auth/Jwt.h"
#include "orchestrator/hub/AgentHub.h"
#include "protocol/AgentMessages.h"

#include <QJsonArray>
#include <QNetworkRequest>
#include <QObject>
#include <QWebSocket>

#include <sodium.h>

#include <functional>
#include <memory>

namespace mr::test {

inline protocol::MachineSession session(const QString& user, protocol::SessionState state,
                                        const std::optional<QString>& account = std::nullopt) {
    return protocol::MachineSession{user, account, state};
}
/// An unlocked session of @p user with the desktop app signed in as @p user.
inline protocol::MachineSession activeSession(const QString& user) {
    return session(user, protocol::SessionState::Active, user);
}

class TestAgent final : public QObject {
    Q_OBJECT
public:
    explicit TestAgent(TestServer& server, QObject* parent = nullptr)
        : QObject(parent)
        , m_server(&server) {
        orch::crypto::ensureSodium();
        makeKey(&m_publicKey, &m_secretKey);
        m_fingerprint = QStringLiteral("fp-") + orch::crypto::randomBase64Url(12);
    }
    ~TestAgent() override { disconnectNow(); }

    /// For a restart test: talk to another orchestrator (its URL and clock) from now on.
    void setEndpoint(const QUrl& url, orch::OffsetClock* clock) {
        m_url = url;
        m_clock = clock;
    }
    /// Another agent object of the same machine (same key and fingerprint), for take-over tests.
    std::unique_ptr<TestAgent> twin() {
        auto t = std::make_unique<TestAgent>(*m_server);
        t->m_id = m_id;
        t->m_publicKey = m_publicKey;
        t->m_secretKey = m_secretKey;
        t->m_fingerprint = m_fingerprint;
        t->m_features = m_features;
        t->m_url = m_url;
        t->m_clock = m_clock;
        return t;
    }

    /// POST /api/v1/environments/{env}/machines; false (and a failure message) when refused.
    bool registerMachine(const QString& environmentId, const QString& userToken, const QString& name) {
        const QJsonObject body{{QStringLiteral("name"), name},
                               {QStringLiteral("description"), QStringLiteral("test agent")},
                               {QStringLiteral("publicKey"), QString::fromLatin1(m_publicKey.toBase64())},
                               {QStringLiteral("fingerprint"), m_fingerprint},
                               {QStringLiteral("version"), QStringLiteral("0.9.0")},
                               {QStringLiteral("os"), QStringLiteral("Test OS")}};
        const HttpResult r =
            m_server->postJson(QStringLiteral("/api/v1/environments/%1/machines").arg(environmentId), body, userToken);
        m_id = r.object().value(QStringLiteral("id")).toString();
        if (r.status != 201)
            qWarning() << "registering" << name << "answered" << r.status << r.body;
        return r.status == 201 && !m_id.isEmpty();
    }
    QString id() const { return m_id; }

    /// A machine token from a fresh signed assertion (at the server's clock).
    QString fetchToken() {
        const qint64 iat = clock().now().toSecsSinceEpoch();
        const QJsonObject claims{{QStringLiteral("iss"), m_id},
                                 {QStringLiteral("sub"), m_id},
                                 {QStringLiteral("aud"), QString(url().toString() + QStringLiteral("/oauth/token"))},
                                 {QStringLiteral("iat"), iat},
                                 {QStringLiteral("exp"), iat + 300},
                                 {QStringLiteral("jti"), orch::crypto::randomBase64Url(12)},
                                 {QStringLiteral("fingerprint"), m_fingerprint}};
        const QJsonObject header{{QStringLiteral("alg"), QStringLiteral("EdDSA")},
                                 {QStringLiteral("typ"), QStringLiteral("JWT")}};
        const QString assertion = QString::fromLatin1(orch::signJwt(header, claims, m_secretKey));
        const HttpResult r =
            m_server->postForm(url().toString() + QStringLiteral("/oauth/token"),
                               {{QStringLiteral("grant_type"), QStringLiteral("client_credentials")},
                                {QStringLiteral("client_assertion_type"),
                                 QStringLiteral("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")},
                                {QStringLiteral("client_assertion"), assertion},
                                {QStringLiteral("client_id"), m_id}});
        return r.object().value(QStringLiteral("access_token")).toString();
    }

    /// Opens the WebSocket with @p token (a fresh machine token when empty); true once connected.
    bool open(const QString& token = {}) {
        disconnectNow();
        m_socket = std::make_unique<QWebSocket>();
        m_socket->setMaxAllowedIncomingMessageSize(quint64(protocol::kMaxAgentMessageBytes));
        connect(m_socket.get(), &QWebSocket::textMessageReceived, this, &TestAgent::onText);
        connect(m_socket.get(), &QWebSocket::disconnected, this, [this] {
            m_closed = true;
            m_closeReason = m_socket ? m_socket->closeReason() : QString();
            m_closeCode = m_socket ? int(m_socket->closeCode()) : 0;
        });
        m_closed = false;
        m_nextSeq = 1; // per connection
        QUrl ws = url();
        ws.setScheme(QStringLiteral("ws"));
        ws.setPath(QStringLiteral("/api/v1/agent"));
        QNetworkRequest request(ws);
        request.setRawHeader("Authorization", "Bearer " + (token.isEmpty() ? fetchToken() : token).toLatin1());
        m_socket->open(request);
        QWebSocket* s = m_socket.get();
        return QTest::qWaitFor([s, this] { return s->state() == QAbstractSocket::ConnectedState || m_closed; },
                               10'000) &&
               s->state() == QAbstractSocket::ConnectedState;
    }

    /// open() + hello; true once the welcome arrived.
    bool connectAndHello(const QList<protocol::MachineSession>& sessions, const QStringList& unfinished = {}) {
        if (!open())
            return false;
        protocol::Hello hello;
        hello.machineId = m_id;
        hello.version = m_version;
        hello.os = QStringLiteral("Test OS 2");
        hello.sessions = sessions;
        hello.unfinished = unfinished;
        hello.features = m_features;
        const qsizetype before = m_received.size();
        if (m_features.isEmpty()) {
            // Exactly API.md's hello: without the `features` addition.
            QJsonObject json = protocol::agentMessageToJson(protocol::AgentMessage{m_nextSeq++, false, hello});
            json.remove(QStringLiteral("features"));
            sendRaw(QString::fromUtf8(QJsonDocument(json).toJson(QJsonDocument::Compact)));
        } else {
            send(hello);
        }
        return !waitFor(QStringLiteral("welcome"), {}, 10'000, before).isEmpty();
    }
    void setVersion(const QString& v) { m_version = v; }
    /// `hello.features` of the next hello (none by default: an agent as API.md has it).
    void setFeatures(const QStringList& features) { m_features = features; }

    /// The current secret key (raw 64-byte libsodium Ed25519 key), e.g. to keep the one before a
    /// rotation.
    QByteArray secretKey() const { return m_secretKey; }
    /// Opens a `sealedPassword` (standard base64 of a crypto_box_seal box) with the X25519 form of
    /// @p ed25519SecretKey, straight with libsodium (not the product's code); nullopt when it does
    /// not open.
    static std::optional<QString> openSealedWith(const QByteArray& ed25519SecretKey, const QString& sealedBase64) {
        const auto decoded =
            QByteArray::fromBase64Encoding(sealedBase64.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded || decoded.decoded.size() < qsizetype(crypto_box_SEALBYTES) ||
            ed25519SecretKey.size() != crypto_sign_SECRETKEYBYTES)
            return std::nullopt;
        const QByteArray& box = decoded.decoded;
        unsigned char curvePk[crypto_box_PUBLICKEYBYTES];
        unsigned char curveSk[crypto_box_SECRETKEYBYTES];
        unsigned char edPk[crypto_sign_PUBLICKEYBYTES];
        const auto* sk = reinterpret_cast<const unsigned char*>(ed25519SecretKey.constData());
        crypto_sign_ed25519_sk_to_pk(edPk, sk);
        if (crypto_sign_ed25519_pk_to_curve25519(curvePk, edPk) != 0 ||
            crypto_sign_ed25519_sk_to_curve25519(curveSk, sk) != 0)
            return std::nullopt;
        QByteArray plain(box.size() - qsizetype(crypto_box_SEALBYTES), '\0');
        if (crypto_box_seal_open(reinterpret_cast<unsigned char*>(plain.data()),
                                 reinterpret_cast<const unsigned char*>(box.constData()), quint64(box.size()), curvePk,
                                 curveSk) != 0)
            return std::nullopt;
        return QString::fromUtf8(plain);
    }
    /// openSealedWith() the current key.
    std::optional<QString> openSealed(const QString& sealedBase64) const {
        return openSealedWith(m_secretKey, sealedBase64);
    }

    void disconnectNow() {
        if (m_socket) {
            m_socket->disconnect(this);
            m_socket->abort();
            m_socket.reset();
        }
        m_closed = true;
    }
    bool isClosed() const { return m_closed; }
    QString closeReason() const { return m_closeReason; }
    int closeCode() const { return m_closeCode; }

    /// Sends one message; returns its seq.
    qint64 send(const protocol::AgentMessageBody& body, bool ack = false) {
        protocol::AgentMessage m;
        m.seq = m_nextSeq++;
        m.ack = ack;
        m.body = body;
        if (m_socket)
            m_socket->sendTextMessage(QString::fromUtf8(protocol::encodeAgentMessage(m)));
        return m.seq;
    }
    void sendRaw(const QString& text) { m_socket->sendTextMessage(text); }

    void accept(const QString& runId) { send(protocol::RunAccept{runId}); }
    void decline(const QString& runId, const QString& reason = QStringLiteral("busy")) {
        send(protocol::RunDecline{runId, reason});
    }
    qint64 event(const QString& runId, qint64 eventSeq, const QString& text) {
        protocol::RunEvent e;
        e.runId = runId;
        e.eventSeq = eventSeq;
        e.kind = protocol::RunEventKind::Log;
        e.at = QDateTime::currentDateTimeUtc();
        e.level = QStringLiteral("info");
        e.text = text;
        return send(e, true);
    }
    qint64 result(const QString& runId, protocol::RunStatus status, const QJsonObject& outputs = {},
                  const std::optional<QString>& errorCode = std::nullopt) {
        protocol::RunResult r;
        r.runId = runId;
        r.status = status;
        r.outputs = outputs;
        r.errorCode = errorCode;
        return send(r, true);
    }
    void heartbeat(const std::optional<QList<protocol::MachineSession>>& sessions = std::nullopt) {
        send(protocol::Heartbeat{sessions});
    }

    /// Answers checkCredentials by this rule (no answer when unset), with the password opened when
    /// it came sealed (and ok=false, without asking the rule, when it does not open).
    std::function<bool(const QString& username, const QString& password)> credentialsRule;

    /// Every message received, in order.
    const QList<QJsonObject>& received() const { return m_received; }
    QList<QJsonObject> receivedOfType(const QString& type) const {
        QList<QJsonObject> list;
        for (const QJsonObject& o : m_received) {
            if (o.value(QStringLiteral("type")).toString() == type)
                list.append(o);
        }
        return list;
    }
    bool acked(qint64 seq) const {
        for (const QJsonObject& o : m_received) {
            if (o.value(QStringLiteral("type")).toString() == QLatin1String("ack") &&
                o.value(QStringLiteral("seq")).toInteger() == seq)
                return true;
        }
        return false;
    }

    /// The first message of @p type (from index @p from on) matching @p match; empty on timeout.
    QJsonObject waitFor(const QString& type, const std::function<bool(const QJsonObject&)>& match = {},
                        int timeoutMs = 10'000, qsizetype from = 0) {
        QJsonObject found;
        (void)QTest::qWaitFor(
            [&] {
                for (qsizetype i = from; i < m_received.size(); ++i) {
                    const QJsonObject& o = m_received.at(i);
                    if (o.value(QStringLiteral("type")).toString() == type && (!match || match(o))) {
                        found = o;
                        return true;
                    }
                }
                return false;
            },
            timeoutMs);
        return found;
    }
    QJsonObject waitForOffer(const QString& runId, int timeoutMs = 10'000) {
        return waitFor(
            QStringLiteral("runOffer"),
            [runId](const QJsonObject& o) { return o.value(QStringLiteral("runId")).toString() == runId; }, timeoutMs);
    }
    bool offered(const QString& runId) const {
        for (const QJsonObject& o : receivedOfType(QStringLiteral("runOffer"))) {
            if (o.value(QStringLiteral("runId")).toString() == runId)
                return true;
        }
        return false;
    }

    /// Signs @p message with the current key (for keyRotated) and switches to a new key.
    protocol::KeyRotated rotateKey() {
        QByteArray pk, sk;
        makeKey(&pk, &sk);
        QByteArray signature(crypto_sign_BYTES, '\0');
        crypto_sign_detached(reinterpret_cast<unsigned char*>(signature.data()), nullptr,
                             reinterpret_cast<const unsigned char*>(pk.constData()), quint64(pk.size()),
                             reinterpret_cast<const unsigned char*>(m_secretKey.constData()));
        m_publicKey = pk;
        m_secretKey = sk;
        return protocol::KeyRotated{QString::fromLatin1(pk.toBase64()), QString::fromLatin1(signature.toBase64())};
    }

private:
    QUrl url() const { return m_url.isEmpty() ? m_server->url() : m_url; }
    orch::OffsetClock& clock() const { return m_clock ? *m_clock : m_server->clock(); }

    static void makeKey(QByteArray* pk, QByteArray* sk) {
        *pk = QByteArray(crypto_sign_PUBLICKEYBYTES, '\0');
        *sk = QByteArray(crypto_sign_SECRETKEYBYTES, '\0');
        crypto_sign_keypair(reinterpret_cast<unsigned char*>(pk->data()), reinterpret_cast<unsigned char*>(sk->data()));
    }

    void onText(const QString& text) {
        const QJsonObject o = QJsonDocument::fromJson(text.toUtf8()).object();
        m_received.append(o);
        if (o.value(QStringLiteral("type")).toString() == QLatin1String("checkCredentials") && credentialsRule) {
            std::optional<QString> password = o.value(QStringLiteral("password")).toString();
            if (o.contains(QStringLiteral("sealedPassword")))
                password = openSealed(o.value(QStringLiteral("sealedPassword")).toString());
            const bool ok = password && credentialsRule(o.value(QStringLiteral("username")).toString(), *password);
            send(protocol::CredentialsChecked{o.value(QStringLiteral("requestId")).toString(), ok});
        }
    }

    TestServer* m_server;
    QUrl m_url;
    orch::OffsetClock* m_clock = nullptr;
    QString m_id, m_fingerprint, m_version = QStringLiteral("1.0.0");
    QStringList m_features;
    QByteArray m_publicKey, m_secretKey;
    std::unique_ptr<QWebSocket> m_socket;
    qint64 m_nextSeq = 1;
    bool m_closed = true;
    QString m_closeReason;
    int m_closeCode = 0;
    QList<QJsonObject> m_received;
};

/// An environment with a maker, machines with test agents, and runs inserted straight into the
/// queue (the trigger route is tested elsewhere), for the hub and scheduler tests.
class RunWorld {
public:
    explicit RunWorld(TestServer& server)
        : s(server)
        , cp(server) {
        maker = cp.actor(QStringLiteral("maker"));
        env = cp.environment();
        cp.grant(env, maker, {QStringLiteral("EnvironmentMaker"), QStringLiteral("MachineOwner")});
        flowId = insertFlow();
    }

    TestServer& s;
    ControlPlane cp;
    Actor maker;
    orch::EnvironmentRecord env;
    QString flowId;

    /// A registered machine with its agent (not connected yet).
    std::unique_ptr<TestAgent> agent(const QString& name = QStringLiteral("pc")) {
        auto a = std::make_unique<TestAgent>(s);
        if (!a->registerMachine(env.id, maker.token, uniqueName(name)))
            return nullptr;
        return a;
    }

    QString insertFlow() {
        const QString id = orch::newId();
        s.db([&](orch::Db& db) {
            const QString name = uniqueName(QStringLiteral("flow"));
            db.exec(QStringLiteral("INSERT INTO flows (id, environment_id, name, name_key, version, script, inputs, "
                                   "outputs, created_at, created_by) VALUES (?, ?, ?, ?, 1, ?, ?, '[]', ?, ?)"),
                    {id, env.id, name, name.toLower(), QStringLiteral("outputs.done = true;"),
                     QStringLiteral("[{\"name\":\"secret\",\"type\":\"text\",\"sensitive\":true}]"),
                     orch::isoUtc(s.clock().now()), maker.user.id});
        });
        return id;
    }

    /// A connection of the maker to a machine or (@p group) a machine group.
    QString connection(const QString& targetId, bool group = false, const QString& kind = QStringLiteral("password"),
                       const QString& username = QStringLiteral("robot")) {
        const QString id = orch::newId();
        const QVariant null(QMetaType::fromType<QString>());
        const bool password = kind == QLatin1String("password");
        s.db([&](orch::Db& db) {
            db.exec(QStringLiteral("INSERT INTO connections (id, environment_id, name, target_machine_id, "
                                   "target_group_id, kind, username, sealed_password, owner_id, created_at) VALUES "
                                   "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                    {id, env.id, uniqueName(QStringLiteral("conn")), group ? null : QVariant(targetId),
                     group ? QVariant(targetId) : null, kind, password ? QVariant(username) : null,
                     password ? QVariant(orch::sealConnectionPassword(s.server().services().dataKey,
                                                                      QStringLiteral("pa55word")))
                              : null,
                     maker.user.id, orch::isoUtc(s.clock().now())});
        });
        return id;
    }

    /// A queued run; @p ageSeconds back-dates queued_at; the queue limit is 12 h (1 h for sign-in).
    QString run(const QString& connectionId, const QString& mode, int priority = 0, int ageSeconds = 0) {
        const QString id = orch::newId();
        s.db([&](orch::Db& db) {
            QSqlQuery c = db.exec(QStringLiteral("SELECT kind, target_machine_id, target_group_id FROM connections "
                                                 "WHERE id = ?"),
                                  {connectionId});
            c.next();
            const QString kind = c.value(0).toString();
            const QDateTime queued = s.clock().now().addSecs(-ageSeconds);
            const int limit =
                kind == QLatin1String("signIn") ? protocol::kSignInQueueTimeoutSeconds : protocol::kQueueTimeoutSeconds;
            db.exec(QStringLiteral("INSERT INTO runs (id, environment_id, flow_id, flow_version, connection_id, "
                                   "connection_owner_id, connection_kind, target_machine_id, target_group_id, "
                                   "run_mode, priority, status, inputs, queued_at, timeout_at, triggered_by) VALUES "
                                   "(?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, 'Queued', ?, ?, ?, ?)"),
                    {id, env.id, flowId, connectionId, maker.user.id, kind, c.value(1), c.value(2), mode, priority,
                     QStringLiteral("{\"secret\":\"hunter2\"}"), orch::isoUtc(queued),
                     orch::isoUtc(queued.addSecs(limit)), maker.user.username});
        });
        wake();
        return id;
    }

    void wake() { s.server().services().engine->wake(); }

    /// One column of a run.
    QVariant runValue(const QString& runId, const QString& column) {
        QVariant v;
        s.db([&](orch::Db& db) {
            v = db.scalar(QStringLiteral("SELECT ") + column + QStringLiteral(" FROM runs WHERE id = ?"), {runId});
        });
        return v;
    }
    QString status(const QString& runId) { return runValue(runId, QStringLiteral("status")).toString(); }
    QString errorCode(const QString& runId) { return runValue(runId, QStringLiteral("error_code")).toString(); }

    QVariant machineValue(const QString& machineId, const QString& column) {
        QVariant v;
        s.db([&](orch::Db& db) {
            v = db.scalar(QStringLiteral("SELECT ") + column + QStringLiteral(" FROM machines WHERE id = ?"),
                          {machineId});
        });
        return v;
    }
    void setMachine(const QString& machineId, const QString& assignment) {
        s.db([&](orch::Db& db) {
            db.exec(QStringLiteral("UPDATE machines SET ") + assignment + QStringLiteral(" WHERE id = ?"), {machineId});
        });
        wake();
    }
    QString group(const QList<TestAgent*>& members) {
        const QString id = cp.insertGroup(env.id, maker.user.id, uniqueName(QStringLiteral("grp")));
        for (TestAgent* a : members)
            setMachine(a->id(), QStringLiteral("group_id = '") + id + QLatin1Char('\''));
        return id;
    }
    /// Moves the clock and lets the 1 s timer pass see it.
    void advance(qint64 seconds) { s.clock().advance(seconds * 1000); }
};

} // namespace mr::test
