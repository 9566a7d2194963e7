#include "agent/Channel.h"

#include "protocol/Limits.h"

#include <QLoggingCategory>
#include <QNetworkProxyFactory>
#include <QNetworkRequest>
#include <QRandomGenerator>

Q_LOGGING_CATEGORY(lcChannel, "mr.agent.channel")

namespace mr::agent {

using namespace mr::protocol;

Channel::Channel(const QUrl& server, HelloProvider hello, QObject* parent)
    : QObject(parent)
    , m_url(agentUrl(server))
    , m_hello(std::move(hello)) {
    QNetworkProxyFactory::setUseSystemConfiguration(true);
    m_retry.setSingleShot(true);
    m_stable.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &Channel::open);
    connect(&m_heartbeat, &QTimer::timeout, this, &Channel::sendHeartbeat);
    // A connection that stayed up this long was not a flapping one: start the back-off afresh.
    connect(&m_stable, &QTimer::timeout, this, [this] { m_attempt = 0; });
}

Channel::~Channel() {
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
    }
}

QUrl Channel::agentUrl(const QUrl& server) {
    QUrl url = server.adjusted(QUrl::StripTrailingSlash);
    url.setScheme(server.scheme().toLower() == QLatin1String("https") ? QStringLiteral("wss") : QStringLiteral("ws"));
    url.setPath(url.path() + QStringLiteral("/api/v1/agent"));
    return url;
}

int Channel::backoffMs(int attempt) {
    const int capSeconds = std::min(kMaxBackoffSeconds, 1 << std::clamp(attempt, 0, 6));
    return int(QRandomGenerator::global()->bounded(capSeconds * 1000 + 1));
}

void Channel::setState(State state, int seconds, const QString& reason) {
    m_state = state;
    switch (state) {
    case State::Connecting:
        qCInfo(lcChannel).noquote() << "connecting to" << m_url.toString();
        break;
    case State::Online:
        qCInfo(lcChannel) << "online";
        break;
    case State::Reconnecting:
        qCInfo(lcChannel).noquote() << "reconnecting in" << seconds << "s:" << reason;
        break;
    case State::Stopped:
        qCInfo(lcChannel).noquote() << "stopped:" << reason;
        break;
    }
    Q_EMIT stateChanged(state, seconds, reason);
}

void Channel::start() {
    if (m_state != State::Stopped)
        return;
    m_attempt = 0;
    open();
}

void Channel::stop(const QString& reason) {
    m_retry.stop();
    m_heartbeat.stop();
    m_stable.stop();
    if (m_socket) {
        QWebSocket* socket = m_socket;
        m_socket = nullptr;
        socket->disconnect(this);
        socket->close(QWebSocketProtocol::CloseCodeGoingAway, reason);
        socket->deleteLater();
    }
    if (m_state != State::Stopped)
        setState(State::Stopped, 0, reason);
}

void Channel::open() {
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
    }
    m_seq = 0;
    m_welcomed = false;
    m_lastError.clear();
    m_socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    m_socket->setMaxAllowedIncomingMessageSize(quint64(kMaxAgentMessageBytes));
    m_socket->setMaxAllowedIncomingFrameSize(quint64(kMaxAgentMessageBytes));
    connect(m_socket, &QWebSocket::connected, this, &Channel::onConnected);
    connect(m_socket, &QWebSocket::disconnected, this, &Channel::onDisconnected);
    connect(m_socket, &QWebSocket::textMessageReceived, this, &Channel::onText);
    connect(m_socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
            [this](QAbstractSocket::SocketError) { m_lastError = m_socket ? m_socket->errorString() : QString(); });
    QNetworkRequest request(m_url);
    if (!m_token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_token.toLatin1());
    setState(State::Connecting);
    m_socket->open(request);
}

void Channel::onConnected() {
    Hello hello = m_hello ? m_hello() : Hello{};
    m_sessions = hello.sessions;
    m_reportedSessions = hello.sessions;
    send(hello);
}

void Channel::onDisconnected() {
    const bool wasOnline = m_state == State::Online;
    QString reason = m_lastError;
    if (m_socket && m_socket->closeCode() != QWebSocketProtocol::CloseCodeNormal && !m_socket->closeReason().isEmpty())
        reason = m_socket->closeReason();
    if (reason.isEmpty())
        reason = wasOnline ? tr("the connection closed") : tr("the connection failed");
    m_heartbeat.stop();
    m_stable.stop();
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->deleteLater();
        m_socket = nullptr;
    }
    if (!m_welcomed)
        Q_EMIT connectFailed(reason);
    const int delay = backoffMs(m_attempt++);
    setState(State::Reconnecting, (delay + 999) / 1000, reason);
    m_retry.start(delay);
}

qint64 Channel::send(const AgentMessageBody& body, bool ack) {
    if (!m_socket || m_socket->state() != QAbstractSocket::ConnectedState)
        return 0;
    const bool isHello = std::holds_alternative<Hello>(body);
    if (!isHello && !m_welcomed)
        return 0;
    AgentMessage message{++m_seq, ack, body};
    message.ack = message.needsAck();
    m_socket->sendTextMessage(QString::fromUtf8(encodeAgentMessage(message)));
    return message.seq;
}

void Channel::setSessions(const QList<MachineSession>& sessions) {
    m_sessions = sessions;
}

void Channel::sendHeartbeat() {
    Heartbeat beat;
    if (!m_reportedSessions || *m_reportedSessions != m_sessions) {
        beat.sessions = m_sessions;
        m_reportedSessions = m_sessions;
    }
    send(beat);
}

void Channel::onText(const QString& text) {
    Decoded<AgentMessage> decoded = decodeAgentMessage(text.toUtf8());
    if (!decoded) {
        qCWarning(lcChannel).noquote() << "ignoring a malformed message:" << decoded.error().message();
        return;
    }
    const AgentMessage message = decoded.take();
    if (message.needsAck() && !std::holds_alternative<Ack>(message.body) && m_socket) {
        AgentMessage ack = ackFor(message.seq);
        m_socket->sendTextMessage(QString::fromUtf8(encodeAgentMessage(ack)));
    }
    std::visit(
        [this, &message](const auto& body) {
            using T = std::decay_t<decltype(body)>;
            if constexpr (std::is_same_v<T, Welcome>) {
                m_welcomed = true;
                m_heartbeat.start(std::max(1, body.heartbeatSeconds) * 1000);
                m_stable.start(kStableConnectionMs);
                setState(State::Online);
                Q_EMIT welcomed(body);
            } else if constexpr (std::is_same_v<T, Ack>) {
                Q_EMIT acknowledged(message.seq);
            } else if constexpr (std::is_same_v<T, RunOffer>) {
                Q_EMIT runOffered(body);
            } else if constexpr (std::is_same_v<T, CancelRun>) {
                Q_EMIT cancelRequested(body.runId);
            } else if constexpr (std::is_same_v<T, SettingsChanged>) {
                Q_EMIT settingsChanged(body.settings);
            } else if constexpr (std::is_same_v<T, EndSessions>) {
                Q_EMIT endSessionsRequested(body.users);
            } else if constexpr (std::is_same_v<T, CheckCredentials>) {
                Q_EMIT checkCredentialsRequested(body);
            } else if constexpr (std::is_same_v<T, RotateKey>) {
                Q_EMIT rotateKeyRequested();
            } else {
                qCWarning(lcChannel).noquote() << "ignoring an unexpected" << message.type();
            }
        },
        message.body);
}

} // namespace mr::agent
