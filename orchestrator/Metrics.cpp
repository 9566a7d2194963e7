#include "orchestrator/Metrics.h"

#include "orchestrator/Services.h"
#include "orchestrator/http/Router.h"

#include <QSqlQuery>

#include <algorithm>
#include <map>

namespace mr::orch {

namespace {

/// A label value with `\`, `"` and line breaks escaped.
QByteArray label(const QString& value) {
    QByteArray out = value.toUtf8();
    out.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
    return out;
}

QByteArray number(double v) {
    return QByteArray::number(v, 'g', 12);
}

} // namespace

void Metrics::countHttp(const QString& route, int status) {
    const std::lock_guard lock(m_mutex);
    ++m_http[qMakePair(route, status)];
}

void Metrics::observeDispatchLatency(double seconds) {
    const std::lock_guard lock(m_mutex);
    const auto it = std::lower_bound(kLatencyBuckets.begin(), kLatencyBuckets.end(), seconds);
    if (it != kLatencyBuckets.end())
        ++m_buckets[size_t(it - kLatencyBuckets.begin())];
    ++m_latencyCount;
    m_latencySum += seconds;
}

QByteArray Metrics::render(Db& db) const {
    // Read the database first, outside the lock.
    std::map<QString, qint64> runs{{QStringLiteral("Queued"), 0},     {QStringLiteral("Running"), 0},
                                   {QStringLiteral("Cancelling"), 0}, {QStringLiteral("Succeeded"), 0},
                                   {QStringLiteral("Failed"), 0},     {QStringLiteral("Cancelled"), 0}};
    QSqlQuery q = db.exec(QStringLiteral("SELECT status, COUNT(*) FROM runs GROUP BY status"));
    while (q.next()) {
        const QString status = q.value(0).toString();
        runs[status == QLatin1String("Offered") ? QStringLiteral("Queued") : status] += q.value(1).toLongLong();
    }
    const qint64 online =
        db.scalar(QStringLiteral("SELECT COUNT(*) FROM machines WHERE online = ?"), {true}).toLongLong();

    QByteArray out;
    out += "# HELP mr_http_requests_total HTTP requests answered, by route pattern and status.\n"
           "# TYPE mr_http_requests_total counter\n";
    {
        const std::lock_guard lock(m_mutex);
        QList<QPair<QString, int>> keys = m_http.keys();
        std::sort(keys.begin(), keys.end());
        for (const auto& key : keys)
            out += "mr_http_requests_total{route=\"" + label(key.first) + "\",status=\"" +
                   QByteArray::number(key.second) + "\"} " + QByteArray::number(m_http.value(key)) + '\n';
        out += "# HELP mr_dispatch_latency_seconds Time from a run becoming dispatchable to its offer.\n"
               "# TYPE mr_dispatch_latency_seconds histogram\n";
        quint64 cumulative = 0;
        for (size_t i = 0; i < kLatencyBuckets.size(); ++i) {
            cumulative += m_buckets[i];
            out += "mr_dispatch_latency_seconds_bucket{le=\"" + number(kLatencyBuckets[i]) + "\"} " +
                   QByteArray::number(cumulative) + '\n';
        }
        out += "mr_dispatch_latency_seconds_bucket{le=\"+Inf\"} " + QByteArray::number(m_latencyCount) + '\n';
        out += "mr_dispatch_latency_seconds_sum " + number(m_latencySum) + '\n';
        out += "mr_dispatch_latency_seconds_count " + QByteArray::number(m_latencyCount) + '\n';
    }
    out += "# HELP mr_runs Runs by status (Offered counts as Queued).\n# TYPE mr_runs gauge\n";
    for (const auto& [status, count] : runs)
        out += "mr_runs{status=\"" + label(status) + "\"} " + QByteArray::number(count) + '\n';
    out += "# HELP mr_queue_depth Runs waiting for a machine.\n# TYPE mr_queue_depth gauge\n";
    out += "mr_queue_depth " + QByteArray::number(runs[QStringLiteral("Queued")]) + '\n';
    out += "# HELP mr_machines_online Machines connected now.\n# TYPE mr_machines_online gauge\n";
    out += "mr_machines_online " + QByteArray::number(online) + '\n';
    return out;
}

void registerMetricsRoute(Router& router) {
    router.add("GET", QStringLiteral("/metrics"), [](Context& ctx) {
        const Principal& user = ctx.user(); // 401 without a token
        if (!user.isAdmin)
            throw ApiError::forbidden(QStringLiteral("OrchestratorAdmin"),
                                      QStringLiteral("The metrics are for orchestrator administrators."));
        if (!ctx.services.metrics)
            throw ApiError::notFound(QStringLiteral("The metrics"));
        return HttpResponse::text(200, ctx.services.metrics->render(ctx.db), "text/plain; version=0.0.4");
    });
}

} // namespace mr::orch
