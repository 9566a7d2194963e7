// Session sources: the declared static session (servers, kiosks, tests) and logind's absence.
#include "agent/SessionMonitor.h"

#include <QSignalSpy>
#include <QTest>

using mr::agent::SessionMonitor;
using mr::agent::StaticSessionMonitor;
using mr::protocol::SessionState;

class TestSessionMonitor final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void parsesStaticSources_data();
    void parsesStaticSources();
    void endSessionsRemovesOnlyListedUsers();
    void logindSourceNeverFailsToStart();
};

void TestSessionMonitor::parsesStaticSources_data() {
    QTest::addColumn<QString>("source");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<int>("state");
    QTest::newRow("active") << QStringLiteral("static:alice:active") << true << int(SessionState::Active);
    QTest::newRow("locked") << QStringLiteral("static:alice:locked") << true << int(SessionState::Locked);
    QTest::newRow("disconnected") << QStringLiteral("static:alice:disconnected") << true
                                  << int(SessionState::Disconnected);
    QTest::newRow("bad state") << QStringLiteral("static:alice:asleep") << false << 0;
    QTest::newRow("no user") << QStringLiteral("static::active") << false << 0;
    QTest::newRow("too few") << QStringLiteral("static:alice") << false << 0;
    QTest::newRow("other") << QStringLiteral("systemd") << false << 0;
}

void TestSessionMonitor::parsesStaticSources() {
    QFETCH(QString, source);
    QFETCH(bool, valid);
    QFETCH(int, state);
    QString error;
    const auto monitor = SessionMonitor::create(source, &error);
    QCOMPARE(bool(monitor), valid);
    if (!valid) {
        QVERIFY(!error.isEmpty());
        return;
    }
    QVERIFY(monitor->isStatic());
    QCOMPARE(monitor->sessions().size(), 1);
    QCOMPARE(monitor->sessions().first().user, QStringLiteral("alice"));
    QVERIFY(!monitor->sessions().first().account);
    QCOMPARE(int(monitor->sessions().first().state), state);
}

void TestSessionMonitor::endSessionsRemovesOnlyListedUsers() {
    QString error;
    const auto monitor = SessionMonitor::create(QStringLiteral("static:alice:locked"), &error);
    QSignalSpy changed(monitor.get(), &SessionMonitor::sessionsChanged);
    monitor->endSessions({QStringLiteral("bob")});
    QCOMPARE(monitor->sessions().size(), 1);
    QCOMPARE(changed.count(), 0);
    monitor->endSessions({QStringLiteral("bob"), QStringLiteral("alice")});
    QVERIFY(monitor->sessions().isEmpty());
    QCOMPARE(changed.count(), 1);
    QCOMPARE(monitor->staticUser(), QStringLiteral("alice"));
}

void TestSessionMonitor::logindSourceNeverFailsToStart() {
    // With or without a system bus and logind, the logind source starts; without them it
    // reports no sessions instead of failing.
    QString error;
    const auto monitor = SessionMonitor::create(QStringLiteral("logind"), &error);
    QVERIFY(monitor);
    QVERIFY(!monitor->isStatic());
    for (const auto& s : monitor->sessions())
        QVERIFY(!s.user.isEmpty());
}

QTEST_GUILESS_MAIN(TestSessionMonitor)
#include "tst_session_monitor.moc"
