#pragma once

#include <QLoggingCategory>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QVariant>

#include <functional>
#include <optional>
#include <stdexcept>

Q_DECLARE_LOGGING_CATEGORY(lcStore)

namespace mr::orch {

/// Where the orchestrator keeps its data: an SQLite file (the embedded default) or PostgreSQL.
struct DatabaseLocation {
    enum class Engine { Sqlite, Postgres };
    Engine engine = Engine::Sqlite;
    QString file; ///< SQLite
    QString host, user, password, database;
    int port = 5432;

    /// Parses `--database`: a file path, or `postgresql://USER:PASS@HOST:PORT/DB`.
    static std::optional<DatabaseLocation> parse(const QString& text, QString* error);
    /// The default SQLite file in the user's data folder.
    static DatabaseLocation defaultLocation();
    /// The folder beside the database (SQLite) or the data folder (PostgreSQL), for the data key.
    QString dataFolder() const;
    QString describe() const; ///< for logs; never the password
};

/// A database failure; the HTTP layer turns it into a 500 without leaking the SQL.
class DbError : public std::runtime_error {
public:
    explicit DbError(const QString& what)
        : std::runtime_error(what.toStdString()) {}
};

/// One connection, used by one thread only. Queries use `?` placeholders on both engines.
class Db final {
public:
    Db(const DatabaseLocation& location, const QString& connectionName);
    ~Db();
    Db(const Db&) = delete;
    Db& operator=(const Db&) = delete;

    void open();
    bool isPostgres() const { return m_location.engine == DatabaseLocation::Engine::Postgres; }

    /// Runs one statement; throws DbError on failure. The returned query is positioned before
    /// the first row.
    QSqlQuery exec(const QString& sql, const QVariantList& binds = {});
    /// The first row's first column, or an invalid QVariant when there is no row.
    QVariant scalar(const QString& sql, const QVariantList& binds = {});
    /// Rows changed by an UPDATE/DELETE.
    int execAffected(const QString& sql, const QVariantList& binds = {});

    /// Runs @p work in one write transaction (BEGIN IMMEDIATE on SQLite, so writers never
    /// deadlock on lock upgrades); rolls back when it throws, and rethrows.
    void transaction(const std::function<void()>& work);
    bool inTransaction() const { return m_depth > 0; }

    /// True when @p e came from a unique-constraint violation.
    static bool isUniqueViolation(const DbError& e);

    QSqlDatabase& handle() { return m_db; }

private:
    DatabaseLocation m_location;
    QString m_name;
    QSqlDatabase m_db;
    int m_depth = 0;
};

} // namespace mr::orch
