#pragma once

#include "protocol/AgentMessages.h"

#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

namespace mr::agent {

/// One message waiting for the orchestrator's ack.
struct JournalEntry {
    qint64 id = 0; ///< increasing: the order to send in
    QString runId;
    mr::protocol::AgentMessageBody body; ///< a RunEvent or a RunResult
};

/// The agent's write-ahead journal (SQLite `journal.db` in the state folder): every runEvent and
/// runResult is written here BEFORE it is sent and sent again, in order, until the orchestrator
/// acknowledges it (at least once for results, ARCHITECTURE.md). It also remembers which runs
/// were started, so a restart can report the runs it cannot resume (`hello.unfinished`).
///
/// Durability: WAL with synchronous=FULL, so a committed entry survives kill -9 and a power
/// cut; batches share one transaction (one fsync) to keep that affordable. The database has its
/// own connection, opened in (and only used from) the thread that calls open().
class Journal final : public QObject {
    Q_OBJECT
public:
    explicit Journal(const QString& stateDir, QObject* parent = nullptr);
    ~Journal() override;

    bool open(QString* error);
    QString filePath() const { return m_path; }

    /// Writes runEvents and runResults in one transaction; returns their entry ids (empty on
    /// failure). A result also ends its run.
    QList<qint64> append(const QList<mr::protocol::AgentMessageBody>& bodies);
    qint64 append(const mr::protocol::AgentMessageBody& body);
    /// Records that a run was accepted and started here.
    bool markRunning(const QString& runId);
    /// Everything not yet acknowledged, oldest first.
    QList<JournalEntry> pending() const;
    /// The orchestrator has the entry: delete it (and the run's record once its result is in).
    bool acknowledge(qint64 id);

    /// Runs started here that have no result yet. Right after open() these are the runs a
    /// previous process left behind, which nobody can resume.
    QStringList runningRuns() const;
    /// Runs whose result is written but not yet acknowledged.
    QStringList unacknowledgedResults() const;
    /// `hello.unfinished`: the runs this agent still answers for, i.e. running here or with a
    /// result still to deliver. The orchestrator fails every other Running run of the machine
    /// with MachineLost, so runs a previous process left running must be forgotten first.
    QStringList unfinished() const;
    /// Forgets that these runs were started (after the orchestrator was told they are lost).
    bool forgetRuns(const QStringList& runIds);

private:
    bool exec(const QString& sql, const QVariantList& values = {}) const;

    QString m_path;
    QString m_connection;
};

} // namespace mr::agent
