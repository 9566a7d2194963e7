#pragma once

#include "orchestrator/store/Database.h"

namespace mr::orch {

/// Brings the schema up to date: numbered migrations, each applied once, in one transaction,
/// recorded in `schema_migrations`. Safe when several processes start at once (a PostgreSQL
/// advisory lock; SQLite's write lock).
void migrate(Db& db);

/// The newest migration number this build knows.
int latestSchemaVersion();

} // namespace mr::orch
