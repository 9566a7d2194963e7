#include "agent/Journal.h"

#include <QFile>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

Q_LOGGING_CATEGORY(lcJournal, "mr.agent.journal")

namespace mr::agent {

using namespace mr::protocol;

namespace {

QString runIdOf(const AgentMessageBody& body) {
    if (const auto* e = std::get_if<RunEvent>(&body))
        return e->runId;
    if (const auto* r = std::get_if<RunResult>(&body))
        return r->runId;
    return {};
}

} // namespace

Journal::Journal(const QString& stateDir, QObject* parent)
    : QObject(parent)
    , m_path(stateDir + QStringLiteral("/journal.db"))
    , m_connection(QStringLiteral("mr-journal-") + QUuid::createUuid().toString(QUuid::WithoutBraces)) {}

Journal::~Journal() {
    if (QSqlDatabase::contains(m_connection)) {
        QSqlDatabase::database(m_connection, false).close();
        QSqlDatabase::removeDatabase(m_connection);
    }
}

bool Journal::exec(const QString& sql, const QVariantList& values) const {
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    if (!q.prepare(sql)) {
        qCWarning(lcJournal).noquote() << "journal statement failed:" << q.lastError().text();
        return false;
    }
    for (const QVariant& v : values)
        q.addBindValue(v);
    if (!q.exec()) {
        qCWarning(lcJournal).noquote() << "journal statement failed:" << q.lastError().text();
        return false;
    }
    return true;
}

bool Journal::open(QString* error) {
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
    db.setDatabaseName(m_path);
    if (!db.open()) {
        *error = tr("cannot open the journal %1: %2").arg(m_path, db.lastError().text());
        return false;
    }
    const bool ok = exec(QStringLiteral("PRAGMA journal_mode=WAL")) &&
                    exec(QStringLiteral("PRAGMA synchronous=FULL")) &&
                    exec(QStringLiteral("CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                                        "run_id TEXT NOT NULL, type TEXT NOT NULL, body TEXT NOT NULL)")) &&
                    exec(QStringLiteral("CREATE TABLE IF NOT EXISTS runs (run_id TEXT PRIMARY KEY, "
                                        "state TEXT NOT NULL)"));
    if (!ok)
        *error = tr("cannot prepare the journal %1").arg(m_path);
    QFile::setPermissions(m_path, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    return ok;
}

QList<qint64> Journal::append(const QList<AgentMessageBody>& bodies) {
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    if (!db.transaction())
        return {};
    QList<qint64> ids;
    for (const AgentMessageBody& body : bodies) {
        const QString runId = runIdOf(body);
        const bool isResult = std::holds_alternative<RunResult>(body);
        AgentMessage message{0, true, body};
        QSqlQuery q(db);
        q.prepare(QStringLiteral("INSERT INTO outbox (run_id, type, body) VALUES (?, ?, ?)"));
        q.addBindValue(runId);
        q.addBindValue(message.type());
        q.addBindValue(QString::fromUtf8(encodeAgentMessage(message)));
        if (runId.isEmpty() || !q.exec() ||
            (isResult && !exec(QStringLiteral("INSERT INTO runs (run_id, state) VALUES (?, 'finished') ON CONFLICT "
                                              "(run_id) DO UPDATE SET state = 'finished'"),
                               {runId}))) {
            qCWarning(lcJournal).noquote()
                << "cannot journal a" << message.type() << "of run" << runId << ":" << q.lastError().text();
            db.rollback();
            return {};
        }
        ids.append(q.lastInsertId().toLongLong());
    }
    if (!db.commit()) {
        qCWarning(lcJournal).noquote() << "cannot commit to the journal:" << db.lastError().text();
        db.rollback();
        return {};
    }
    return ids;
}

qint64 Journal::append(const AgentMessageBody& body) {
    const QList<qint64> ids = append(QList<AgentMessageBody>{body});
    return ids.isEmpty() ? 0 : ids.first();
}

bool Journal::markRunning(const QString& runId) {
    return exec(
        QStringLiteral("INSERT INTO runs (run_id, state) VALUES (?, 'running') ON CONFLICT (run_id) DO NOTHING"),
        {runId});
}

QList<JournalEntry> Journal::pending() const {
    QList<JournalEntry> entries;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    if (!q.exec(QStringLiteral("SELECT id, run_id, body FROM outbox ORDER BY id")))
        return entries;
    while (q.next()) {
        Decoded<AgentMessage> decoded = decodeAgentMessage(q.value(2).toString().toUtf8());
        if (!decoded) {
            qCWarning(lcJournal) << "skipping a damaged journal entry" << q.value(0).toLongLong();
            continue;
        }
        entries.append(JournalEntry{q.value(0).toLongLong(), q.value(1).toString(), decoded.take().body});
    }
    return entries;
}

bool Journal::acknowledge(qint64 id) {
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT run_id, type FROM outbox WHERE id = ?"));
    q.addBindValue(id);
    if (!q.exec() || !q.next())
        return false;
    const QString runId = q.value(0).toString();
    const bool isResult = q.value(1).toString() == RunResult::kType;
    if (!db.transaction())
        return false;
    const bool ok = exec(QStringLiteral("DELETE FROM outbox WHERE id = ?"), {id}) &&
                    (!isResult || exec(QStringLiteral("DELETE FROM runs WHERE run_id = ?"), {runId}));
    return ok ? db.commit() : (db.rollback(), false);
}

QStringList Journal::unfinished() const {
    QStringList runs = runningRuns() + unacknowledgedResults();
    runs.removeDuplicates();
    runs.sort();
    return runs;
}

QStringList Journal::runningRuns() const {
    QStringList runs;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.exec(QStringLiteral("SELECT run_id FROM runs WHERE state = 'running' ORDER BY run_id"));
    while (q.next())
        runs.append(q.value(0).toString());
    return runs;
}

QStringList Journal::unacknowledgedResults() const {
    QStringList runs;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.exec(QStringLiteral("SELECT run_id FROM outbox WHERE type = 'runResult' ORDER BY id"));
    while (q.next())
        runs.append(q.value(0).toString());
    return runs;
}

bool Journal::forgetRuns(const QStringList& runIds) {
    bool ok = true;
    for (const QString& runId : runIds)
        ok = exec(QStringLiteral("DELETE FROM runs WHERE run_id = ? AND state = 'running'"), {runId}) && ok;
    return ok;
}

} // namespace mr::agent
