// The journal: written before sending, kept across restarts, resent in order, deleted on ack,
// and the runs a restarted agent cannot resume.
#include "agent/Journal.h"

#include <QTemporaryDir>
#include <QTest>

using mr::agent::Journal;
using namespace mr::protocol;

namespace {

RunEvent logEvent(const QString& runId, qint64 seq, const QString& text) {
    RunEvent e;
    e.runId = runId;
    e.eventSeq = seq;
    e.kind = RunEventKind::Log;
    e.at = QDateTime::fromSecsSinceEpoch(1'800'000'000 + seq, Qt::UTC);
    e.level = QStringLiteral("info");
    e.text = text;
    return e;
}

RunResult result(const QString& runId) {
    RunResult r;
    r.runId = runId;
    r.status = RunStatus::Succeeded;
    r.outputs = QJsonObject{{QStringLiteral("n"), 3}};
    return r;
}

} // namespace

class TestJournal final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void keepsEntriesAcrossARestartInOrder();
    void ackDeletesAndEndsTheRun();
    void unfinishedListsRunsStillOwed();
    void batchIsOneTransaction();
};

void TestJournal::keepsEntriesAcrossARestartInOrder() {
    QTemporaryDir dir;
    QString error;
    {
        Journal journal(dir.path());
        QVERIFY2(journal.open(&error), qPrintable(error));
        QVERIFY(journal.markRunning(QStringLiteral("r1")));
        QVERIFY(journal.append(logEvent(QStringLiteral("r1"), 1, QStringLiteral("one"))) > 0);
        QVERIFY(journal.append(logEvent(QStringLiteral("r1"), 2, QStringLiteral("two"))) > 0);
        QVERIFY(journal.append(result(QStringLiteral("r1"))) > 0);
    } // the agent process ends here
    Journal journal(dir.path());
    QVERIFY2(journal.open(&error), qPrintable(error));
    const QList<mr::agent::JournalEntry> pending = journal.pending();
    QCOMPARE(pending.size(), 3);
    QVERIFY(pending[0].id < pending[1].id && pending[1].id < pending[2].id);
    QCOMPARE(std::get<RunEvent>(pending[0].body), logEvent(QStringLiteral("r1"), 1, QStringLiteral("one")));
    QCOMPARE(std::get<RunEvent>(pending[1].body), logEvent(QStringLiteral("r1"), 2, QStringLiteral("two")));
    QCOMPARE(std::get<RunResult>(pending[2].body), result(QStringLiteral("r1")));
    QCOMPARE(journal.unacknowledgedResults(), QStringList{QStringLiteral("r1")});
    // The result is written: the run is not lost, its result is still to be delivered.
    QVERIFY(journal.runningRuns().isEmpty());
    QCOMPARE(journal.unfinished(), QStringList{QStringLiteral("r1")});
}

void TestJournal::ackDeletesAndEndsTheRun() {
    QTemporaryDir dir;
    QString error;
    Journal journal(dir.path());
    QVERIFY(journal.open(&error));
    journal.markRunning(QStringLiteral("r1"));
    const qint64 e1 = journal.append(logEvent(QStringLiteral("r1"), 1, QStringLiteral("one")));
    const qint64 r1 = journal.append(result(QStringLiteral("r1")));
    QVERIFY(journal.acknowledge(e1));
    QCOMPARE(journal.pending().size(), 1);
    QCOMPARE(journal.pending().first().id, r1);
    QVERIFY(!journal.acknowledge(e1)); // twice is harmless
    QCOMPARE(journal.unfinished(), QStringList{QStringLiteral("r1")});
    QVERIFY(journal.acknowledge(r1));
    QVERIFY(journal.pending().isEmpty());
    QVERIFY(journal.unacknowledgedResults().isEmpty());
    QVERIFY(journal.unfinished().isEmpty());
}

void TestJournal::unfinishedListsRunsStillOwed() {
    QTemporaryDir dir;
    QString error;
    {
        Journal journal(dir.path());
        QVERIFY(journal.open(&error));
        journal.markRunning(QStringLiteral("a"));
        journal.markRunning(QStringLiteral("b"));
        journal.append(logEvent(QStringLiteral("a"), 1, QStringLiteral("started")));
        journal.append(result(QStringLiteral("b")));
    }
    Journal journal(dir.path());
    QVERIFY(journal.open(&error));
    QCOMPARE(journal.runningRuns(), QStringList{QStringLiteral("a")});
    QCOMPARE(journal.unfinished(), (QStringList{QStringLiteral("a"), QStringLiteral("b")}));
    // A restarted agent forgets the run it cannot resume; b's result is still owed.
    QVERIFY(journal.forgetRuns({QStringLiteral("a")}));
    QVERIFY(journal.runningRuns().isEmpty());
    QCOMPARE(journal.unfinished(), QStringList{QStringLiteral("b")});
    QCOMPARE(journal.pending().size(), 2); // a's events are still delivered
}

void TestJournal::batchIsOneTransaction() {
    QTemporaryDir dir;
    QString error;
    Journal journal(dir.path());
    QVERIFY(journal.open(&error));
    QList<AgentMessageBody> batch;
    for (int i = 1; i <= 200; ++i)
        batch.append(logEvent(QStringLiteral("r"), i, QString::number(i)));
    QCOMPARE(journal.append(batch).size(), 200);
    // A batch with a bad entry (no run id) is refused as a whole.
    batch = {logEvent(QStringLiteral("r"), 201, QStringLiteral("ok")), logEvent(QString(), 1, QStringLiteral("bad"))};
    QVERIFY(journal.append(batch).isEmpty());
    QCOMPARE(journal.pending().size(), 200);
    QCOMPARE(std::get<RunEvent>(journal.pending().last().body).eventSeq, 200);
}

QTEST_GUILESS_MAIN(TestJournal)
#include "tst_journal.moc"
