#include "orchestrator/Orchestrator.h"

#include "orchestrator/DataKey.h"
#include "orchestrator/Metrics.h"
#include "orchestrator/api/Environments.h"
#include "orchestrator/api/Runs.h"
#include "orchestrator/auth/KeyRing.h"
#include "orchestrator/auth/OAuthRoutes.h"
#include "orchestrator/auth/TokenService.h"
#include "orchestrator/http/HttpServer.h"
#include "orchestrator/hub/AgentHub.h"
#include "orchestrator/hub/ClusterBus.h"
#include "orchestrator/hub/HubRoutes.h"
#include "orchestrator/store/DbPool.h"
#include "orchestrator/store/Migrations.h"
#include "protocol/Version.h"

#include <QHostAddress>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcServer, "mr.orchestrator.server")

namespace mr::orch {

bool parseListenAddress(const QString& text, QString* host, quint16* port) {
    const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
    if (colon <= 0)
        return false;
    QString h = text.left(colon);
    if (h.startsWith(QLatin1Char('[')) && h.endsWith(QLatin1Char(']')))
        h = h.mid(1, h.size() - 2);
    bool ok = false;
    const uint p = text.mid(colon + 1).toUInt(&ok);
    if (!ok || p > 65535 || h.isEmpty())
        return false;
    *host = h;
    *port = quint16(p);
    return true;
}

Orchestrator::Orchestrator(Options options, QObject* parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_metrics(std::make_unique<Metrics>()) {
    m_services.clock = &m_clock;
    m_services.metrics = m_metrics.get();
}

Orchestrator::~Orchestrator() {
    stop();
    m_services.engine = nullptr;
    m_services.onMachineSettingsChanged = {};
    delete m_hub; // before the services it refers to go
    m_hub = nullptr;
    delete m_bus; // before the pool it publishes through (stopped above)
    m_bus = nullptr;
}

bool Orchestrator::start(QString* error) {
    QString host;
    quint16 port = 0;
    if (!parseListenAddress(m_options.listen, &host, &port)) {
        *error = QStringLiteral("--listen expects HOST:PORT, for example 127.0.0.1:8680");
        return false;
    }
    const QHostAddress address(host == QLatin1String("localhost") ? QStringLiteral("127.0.0.1") : host);
    if (address.isNull()) {
        *error = QStringLiteral("--listen: '%1' is not an IP address").arg(host);
        return false;
    }

    m_services.dataKey = loadDataKey(m_options.dataKeyFile, m_options.database.dataFolder(), error);
    if (m_services.dataKey.isEmpty())
        return false;

    const bool postgres = m_options.database.engine == DatabaseLocation::Engine::Postgres;
    const int workers = m_options.workers > 0 ? m_options.workers : (postgres ? 4 : 1);
    m_pool = std::make_unique<DbPool>(m_options.database, workers);
    try {
        m_pool->start();
        m_pool->runAndWait([](Db& db) { migrate(db); });
    } catch (const std::exception& e) {
        *error = QString::fromStdString(e.what());
        m_pool.reset();
        return false;
    }

    m_http = new HttpServer(m_router, *m_pool, m_services, this);
    m_http->setTimeouts({m_options.requestTimeoutMs, 120'000});
    m_http->onAnswered = [metrics = m_metrics.get()](const QString& route, int status) {
        metrics->countHttp(route, status);
    };
    const quint16 bound = m_http->listenOn(address, port, error);
    if (bound == 0) {
        *error = QStringLiteral("cannot listen on %1: %2").arg(m_options.listen, *error);
        return false;
    }
    const QString hostText = address.protocol() == QAbstractSocket::IPv6Protocol
                                 ? QStringLiteral("[%1]").arg(address.toString())
                                 : address.toString();
    m_url = QUrl(QStringLiteral("http://%1:%2").arg(hostText).arg(bound));

    m_services.config.publicUrl = m_options.publicUrl.isEmpty() ? m_url.toString() : m_options.publicUrl;
    while (m_services.config.publicUrl.endsWith(QLatin1Char('/')))
        m_services.config.publicUrl.chop(1);
    m_services.config.heartbeatSeconds = m_options.heartbeatSeconds;
    m_services.config.offlineAfterSeconds = m_options.offlineAfterSeconds;
    m_services.config.lostGraceSeconds = m_options.lostGraceSeconds;
    m_services.config.startedAt = m_clock.now();

    try {
        m_pool->runAndWait([this](Db& db) { m_keys = KeyRing::loadOrCreate(db, m_services.dataKey, m_clock.now()); });
    } catch (const std::exception& e) {
        *error = QString::fromStdString(e.what());
        return false;
    }
    m_services.keys = m_keys.get();
    m_tokens = std::make_unique<TokenService>(*m_keys, m_services.config);
    m_services.authenticator = m_tokens.get();
    m_services.tokens = m_tokens.get();

    // The agent hub: WebSocket /api/v1/agent, the scheduler and the run timers.
    m_hub = new AgentHub(*m_pool, m_services, this);
    m_hub->setTickInterval(m_options.hubTickMs);
    if (postgres) {
        // Other instances may share the database and hold machines' sockets: tell them, and act
        // on what they tell (docs/admin-guide.md, "Several instances").
        m_bus = new ClusterBus(m_options.database, m_hub->instanceId(), *m_pool, this);
        m_hub->setClusterBus(m_bus);
        m_bus->start();
    }
    m_services.engine = m_hub;
    m_services.onMachineSettingsChanged = [hub = m_hub](const QString& id) { hub->machineSettingsChanged(id); };
    m_http->upgradePaths = {QStringLiteral("/api/v1/agent")};
    m_http->authorizeUpgrade = [hub = m_hub](const QByteArray& authorization) {
        return hub->machineForAuthorization(authorization).has_value();
    };
    m_hub->attach(m_http);

    registerRoutes();
    qCInfo(lcServer) << "serving" << m_options.database.describe() << "at" << m_url.toString();
    return true;
}

void Orchestrator::registerRoutes() {
    m_router.add("GET", QStringLiteral("/healthz"), [](Context& ctx) {
        ctx.db.scalar(QStringLiteral("SELECT 1")); // answers only when the database does
        return HttpResponse::json(200, QJsonObject{{QStringLiteral("status"), QStringLiteral("ok")},
                                                   {QStringLiteral("version"), protocol::productVersion()}});
    });
    registerAuthRoutes(m_router);
    registerControlPlaneRoutes(m_router);
    registerHubRoutes(m_router, *m_hub);
    registerRunRoutes(m_router);
}

void Orchestrator::stop() {
    if (m_hub)
        m_hub->stop();
    if (m_bus)
        m_bus->stop();
    if (m_http) {
        for (QTcpServer* server : m_http->servers())
            server->close();
    }
    if (m_pool)
        m_pool->stop();
}

} // namespace mr::orch
