#pragma once

#include "orchestrator/Clock.h"
#include "orchestrator/Services.h"
#include "orchestrator/http/Router.h"
#include "orchestrator/store/Database.h"

#include <QObject>
#include <QUrl>

#include <memory>

namespace mr::orch {

class AgentHub;
class ClusterBus;
class DbPool;
class HttpServer;
class KeyRing;
class Metrics;
class TokenService;

/// The whole service in one object: database workers, schema, keys, routes and the HTTP
/// server. `orchestrator serve` runs one; tests run one in-process on a free port.
class Orchestrator final : public QObject {
    Q_OBJECT
public:
    struct Options {
        DatabaseLocation database = DatabaseLocation::defaultLocation();
        QString listen = QStringLiteral("127.0.0.1:8680"); ///< HOST:PORT, port 0 picks a free one
        QString publicUrl;                                 ///< default: http://HOST:PORT
        QString dataKeyFile;
        int heartbeatSeconds = 10;
        int offlineAfterSeconds = 30;
        int lostGraceSeconds = 300;
        int requestTimeoutMs = 30'000;
        int workers = 0;      ///< database workers; 0: 1 for SQLite, 4 for PostgreSQL
        int hubTickMs = 1000; ///< the hub's timer pass and dispatch interval (tests slow it down)
    };

    explicit Orchestrator(Options options, QObject* parent = nullptr);
    ~Orchestrator() override;

    /// Opens the database, migrates, loads keys, listens. False with @p error when it can't.
    bool start(QString* error);
    /// Stops listening and finishes the work in flight.
    void stop();

    QUrl url() const { return m_url; }
    DbPool& pool() { return *m_pool; }
    OffsetClock* clock() { return &m_clock; }
    Services& services() { return m_services; }
    Router& router() { return m_router; }
    /// The agent hub and run engine (null before start()).
    AgentHub* hub() { return m_hub; }
    /// The LISTEN/NOTIFY bus to the other instances (PostgreSQL only; null on SQLite).
    ClusterBus* clusterBus() { return m_bus; }

private:
    void registerRoutes();

    Options m_options;
    OffsetClock m_clock;
    Services m_services;
    Router m_router;
    std::unique_ptr<DbPool> m_pool;
    std::unique_ptr<KeyRing> m_keys;
    std::unique_ptr<TokenService> m_tokens;
    std::unique_ptr<Metrics> m_metrics;
    HttpServer* m_http = nullptr;
    AgentHub* m_hub = nullptr;   ///< child; deleted in the destructor after stop()
    ClusterBus* m_bus = nullptr; ///< child; the same
    QUrl m_url;
};

/// Splits "HOST:PORT" ("[::1]:0" too). False when malformed.
bool parseListenAddress(const QString& text, QString* host, quint16* port);

} // namespace mr::orch
