#include "orchestrator/store/Database.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QSqlError>
#include <QStandardPaths>
#include <QThread>
#include <QUrl>

Q_LOGGING_CATEGORY(lcStore, "mr.orchestrator.store")

namespace mr::orch {

std::optional<DatabaseLocation> DatabaseLocation::parse(const QString& text, QString* error) {
    DatabaseLocation loc;
    if (text.startsWith(QLatin1String("postgresql://")) || text.startsWith(QLatin1String("postgres://"))) {
        const QUrl url(text, QUrl::StrictMode);
        if (!url.isValid() || url.host().isEmpty() || url.path().size() < 2) {
            if (error)
                *error = QStringLiteral("expected postgresql://USER:PASS@HOST:PORT/DB");
            return std::nullopt;
        }
        loc.engine = Engine::Postgres;
        loc.host = url.host();
        loc.port = url.port(5432);
        loc.user = url.userName(QUrl::FullyDecoded);
        loc.password = url.password(QUrl::FullyDecoded);
        loc.database = url.path().mid(1);
        return loc;
    }
    if (text.isEmpty()) {
        if (error)
            *error = QStringLiteral("the database may not be empty");
        return std::nullopt;
    }
    loc.file = QFileInfo(text).absoluteFilePath();
    return loc;
}

DatabaseLocation DatabaseLocation::defaultLocation() {
    DatabaseLocation loc;
    const QString base = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    loc.file = base + QStringLiteral("/machine-runtime/orchestrator.db");
    return loc;
}

QString DatabaseLocation::dataFolder() const {
    if (engine == Engine::Sqlite)
        return QFileInfo(file).absolutePath();
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/machine-runtime");
}

QString DatabaseLocation::describe() const {
    if (engine == Engine::Sqlite)
        return QStringLiteral("SQLite ") + file;
    return QStringLiteral("PostgreSQL %1@%2:%3/%4").arg(user, host).arg(port).arg(database);
}

Db::Db(const DatabaseLocation& location, const QString& connectionName)
    : m_location(location)
    , m_name(connectionName) {}

Db::~Db() {
    if (m_db.isValid()) {
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_name);
    }
}

void Db::open() {
    if (isPostgres()) {
        m_db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), m_name);
        m_db.setHostName(m_location.host);
        m_db.setPort(m_location.port);
        m_db.setUserName(m_location.user);
        m_db.setPassword(m_location.password);
        m_db.setDatabaseName(m_location.database);
        m_db.setConnectOptions(QStringLiteral("connect_timeout=10"));
    } else {
        QDir().mkpath(QFileInfo(m_location.file).absolutePath());
        m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
        m_db.setDatabaseName(m_location.file);
        m_db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000"));
    }
    if (!m_db.open())
        throw DbError(QStringLiteral("cannot open %1: %2").arg(m_location.describe(), m_db.lastError().text()));
    if (isPostgres()) {
        exec(QStringLiteral("SET client_min_messages = warning")); // no NOTICE chatter on stderr
        // Short OLTP statements only: JIT compiling them costs more than it ever saves (measured:
        // 12 ms of a 31 ms statement).
        exec(QStringLiteral("SET jit = off"));
    }
    if (!isPostgres()) {
        exec(QStringLiteral("PRAGMA journal_mode=WAL"));
        exec(QStringLiteral("PRAGMA synchronous=NORMAL"));
        exec(QStringLiteral("PRAGMA foreign_keys=ON"));
        QFile::setPermissions(m_location.file, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    }
}

namespace {
/// MR_SLOW_QUERY_MS=N logs every statement slower than N ms (for operators and benchmarks).
const int kSlowQueryMs = qEnvironmentVariableIntValue("MR_SLOW_QUERY_MS");

struct SlowQueryLog {
    const QString& sql;
    QElapsedTimer timer;
    explicit SlowQueryLog(const QString& s)
        : sql(s) {
        if (kSlowQueryMs > 0)
            timer.start();
    }
    ~SlowQueryLog() {
        if (kSlowQueryMs > 0 && timer.elapsed() >= kSlowQueryMs)
            qCWarning(lcStore).noquote() << "slow statement:" << timer.elapsed() << "ms" << sql.left(300);
    }
};
} // namespace

QSqlQuery Db::exec(const QString& sql, const QVariantList& binds) {
    const SlowQueryLog slow(sql);
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    if (binds.isEmpty()) { // PostgreSQL cannot prepare DDL; a plain statement needs no preparing
        if (!q.exec(sql))
            throw DbError(QStringLiteral("query failed: %1 [%2]").arg(q.lastError().text(), sql.left(200)));
        return q;
    }
    if (!q.prepare(sql))
        throw DbError(QStringLiteral("prepare failed: %1 [%2]").arg(q.lastError().text(), sql.left(200)));
    for (const QVariant& v : binds)
        q.addBindValue(v);
    if (!q.exec())
        throw DbError(QStringLiteral("query failed: %1 [%2]").arg(q.lastError().text(), sql.left(200)));
    return q;
}

QVariant Db::scalar(const QString& sql, const QVariantList& binds) {
    QSqlQuery q = exec(sql, binds);
    return q.next() ? q.value(0) : QVariant();
}

int Db::execAffected(const QString& sql, const QVariantList& binds) {
    return exec(sql, binds).numRowsAffected();
}

void Db::transaction(const std::function<void()>& work) {
    if (m_depth > 0) { // nested: part of the outer transaction
        work();
        return;
    }
    QSqlQuery begin(m_db);
    if (!begin.exec(isPostgres() ? QStringLiteral("BEGIN") : QStringLiteral("BEGIN IMMEDIATE")))
        throw DbError(QStringLiteral("begin failed: %1").arg(begin.lastError().text()));
    ++m_depth;
    try {
        work();
    } catch (...) {
        --m_depth;
        QSqlQuery rollback(m_db);
        rollback.exec(QStringLiteral("ROLLBACK"));
        throw;
    }
    --m_depth;
    QSqlQuery commit(m_db);
    if (!commit.exec(QStringLiteral("COMMIT"))) {
        const QString why = commit.lastError().text();
        QSqlQuery rollback(m_db);
        rollback.exec(QStringLiteral("ROLLBACK"));
        throw DbError(QStringLiteral("commit failed: %1").arg(why));
    }
}

bool Db::isUniqueViolation(const DbError& e) {
    const QString what = QString::fromStdString(e.what());
    return what.contains(QLatin1String("UNIQUE constraint failed"), Qt::CaseInsensitive) ||
           what.contains(QLatin1String("duplicate key"), Qt::CaseInsensitive) || what.contains(QLatin1String("23505"));
}

} // namespace mr::orch
