#include "orchestrator/store/Migrations.h"

#include <QDateTime>
#include <QStringList>

namespace mr::orch {

namespace {

// One schema for both engines. Ids are UUID text, times ISO 8601 UTC text (which sorts by
// time), booleans BOOLEAN (SQLite stores 0/1). `{AUTO}` is an auto-numbered primary key.
struct Migration {
    int number;
    const char* sql; // statements separated by ";\n"
};

const Migration kMigrations[] = {
    {1, R"SQL(
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    username_key TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT,
    is_admin BOOLEAN NOT NULL DEFAULT FALSE,
    deactivated BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TEXT NOT NULL
);
CREATE TABLE environments (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);
CREATE TABLE environment_members (
    environment_id TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id),
    roles TEXT NOT NULL,
    PRIMARY KEY (environment_id, user_id)
);
CREATE TABLE machine_groups (
    id TEXT PRIMARY KEY,
    environment_id TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    owner_id TEXT NOT NULL REFERENCES users(id),
    maintenance_mode BOOLEAN NOT NULL DEFAULT FALSE,
    reuse_sessions BOOLEAN NOT NULL DEFAULT FALSE,
    unattended_bots INTEGER NOT NULL DEFAULT 1,
    session_recommendations BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TEXT NOT NULL,
    UNIQUE (environment_id, name_key)
);
CREATE TABLE machines (
    id TEXT PRIMARY KEY,
    environment_id TEXT NOT NULL REFERENCES environments(id),
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    version TEXT NOT NULL DEFAULT '',
    os TEXT NOT NULL DEFAULT '',
    group_id TEXT REFERENCES machine_groups(id) ON DELETE SET NULL,
    owner_id TEXT NOT NULL REFERENCES users(id),
    public_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    key_created_at TEXT NOT NULL,
    key_rotation_requested BOOLEAN NOT NULL DEFAULT FALSE,
    maintenance_mode BOOLEAN NOT NULL DEFAULT FALSE,
    unattended_bots INTEGER NOT NULL DEFAULT 1,
    reuse_sessions BOOLEAN NOT NULL DEFAULT FALSE,
    session_recommendations BOOLEAN NOT NULL DEFAULT TRUE,
    running_count INTEGER NOT NULL DEFAULT 0,
    queued_count INTEGER NOT NULL DEFAULT 0,
    sessions TEXT NOT NULL DEFAULT '[]',
    online BOOLEAN NOT NULL DEFAULT FALSE,
    last_seen_at TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (environment_id, name_key)
);
CREATE INDEX machines_group ON machines (group_id);
CREATE TABLE machine_access (
    machine_id TEXT NOT NULL REFERENCES machines(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id),
    role TEXT NOT NULL,
    PRIMARY KEY (machine_id, user_id)
);
CREATE TABLE group_access (
    group_id TEXT NOT NULL REFERENCES machine_groups(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id),
    role TEXT NOT NULL,
    PRIMARY KEY (group_id, user_id)
);
CREATE TABLE personal_tokens (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    name TEXT NOT NULL DEFAULT '',
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);
CREATE TABLE auth_codes (
    code_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    client_id TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    code_challenge TEXT NOT NULL,
    scope TEXT NOT NULL DEFAULT '',
    expires_at TEXT NOT NULL,
    used BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    family_id TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id),
    client_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    spent BOOLEAN NOT NULL DEFAULT FALSE,
    revoked BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE TABLE signing_keys (
    id TEXT PRIMARY KEY,
    public_key TEXT NOT NULL,
    sealed_private_key TEXT NOT NULL,
    created_at TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE
);
CREATE TABLE used_assertions (
    jti_key TEXT PRIMARY KEY,
    machine_id TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE TABLE sign_in_failures (
    throttle_key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    window_start TEXT NOT NULL,
    locked_until TEXT
)
)SQL"},
    // Flows, connections, the run queue and what hangs off it (issue: runs).
    {2, R"SQL(
CREATE TABLE flows (
    id TEXT PRIMARY KEY,
    environment_id TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    version INTEGER NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    script TEXT NOT NULL,
    inputs TEXT NOT NULL DEFAULT '[]',
    outputs TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users(id),
    UNIQUE (environment_id, name_key, version)
);
CREATE TABLE connections (
    id TEXT PRIMARY KEY,
    environment_id TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    target_machine_id TEXT REFERENCES machines(id) ON DELETE CASCADE,
    target_group_id TEXT REFERENCES machine_groups(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    username TEXT,
    sealed_password TEXT,
    owner_id TEXT NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE INDEX connections_owner ON connections (owner_id);
CREATE TABLE runs (
    id TEXT PRIMARY KEY,
    environment_id TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    flow_id TEXT NOT NULL REFERENCES flows(id),
    flow_version INTEGER NOT NULL,
    connection_id TEXT REFERENCES connections(id) ON DELETE SET NULL,
    connection_owner_id TEXT NOT NULL,
    connection_kind TEXT NOT NULL,
    target_machine_id TEXT,
    target_group_id TEXT,
    machine_id TEXT,
    run_mode TEXT NOT NULL,
    priority INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    offered_at TEXT,
    offer_machine_id TEXT,
    error_code TEXT,
    error_message TEXT,
    error_line INTEGER,
    inputs TEXT NOT NULL DEFAULT '{}',
    outputs TEXT,
    queued_at TEXT NOT NULL,
    started_at TEXT,
    ended_at TEXT,
    timeout_at TEXT NOT NULL,
    triggered_by TEXT NOT NULL,
    schedule_id TEXT,
    last_event_seq INTEGER NOT NULL DEFAULT 0,
    result_received BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX runs_queue ON runs (status, priority, queued_at);
CREATE INDEX runs_env ON runs (environment_id, queued_at);
CREATE INDEX runs_machine ON runs (machine_id, status);
CREATE TABLE run_log (
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    at TEXT NOT NULL,
    level TEXT NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (run_id, seq)
);
CREATE TABLE run_triggers (
    connection_id TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX run_triggers_connection ON run_triggers (connection_id, at);
CREATE TABLE schedules (
    id TEXT PRIMARY KEY,
    environment_id TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    flow_id TEXT NOT NULL REFERENCES flows(id),
    connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    run_mode TEXT NOT NULL,
    cron TEXT NOT NULL,
    inputs TEXT NOT NULL DEFAULT '{}',
    owner_id TEXT NOT NULL REFERENCES users(id),
    next_fire_at TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE recommendations (
    id TEXT PRIMARY KEY,
    environment_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    machine_id TEXT NOT NULL REFERENCES machines(id) ON DELETE CASCADE,
    owner_id TEXT NOT NULL,
    run_ids TEXT NOT NULL DEFAULT '[]',
    users TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    resolved BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE TABLE agent_connections (
    machine_id TEXT PRIMARY KEY REFERENCES machines(id) ON DELETE CASCADE,
    instance_id TEXT NOT NULL,
    connected_at TEXT NOT NULL,
    protocol_version INTEGER NOT NULL
)
)SQL"},
};

} // namespace

int latestSchemaVersion() {
    return std::end(kMigrations)[-1].number;
}

void migrate(Db& db) {
    db.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS schema_migrations (number INTEGER PRIMARY KEY, "
                           "applied_at TEXT NOT NULL)"));
    db.transaction([&] {
        if (db.isPostgres())
            db.exec(QStringLiteral("SELECT pg_advisory_xact_lock(7305421)"));
        const int current = db.scalar(QStringLiteral("SELECT COALESCE(MAX(number), 0) FROM schema_migrations")).toInt();
        for (const Migration& m : kMigrations) {
            if (m.number <= current)
                continue;
            QString sql = QString::fromUtf8(m.sql);
            sql.replace(QLatin1String("{AUTO}"), db.isPostgres() ? QLatin1String("BIGSERIAL PRIMARY KEY")
                                                                 : QLatin1String("INTEGER PRIMARY KEY AUTOINCREMENT"));
            const QStringList statements = sql.split(QStringLiteral(";\n"), Qt::SkipEmptyParts);
            for (const QString& statement : statements) {
                if (!statement.trimmed().isEmpty())
                    db.exec(statement.trimmed());
            }
            db.exec(QStringLiteral("INSERT INTO schema_migrations (number, applied_at) VALUES (?, ?)"),
                    {QVariant(m.number), QVariant(QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs))});
            qCInfo(lcStore) << "applied schema migration" << m.number;
        }
    });
}

} // namespace mr::orch
