// The desktop app while things happen, against a real orchestrator: the GUI event loop keeps
// turning while a busy flow runs and while the server is unreachable; quitting with a running
// flow asks first (from the tray menu too); notifications follow the run; a recommendation's
// four actions work; the session of the app's user shows the signed-in account; another
// language applies at once.
#include "../e2e/E2eHarness.h"
#include "FakeBrowser.h"
#include "UiTest.h"
#include "agent/AgentController.h"
#include "ui/AppShell.h"
#include "ui/DashboardPage.h"
#include "ui/FlowsPage.h"
#include "ui/MainWindow.h"
#include "ui/Models.h"
#include "ui/RunDetailsDialog.h"
#include "ui/SettingsPage.h"
#include "ui/SignInPage.h"

#include <QApplication>
#include <QComboBox>
#include <QElapsedTimer>
#include <QInputDialog>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QStyleFactory>
#include <QTableView>
#include <QTranslator>

using mr::agent::AgentController;
using mr::agent::ConnectionStatus;
using mr::ui::MainWindow;

namespace {

using mr::test::button;

/// Measures how steadily the GUI thread's event loop turns: a 20 ms timer notes the longest
/// gap between two of its ticks. A loop blocked by a busy flow, a socket or a file would show
/// a gap as long as the block.
class LoopProbe {
public:
    LoopProbe() {
        m_timer.setInterval(20);
        QObject::connect(&m_timer, &QTimer::timeout, [this] {
            const qint64 now = m_clock.elapsed();
            m_maxGap = std::max(m_maxGap, now - m_last);
            m_last = now;
            ++m_ticks;
        });
    }
    void start() {
        m_clock.start();
        m_last = 0;
        m_maxGap = 0;
        m_ticks = 0;
        m_timer.start();
    }
    qint64 maxGapMs() const { return m_maxGap; }
    int ticks() const { return m_ticks; }
    qint64 elapsedMs() const { return m_clock.elapsed(); }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    qint64 m_maxGap = 0;
    int m_ticks = 0;
};

ConnectionStatus::Kind lastKind(const QSignalSpy& spy) {
    return spy.isEmpty() ? ConnectionStatus::Kind::SignedOut : spy.last().first().value<ConnectionStatus>().kind;
}

} // namespace

class TestAppLive : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        if (mr::e2e::scratch().isEmpty())
            QSKIP("needs MR_TEST_SCRATCH (run through ctest)");
        const QString looks = mr::test::useTheAppsLookAndEnglish(m_english);
        QVERIFY2(looks.isEmpty(), qPrintable(looks));
        QVERIFY(m_orch.start({QStringLiteral("--lost-grace"), QStringLiteral("120")}));
        m_aliceToken = m_orch.userWithRoles(QStringLiteral("alice"), QStringLiteral("Sales"),
                                            {QStringLiteral("EnvironmentMaker")});
        m_carolToken =
            m_orch.userWithRoles(QStringLiteral("carol"), QStringLiteral("Ops"), {QStringLiteral("EnvironmentMaker")});
        m_sales = environmentId(QStringLiteral("Sales"));
        m_ops = environmentId(QStringLiteral("Ops"));
        QVERIFY(!m_sales.isEmpty() && !m_ops.isEmpty());
    }

    void eventLoopTurnsWhileAFlowIsBusyAndTheServerIsGone() {
        const QString busy = flow(m_sales, m_aliceToken, QStringLiteral("Busy"), QStringLiteral("while (true) {}"));
        QVERIFY(!busy.isEmpty());
        QSettings settings(mr::e2e::scratch() + QStringLiteral("/alice.ini"), QSettings::IniFormat);
        AgentController controller(options(QStringLiteral("alice"), QStringLiteral("static:alice:active")));
        MainWindow window(controller, settings, m_orch.url());
        window.show();
        QSignalSpy status(&controller, &AgentController::connectionChanged);
        QSignalSpy notified(&window, &MainWindow::notified);
        QVERIFY(signIn(window, controller, QStringLiteral("alice")));
        QTRY_COMPARE_WITH_TIMEOUT(lastKind(status), ConnectionStatus::Kind::Online, 30000);

        // The session of the app's OS user carries the account signed in to the app.
        auto* sessions = window.dashboardPage()->sessionsModel();
        QTRY_VERIFY_WITH_TIMEOUT(sessions->rowCount() == 1 &&
                                     sessions->row(0).value(QStringLiteral("account")).toString() ==
                                         QLatin1String("alice"),
                                 20000);

        // A flow that never ends, started from the Flows page.
        QTRY_VERIFY_WITH_TIMEOUT(window.flowsPage()->model()->rowCount() == 1, 20000);
        window.showSection(1);
        QVERIFY(window.flowsPage()->selectFlow(busy));
        button(window.flowsPage(), QStringLiteral("Run…"))->click();
        QTRY_VERIFY(window.flowsPage()->findChild<mr::ui::RunFlowDialog*>());
        window.flowsPage()->findChild<mr::ui::RunFlowDialog*>()->accept();
        mr::ui::RunsModel* running = window.dashboardPage()->runningModel();
        QTRY_COMPARE_WITH_TIMEOUT(running->rowCount(), 1, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(notified.contains(QVariantList{QStringLiteral("Busy started")}), 10000);

        // While it spins in the agent thread, the window answers: pages switch, buttons work.
        LoopProbe probe;
        probe.start();
        for (int section : {0, 1, 2, 3, 0}) {
            window.showSection(section);
            QTest::qWait(500);
        }
        button(window.dashboardPage(), QStringLiteral("Cancel run")); // exists while a run runs
        QTest::qWait(500);
        QVERIFY2(probe.maxGapMs() < 1000,
                 qPrintable(QStringLiteral("the GUI stalled for %1 ms while the flow ran").arg(probe.maxGapMs())));
        QVERIFY(probe.ticks() > 20);

        // Quitting with a flow running asks first, from the tray menu as from the window.
        QMenu* tray = window.trayMenu();
        QVERIFY(tray);
        QAction* quit = nullptr;
        for (QAction* a : tray->actions())
            if (a->text() == QLatin1String("Quit"))
                quit = a;
        QVERIFY(quit);
        QSignalSpy stopped(&controller, &AgentController::stopped);
        quit->trigger();
        QTRY_VERIFY(window.findChild<QMessageBox*>(QStringLiteral("quitQuestion")));
        auto* question = window.findChild<QMessageBox*>(QStringLiteral("quitQuestion"));
        mr::test::snapScreen(&window, QStringLiteral("quit-question.png"));
        QVERIFY(question->text().contains(QLatin1String("Busy")));
        question->button(QMessageBox::Cancel)->click();
        QTest::qWait(300);
        QCOMPARE(stopped.size(), 0);
        QCOMPARE(running->rowCount(), 1);

        // Cancel from the dashboard: the busy script is interrupted.
        auto* runningView = window.dashboardPage()->findChildren<QTableView*>().at(1);
        QCOMPARE(runningView->model(), running);
        runningView->selectRow(0);
        button(window.dashboardPage(), QStringLiteral("Cancel run"))->click();
        QTRY_COMPARE_WITH_TIMEOUT(running->rowCount(), 0, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(notified.contains(QVariantList{QStringLiteral("Busy was cancelled")}), 10000);

        // The server goes away: the app reconnects in the background and stays responsive,
        // including what the user asks of the server meanwhile.
        const quint16 port = m_orch.port();
        m_orch.stop(SIGKILL);
        QTRY_VERIFY_WITH_TIMEOUT(lastKind(status) == ConnectionStatus::Kind::Reconnecting, 30000);
        probe.start();
        while (probe.elapsedMs() < 8000) {
            button(window.dashboardPage(), QStringLiteral("Refresh")); // not shown without recommendations
            controller.refresh();
            window.showSection(probe.ticks() % 4);
            QTest::qWait(400);
        }
        QVERIFY2(probe.maxGapMs() < 1000,
                 qPrintable(QStringLiteral("the GUI stalled for %1 ms while offline").arg(probe.maxGapMs())));
        QVERIFY(probe.ticks() > 100);
        QVERIFY(window.isVisible());

        // Back on the same address: online again without the user doing anything.
        QVERIFY(m_orch.start({QStringLiteral("--lost-grace"), QStringLiteral("120")}, port));
        QTRY_COMPARE_WITH_TIMEOUT(lastKind(status), ConnectionStatus::Kind::Online, 90000);

        // Nothing runs now: Quit from the tray stops the agent without asking.
        quit->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(stopped.size(), 1, 20000);
    }

    void recommendationActions() {
        // carol's app runs on a PC where the OS user "robot" has a locked session; an unattended
        // run as robot waits for it, and the dashboard recommends disconnecting robot.
        const QString flowId =
            flow(m_ops, m_carolToken, QStringLiteral("Invoice import"), QStringLiteral("log('imported');"));
        QSettings settings(mr::e2e::scratch() + QStringLiteral("/carol.ini"), QSettings::IniFormat);
        AgentController controller(options(QStringLiteral("carol"), QStringLiteral("static:robot:locked")));
        MainWindow window(controller, settings, m_orch.url());
        window.show();
        QSignalSpy status(&controller, &AgentController::connectionChanged);
        QSignalSpy registered(&controller, &AgentController::registered);
        QVERIFY(signIn(window, controller, QStringLiteral("carol")));
        QTRY_COMPARE_WITH_TIMEOUT(lastKind(status), ConnectionStatus::Kind::Online, 30000);
        const QString machineId = registered.last().first().toString();

        // With a static session source, the app's OS user is that session's user: robot's row
        // carries the account signed in to the app.
        auto* sessions = window.dashboardPage()->sessionsModel();
        QTRY_VERIFY_WITH_TIMEOUT(sessions->rowCount() == 1 &&
                                     sessions->row(0).value(QStringLiteral("account")).toString() ==
                                         QLatin1String("carol"),
                                 20000);

        const auto connection = m_orch.request(
            "POST", QStringLiteral("/api/v1/environments/%1/connections").arg(m_ops), m_carolToken,
            QJsonDocument(QJsonObject{{QStringLiteral("name"), QStringLiteral("robot here")},
                                      {QStringLiteral("target"), QJsonObject{{QStringLiteral("machineId"), machineId}}},
                                      {QStringLiteral("kind"), QStringLiteral("password")},
                                      {QStringLiteral("username"), QStringLiteral("robot")},
                                      {QStringLiteral("password"), QStringLiteral("pw-robot-1")}}));
        QCOMPARE(connection.status, 201);
        const auto run =
            m_orch.request("POST", QStringLiteral("/api/v1/environments/%1/runs").arg(m_ops), m_carolToken,
                           QJsonDocument(QJsonObject{{QStringLiteral("flowId"), flowId},
                                                     {QStringLiteral("connectionId"),
                                                      connection.object().value(QStringLiteral("id")).toString()},
                                                     {QStringLiteral("runMode"), QStringLiteral("unattended")},
                                                     {QStringLiteral("priority"), QStringLiteral("normal")},
                                                     {QStringLiteral("inputs"), QJsonObject{}}}));
        QCOMPARE(run.status, 202);
        const QString runId = run.object().value(QStringLiteral("id")).toString();

        QPushButton* runDetails = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((runDetails = button(window.dashboardPage(), QStringLiteral("Run details"))), 40000);

        window.resize(960, 640);
        mr::test::snap(&window, QStringLiteral("dashboard-recommendation.png"));

        // The recommendation says what kind of session blocks the run.
        const auto labels = window.dashboardPage()->findChildren<QLabel*>();
        QVERIFY(std::any_of(labels.begin(), labels.end(), [](QLabel* l) {
            return l->text().contains(QLatin1String("1 run waits because robot has a locked session on this machine"));
        }));

        // Run details: the waiting run, read from the orchestrator.
        runDetails->click();
        QTRY_VERIFY_WITH_TIMEOUT(window.findChild<mr::ui::RunDetailsDialog*>(), 10000);
        auto* details = window.findChild<mr::ui::RunDetailsDialog*>();
        QCOMPARE(details->runId(), runId);
        details->close();
        QTRY_VERIFY(!window.findChild<mr::ui::RunDetailsDialog*>());

        // Flow details: the Flows page with the run's flow selected.
        window.showSection(0);
        button(window.dashboardPage(), QStringLiteral("Flow details"))->click();
        QTRY_VERIFY_WITH_TIMEOUT(window.flowsPage()->isVisible(), 10000);
        auto* flows = window.flowsPage()->findChild<QTableView*>();
        QTRY_VERIFY(flows->selectionModel()->hasSelection());
        QCOMPARE(flows->model()->data(flows->selectionModel()->selectedRows().first()).toString(),
                 QStringLiteral("Invoice import"));

        // Disconnect users: robot's session ends and the run goes ahead.
        window.showSection(0);
        button(window.dashboardPage(), QStringLiteral("Disconnect users"))->click();
        mr::ui::RunsModel* recent = window.dashboardPage()->recentModel();
        QTRY_VERIFY_WITH_TIMEOUT(recent->rowCount() == 1 && recent->row(0).value(QStringLiteral("status")).toString() ==
                                                                QLatin1String("Succeeded"),
                                 40000);
        QTRY_VERIFY_WITH_TIMEOUT(!button(window.dashboardPage(), QStringLiteral("Run details")), 15000);

        QSignalSpy stopped(&controller, &AgentController::stopped);
        window.requestQuit();
        QTRY_COMPARE_WITH_TIMEOUT(stopped.size(), 1, 20000);
    }

    void attendedFlowAsksThroughTheAppsDialogs() {
        const QString erinToken =
            m_orch.userWithRoles(QStringLiteral("erin"), QStringLiteral("Ask"), {QStringLiteral("EnvironmentMaker")});
        QString ask;
        for (const QJsonValue& v : m_orch.request("GET", QStringLiteral("/api/v1/environments"), erinToken).array())
            if (v.toObject().value(QStringLiteral("name")).toString() == QLatin1String("Ask"))
                ask = v.toObject().value(QStringLiteral("id")).toString();
        const QString asking = flow(ask, erinToken, QStringLiteral("Asking"),
                                    QStringLiteral("var name = ui.input('Your name?', 'nobody');"
                                                   "var sure = ui.confirm('Go on, ' + name + '?');"
                                                   "var colour = ui.choose('A colour', ['red', 'green']);"
                                                   "ui.message('Thanks, ' + name, 'Done');"
                                                   "log('answers: ' + name + ' ' + sure + ' ' + colour);"));
        const QString waiting =
            flow(ask, erinToken, QStringLiteral("Waiting"), QStringLiteral("ui.input('This is never answered');"));
        QSettings settings(mr::e2e::scratch() + QStringLiteral("/erin.ini"), QSettings::IniFormat);
        AgentController controller(options(QStringLiteral("erin"), QStringLiteral("static:erin:active")));
        MainWindow window(controller, settings, m_orch.url());
        window.show();
        QSignalSpy status(&controller, &AgentController::connectionChanged);
        QVERIFY(signIn(window, controller, QStringLiteral("erin")));
        QTRY_COMPARE_WITH_TIMEOUT(lastKind(status), ConnectionStatus::Kind::Online, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(window.flowsPage()->model()->rowCount() == 2, 20000);

        const auto question = [&] { return window.findChild<QDialog*>(QStringLiteral("flowQuestion")); };
        const auto answered = [&](QDialog* dialog) { QTRY_VERIFY_WITH_TIMEOUT(question() != dialog, 10000); };
        window.showSection(1);
        QVERIFY(window.flowsPage()->selectFlow(asking));
        button(window.flowsPage(), QStringLiteral("Run…"))->click();
        QTRY_VERIFY(window.flowsPage()->findChild<mr::ui::RunFlowDialog*>());
        window.flowsPage()->findChild<mr::ui::RunFlowDialog*>()->accept();

        // ui.input: a text field with the default filled in, named after the flow.
        QTRY_VERIFY_WITH_TIMEOUT(qobject_cast<QInputDialog*>(question()), 30000);
        auto* input = qobject_cast<QInputDialog*>(question());
        QCOMPARE(input->labelText(), QStringLiteral("Your name?"));
        QCOMPARE(input->textValue(), QStringLiteral("nobody"));
        QVERIFY(input->isVisible());
        // The dashboard shows what the flow is doing: waiting in ui.input.
        mr::ui::RunsModel* runningNow = window.dashboardPage()->runningModel();
        QTRY_VERIFY_WITH_TIMEOUT(runningNow->rowCount() == 1 &&
                                     runningNow->data(runningNow->index(0, 3))
                                         .toString()
                                         .startsWith(QLatin1String("ui.input(\"Your name?\"")),
                                 15000);
        input->setTextValue(QStringLiteral("Ada"));
        mr::test::snapScreen(&window, QStringLiteral("flow-question.png"));
        input->accept();
        answered(input);
        // ui.confirm: Yes and No.
        QTRY_VERIFY_WITH_TIMEOUT(qobject_cast<QMessageBox*>(question()), 10000);
        auto* confirm = qobject_cast<QMessageBox*>(question());
        QCOMPARE(confirm->text(), QStringLiteral("Go on, Ada?"));
        confirm->button(QMessageBox::Yes)->click();
        answered(confirm);
        // ui.choose: the options, one picked.
        QTRY_VERIFY_WITH_TIMEOUT(qobject_cast<QInputDialog*>(question()), 10000);
        auto* choose = qobject_cast<QInputDialog*>(question());
        QCOMPARE(choose->comboBoxItems(), (QStringList{QStringLiteral("red"), QStringLiteral("green")}));
        choose->setTextValue(QStringLiteral("green"));
        choose->accept();
        answered(choose);
        // ui.message with its own title.
        QTRY_VERIFY_WITH_TIMEOUT(qobject_cast<QMessageBox*>(question()), 10000);
        auto* message = qobject_cast<QMessageBox*>(question());
        QCOMPARE(message->windowTitle(), QStringLiteral("Done"));
        QCOMPARE(message->text(), QStringLiteral("Thanks, Ada"));
        message->button(QMessageBox::Ok)->click();

        mr::ui::RunsModel* recent = window.dashboardPage()->recentModel();
        QTRY_VERIFY_WITH_TIMEOUT(recent->rowCount() == 1 && recent->row(0).value(QStringLiteral("status")).toString() ==
                                                                QLatin1String("Succeeded"),
                                 30000);
        const QString runId = recent->row(0).value(QStringLiteral("id")).toString();
        QVERIFY(m_orch.request("GET", QStringLiteral("/api/v1/runs/%1/log").arg(runId), erinToken)
                    .body.contains("answers: Ada true green"));

        // A question nobody answers: cancelling the run closes its dialog.
        QVERIFY(window.flowsPage()->selectFlow(waiting));
        button(window.flowsPage(), QStringLiteral("Run…"))->click();
        QTRY_VERIFY(window.flowsPage()->findChild<mr::ui::RunFlowDialog*>());
        window.flowsPage()->findChild<mr::ui::RunFlowDialog*>()->accept();
        QTRY_VERIFY_WITH_TIMEOUT(question(), 30000);
        mr::ui::RunsModel* running = window.dashboardPage()->runningModel();
        QTRY_COMPARE_WITH_TIMEOUT(running->rowCount(), 1, 10000);
        controller.cancelRun(running->row(0).value(QStringLiteral("id")).toString());
        QTRY_VERIFY_WITH_TIMEOUT(!question(), 20000);
        QTRY_COMPARE_WITH_TIMEOUT(running->rowCount(), 0, 20000);

        QSignalSpy stopped(&controller, &AgentController::stopped);
        window.requestQuit();
        QTRY_COMPARE_WITH_TIMEOUT(stopped.size(), 1, 20000);
    }

    void languageSwitchesWithoutARestart() {
        m_orch.userWithRoles(QStringLiteral("dora"), QStringLiteral("Lang"), {QStringLiteral("MachineOwner")});
        QSettings settings(mr::e2e::scratch() + QStringLiteral("/dora.ini"), QSettings::IniFormat);
        settings.setValue(QStringLiteral("language"), QStringLiteral("en"));
        mr::ui::AppShell shell(settings);
        AgentController controller(options(QStringLiteral("dora"), QStringLiteral("static:dora:active")));
        QSignalSpy status(&controller, &AgentController::connectionChanged);
        shell.start(controller, m_orch.url());
        QVERIFY(signIn(*shell.window(), controller, QStringLiteral("dora")));
        QTRY_COMPARE_WITH_TIMEOUT(lastKind(status), ConnectionStatus::Kind::Online, 30000);
        // English plurals come from the app's English translation.
        const auto labelWith = [&](const QString& text) {
            const auto labels = shell.window()->findChildren<QLabel*>();
            return std::any_of(labels.begin(), labels.end(), [&](QLabel* l) { return l->text().contains(text); });
        };
        QTRY_VERIFY_WITH_TIMEOUT(labelWith(QStringLiteral("0 runs succeeded")), 10000);

        // Deutsch, picked in Settings: the window is rebuilt in German on the same page, still
        // signed in and online.
        MainWindow* before = shell.window();
        before->showSection(3);
        auto* language = before->settingsPage()->findChild<QComboBox*>();
        QVERIFY(language);
        const int german = language->findData(QStringLiteral("de"));
        QVERIFY(german > 0);
        language->setCurrentIndex(german);
        Q_EMIT language->activated(german);
        QTRY_VERIFY_WITH_TIMEOUT(shell.window() != before, 5000);
        MainWindow* window = shell.window();
        QCOMPARE(settings.value(QStringLiteral("language")).toString(), QStringLiteral("de"));
        QCOMPARE(window->currentSection(), 3);
        QTRY_COMPARE_WITH_TIMEOUT(window->currentPage(), MainWindow::Page::Main, 10000);
        auto* nav = window->findChild<QListWidget*>();
        QCOMPARE(nav->item(0)->text(), QStringLiteral("Übersicht"));
        QCOMPARE(window->settingsPage()->findChild<QComboBox*>()->currentData().toString(), QStringLiteral("de"));
        QVERIFY(window->isVisible());

        // And back to English.
        language = window->settingsPage()->findChild<QComboBox*>();
        const int english = language->findData(QStringLiteral("en"));
        language->setCurrentIndex(english);
        Q_EMIT language->activated(english);
        QTRY_VERIFY_WITH_TIMEOUT(shell.window() != window, 5000);
        QCOMPARE(shell.window()->findChild<QListWidget*>()->item(0)->text(), QStringLiteral("Dashboard"));
        QTRY_COMPARE_WITH_TIMEOUT(shell.window()->currentPage(), MainWindow::Page::Main, 10000);

        QSignalSpy stopped(&controller, &AgentController::stopped);
        shell.window()->requestQuit();
        QTRY_COMPARE_WITH_TIMEOUT(stopped.size(), 1, 20000);
    }

private:
    AgentController::Options options(const QString& user, const QString& sessionSource) const {
        AgentController::Options o;
        o.stateDir = mr::e2e::scratch() + QStringLiteral("/state-") + user;
        o.sessionSource = sessionSource;
        o.useKeychain = false;
        return o;
    }

    /// Signs @p user in through the sign-in page (the test plays the browser) and waits until
    /// the machine is registered in their only environment.
    bool signIn(MainWindow& window, AgentController& controller, const QString& user) {
        QSignalSpy urls(&controller, &AgentController::authorizationUrlReady);
        QPushButton* signInButton = button(window.signInPage(), QStringLiteral("Sign in"));
        if (!signInButton)
            return false;
        signInButton->click();
        if (urls.isEmpty() && !urls.wait(10000))
            return false;
        if (!mr::test::completeSignIn(urls.first().first().toUrl(), user, QStringLiteral("e2e-password-1")))
            return false;
        QDeadlineTimer deadline(30000);
        while (window.currentPage() != MainWindow::Page::Main && !deadline.hasExpired())
            QTest::qWait(50);
        return window.currentPage() == MainWindow::Page::Main;
    }

    QString environmentId(const QString& name) const {
        for (const QJsonValue& v : m_orch.request("GET", QStringLiteral("/api/v1/environments"), m_aliceToken).array())
            if (v.toObject().value(QStringLiteral("name")).toString() == name)
                return v.toObject().value(QStringLiteral("id")).toString();
        for (const QJsonValue& v : m_orch.request("GET", QStringLiteral("/api/v1/environments"), m_carolToken).array())
            if (v.toObject().value(QStringLiteral("name")).toString() == name)
                return v.toObject().value(QStringLiteral("id")).toString();
        return {};
    }

    QString flow(const QString& environment, const QString& token, const QString& name, const QString& script) const {
        const auto created = m_orch.request(
            "POST", QStringLiteral("/api/v1/environments/%1/flows").arg(environment), token,
            QJsonDocument(QJsonObject{{QStringLiteral("name"), name},
                                      {QStringLiteral("description"), QStringLiteral("A flow of the test.")},
                                      {QStringLiteral("script"), script},
                                      {QStringLiteral("inputs"), QJsonArray{}},
                                      {QStringLiteral("outputs"), QJsonArray{}}}));
        return created.object().value(QStringLiteral("id")).toString();
    }

    mr::e2e::OrchestratorProcess m_orch;
    QString m_aliceToken;
    QString m_carolToken;
    QString m_sales;
    QString m_ops;
    QTranslator m_english;
};

QTEST_MAIN(TestAppLive)
#include "tst_app_live.moc"
