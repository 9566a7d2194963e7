#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>

#include <array>
#include <mutex>

namespace mr::orch {

class Db;
class Router;

/// Counters and histograms for `GET /metrics` (Prometheus text format 0.0.4). Thread-safe: the
/// HTTP thread counts answers, the hub observes dispatch latencies, a database worker renders.
class Metrics final {
public:
    /// One answered request: the route pattern (or "unmatched") and the status.
    void countHttp(const QString& route, int status);
    /// Time from a run becoming dispatchable to its offer, in seconds.
    void observeDispatchLatency(double seconds);

    /// The whole exposition: the counters above plus gauges read from @p db (runs by status,
    /// queue depth, machines online).
    QByteArray render(Db& db) const;

    static constexpr std::array<double, 12> kLatencyBuckets{0.001, 0.0025, 0.005, 0.01, 0.02, 0.05,
                                                            0.1,   0.25,   0.5,   1,    2.5,  5};

private:
    mutable std::mutex m_mutex;
    QHash<QPair<QString, int>, quint64> m_http;
    std::array<quint64, kLatencyBuckets.size()> m_buckets{}; // non-cumulative counts per bucket
    quint64 m_latencyCount = 0;
    double m_latencySum = 0;
};

/// `GET /metrics`, for orchestrator administrators.
void registerMetricsRoute(Router& router);

} // namespace mr::orch
