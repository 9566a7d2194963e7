#include "orchestrator/http/HttpServer.h"

#include "orchestrator/Services.h"
#include "orchestrator/store/DbPool.h"

#include <QHttpServerRequest>
#include <QLoggingCategory>
#include <QMetaObject>
#include <QTcpSocket>

#include <atomic>

Q_DECLARE_LOGGING_CATEGORY(lcHttp)

namespace mr::orch {

namespace {
/// Socket property: an upgrade request was answered already.
constexpr const char* kUpgradeRefused = "mrUpgradeRefused";
} // namespace

/// Creates each accepted socket itself, so its guard's readyRead slot is connected before
/// QtHttpServer's.
class HttpServer::GuardedTcpServer final : public QTcpServer {
public:
    GuardedTcpServer(const Router& router, const ConnectionGuard::Timeouts& timeouts, QObject* parent)
        : QTcpServer(parent)
        , m_router(router)
        , m_timeouts(timeouts) {}

    /// Connects the "after" half of each new guard; runs after QtHttpServer took the sockets.
    void wireAfterServer() {
        for (const QPointer<ConnectionGuard>& guard : std::as_const(m_unwired)) {
            if (guard)
                connect(qobject_cast<QTcpSocket*>(guard->parent()), &QTcpSocket::readyRead, guard.data(),
                        &ConnectionGuard::afterServerRead);
        }
        m_unwired.clear();
    }

protected:
    void incomingConnection(qintptr descriptor) override {
        auto* socket = new QTcpSocket(this);
        if (!socket->setSocketDescriptor(descriptor)) {
            delete socket;
            return;
        }
        // Small answers (acks, offers) go out at once instead of waiting behind the client's
        // delayed ACK (Nagle): that wait cost every run ~40 ms.
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        auto* guard = new ConnectionGuard(socket, m_router, m_timeouts);
        connect(socket, &QTcpSocket::readyRead, guard, &ConnectionGuard::beforeServerRead);
        m_unwired.append(guard);
        addPendingConnection(socket);
    }

private:
    const Router& m_router;
    const ConnectionGuard::Timeouts& m_timeouts;
    QList<QPointer<ConnectionGuard>> m_unwired;
};

HttpServer::HttpServer(const Router& router, DbPool& pool, Services& services, QObject* parent)
    : QAbstractHttpServer(parent)
    , m_router(router)
    , m_pool(pool)
    , m_services(services) {}

quint16 HttpServer::listenOn(const QHostAddress& address, quint16 port, QString* error) {
    auto* tcp = new GuardedTcpServer(m_router, m_timeouts, this);
    if (!tcp->listen(address, port)) {
        if (error)
            *error = tcp->errorString();
        delete tcp;
        return 0;
    }
    bind(tcp);
    // Connected after bind(): runs after QtHttpServer has taken the new sockets.
    connect(tcp, &QTcpServer::newConnection, tcp, [tcp] { tcp->wireAfterServer(); });
    return tcp->serverPort();
}

static QByteArray methodName(QHttpServerRequest::Method m) {
    switch (m) {
    case QHttpServerRequest::Method::Get:
        return "GET";
    case QHttpServerRequest::Method::Put:
        return "PUT";
    case QHttpServerRequest::Method::Delete:
        return "DELETE";
    case QHttpServerRequest::Method::Post:
        return "POST";
    case QHttpServerRequest::Method::Head:
        return "HEAD";
    case QHttpServerRequest::Method::Options:
        return "OPTIONS";
    case QHttpServerRequest::Method::Patch:
        return "PATCH";
    default:
        return "UNKNOWN";
    }
}

bool HttpServer::handleRequest(const QHttpServerRequest& request, QTcpSocket* socket) {
    auto* guard = socket->findChild<ConnectionGuard*>(QString(), Qt::FindDirectChildrenOnly);
    if (!guard || guard->rejected())
        return true; // the guard answered already
    const QString path = request.url().path(QUrl::FullyDecoded);
    if (request.value("upgrade").compare("websocket", Qt::CaseInsensitive) == 0) {
        const bool known = upgradePaths.contains(path);
        if (known && authorizeUpgrade && authorizeUpgrade(request.value("authorization")))
            return true; // QtHttpServer upgrades it now
        // Refused before the upgrade; returning false makes QtHttpServer drop the socket after
        // missingHandler(), which leaves our answer alone.
        HttpResponse r = known ? HttpResponse::error(QStringLiteral("Unauthenticated"),
                                                     QStringLiteral("An agent connects with a machine token."))
                               : HttpResponse::error(QStringLiteral("NotFound"),
                                                     QStringLiteral("There is nothing at %1.").arg(path));
        r.status = known ? 401 : 404;
        socket->setProperty(kUpgradeRefused, true);
        answer(guard, guard->beginRequest(), known ? path : QStringLiteral("unmatched"), r, true);
        return false;
    }

    auto req = std::make_shared<HttpRequest>();
    req->method = methodName(request.method());
    req->path = path;
    req->query = request.query();
    for (const auto& [name, value] : request.headers())
        req->headers.insert(name.toLower(), value);
    req->body = request.body();
    req->peer = request.remoteAddress();
    const bool close = req->header("connection").toLower().contains("close");

    const quint64 number = guard->beginRequest();
    Router::Match match = m_router.match(req->method, path);
    QPointer<ConnectionGuard> weakGuard(guard);
    if (!match.handler && !match.asyncHandler) {
        HttpResponse r = HttpResponse::error(
            QStringLiteral("NotFound"),
            match.status == 405 ? QStringLiteral("This path does not take %1.").arg(QString::fromLatin1(req->method))
                                : QStringLiteral("There is nothing at %1.").arg(path));
        r.status = match.status;
        answer(weakGuard, number, QStringLiteral("unmatched"), r, close);
        return true;
    }
    req->params = std::move(match.params);
    if (const std::optional<QString> field = req->nulField()) {
        HttpResponse r = ApiError::badRequest(*field == QLatin1String("body") ? QString() : *field,
                                              QStringLiteral("Text must not contain the NUL character (U+0000)."))
                             .toResponse();
        answer(weakGuard, number, match.pattern, r, close);
        return true;
    }
    const Router::Handler* handler = match.handler;
    const Router::AsyncHandler* asyncHandler = match.asyncHandler;
    const QString pattern = match.pattern;
    // Answers once, from whatever thread the handler finishes on.
    auto respond = [this, req, pattern, weakGuard, number, close](HttpResponse response) {
        if (req->method == "HEAD")
            response.body.clear();
        QMetaObject::invokeMethod(
            this,
            [this, weakGuard, number, pattern, response, close] {
                answer(weakGuard, number, pattern, response, close);
            },
            Qt::QueuedConnection);
    };
    m_pool.submit([this, req, handler, asyncHandler, pattern, respond](Db& db) {
        // Exactly one answer, even when an async handler answers and then throws.
        auto once = std::make_shared<std::atomic_bool>(false);
        auto respondOnce = [respond, once](const HttpResponse& r) {
            if (!once->exchange(true))
                respond(r);
        };
        try {
            Context context(*req, db, m_services);
            if (asyncHandler) {
                (*asyncHandler)(context, respondOnce);
                return;
            }
            respondOnce((*handler)(context));
        } catch (const ApiError& e) {
            respondOnce(e.toResponse());
        } catch (const std::exception& e) {
            qCWarning(lcHttp) << "request" << req->method << pattern << "failed:" << e.what();
            respondOnce(HttpResponse::error(QStringLiteral("InternalError"),
                                            QStringLiteral("The server could not complete the request.")));
        }
    });
    return true;
}

void HttpServer::answer(QPointer<ConnectionGuard> guard, quint64 number, const QString& route,
                        const HttpResponse& response, bool close) {
    if (onAnswered)
        onAnswered(route, response.status);
    if (guard)
        guard->deliver(number, ConnectionGuard::serialize(response, close), close);
}

void HttpServer::missingHandler(const QHttpServerRequest& request, QTcpSocket* socket) {
    // Only reached for an upgrade we declined; answer plainly.
    Q_UNUSED(request);
    if (socket->property(kUpgradeRefused).toBool())
        return; // answered in handleRequest()
    auto* guard = socket->findChild<ConnectionGuard*>(QString(), Qt::FindDirectChildrenOnly);
    if (guard) {
        HttpResponse r = HttpResponse::error(QStringLiteral("NotFound"), QStringLiteral("There is nothing here."));
        guard->deliver(guard->beginRequest(), ConnectionGuard::serialize(r, true), true);
    }
}

} // namespace mr::orch
