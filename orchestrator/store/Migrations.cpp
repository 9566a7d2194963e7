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
