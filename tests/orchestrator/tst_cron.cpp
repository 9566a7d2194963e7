// The 5-field cron parser of schedules: fields, lists, ranges, steps, names, the Vixie
// day-of-month/day-of-week rule, and nextAfter() across month and year ends, in UTC.

#include "orchestrator/runs/Cron.h"

#include <QtTest>

using mr::orch::CronExpression;

namespace {

QDateTime utc(const QString& text) {
    QDateTime t = QDateTime::fromString(text, Qt::ISODate);
    t.setTimeSpec(Qt::UTC);
    return t;
}

} // namespace

class TestCron : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void next_data() {
        QTest::addColumn<QString>("cron");
        QTest::addColumn<QString>("after");
        QTest::addColumn<QString>("expected");
        QTest::newRow("every minute") << "* * * * *"
                                      << "2026-01-01T10:00:30"
                                      << "2026-01-01T10:01:00";
        QTest::newRow("strictly after") << "* * * * *"
                                        << "2026-01-01T10:00:00"
                                        << "2026-01-01T10:01:00";
        QTest::newRow("step") << "*/15 * * * *"
                              << "2026-01-01T10:16:00"
                              << "2026-01-01T10:30:00";
        QTest::newRow("hour wraps") << "*/15 * * * *"
                                    << "2026-01-01T10:45:00"
                                    << "2026-01-01T11:00:00";
        QTest::newRow("list") << "5,35 9 * * *"
                              << "2026-01-01T09:06:00"
                              << "2026-01-01T09:35:00";
        QTest::newRow("range with step") << "0 8-18/5 * * *"
                                         << "2026-01-01T08:00:00"
                                         << "2026-01-01T13:00:00";
        QTest::newRow("a/n means a-max/n") << "50/5 * * * *"
                                           << "2026-01-01T10:51:00"
                                           << "2026-01-01T10:55:00";
        QTest::newRow("daily next day") << "30 2 * * *"
                                        << "2026-01-01T03:00:00"
                                        << "2026-01-02T02:30:00";
        QTest::newRow("year end") << "0 0 1 1 *"
                                  << "2026-06-01T00:00:00"
                                  << "2027-01-01T00:00:00";
        QTest::newRow("month names") << "0 12 1 mar,JUN *"
                                     << "2026-03-02T00:00:00"
                                     << "2026-06-01T12:00:00";
        QTest::newRow("weekday names") << "0 9 * * mon-fri"
                                       << "2026-01-02T10:00:00"
                                       << "2026-01-05T09:00:00"; // Fri → Mon
        QTest::newRow("sunday is 0") << "0 0 * * 0"
                                     << "2026-01-01T00:00:00"
                                     << "2026-01-04T00:00:00";
        QTest::newRow("sunday is 7") << "0 0 * * 7"
                                     << "2026-01-01T00:00:00"
                                     << "2026-01-04T00:00:00";
        // Vixie: both restricted → either matches (the 13th, or any Friday).
        QTest::newRow("dom or dow") << "0 0 13 * fri"
                                    << "2026-01-01T00:00:00"
                                    << "2026-01-02T00:00:00";
        QTest::newRow("dom or dow, dom first") << "0 0 3 * fri"
                                               << "2026-01-02T00:00:00"
                                               << "2026-01-03T00:00:00";
        // One is '*': both must match.
        QTest::newRow("dow star → dom only") << "0 0 13 * *"
                                             << "2026-01-01T00:00:00"
                                             << "2026-01-13T00:00:00";
        QTest::newRow("dom star → dow only") << "0 0 * * fri"
                                             << "2026-01-03T00:00:00"
                                             << "2026-01-09T00:00:00";
        QTest::newRow("dom */2 still counts as star") << "0 0 */2 * mon"
                                                      << "2026-01-01T00:00:00"
                                                      << "2026-01-05T00:00:00"; // 5th: odd day, Monday
        QTest::newRow("leap day") << "0 0 29 2 *"
                                  << "2026-03-01T00:00:00"
                                  << "2028-02-29T00:00:00";
        QTest::newRow("31st skips short months") << "0 0 31 * *"
                                                 << "2026-04-01T00:00:00"
                                                 << "2026-05-31T00:00:00";
    }
    void next() {
        QFETCH(QString, cron);
        QFETCH(QString, after);
        QFETCH(QString, expected);
        QString error;
        const auto e = CronExpression::parse(cron, &error);
        QVERIFY2(e, qPrintable(error));
        const auto t = e->nextAfter(utc(after));
        QVERIFY(t);
        QCOMPARE(*t, utc(expected));
        QCOMPARE(t->timeSpec(), Qt::UTC);
    }

    void neverMatches() {
        const auto e = CronExpression::parse(QStringLiteral("0 0 30 2 *"));
        QVERIFY(e);
        QVERIFY(!e->nextAfter(utc(QStringLiteral("2026-01-01T00:00:00"))));
    }

    void localTimeIsConvertedToUtc() {
        const auto e = CronExpression::parse(QStringLiteral("0 * * * *"));
        const QDateTime local(QDate(2026, 1, 1), QTime(10, 30), Qt::OffsetFromUTC, 2 * 3600); // 08:30Z
        QCOMPARE(*e->nextAfter(local), utc(QStringLiteral("2026-01-01T09:00:00")));
    }

    void invalid_data() {
        QTest::addColumn<QString>("cron");
        QTest::newRow("empty") << "";
        QTest::newRow("four fields") << "* * * *";
        QTest::newRow("six fields") << "* * * * * *";
        QTest::newRow("minute 60") << "60 * * * *";
        QTest::newRow("hour 24") << "0 24 * * *";
        QTest::newRow("dom 0") << "0 0 0 * *";
        QTest::newRow("month 13") << "0 0 1 13 *";
        QTest::newRow("dow 8") << "0 0 * * 8";
        QTest::newRow("backwards range") << "0 10-5 * * *";
        QTest::newRow("step 0") << "*/0 * * * *";
        QTest::newRow("word") << "every * * * *";
        QTest::newRow("empty list item") << "1,,2 * * * *";
        QTest::newRow("bad name") << "0 0 * foo *";
    }
    void invalid() {
        QFETCH(QString, cron);
        QString error;
        QVERIFY(!CronExpression::parse(cron, &error));
        QVERIFY(!error.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestCron)
#include "tst_cron.moc"
