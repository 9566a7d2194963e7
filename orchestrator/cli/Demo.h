#pragma once

#include "orchestrator/store/Database.h"

#include <QDateTime>
#include <QTextStream>

namespace mr::orch {

/// The demo data of `orchestrator demo` and `scripts/run`: the environment "Demo" with an
/// administrator, a maker, a plain user, a group and sample flows. Idempotent: what exists is kept.
void createDemo(Db& db, const QDateTime& now, QTextStream& out);

} // namespace mr::orch
