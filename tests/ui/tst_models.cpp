// The item models of the desktop app, checked with QAbstractItemModelTester while they change
// the way the controller's polls change them.
#include "ui/MachinePage.h"
#include "ui/Models.h"

#include <QAbstractItemModelTester>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>
#include <QTranslator>

using namespace mr::ui;

namespace {

QJsonArray array(const char* json) {
    return QJsonDocument::fromJson(json).array();
}

const char* kRuns = R"([
 {"id":"r1","flowId":"f1","status":"Running","startedAt":"2026-11-21T10:00:00.000Z","queuedAt":"2026-11-21T09:59:00.000Z"},
 {"id":"r2","flowId":"f1","status":"Queued","priority":"high","connectionId":"c1","queuedAt":"2026-11-21T10:01:00.000Z"},
 {"id":"r3","flowId":"f2","status":"Failed","errorMessage":"the file was not found",
  "startedAt":"2026-11-21T09:00:00.000Z","endedAt":"2026-11-21T09:00:42.000Z"},
 {"id":"r4","flowId":"f2","status":"Succeeded","startedAt":"2026-11-21T08:00:00.000Z","endedAt":"2026-11-21T08:01:05.000Z"}
])";

} // namespace

class TestModels : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        // The app's English: the plural forms of the source strings.
        QVERIFY(m_english.load(QStringLiteral(":/i18n/machine-runtime_en.qm")));
        QCoreApplication::installTranslator(&m_english);
    }

    void environmentsGreyWhereTheUserMayNotRegister() {
        EnvironmentModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRows(array(R"([{"id":"e1","name":"Sales","roles":["EnvironmentMaker"]},
                                {"id":"e2","name":"Finance","roles":["MachineUser"]},
                                {"id":"e3","name":"Research","roles":["MachineOwner","MachineUser"]}])"));
        QCOMPARE(model.rowCount(), 3);
        QVERIFY(model.flags(model.index(0, 0)) & Qt::ItemIsEnabled);
        QVERIFY(!(model.flags(model.index(1, 0)) & Qt::ItemIsEnabled));
        QCOMPARE(model.data(model.index(1, 0), Qt::ToolTipRole).toString(),
                 QStringLiteral("Needs Environment Maker or Desktop Flows Machine Owner"));
        QCOMPARE(model.data(model.index(2, 1)).toString(),
                 QStringLiteral("Desktop Flows Machine Owner · Desktop Flows Machine User"));
        model.setRows({});
        QCOMPARE(model.rowCount(), 0);
    }

    void runsSplitIntoRunningQueuedAndRecent() {
        RunsModel running(RunsModel::View::Running);
        RunsModel queued(RunsModel::View::Queued);
        RunsModel recent(RunsModel::View::Recent);
        QAbstractItemModelTester t1(&running, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester t2(&queued, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester t3(&recent, QAbstractItemModelTester::FailureReportingMode::QtTest);
        for (RunsModel* m : {&running, &queued, &recent}) {
            m->setFlowNames({{QStringLiteral("f1"), QStringLiteral("Invoice import")}});
            m->setRows(array(kRuns));
        }
        QCOMPARE(running.rowCount(), 1);
        QCOMPARE(queued.rowCount(), 1);
        QCOMPARE(recent.rowCount(), 2);
        QCOMPARE(running.data(running.index(0, 0)).toString(), QStringLiteral("Invoice import"));
        running.setNow(QDateTime::fromString(QStringLiteral("2026-11-21T10:00:42.000Z"), Qt::ISODateWithMs));
        QCOMPARE(running.data(running.index(0, 2)).toString(), QStringLiteral("42 s"));
        QCOMPARE(queued.data(queued.index(0, 1)).toString(), QStringLiteral("High"));
        // Queue timeout: 12 h, or 1 h through a sign-in connection.
        queued.setNow(QDateTime::fromString(QStringLiteral("2026-11-21T10:31:00.000Z"), Qt::ISODateWithMs));
        QCOMPARE(queued.data(queued.index(0, 3)).toString(), QStringLiteral("11 h 30 min"));
        queued.setSignInConnections({QStringLiteral("c1")});
        QCOMPARE(queued.data(queued.index(0, 3)).toString(), QStringLiteral("30 min 0 s"));
        QCOMPARE(recent.data(recent.index(0, 2)).toString(), QStringLiteral("42 s"));
        QCOMPARE(recent.data(recent.index(0, 3)).toString(), QStringLiteral("Failed: the file was not found"));
        QCOMPARE(recent.data(recent.index(1, 2)).toString(), QStringLiteral("1 min 5 s"));
        QVERIFY(!recent.data(recent.index(0, 0), Qt::DecorationRole).isNull());

        // The next poll: r1 finished, a new run queued. Rows move between the views.
        QJsonArray next = array(kRuns);
        QJsonObject r1 = next.at(0).toObject();
        r1.insert(QStringLiteral("status"), QStringLiteral("Succeeded"));
        r1.insert(QStringLiteral("endedAt"), QStringLiteral("2026-11-21T10:02:00.000Z"));
        next.replace(0, r1);
        next.prepend(QJsonObject{{QStringLiteral("id"), QStringLiteral("r5")},
                                 {QStringLiteral("flowId"), QStringLiteral("f1")},
                                 {QStringLiteral("status"), QStringLiteral("Queued")}});
        for (RunsModel* m : {&running, &queued, &recent})
            m->setRows(next);
        QCOMPARE(running.rowCount(), 0);
        QCOMPARE(queued.rowCount(), 2);
        QCOMPARE(recent.rowCount(), 3);
        // Same rows again: updated in place.
        QSignalSpy reset(&recent, &QAbstractItemModel::modelReset);
        recent.setRows(next);
        QCOMPARE(reset.size(), 0);
    }

    void flowsShowTheLastResultHere() {
        FlowsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRows(array(R"([{"id":"f1","name":"Invoice import","version":3,"description":"Reads invoices"},
                                {"id":"f2","name":"Send report","version":1,"description":""}])"));
        QCOMPARE(model.data(model.index(1, 3)).toString(), QStringLiteral("Never run here"));
        model.setLastResults({{QStringLiteral("f2"), QStringLiteral("Failed")}});
        QCOMPARE(model.data(model.index(1, 3)).toString(), QStringLiteral("Failed"));
        QCOMPARE(model.data(model.index(0, 1)).toInt(), 3);
    }

    void sessionsShowTheirState() {
        SessionsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRows(array(R"([{"user":"alice","account":"alice","state":"active"},
                                {"user":"bob","account":null,"state":"locked"}])"));
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.data(model.index(1, 2)).toString(), QStringLiteral("locked"));
        QCOMPARE(model.data(model.index(1, 1)).toString(), QString());
    }

    void machineKeyTellsItsAgeOrTheRequestedRotation() {
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const QJsonObject old{{QStringLiteral("keyCreatedAt"), now.addDays(-3).toString(Qt::ISODateWithMs)},
                              {QStringLiteral("keyRotationRequested"), false}};
        QVERIFY(mr::ui::MachinePage::keyText(old, now).startsWith(QLatin1String("Created 3 days ago.")));
        QJsonObject yesterday = old;
        yesterday.insert(QStringLiteral("keyCreatedAt"), now.addDays(-1).toString(Qt::ISODateWithMs));
        QVERIFY(mr::ui::MachinePage::keyText(yesterday, now).startsWith(QLatin1String("Created 1 day ago.")));
        QJsonObject fresh = old;
        fresh.insert(QStringLiteral("keyCreatedAt"), now.toString(Qt::ISODateWithMs));
        QVERIFY(mr::ui::MachinePage::keyText(fresh, now).startsWith(QLatin1String("Created today.")));
        QJsonObject rotating = old;
        rotating.insert(QStringLiteral("keyRotationRequested"), true);
        QVERIFY(mr::ui::MachinePage::keyText(rotating, now).startsWith(QLatin1String("Rotation requested")));
        QVERIFY(mr::ui::MachinePage::keyText({}, now).startsWith(QLatin1String("Kept in this PC's keychain")));
    }

    void durationsReadNaturally() {
        QCOMPARE(RunsModel::formatDuration(5), QStringLiteral("5 s"));
        QCOMPARE(RunsModel::formatDuration(3725), QStringLiteral("1 h 2 min"));
        QCOMPARE(RunsModel::formatDuration(-3), QStringLiteral("0 s"));
    }

private:
    QTranslator m_english;
};

QTEST_MAIN(TestModels)
#include "tst_models.moc"
