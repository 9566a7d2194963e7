#include "orchestrator/http/Router.h"

#include "orchestrator/Services.h"

namespace mr::orch {

Context::Context(const HttpRequest& request, Db& db, Services& services)
    : request(request)
    , db(db)
    , services(services) {}

QDateTime Context::now() const {
    return services.clock->now();
}

void Context::resolve() {
    if (m_resolved)
        return;
    m_resolved = true;
    if (services.authenticator)
        m_principal = services.authenticator->authenticate(db, request, now());
}

const Principal& Context::user() {
    resolve();
    if (!m_principal || m_principal->kind != Principal::Kind::User)
        throw ApiError::unauthenticated();
    return *m_principal;
}

const Principal& Context::machine() {
    resolve();
    if (!m_principal || m_principal->kind != Principal::Kind::Machine)
        throw ApiError::unauthenticated(QStringLiteral("This needs a machine token."));
    return *m_principal;
}

std::optional<Principal> Context::principal() {
    resolve();
    return m_principal;
}

void Router::add(const QByteArray& method, const QString& pattern, Handler handler, BodyLimit limit) {
    if (limit.bytes <= 0)
        limit = {kDefaultBodyLimit, QStringLiteral("PayloadTooLarge")};
    m_routes.push_back(
        {method, pattern, pattern.split(QLatin1Char('/'), Qt::SkipEmptyParts), std::move(handler), {}, limit});
}

void Router::addAsync(const QByteArray& method, const QString& pattern, AsyncHandler handler, BodyLimit limit) {
    if (limit.bytes <= 0)
        limit = {kDefaultBodyLimit, QStringLiteral("PayloadTooLarge")};
    m_routes.push_back(
        {method, pattern, pattern.split(QLatin1Char('/'), Qt::SkipEmptyParts), {}, std::move(handler), limit});
}

static bool matchSegments(const QStringList& pattern, const QStringList& path, QHash<QString, QString>* params) {
    if (pattern.size() != path.size())
        return false;
    for (qsizetype i = 0; i < pattern.size(); ++i) {
        const QString& p = pattern.at(i);
        if (p.startsWith(QLatin1Char('{')) && p.endsWith(QLatin1Char('}'))) {
            if (params)
                params->insert(p.mid(1, p.size() - 2), path.at(i));
        } else if (p != path.at(i)) {
            return false;
        }
    }
    return true;
}

Router::Match Router::match(const QByteArray& method, const QString& path) const {
    Match m;
    m.status = 404;
    const QStringList segments = path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    for (const Route& r : m_routes) {
        QHash<QString, QString> params;
        if (!matchSegments(r.segments, segments, &params))
            continue;
        if (r.method != method && !(method == "HEAD" && r.method == "GET")) {
            m.status = 405;
            continue;
        }
        m.handler = r.handler ? &r.handler : nullptr;
        m.asyncHandler = r.asyncHandler ? &r.asyncHandler : nullptr;
        m.params = std::move(params);
        m.pattern = r.pattern;
        m.status = 200;
        return m;
    }
    return m;
}

Router::BodyLimit Router::bodyLimit(const QByteArray& method, const QString& path) const {
    const QStringList segments = path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    for (const Route& r : m_routes) {
        if (r.method == method && matchSegments(r.segments, segments, nullptr))
            return r.limit;
    }
    return {kDefaultBodyLimit, QStringLiteral("PayloadTooLarge")};
}

} // namespace mr::orch
