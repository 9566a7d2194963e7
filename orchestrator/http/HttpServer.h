#pragma once

#include "orchestrator/http/ConnectionGuard.h"
#include "orchestrator/http/Router.h"

#include <QAbstractHttpServer>
#include <QTcpServer>

#include <functional>

namespace mr::orch {

class DbPool;
struct Services;

/// The orchestrator's HTTP front: accepts sockets (each behind a ConnectionGuard), maps
/// requests to routes, runs handlers on the database workers and writes their answers back on
/// this thread. The event loop never waits on a handler.
class HttpServer final : public QAbstractHttpServer {
    Q_OBJECT
public:
    HttpServer(const Router& router, DbPool& pool, Services& services, QObject* parent = nullptr);

    /// Binds; returns the port (0 on failure with @p error set).
    quint16 listenOn(const QHostAddress& address, quint16 port, QString* error);
    void setTimeouts(ConnectionGuard::Timeouts timeouts) { m_timeouts = timeouts; }

    /// Called on the HTTP thread after each answer: route pattern (or "unmatched") and status.
    std::function<void(const QString& route, int status)> onAnswered;
    /// Upgrade requests (WebSocket) for these paths are left to QtHttpServer's WebSocket support
    /// when authorizeUpgrade accepts their Authorization header; anything else is answered before
    /// the upgrade (401, or 404 for other paths). QtHttpServer 6.4 upgrades a request only when
    /// handleRequest() returns true without writing and newWebSocketConnection is connected.
    QStringList upgradePaths;
    std::function<bool(const QByteArray& authorization)> authorizeUpgrade;

protected:
    bool handleRequest(const QHttpServerRequest& request, QTcpSocket* socket) override;
    void missingHandler(const QHttpServerRequest& request, QTcpSocket* socket) override;

private:
    class GuardedTcpServer;
    void answer(QPointer<ConnectionGuard> guard, quint64 number, const QString& route, const HttpResponse& response,
                bool close);

    const Router& m_router;
    DbPool& m_pool;
    Services& m_services;
    ConnectionGuard::Timeouts m_timeouts;
};

} // namespace mr::orch
