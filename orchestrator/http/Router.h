#pragma once

#include "orchestrator/Clock.h"
#include "orchestrator/auth/Principal.h"
#include "orchestrator/http/Http.h"
#include "orchestrator/store/Database.h"

#include <functional>
#include <optional>
#include <vector>

namespace mr::orch {

struct Services;

/// What a handler gets: the request, its worker thread's database connection, and the
/// server's shared services. Lives on a database worker thread for one request.
class Context final {
public:
    Context(const HttpRequest& request, Db& db, Services& services);

    const HttpRequest& request;
    Db& db;
    Services& services;

    QDateTime now() const;
    /// The calling user, or throws ApiError Unauthenticated (401).
    const Principal& user();
    /// The calling machine, or throws ApiError Unauthenticated (401).
    const Principal& machine();
    /// Whoever calls, when the route accepts both.
    std::optional<Principal> principal();

private:
    void resolve();
    bool m_resolved = false;
    std::optional<Principal> m_principal;
};

/// Route table: method + path pattern (`/api/v1/machines/{id}`) → handler, with the body limit
/// the connection guard enforces before the body is buffered.
class Router final {
public:
    using Handler = std::function<HttpResponse(Context&)>;
    /// Answers once, from any thread (posts to the HTTP thread).
    using Responder = std::function<void(const HttpResponse&)>;
    /// A handler that answers later, e.g. after a machine replied over the agent hub. It runs on
    /// a database worker like any other; it must call the responder exactly once, or throw.
    using AsyncHandler = std::function<void(Context&, Responder)>;

    struct BodyLimit {
        qint64 bytes;
        QString errorCode; ///< answered with 413 when exceeded
    };

    void add(const QByteArray& method, const QString& pattern, Handler handler, BodyLimit limit = {});
    void addAsync(const QByteArray& method, const QString& pattern, AsyncHandler handler, BodyLimit limit = {});

    struct Match {
        const Handler* handler = nullptr;
        const AsyncHandler* asyncHandler = nullptr;
        QHash<QString, QString> params;
        QString pattern;
        int status = 200; ///< 404 no such path, 405 path exists with another method
    };
    Match match(const QByteArray& method, const QString& path) const;

    /// The body limit for a request line, known before the body arrives.
    BodyLimit bodyLimit(const QByteArray& method, const QString& path) const;

    static constexpr qint64 kDefaultBodyLimit = 1024 * 1024;

private:
    struct Route {
        QByteArray method;
        QString pattern;
        QStringList segments;
        Handler handler;
        AsyncHandler asyncHandler;
        BodyLimit limit;
    };
    std::vector<Route> m_routes;
};

} // namespace mr::orch
