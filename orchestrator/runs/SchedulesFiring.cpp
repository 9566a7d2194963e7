#include "orchestrator/runs/SchedulesFiring.h"

#include "orchestrator/Clock.h"
#include "orchestrator/api/Runs.h"
#include "orchestrator/auth/Principal.h"
#include "orchestrator/runs/Cron.h"
#include "orchestrator/store/Database.h"
#include "protocol/Json.h"

#include <QJsonDocument>
#include <QLoggingCategory>
#include <QSqlQuery>

Q_LOGGING_CATEGORY(lcSchedules, "mr.orchestrator.schedules")

namespace mr::orch {

namespace {

struct Due {
    QString id, environmentId, flowId, connectionId, runMode, cron, inputs, ownerId, slot;
};

/// A far-away time for a schedule that will never match again (kept so it can be seen and deleted).
const QString kNever = QStringLiteral("9999-12-31T23:59:59.999Z");

} // namespace

int fireDueSchedules(Db& db, const QDateTime& now) {
    QList<Due> due;
    {
        QSqlQuery q =
            db.exec(QStringLiteral("SELECT id, environment_id, flow_id, connection_id, run_mode, cron, inputs, "
                                   "owner_id, next_fire_at FROM schedules WHERE next_fire_at <= ? "
                                   "ORDER BY next_fire_at LIMIT 100"),
                    {isoUtc(now)});
        while (q.next())
            due.append({q.value(0).toString(), q.value(1).toString(), q.value(2).toString(), q.value(3).toString(),
                        q.value(4).toString(), q.value(5).toString(), q.value(6).toString(), q.value(7).toString(),
                        q.value(8).toString()});
    }
    int started = 0;
    for (const Due& d : due) {
        const std::optional<CronExpression> cron = CronExpression::parse(d.cron);
        const auto slot = protocol::fromIsoUtc(d.slot);
        // Count the slots missed since this one (for the log), then aim at the first after now.
        int missed = 0;
        if (cron && slot) {
            for (auto t = cron->nextAfter(*slot); t && *t <= now && missed < 10000; t = cron->nextAfter(*t))
                ++missed;
        }
        const std::optional<QDateTime> next = cron ? cron->nextAfter(now) : std::nullopt;
        try {
            db.transaction([&] {
                if (db.execAffected(QStringLiteral("UPDATE schedules SET next_fire_at = ? WHERE id = ? AND "
                                                   "next_fire_at = ?"),
                                    {next ? isoUtc(*next) : kNever, d.id, d.slot}) != 1)
                    return; // another instance (or an earlier call) fired this slot
                if (missed > 0)
                    qCWarning(lcSchedules).nospace()
                        << "schedule " << d.id << ": " << missed + 1 << " slots since " << d.slot
                        << " were missed while no orchestrator ran; starting one run for them";
                Principal owner;
                QSqlQuery u = db.exec(
                    QStringLiteral("SELECT id, username, is_admin, deactivated FROM users WHERE id = ?"), {d.ownerId});
                if (!u.next() || u.value(3).toBool()) {
                    qCWarning(lcSchedules) << "schedule" << d.id << "skipped: its owner is deactivated";
                    return;
                }
                owner.userId = u.value(0).toString();
                owner.username = u.value(1).toString();
                owner.isAdmin = u.value(2).toBool();
                TriggerRequest request;
                request.environmentId = d.environmentId;
                request.flowId = d.flowId;
                request.connectionId = d.connectionId;
                request.runMode =
                    protocol::parseEnum<protocol::RunMode>(d.runMode).value_or(protocol::RunMode::Attended);
                request.inputs = QJsonDocument::fromJson(d.inputs.toUtf8()).object();
                try {
                    const QString runId = createRun(db, owner, request, now, QStringLiteral("schedule:") + d.id, d.id);
                    if (!runId.isEmpty())
                        ++started;
                } catch (const ApiError& e) {
                    // The slot is used up either way: the next one may work again.
                    qCWarning(lcSchedules).nospace() << "schedule " << d.id << " did not start a run for " << d.slot
                                                     << ": " << e.code() << " " << e.message();
                }
            });
        } catch (const DbError& e) {
            qCWarning(lcSchedules) << "schedule" << d.id << "could not fire:" << e.what();
        }
    }
    return started;
}

} // namespace mr::orch
