// mr-bench-agents: N simulated machines in one process, speaking the real agent protocol, and a
// trigger load over HTTP keep-alive; measures trigger → offer latency and completed runs/s.
//
//   mr-bench-agents --server http://127.0.0.1:PORT --token PAT --environment NAME|ID
//                   [--engine sqlite] [--machines 100] [--connections 200] [--in-flight 8]
//                   [--latency-runs 200] [--duration 10] [--timeout 240] [--no-event]
//
// One JSON line per figure on stdout; progress and errors on stderr; exit 1 when the server
// misbehaves (an unexpected answer, a missing offer or acknowledgement, a run not Succeeded).

#include "protocol/AgentMessages.h"
#include "protocol/Machine.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QThread>
#include <QTimer>
#include <QUrlQuery>
#include <QUuid>
#include <QWebSocket>

#include <sodium.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

namespace {

using namespace mr;

[[noreturn]] void die(const QString& message) {
    std::fprintf(stderr, "mr-bench-agents: %s\n", qPrintable(message));
    std::fflush(stderr);
    std::fflush(stdout);
    std::_Exit(1);
}

void note(const QString& message) {
    std::fprintf(stderr, "mr-bench-agents: %s\n", qPrintable(message));
    std::fflush(stderr);
}

QElapsedTimer g_clock;
qint64 nowNs() {
    return g_clock.nsecsElapsed();
}

QByteArray base64Url(const QByteArray& data) {
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QString randomToken() {
    QByteArray bytes(16, '\0');
    randombytes_buf(bytes.data(), size_t(bytes.size()));
    return QString::fromLatin1(base64Url(bytes));
}

struct Answer {
    int status = 0;
    QByteArray body;
    QJsonObject object() const { return QJsonDocument::fromJson(body).object(); }
    QJsonArray array() const { return QJsonDocument::fromJson(body).array(); }
};

/// HTTP over a few QNetworkAccessManagers (each keeps up to 6 keep-alive connections).
class Http {
public:
    Http(QUrl server, QString token, int managers)
        : m_server(std::move(server))
        , m_token(std::move(token)) {
        for (int i = 0; i < std::max(1, managers); ++i)
            m_nams.push_back(std::make_unique<QNetworkAccessManager>());
    }

    QNetworkReply* send(const QByteArray& method, const QString& path, const QByteArray& body,
                        const QByteArray& contentType = "application/json", const QString& token = {}) {
        QNetworkRequest rq(QUrl(m_server.toString() + path));
        const QString bearer = token.isEmpty() ? m_token : token;
        if (!bearer.isEmpty())
            rq.setRawHeader("Authorization", "Bearer " + bearer.toLatin1());
        if (!body.isEmpty())
            rq.setHeader(QNetworkRequest::ContentTypeHeader, QString::fromLatin1(contentType));
        rq.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
        QNetworkAccessManager* nam = m_nams[m_next++ % m_nams.size()].get();
        return nam->sendCustomRequest(rq, method, body);
    }

    /// A blocking request (the event loop keeps running meanwhile, so the agents stay served).
    Answer call(const QByteArray& method, const QString& path, const QJsonValue& body = {}, const QString& token = {}) {
        QByteArray data;
        if (body.isObject())
            data = QJsonDocument(body.toObject()).toJson(QJsonDocument::Compact);
        else if (body.isArray())
            data = QJsonDocument(body.toArray()).toJson(QJsonDocument::Compact);
        return wait(send(method, path, data, "application/json", token));
    }
    Answer form(const QString& path, const QUrlQuery& fields) {
        return wait(send("POST", path, fields.toString(QUrl::FullyEncoded).toLatin1(),
                         "application/x-www-form-urlencoded", QStringLiteral("-")));
    }

    static Answer wait(QNetworkReply* reply) {
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        QTimer::singleShot(30'000, &loop, &QEventLoop::quit);
        if (!reply->isFinished())
            loop.exec();
        if (!reply->isFinished())
            die(QStringLiteral("no answer within 30 s to %1").arg(reply->url().toString()));
        Answer a{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll()};
        reply->deleteLater();
        return a;
    }

    const QUrl& server() const { return m_server; }

private:
    QUrl m_server;
    QString m_token;
    std::vector<std::unique_ptr<QNetworkAccessManager>> m_nams;
    size_t m_next = 0;
};

Answer expect(const Answer& a, int status, const QString& what) {
    if (a.status != status)
        die(QStringLiteral("%1 answered %2 (expected %3): %4")
                .arg(what)
                .arg(a.status)
                .arg(status)
                .arg(QString::fromUtf8(a.body.left(400))));
    return a;
}

/// What all simulated machines share: offer and completion times by run id.
struct Ledger {
    QHash<QString, qint64> offeredAt;   ///< first offer
    QHash<QString, qint64> completedAt; ///< runResult acknowledged
    qint64 offers = 0;
    qint64 duplicateOffers = 0;
    qint64 cancels = 0;
    qint64 reconnects = 0;
    qint64 protocolErrors = 0;
    bool sendEvent = true;
};

class SimAgent {
public:
    SimAgent(Http& http, Ledger& ledger)
        : m_http(http)
        , m_ledger(ledger) {
        m_publicKey = QByteArray(crypto_sign_PUBLICKEYBYTES, '\0');
        m_secretKey = QByteArray(crypto_sign_SECRETKEYBYTES, '\0');
        crypto_sign_keypair(reinterpret_cast<unsigned char*>(m_publicKey.data()),
                            reinterpret_cast<unsigned char*>(m_secretKey.data()));
        m_fingerprint = QStringLiteral("bench-") + randomToken();
    }

    void registerMachine(const QString& env, const QString& name) {
        const QJsonObject body{{QStringLiteral("name"), name},
                               {QStringLiteral("description"), QStringLiteral("mr-bench-agents")},
                               {QStringLiteral("publicKey"), QString::fromLatin1(m_publicKey.toBase64())},
                               {QStringLiteral("fingerprint"), m_fingerprint},
                               {QStringLiteral("version"), QStringLiteral("0.1.0")},
                               {QStringLiteral("os"), QStringLiteral("Bench OS")}};
        const Answer a = expect(m_http.call("POST", QStringLiteral("/api/v1/environments/%1/machines").arg(env), body),
                                201, QStringLiteral("registering %1").arg(name));
        m_id = a.object().value(QStringLiteral("id")).toString();
        if (m_id.isEmpty())
            die(QStringLiteral("registration of %1 answered no id").arg(name));
    }
    QString id() const { return m_id; }

    QString fetchToken() {
        const qint64 iat = QDateTime::currentSecsSinceEpoch();
        const QJsonObject header{{QStringLiteral("alg"), QStringLiteral("EdDSA")},
                                 {QStringLiteral("typ"), QStringLiteral("JWT")}};
        const QJsonObject claims{
            {QStringLiteral("iss"), m_id},
            {QStringLiteral("sub"), m_id},
            {QStringLiteral("aud"), QString(m_http.server().toString() + QStringLiteral("/oauth/token"))},
            {QStringLiteral("iat"), iat},
            {QStringLiteral("exp"), iat + 120},
            {QStringLiteral("jti"), randomToken()},
            {QStringLiteral("fingerprint"), m_fingerprint}};
        const QByteArray input = base64Url(QJsonDocument(header).toJson(QJsonDocument::Compact)) + '.' +
                                 base64Url(QJsonDocument(claims).toJson(QJsonDocument::Compact));
        QByteArray signature(crypto_sign_BYTES, '\0');
        crypto_sign_detached(reinterpret_cast<unsigned char*>(signature.data()), nullptr,
                             reinterpret_cast<const unsigned char*>(input.constData()), quint64(input.size()),
                             reinterpret_cast<const unsigned char*>(m_secretKey.constData()));
        QUrlQuery form;
        form.addQueryItem(QStringLiteral("grant_type"), QStringLiteral("client_credentials"));
        form.addQueryItem(QStringLiteral("client_assertion_type"),
                          QStringLiteral("urn:ietf:params:oauth:client-assertion-type:jwt-bearer"));
        form.addQueryItem(QStringLiteral("client_assertion"), QString::fromLatin1(input + '.' + base64Url(signature)));
        form.addQueryItem(QStringLiteral("client_id"), m_id);
        const Answer a = expect(m_http.form(QStringLiteral("/oauth/token"), form), 200,
                                QStringLiteral("the machine token of %1").arg(m_id));
        const QString token = a.object().value(QStringLiteral("access_token")).toString();
        if (token.isEmpty())
            die(QStringLiteral("the token endpoint answered no access_token"));
        return token;
    }

    /// Opens the WebSocket and sends hello; welcomed() turns true when the welcome arrives.
    void open(const QString& token) {
        if (m_socket)
            m_socket.release()->deleteLater(); // it may be emitting right now
        m_nextSeq = 1;                         // per connection
        m_socket = std::make_unique<QWebSocket>();
        m_socket->setMaxAllowedIncomingMessageSize(quint64(protocol::kMaxAgentMessageBytes));
        QObject::connect(m_socket.get(), &QWebSocket::textMessageReceived, m_socket.get(),
                         [this](const QString& text) { onText(text); });
        QObject::connect(m_socket.get(), &QWebSocket::connected, m_socket.get(), [this] { sendHello(); });
        QObject::connect(m_socket.get(), &QWebSocket::disconnected, m_socket.get(), [this] {
            if (m_closing)
                return;
            // What a real agent does: reconnect, and send everything unacknowledged again.
            if (++m_ledger.reconnects > 100)
                die(QStringLiteral("the server closed sockets more than 100 times; last: %1 %2")
                        .arg(int(m_socket->closeCode()))
                        .arg(m_socket->closeReason()));
            note(QStringLiteral("the server closed the socket of machine %1 (%2 %3); reconnecting")
                     .arg(m_id)
                     .arg(int(m_socket->closeCode()))
                     .arg(m_socket->closeReason()));
            m_heartbeat.stop();
            m_resend = true;
            QTimer::singleShot(200, &m_context, [this] { open(fetchToken()); });
        });
        QUrl ws = m_http.server();
        ws.setScheme(QStringLiteral("ws"));
        ws.setPath(QStringLiteral("/api/v1/agent"));
        QNetworkRequest request(ws);
        request.setRawHeader("Authorization", "Bearer " + token.toLatin1());
        m_socket->open(request);
    }
    bool welcomed() const { return m_welcomed; }
    void close() {
        m_closing = true;
        m_heartbeat.stop();
        if (m_socket)
            m_socket->close();
    }
    qint64 unacked() const { return m_pending.size(); }

private:
    qint64 send(const protocol::AgentMessageBody& body, bool ack) {
        protocol::AgentMessage m;
        m.seq = m_nextSeq++;
        m.ack = ack;
        m.body = body;
        m_socket->sendTextMessage(QString::fromUtf8(protocol::encodeAgentMessage(m)));
        return m.seq;
    }

    void sendHello() {
        protocol::Hello hello;
        hello.machineId = m_id;
        hello.version = QStringLiteral("0.1.0");
        hello.os = QStringLiteral("Bench OS");
        hello.sessions = {
            protocol::MachineSession{QStringLiteral("bench-other"), std::nullopt, protocol::SessionState::Locked}};
        send(hello, false);
    }

    void onText(const QString& text) {
        const QJsonObject o = QJsonDocument::fromJson(text.toUtf8()).object();
        const QString type = o.value(QStringLiteral("type")).toString();
        if (type == QLatin1String("runOffer")) {
            const qint64 t = nowNs();
            const QString runId = o.value(QStringLiteral("runId")).toString();
            ++m_ledger.offers;
            if (m_ledger.offeredAt.contains(runId))
                ++m_ledger.duplicateOffers;
            else
                m_ledger.offeredAt.insert(runId, t);
            send(protocol::RunAccept{runId}, false);
            if (m_ledger.sendEvent) {
                protocol::RunEvent e;
                e.runId = runId;
                e.eventSeq = 1;
                e.kind = protocol::RunEventKind::Log;
                e.at = QDateTime::currentDateTimeUtc();
                e.level = QStringLiteral("info");
                e.text = QStringLiteral("bench");
                m_pending.insert(send(e, true), Pending{QString(), e});
            }
            protocol::RunResult r;
            r.runId = runId;
            r.status = protocol::RunStatus::Succeeded;
            m_pending.insert(send(r, true), Pending{runId, r});
        } else if (type == QLatin1String("ack")) {
            const qint64 seq = o.value(QStringLiteral("seq")).toInteger();
            const auto it = m_pending.find(seq);
            if (it == m_pending.end()) {
                ++m_ledger.protocolErrors;
                return;
            }
            if (!it->runId.isEmpty() && !m_ledger.completedAt.contains(it->runId))
                m_ledger.completedAt.insert(it->runId, nowNs());
            m_pending.erase(it);
        } else if (type == QLatin1String("welcome")) {
            m_welcomed = true;
            if (std::exchange(m_resend, false)) {
                QList<qint64> seqs = m_pending.keys();
                std::sort(seqs.begin(), seqs.end());
                QHash<qint64, Pending> old = std::exchange(m_pending, {});
                for (qint64 seq : seqs)
                    m_pending.insert(send(old.value(seq).body, true), old.value(seq));
            }
            const int seconds = o.value(QStringLiteral("heartbeatSeconds")).toInt(protocol::kHeartbeatSeconds);
            m_heartbeat.setInterval(std::max(1, seconds) * 1000);
            QObject::connect(&m_heartbeat, &QTimer::timeout, m_socket.get(),
                             [this] { send(protocol::Heartbeat{std::nullopt}, false); });
            m_heartbeat.start();
        } else if (type == QLatin1String("cancelRun")) {
            ++m_ledger.cancels;
        } else if (type == QLatin1String("settingsChanged") || type == QLatin1String("rotateKey")) {
            // nothing to do for a simulated machine
        } else if (type.isEmpty()) {
            ++m_ledger.protocolErrors;
        }
    }

    Http& m_http;
    Ledger& m_ledger;
    QString m_id, m_fingerprint;
    QByteArray m_publicKey, m_secretKey;
    std::unique_ptr<QWebSocket> m_socket;
    QTimer m_heartbeat;
    qint64 m_nextSeq = 1;
    struct Pending {
        QString runId; ///< results only
        protocol::AgentMessageBody body;
    };
    QHash<qint64, Pending> m_pending; ///< unacknowledged, by seq
    QObject m_context;
    bool m_resend = false;
    bool m_welcomed = false;
    bool m_closing = false;
};

/// Runs the event loop until @p done or @p timeoutMs. (The timed processEvents() overload
/// spins when idle; a 10 ms ticker wakes a blocking one instead.)
void waitUntil(const std::function<bool()>& done, int timeoutMs) {
    QElapsedTimer t;
    t.start();
    QTimer tick;
    tick.start(10);
    while (!done() && t.elapsed() < timeoutMs)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
}

/// Keeps up to inFlight triggers in flight, round robin over the connections, until stop() or
/// @p limit triggers. A connection answering 429 is left out from then on.
class Trigger {
public:
    Trigger(Http& http, QString env, QString flowId, QStringList connections)
        : m_http(http)
        , m_env(std::move(env))
        , m_flow(std::move(flowId))
        , m_connections(std::move(connections))
        , m_live(m_connections.size(), true) {}

    QHash<QString, qint64> sentAt; ///< run id → when its POST was sent
    qint64 accepted = 0;
    qint64 rateLimited = 0;
    qint64 answered = 0;

    void start(int inFlight, qint64 limit) {
        m_stopped = false;
        m_limit = limit;
        m_started = 0;
        for (int i = 0; i < inFlight; ++i)
            next();
    }
    void stop() { m_stopped = true; }
    int inFlight() const { return m_inFlight; }
    qint64 started() const { return m_started; }

    /// Waits until nothing is in flight; bounded.
    void drain() {
        waitUntil([this] { return m_inFlight == 0; }, 30'000);
        if (m_inFlight > 0)
            die(QStringLiteral("%1 triggers still unanswered after 30 s").arg(m_inFlight));
    }

private:
    void next() {
        if (m_stopped || m_started >= m_limit)
            return;
        qsizetype tries = 0;
        while (!m_live[m_rr % m_live.size()] && tries < m_live.size()) {
            ++m_rr;
            ++tries;
        }
        if (tries == m_live.size()) {
            note(QStringLiteral("every connection is rate limited; triggering stops"));
            m_stopped = true;
            return;
        }
        const qsizetype index = m_rr++ % m_connections.size();
        const QJsonObject body{{QStringLiteral("flowId"), m_flow},
                               {QStringLiteral("connectionId"), m_connections.at(index)},
                               {QStringLiteral("runMode"), QStringLiteral("unattended")},
                               {QStringLiteral("priority"), QStringLiteral("normal")},
                               {QStringLiteral("inputs"), QJsonObject()}};
        ++m_started;
        ++m_inFlight;
        const qint64 sent = nowNs();
        QNetworkReply* reply = m_http.send("POST", QStringLiteral("/api/v1/environments/%1/runs").arg(m_env),
                                           QJsonDocument(body).toJson(QJsonDocument::Compact));
        QObject::connect(reply, &QNetworkReply::finished, reply, [this, reply, sent, index] {
            --m_inFlight;
            ++answered;
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            const QByteArray data = reply->readAll();
            reply->deleteLater();
            if (status == 202) {
                const QString id = QJsonDocument::fromJson(data).object().value(QStringLiteral("id")).toString();
                if (id.isEmpty())
                    die(QStringLiteral("a trigger answered 202 without a run id"));
                sentAt.insert(id, sent);
                ++accepted;
            } else if (status == 429) {
                ++rateLimited;
                m_live[index] = false;
            } else {
                die(QStringLiteral("a trigger answered %1: %2").arg(status).arg(QString::fromUtf8(data.left(400))));
            }
            next();
        });
    }

    Http& m_http;
    QString m_env, m_flow;
    QStringList m_connections;
    QList<bool> m_live;
    qsizetype m_rr = 0;
    int m_inFlight = 0;
    qint64 m_started = 0;
    qint64 m_limit = 0;
    bool m_stopped = true;
};

double percentile(std::vector<double> v, double q) {
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    const auto rank = size_t(std::ceil(q * double(v.size())));
    return v[std::min(v.size() - 1, rank == 0 ? 0 : rank - 1)];
}

/// Trigger → offer latencies (ms) of the runs triggered between @p from and @p to (ns).
std::vector<double> latencies(const Trigger& trigger, const Ledger& ledger, qint64 from, qint64 to, qint64* missing) {
    std::vector<double> out;
    *missing = 0;
    for (auto it = trigger.sentAt.cbegin(); it != trigger.sentAt.cend(); ++it) {
        if (it.value() < from || it.value() > to)
            continue;
        const auto offer = ledger.offeredAt.constFind(it.key());
        if (offer == ledger.offeredAt.cend()) {
            ++*missing;
            continue;
        }
        out.push_back(double(offer.value() - it.value()) / 1e6);
    }
    return out;
}

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("mr-bench-agents"));
    g_clock.start();
    if (sodium_init() < 0)
        die(QStringLiteral("libsodium does not initialise"));

    QCommandLineParser p;
    p.addHelpOption();
    const QCommandLineOption serverOpt(QStringLiteral("server"), QStringLiteral("Orchestrator URL."),
                                       QStringLiteral("URL"));
    const QCommandLineOption tokenOpt(QStringLiteral("token"), QStringLiteral("A maker's personal access token."),
                                      QStringLiteral("TOKEN"));
    const QCommandLineOption envOpt(QStringLiteral("environment"), QStringLiteral("Environment name or id."),
                                    QStringLiteral("ENV"));
    const QCommandLineOption engineOpt(QStringLiteral("engine"), QStringLiteral("Label for the output."),
                                       QStringLiteral("NAME"), QStringLiteral("unknown"));
    const QCommandLineOption machinesOpt(QStringLiteral("machines"), QStringLiteral("Simulated machines."),
                                         QStringLiteral("N"), QStringLiteral("100"));
    const QCommandLineOption connectionsOpt(QStringLiteral("connections"), QStringLiteral("Connections to rotate."),
                                            QStringLiteral("N"), QStringLiteral("200"));
    const QCommandLineOption inFlightOpt(QStringLiteral("in-flight"), QStringLiteral("Triggers in flight."),
                                         QStringLiteral("N"), QStringLiteral("8"));
    const QCommandLineOption latencyRunsOpt(QStringLiteral("latency-runs"),
                                            QStringLiteral("Triggers, one at a time, for the idle latency."),
                                            QStringLiteral("N"), QStringLiteral("200"));
    const QCommandLineOption durationOpt(QStringLiteral("duration"), QStringLiteral("Seconds of sustained load."),
                                         QStringLiteral("S"), QStringLiteral("10"));
    const QCommandLineOption timeoutOpt(QStringLiteral("timeout"), QStringLiteral("Give up after S seconds."),
                                        QStringLiteral("S"), QStringLiteral("240"));
    const QCommandLineOption noEventOpt(QStringLiteral("no-event"), QStringLiteral("No runEvent before runResult."));
    p.addOptions({serverOpt, tokenOpt, envOpt, engineOpt, machinesOpt, connectionsOpt, inFlightOpt, latencyRunsOpt,
                  durationOpt, timeoutOpt, noEventOpt});
    p.process(app);
    if (!p.isSet(serverOpt) || !p.isSet(tokenOpt) || !p.isSet(envOpt)) {
        std::fprintf(stderr, "mr-bench-agents: --server, --token and --environment are required\n");
        return 2;
    }
    const int machines = std::clamp(p.value(machinesOpt).toInt(), 1, 5000);
    const int connectionCount = std::clamp(p.value(connectionsOpt).toInt(), 1, 5000);
    const int inFlight = std::clamp(p.value(inFlightOpt).toInt(), 1, 256);
    const int latencyRuns = std::clamp(p.value(latencyRunsOpt).toInt(), 0, 100000);
    const double duration = std::clamp(p.value(durationOpt).toDouble(), 1.0, 600.0);
    const int timeout = std::clamp(p.value(timeoutOpt).toInt(), 10, 3600);
    const QString engine = p.value(engineOpt);
    const int cores = qEnvironmentVariableIsSet("MR_BENCH_CORES") ? qEnvironmentVariableIntValue("MR_BENCH_CORES")
                                                                  : QThread::idealThreadCount();
    QTimer::singleShot(timeout * 1000, &app, [timeout] { die(QStringLiteral("gave up after %1 s").arg(timeout)); });

    QString serverUrl = p.value(serverOpt);
    while (serverUrl.endsWith(QLatin1Char('/')))
        serverUrl.chop(1);
    Http http(QUrl(serverUrl), p.value(tokenOpt), std::max(1, (inFlight + 5) / 6));
    Ledger ledger;
    ledger.sendEvent = !p.isSet(noEventOpt);

    // --- set-up: environment, flow, machines, groups, connections
    QString env;
    for (const QJsonValue& e :
         expect(http.call("GET", QStringLiteral("/api/v1/environments")), 200, QStringLiteral("listing environments"))
             .array()) {
        const QJsonObject o = e.toObject();
        if (o.value(QStringLiteral("name")).toString() == p.value(envOpt) ||
            o.value(QStringLiteral("id")).toString() == p.value(envOpt))
            env = o.value(QStringLiteral("id")).toString();
    }
    if (env.isEmpty())
        die(QStringLiteral("no environment %1 for this token").arg(p.value(envOpt)));
    const QString tag = randomToken().left(6);
    const QString flowId =
        expect(http.call("POST", QStringLiteral("/api/v1/environments/%1/flows").arg(env),
                         QJsonObject{{QStringLiteral("name"), QString(QStringLiteral("bench-empty-") + tag)},
                                     {QStringLiteral("description"), QStringLiteral("bench")},
                                     {QStringLiteral("script"), QString()},
                                     {QStringLiteral("inputs"), QJsonArray()},
                                     {QStringLiteral("outputs"), QJsonArray()}}),
               201, QStringLiteral("uploading the flow"))
            .object()
            .value(QStringLiteral("id"))
            .toString();

    qint64 t0 = nowNs();
    std::vector<std::unique_ptr<SimAgent>> agents;
    for (int i = 0; i < machines; ++i) {
        agents.push_back(std::make_unique<SimAgent>(http, ledger));
        agents.back()->registerMachine(env, QStringLiteral("bench-%1-%2").arg(tag).arg(i, 4, 10, QLatin1Char('0')));
    }
    note(QStringLiteral("%1 machines registered in %2 ms").arg(machines).arg((nowNs() - t0) / 1'000'000));

    QStringList groups;
    for (int i = 0; i < machines; ++i) {
        if (i % protocol::kMaxMachinesPerGroup == 0) {
            const QString g = expect(http.call("POST", QStringLiteral("/api/v1/environments/%1/groups").arg(env),
                                               QJsonObject{{QStringLiteral("name"),
                                                            QStringLiteral("bench-%1-g%2").arg(tag).arg(groups.size())},
                                                           {QStringLiteral("description"), QStringLiteral("bench")}}),
                                     201, QStringLiteral("creating a group"))
                                  .object()
                                  .value(QStringLiteral("id"))
                                  .toString();
            expect(http.call("PATCH", QStringLiteral("/api/v1/groups/%1").arg(g),
                             QJsonObject{{QStringLiteral("unattendedBots"), 50}}),
                   200, QStringLiteral("raising unattendedBots"));
            groups.append(g);
        }
        expect(http.call("PUT",
                         QStringLiteral("/api/v1/groups/%1/machines/%2").arg(groups.last(), agents[size_t(i)]->id())),
               204, QStringLiteral("adding a machine to a group"));
    }
    QStringList connections;
    for (int i = 0; i < connectionCount; ++i) {
        connections.append(
            expect(http.call("POST", QStringLiteral("/api/v1/environments/%1/connections").arg(env),
                             QJsonObject{{QStringLiteral("name"), QStringLiteral("bench-%1-c%2").arg(tag).arg(i)},
                                         {QStringLiteral("target"),
                                          QJsonObject{{QStringLiteral("groupId"), groups.at(i % groups.size())}}},
                                         {QStringLiteral("kind"), QStringLiteral("password")},
                                         {QStringLiteral("username"), QStringLiteral("robot")},
                                         {QStringLiteral("password"), QStringLiteral("bench-password")}}),
                   201, QStringLiteral("creating a connection"))
                .object()
                .value(QStringLiteral("id"))
                .toString());
    }
    note(QStringLiteral("%1 groups, %2 connections").arg(groups.size()).arg(connections.size()));

    // --- agents: machine tokens, WebSockets, hello/welcome
    t0 = nowNs();
    for (auto& a : agents)
        a->open(a->fetchToken());
    waitUntil([&] { return std::all_of(agents.begin(), agents.end(), [](const auto& a) { return a->welcomed(); }); },
              30'000);
    const auto welcomed = std::count_if(agents.begin(), agents.end(), [](const auto& a) { return a->welcomed(); });
    if (welcomed != machines)
        die(QStringLiteral("only %1 of %2 machines were welcomed within 30 s").arg(welcomed).arg(machines));
    note(QStringLiteral("%1 machines connected in %2 ms").arg(machines).arg((nowNs() - t0) / 1'000'000));
    // Let the server see them all online (and settle their settings) before triggering.
    waitUntil([] { return false; }, 500);

    auto report = [&](const char* metric, double value, const char* unit, const QJsonObject& extra) {
        QJsonObject o{{QStringLiteral("bench"), QStringLiteral("runs")},
                      {QStringLiteral("metric"), QLatin1String(metric)},
                      {QStringLiteral("engine"), engine},
                      {QStringLiteral("machines"), machines},
                      {QStringLiteral("value"), std::round(value * 100) / 100},
                      {QStringLiteral("unit"), QLatin1String(unit)},
                      {QStringLiteral("cores"), cores},
                      {QStringLiteral("run_event"), ledger.sendEvent}};
        for (auto it = extra.begin(); it != extra.end(); ++it)
            o.insert(it.key(), it.value());
        std::fputs(QJsonDocument(o).toJson(QJsonDocument::Compact).constData(), stdout);
        std::fputc('\n', stdout);
        std::fflush(stdout);
    };

    Trigger trigger(http, env, flowId, connections);

    // --- phase 1: one trigger at a time (the latency of an idle system)
    if (latencyRuns > 0) {
        const qint64 from = nowNs();
        trigger.start(1, latencyRuns);
        waitUntil([&] { return trigger.started() >= latencyRuns && trigger.inFlight() == 0; }, 60'000);
        trigger.drain();
        waitUntil([&] { return ledger.completedAt.size() >= trigger.accepted; }, 15'000);
        qint64 missing = 0;
        const std::vector<double> l = latencies(trigger, ledger, from, nowNs(), &missing);
        if (missing > 0)
            die(QStringLiteral("%1 of %2 runs triggered one at a time were never offered")
                    .arg(missing)
                    .arg(l.size() + size_t(missing)));
        const QJsonObject extra{{QStringLiteral("in_flight"), 1}, {QStringLiteral("runs"), qint64(l.size())}};
        report("trigger_to_offer_p50_ms", percentile(l, 0.50), "ms", extra);
        report("trigger_to_offer_p99_ms", percentile(l, 0.99), "ms", extra);
    }

    // --- phase 2: sustained load for `duration` seconds
    const qint64 completedBefore = ledger.completedAt.size();
    const qint64 acceptedBefore = trigger.accepted;
    const qint64 from = nowNs();
    const qint64 windowNs = qint64(duration * 1e9);
    trigger.start(inFlight, std::numeric_limits<qint64>::max());
    waitUntil([&] { return nowNs() - from >= windowNs; }, int(duration * 1000) + 1000);
    trigger.stop();
    const qint64 to = nowNs();
    qint64 completedInWindow = 0;
    for (auto it = ledger.completedAt.cbegin(); it != ledger.completedAt.cend(); ++it) {
        if (it.value() >= from && it.value() <= to)
            ++completedInWindow;
    }
    trigger.drain();
    const qint64 acceptedUnderLoad = trigger.accepted - acceptedBefore;
    note(QStringLiteral("sustained: %1 triggers accepted, %2 rate-limited, %3 completed in the %4 s window")
             .arg(acceptedUnderLoad)
             .arg(trigger.rateLimited)
             .arg(completedInWindow)
             .arg(duration));
    // Every accepted run must complete (bounded).
    waitUntil([&] { return ledger.completedAt.size() >= trigger.accepted; }, 60'000);
    const qint64 drainedAt = nowNs();
    if (ledger.completedAt.size() < trigger.accepted)
        die(QStringLiteral("only %1 of %2 accepted runs completed within 60 s after the load")
                .arg(ledger.completedAt.size())
                .arg(trigger.accepted));
    note(QStringLiteral(
             "all %1 runs completed %2 ms after the load stopped (offers %3, duplicate offers %4, cancels %5, "
             "reconnects %6)")
             .arg(trigger.accepted)
             .arg((drainedAt - to) / 1'000'000)
             .arg(ledger.offers)
             .arg(ledger.duplicateOffers)
             .arg(ledger.cancels)
             .arg(ledger.reconnects));
    if (ledger.protocolErrors > 0)
        die(QStringLiteral("%1 unexpected agent messages").arg(ledger.protocolErrors));
    qint64 missing = 0;
    const std::vector<double> l = latencies(trigger, ledger, from, to, &missing);
    if (missing > 0)
        die(QStringLiteral("%1 runs triggered under load were never offered").arg(missing));
    const QJsonObject loadExtra{{QStringLiteral("in_flight"), inFlight},
                                {QStringLiteral("runs"), acceptedUnderLoad},
                                {QStringLiteral("seconds"), duration},
                                {QStringLiteral("reconnects"), ledger.reconnects}};
    report("trigger_to_offer_p50_ms", percentile(l, 0.50), "ms", loadExtra);
    report("trigger_to_offer_p99_ms", percentile(l, 0.99), "ms", loadExtra);
    report("completed_runs_per_s", double(completedInWindow) / (double(to - from) / 1e9), "runs/s", loadExtra);
    report("triggers_accepted_per_s", double(acceptedUnderLoad) / (double(to - from) / 1e9), "runs/s", loadExtra);
    Q_UNUSED(completedBefore);

    // --- confirm through the API: no run may be left unfinished or failed, and a sample reads
    // back Succeeded (with its log line when one was sent).
    QStringList problems;
    for (const QString& status : {QStringLiteral("Queued"), QStringLiteral("Running"), QStringLiteral("Cancelling"),
                                  QStringLiteral("Failed"), QStringLiteral("Cancelled")}) {
        const QJsonArray left =
            expect(
                http.call("GET", QStringLiteral("/api/v1/environments/%1/runs?status=%2&limit=1000").arg(env, status)),
                200, QStringLiteral("listing %1 runs").arg(status))
                .array();
        if (!left.isEmpty())
            problems.append(QStringLiteral("%1 %2 (e.g. %3)")
                                .arg(left.size())
                                .arg(status, left.first().toObject().value(QStringLiteral("id")).toString()));
    }
    const QStringList ids = ledger.completedAt.keys();
    const qsizetype step = std::max<qsizetype>(1, ids.size() / 20);
    int checked = 0;
    int withoutLog = 0;
    for (qsizetype i = 0; i < ids.size(); i += step) {
        const Answer a = expect(http.call("GET", QStringLiteral("/api/v1/runs/%1").arg(ids.at(i))), 200,
                                QStringLiteral("reading run %1").arg(ids.at(i)));
        const QString status = a.object().value(QStringLiteral("status")).toString();
        if (status != QLatin1String("Succeeded"))
            problems.append(QStringLiteral("run %1 is %2 after its result was acknowledged").arg(ids.at(i), status));
        if (ledger.sendEvent && expect(http.call("GET", QStringLiteral("/api/v1/runs/%1/log").arg(ids.at(i))), 200,
                                       QStringLiteral("reading the log of run %1").arg(ids.at(i)))
                                    .array()
                                    .isEmpty())
            ++withoutLog;
        ++checked;
    }
    if (withoutLog > 0)
        problems.append(
            QStringLiteral("%1 of %2 sampled runs lost their acknowledged log line").arg(withoutLog).arg(checked));
    if (!problems.isEmpty())
        die(QStringLiteral("after all results were acknowledged: ") + problems.join(QStringLiteral("; ")));
    note(QStringLiteral("no run left unfinished; %1 sampled runs read back Succeeded").arg(checked));

    for (auto& a : agents)
        a->close();
    waitUntil([] { return false; }, 200);
    return 0;
}
