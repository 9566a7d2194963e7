#pragma once

#include <QDateTime>

namespace mr::orch {

class Db;

/// Starts the runs of every schedule that is due at @p now, and returns how many it started.
/// The run engine calls it from its timer (every second) on a database worker, and wakes its
/// dispatcher when the answer is above 0.
///
/// Each schedule is fired in its own transaction that first moves `next_fire_at` from the slot
/// it read to the next slot after @p now, conditionally (`… WHERE next_fire_at = <slot>`): only
/// the instance (or call) whose update wins creates the run, so a slot never fires twice, even
/// with several orchestrators on one PostgreSQL. Slots missed while no orchestrator ran are fired
/// once when it comes back (several missed slots of one schedule collapse into one run, logged).
/// A slot whose run is refused (the owner lost the run right, ModeConflict, rate) is skipped
/// with a warning in the log.
int fireDueSchedules(Db& db, const QDateTime& now);

} // namespace mr::orch
