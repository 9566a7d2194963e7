#pragma once

#include "orchestrator/RunEngine.h"
#include "orchestrator/runs/RunState.h"
#include "orchestrator/runs/Scheduler.h"

#include <QHash>
#include <QJsonObject>
#include <QMap>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QWebSocket>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>

class QAbstractHttpServer;

namespace mr::orch {

class ClusterBus;
class DbPool;
struct Services;

/// The orchestrator's end of the agent protocol (API.md, "Agent protocol") and the run engine:
/// holds the WebSocket of every machine connected to this instance, stores what agents report
/// through the database workers, sends offers, and runs the scheduler and the 1 s timer pass.
///
/// Lives on the HTTP thread (QtHttpServer creates the sockets there). Handlers never wait on the
/// database: each message becomes a job on the pool and its answer (ack, welcome, cancelRun) is
/// posted back here. Every RunEngine call is thread-safe and returns at once.
class AgentHub final
    : public QObject
    , public RunEngine {
    Q_OBJECT
public:
    AgentHub(DbPool& pool, Services& services, QObject* parent = nullptr);
    ~AgentHub() override;

    /// Takes the WebSockets @p http upgrades and starts the timer.
    void attach(QAbstractHttpServer* http);
    /// The bus to the other instances on one PostgreSQL database (none on SQLite). Set before
    /// attach(); the hub acts on what the bus delivers for machines connected here.
    void setClusterBus(ClusterBus* bus);
    /// The timer pass and dispatch interval (1 s; tests slow it down).
    void setTickInterval(int ms) { m_tick.setInterval(ms); }
    /// Closes every socket and stops the timer; no job is submitted afterwards.
    void stop();

    /// The machine a machine token names, when its signature, issuer, type and expiry are good
    /// (in memory; for the check before the upgrade). @p authorization is the header value.
    std::optional<QString> machineForAuthorization(const QByteArray& authorization) const;

    /// Sends `rotateKey` when the machine is connected here or, through the cluster bus, to another
    /// instance (the caller has set key_rotation_requested; a machine that connects later gets it
    /// after its welcome). Thread-safe.
    void keyRotationRequested(const QString& machineId);
    /// Sends `settingsChanged` (loads the settings first) and wakes the scheduler, here and on the
    /// instance that holds the machine's socket. Thread-safe.
    void machineSettingsChanged(const QString& machineId);

    // RunEngine. Each reaches the machine whichever instance holds its socket (ClusterBus).
    void wake() override;
    void cancelRun(const QString& machineId, const QString& runId) override;
    void endSessions(const QString& machineId, const QStringList& users) override;
    void checkCredentials(const QString& machineId, const QString& username, const QString& password,
                          std::function<void(std::optional<bool> ok)> done) override;

    /// This instance's id in agent_connections.
    QString instanceId() const { return m_instanceId; }
    /// Machines whose hello was answered on this instance (hub thread only; for tests).
    QStringList connectedMachines() const { return m_links.keys(); }

    static constexpr int kCredentialsTimeoutMs = 15'000;

private:
    /// A checkCredentials that waits for the machine's key rotation to end before it is sealed.
    struct HeldCheck {
        QString requestId;
        QString username;
        QString password;
    };
    struct Link {
        QPointer<QWebSocket> socket;
        QString machineId;
        quint64 generation = 0;
        qint64 nextSeq = 1;
        bool welcomed = false;
        QList<QByteArray> early;             ///< frames received before the welcome
        QList<runs::AckedItem> pendingAcked; ///< events/results not yet in a batch
        bool batchInFlight = false;
        /// The hello declared `sealedSecrets`: passwords go as `sealedPassword`, sealed to publicKey.
        bool sealedSecrets = false;
        QByteArray publicKey; ///< the machine's current Ed25519 key (raw), from hello, then keyRotated
        /// `rotateKey` was sent and no valid `keyRotated` applied yet: the agent may hold either key,
        /// so nothing is sealed to it meanwhile (offers are withheld, credential checks held).
        bool keyRotationPending = false;
        QList<HeldCheck> heldChecks;
    };

    void adopt(QWebSocket* socket);
    void onFrame(const QString& machineId, quint64 generation, const QByteArray& frame);
    void onClosed(const QString& machineId, quint64 generation);
    void handle(Link& link, const protocol::AgentMessage& message);
    void handleHello(Link& link, const protocol::Hello& hello, qint64 seq, bool wantAck);
    void flushAcked(const QString& machineId, quint64 generation);
    void send(Link& link, protocol::AgentMessageBody body);
    void sendAck(Link& link, qint64 seq);
    /// False when the machine is not connected (and welcomed) here.
    bool sendTo(const QString& machineId, protocol::AgentMessageBody body);
    void closeLink(Link& link, const QString& reason);
    /// Puts a connection @p password into a message for @p link's agent: sealed to its current key
    /// as @p sealed when it declared `sealedSecrets`, else as it is in @p plain. False when it
    /// cannot go now (a key rotation is under way, or the stored key is unusable).
    bool putPassword(const Link& link, const QString& password, std::optional<QString>* plain,
                     std::optional<QString>* sealed) const;
    /// Sends `checkCredentials` of a check registered in m_checks, or answers it with nullopt
    /// when its password cannot be sealed.
    void sendCheck(Link& link, const HeldCheck& check);
    /// Sends `rotateKey` and holds sealing until the new key is known.
    void sendRotateKey(Link& link);
    Link* linkFor(const QString& machineId, quint64 generation);
    void submit(std::function<void(Db&)> job);
    /// Runs @p job on a worker, then @p then here with its result, or @p failed when it threw.
    template <class T>
    void submitThen(std::function<T(Db&)> job, std::function<void(T)> then, std::function<void()> failed = {},
                    const QString& orderKey = {});
    /// The same, for work that one machine's messages cause: it runs after that machine's earlier
    /// work (an accept before its run's events), whichever database worker is free.
    template <class T>
    void submitForMachine(const QString& machineId, std::function<T(Db&)> job, std::function<void(T)> then,
                          std::function<void()> failed = {}) {
        submitThen<T>(std::move(job), std::move(then), std::move(failed), machineId);
    }

    void runDispatch();
    void runTimerPass();
    /// A dispatch pass here soon (the hub's own reasons: only machines connected here can take
    /// what changed); wake() also tells the other instances.
    void wakeLocal();

    // The local halves of the RunEngine calls (hub thread), for this instance's requests and for
    // the other instances' messages alike.
    void cancelRunHere(const QString& machineId, const QString& runId);
    void endSessionsHere(const QString& machineId, const QStringList& users);
    void settingsChangedHere(const QString& machineId);
    void rotateKeyHere(const QString& machineId);
    /// Registers a credential check with @p done and sends it to the machine connected here.
    void startCheckHere(const QString& machineId, const QString& requestId, const QString& username,
                        const QString& password, std::function<void(std::optional<bool>)> done);
    /// A message of another instance (ClusterBus::received).
    void onClusterMessage(const QJsonObject& message);

    DbPool& m_pool;
    Services& m_services;
    QString m_instanceId;
    ClusterBus* m_bus = nullptr; ///< set once before attach(); read from any thread
    QTimer m_tick;
    /// One connection per machine; a newer one replaces it (take-over).
    QMap<QString, Link> m_links; // QMap: references stay valid across inserts
    quint64 m_nextGeneration = 1;
    bool m_stopped = false;
    bool m_dispatchRunning = false;
    bool m_dispatchAgain = false;
    bool m_timerPassRunning = false;
    std::atomic_bool m_wakePosted{false};
    struct CredentialCheck {
        std::function<void(std::optional<bool>)> done;
        QString machineId;
    };
    QHash<QString, CredentialCheck> m_checks;
    /// Survives the hub: jobs still on the pool after it is gone see `false` and post nothing.
    std::shared_ptr<std::atomic_bool> m_alive = std::make_shared<std::atomic_bool>(true);
};

} // namespace mr::orch
