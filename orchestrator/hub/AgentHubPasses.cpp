// The agent hub's passes: the dispatch pass that offers queued runs to the machines connected
// here, and the timer pass (offer and queue timeouts, silence, lost runs, schedules).
#include "orchestrator/hub/AgentHub.h"

#include "orchestrator/Services.h"
#include "orchestrator/api/Connections.h"
#include "orchestrator/hub/AgentHubJobs.h"
#include "orchestrator/hub/ClusterBus.h"
#include "orchestrator/store/DbPool.h"

#if __has_include("orchestrator/Metrics.h")
#include "orchestrator/Metrics.h"
#define MR_HAVE_METRICS 1
#endif
#if __has_include("orchestrator/runs/SchedulesFiring.h")
#include "orchestrator/runs/SchedulesFiring.h"
#define MR_HAVE_SCHEDULES 1
#endif

namespace mr::orch {

using namespace protocol;

void AgentHub::wake() {
    wakeLocal();
    if (m_bus)
        m_bus->publishWake(); // a run queued here may be for a machine connected elsewhere
}

void AgentHub::wakeLocal() {
    if (m_wakePosted.exchange(true))
        return; // a pass is asked for already
    QMetaObject::invokeMethod(
        this,
        [this] {
            m_wakePosted = false;
            runDispatch();
        },
        Qt::QueuedConnection);
}

void AgentHub::runDispatch() {
    if (m_stopped)
        return;
    if (m_dispatchRunning) {
        m_dispatchAgain = true;
        return;
    }
    QSet<QString> connected;
    for (const Link& l : std::as_const(m_links)) {
        if (l.welcomed)
            connected.insert(l.machineId);
    }
    if (connected.isEmpty())
        return;
    m_dispatchRunning = true;
    const QDateTime now = m_services.clock->now();
    const QByteArray dataKey = m_services.dataKey;
    auto finished = [this] {
        m_dispatchRunning = false;
        if (std::exchange(m_dispatchAgain, false))
            runDispatch();
    };
    submitThen<QList<runs::Offer>>(
        [connected, now, dataKey](Db& db) {
            return runs::dispatchPass(db, now, connected, [dataKey](const QString& sealed) -> std::optional<QString> {
                return openConnectionPassword(dataKey, sealed);
            });
        },
        [this, finished](QList<runs::Offer> offers) {
            for (runs::Offer& o : offers) {
                const double latency = double(o.queuedAt.msecsTo(m_services.clock->now())) / 1000.0;
                auto link = m_links.find(o.machineId);
                if (link == m_links.end() || !link->welcomed)
                    continue; // it left meanwhile; the offer times out and the run is queued again
                OfferedConnection& connection = o.offer.connection;
                const std::optional<QString> password = std::exchange(connection.password, std::nullopt);
                if (password && !putPassword(*link, *password, &connection.password, &connection.sealedPassword)) {
                    // A key rotation began after the run was claimed: the offer times out and the
                    // run is queued again, offered once the new key is known.
                    qCInfo(lcHub) << "run" << o.offer.runId << "not offered to machine" << o.machineId
                                  << "now: its password cannot be sealed to the machine's key yet";
                    continue;
                }
                send(*link, std::move(o.offer));
#ifdef MR_HAVE_METRICS
                if (m_services.metrics)
                    m_services.metrics->observeDispatchLatency(latency);
#else
                Q_UNUSED(latency);
#endif
            }
            finished();
        },
        finished);
}

void AgentHub::runTimerPass() {
    if (m_stopped || m_timerPassRunning)
        return;
    m_timerPassRunning = true;
    const QDateTime now = m_services.clock->now();
    const ServerConfig config = m_services.config;
    submitThen<runs::TimerOutcome>(
        [now, config](Db& db) {
            int fired = 0;
#ifdef MR_HAVE_SCHEDULES
            try {
                fired = fireDueSchedules(db, now);
            } catch (const std::exception& e) {
                qCWarning(lcHub) << "firing schedules failed:" << e.what();
            }
#else
        // Hook: schedules (runs/SchedulesFiring.h) fire here once they exist.
#endif
            runs::TimerOutcome out = runs::timerPass(db, now, config);
            out.changes += fired;
            out.firedSchedules = fired;
            return out;
        },
        [this](runs::TimerOutcome out) {
            m_timerPassRunning = false;
            for (const QString& id : std::as_const(out.offlineMachines)) {
                // Silent past the limit while its socket is open here: the connection is dead.
                // (Looked up each time: closing one may remove it from m_links.)
                if (auto it = m_links.find(id); it != m_links.end())
                    closeLink(*it, QStringLiteral("No heartbeat for too long."));
            }
            // Every tick, not only after changes: on PostgreSQL a dispatch pass skips runs that
            // another transaction holds locked (SKIP LOCKED), and nothing else would retry them.
            wakeLocal();
            if (out.firedSchedules > 0 && m_bus)
                m_bus->publishWake(); // a scheduled run may be for a machine connected elsewhere
        },
        [this] { m_timerPassRunning = false; });
}

} // namespace mr::orch
