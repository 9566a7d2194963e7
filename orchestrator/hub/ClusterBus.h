#pragma once

#include "orchestrator/store/Database.h"

#include <QJsonObject>
#include <QObject>
#include <QSqlDriver>
#include <QTimer>

#include <atomic>

namespace mr::orch {

class DbPool;

/// What one orchestrator instance tells the others when several share one PostgreSQL database
/// (LISTEN/NOTIFY on one channel): "send this to machine M if you hold its WebSocket", "dispatch
/// now". On SQLite there is one instance and no bus is made.
///
/// Listens on one dedicated connection owned by the thread that makes it (the hub's, where QPSQL
/// delivers notifications through a socket notifier); that connection runs nothing but LISTEN.
/// Publishing (`SELECT pg_notify(...)`) goes through the database workers, so no caller waits on
/// the database. A dropped listener is noticed by a self-addressed ping that does not come back
/// and is reconnected with back-off (1 s doubling to 30 s), each attempt only once a database
/// worker got an answer, so an outage costs this thread no connect timeouts. Notifications sent
/// while it was away are lost for this instance (docs/admin-guide.md).
///
/// Payload: compact JSON `{"kind": ..., "machineId": ..., ..., "from": instanceId}`; kinds:
/// wake, cancelRun {runId}, settingsChanged, rotateKey, endSessions {users},
/// checkCredentials {requestId, username, sealedPassword (sealed with the data key)},
/// credentialsChecked {to, requestId, ok: true/false/null}, ping {token}.
class ClusterBus final : public QObject {
    Q_OBJECT
public:
    static constexpr const char* kChannel = "mr_cluster";
    /// PostgreSQL refuses payloads of 8000 bytes or more; larger messages are dropped (logged).
    static constexpr int kMaxPayloadBytes = 7900;
    /// A ping is sent every kPingMs; one not back within kPingMs of its commit means the listener is gone.
    static constexpr int kPingMs = 5000;
    static constexpr int kMaxBackoffMs = 30'000;

    ClusterBus(const DatabaseLocation& location, QString instanceId, DbPool& pool, QObject* parent = nullptr);
    ~ClusterBus() override;

    /// Opens the listener (retrying with back-off when it cannot) and starts the pings.
    void start();
    /// Closes the listener; publish() does nothing afterwards.
    void stop();

    /// Sends @p message (with `from` set to this instance) to every instance, this one included.
    /// Thread-safe; returns at once.
    void publish(QJsonObject message);
    /// publish({"kind":"wake"}), at most one waiting at a time. Thread-safe.
    void publishWake();

    QString instanceId() const { return m_instanceId; }
    /// The listener connection's application_name (pg_stat_activity): "mr-listener-" + instance id.
    QString applicationName() const;
    /// True while the listener is subscribed (hub thread; for tests and logs).
    bool listening() const { return m_listening; }

Q_SIGNALS:
    /// A message of another instance (own messages are filtered out), on the bus's thread.
    void received(const QJsonObject& message);

private:
    void connectListener();
    /// Connects the listener once a database worker got an answer (else tries again later).
    void probeThenConnect();
    void dropListener(const QString& why);
    void scheduleReconnect();
    void onNotification(const QString& name, QSqlDriver::NotificationSource source, const QVariant& payload);
    void pingTick();

    DatabaseLocation m_location;
    QString m_instanceId;
    DbPool& m_pool;
    QString m_connectionName;
    QTimer m_pingTimer;
    QTimer m_reconnectTimer;
    int m_backoffMs = 1000;
    bool m_listening = false;
    bool m_probing = false;
    bool m_stopped = true;
    std::atomic_bool m_publishing{false}; ///< false once stopped: publish() is a no-op
    std::atomic_bool m_wakePending{false};
    QString m_pingToken;      ///< the ping in flight, empty when none
    qint64 m_pingSentMs = -1; ///< when its pg_notify committed (steady clock), -1 before that
};

} // namespace mr::orch
