#pragma once

#include "protocol/AgentMessages.h"

#include <QObject>
#include <QTimer>
#include <QUrl>
#include <QWebSocket>

#include <functional>
#include <optional>

namespace mr::agent {

/// The agent's WebSocket to the orchestrator (`/api/v1/agent`, API.md "Agent protocol"):
/// connects with the machine token in the upgrade request, says hello, sends heartbeats every
/// `heartbeatSeconds` of the welcome, numbers what it sends (seq per connection), acknowledges
/// what the server flags, and turns the server's messages into signals. When the connection
/// drops it reconnects with full-jitter exponential back-off (1 s doubling to 60 s), reset after
/// a connection that stayed up. Lives in the agent thread.
class Channel final : public QObject {
    Q_OBJECT
public:
    enum class State { Stopped, Connecting, Online, Reconnecting };
    Q_ENUM(State)

    /// Builds the hello of each new connection (sessions and unfinished runs change over time).
    using HelloProvider = std::function<mr::protocol::Hello()>;

    Channel(const QUrl& server, HelloProvider hello, QObject* parent = nullptr);
    ~Channel() override;

    /// ws(s)://…/api/v1/agent of an http(s) server URL.
    static QUrl agentUrl(const QUrl& server);
    /// The next reconnect delay for @p attempt (0-based): random in [0, min(60, 2^attempt)] s.
    static int backoffMs(int attempt);

    void setToken(const QString& token) { m_token = token; }
    void start();
    void stop(const QString& reason);
    State state() const { return m_state; }
    bool isOnline() const { return m_state == State::Online; }

    /// Sends a message now (Online only); returns its seq, or 0 when not online.
    qint64 send(const mr::protocol::AgentMessageBody& body, bool ack = false);
    /// Sessions for the next heartbeat; sent only when they differ from the last ones reported.
    void setSessions(const QList<mr::protocol::MachineSession>& sessions);

    static constexpr int kStableConnectionMs = 30'000;
    static constexpr int kMaxBackoffSeconds = 60;

Q_SIGNALS:
    /// Connecting / online / reconnecting in @p seconds because of @p reason / stopped.
    void stateChanged(mr::agent::Channel::State state, int seconds, const QString& reason);
    void welcomed(const mr::protocol::Welcome& welcome);
    void acknowledged(qint64 seq);
    void runOffered(const mr::protocol::RunOffer& offer);
    void cancelRequested(const QString& runId);
    void settingsChanged(const mr::protocol::AgentSettings& settings);
    void endSessionsRequested(const QStringList& users);
    void checkCredentialsRequested(const mr::protocol::CheckCredentials& request);
    void rotateKeyRequested();
    /// The connection closed before it got online (e.g. a refused or expired token).
    void connectFailed(const QString& reason);

private:
    void open();
    void onConnected();
    void onDisconnected();
    void onText(const QString& text);
    void sendHeartbeat();
    void setState(State state, int seconds = 0, const QString& reason = {});

    QUrl m_url;
    HelloProvider m_hello;
    QString m_token;
    QWebSocket* m_socket = nullptr;
    QTimer m_heartbeat;
    QTimer m_retry;
    QTimer m_stable;
    State m_state = State::Stopped;
    qint64 m_seq = 0;
    int m_attempt = 0;
    bool m_welcomed = false;
    QString m_lastError;
    QList<mr::protocol::MachineSession> m_sessions;
    std::optional<QList<mr::protocol::MachineSession>> m_reportedSessions;
};

} // namespace mr::agent
