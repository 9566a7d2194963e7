// The desktop app's window against a real orchestrator: sign in (the test plays the browser),
// choose an environment, register, go online with the agent in its thread, look at every page,
// run a flow from the Flows page, save machine settings, sign out. With MR_SCREENSHOT_DIR set it
// saves a PNG of each page there (docs/images).
#include "../e2e/E2eHarness.h"
#include "FakeBrowser.h"
#include "UiTest.h"
#include "agent/AgentController.h"
#include "ui/DashboardPage.h"
#include "ui/EnvironmentPage.h"
#include "ui/FlowsPage.h"
#include "ui/MachinePage.h"
#include "ui/MainWindow.h"
#include "ui/Models.h"
#include "ui/RunDetailsDialog.h"
#include "ui/SettingsPage.h"
#include "ui/SignInPage.h"

#include <QApplication>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStyleFactory>
#include <QSysInfo>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTranslator>

using mr::agent::AgentController;
using mr::test::button;
using mr::test::snap;
using mr::ui::MainWindow;

class TestMainWindow : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        if (mr::e2e::scratch().isEmpty())
            QSKIP("needs MR_TEST_SCRATCH (run through ctest)");
        const QString looks = mr::test::useTheAppsLookAndEnglish(m_english);
        QVERIFY2(looks.isEmpty(), qPrintable(looks));
        QVERIFY(m_orch.start());
        m_token = m_orch.userWithRoles(QStringLiteral("alice"), QStringLiteral("Sales"),
                                       {QStringLiteral("EnvironmentMaker")});
        m_orch.cli({QStringLiteral("env"), QStringLiteral("add"), QStringLiteral("Research")});
        m_orch.cli({QStringLiteral("env"), QStringLiteral("grant"), QStringLiteral("Research"), QStringLiteral("alice"),
                    QStringLiteral("MachineOwner")});
        m_orch.cli({QStringLiteral("env"), QStringLiteral("add"), QStringLiteral("Finance")});
        m_orch.cli({QStringLiteral("env"), QStringLiteral("grant"), QStringLiteral("Finance"), QStringLiteral("alice"),
                    QStringLiteral("MachineUser")});
        for (const QJsonValue& v : m_orch.request("GET", QStringLiteral("/api/v1/environments"), m_token).array())
            if (v.toObject().value(QStringLiteral("name")).toString() == QLatin1String("Sales"))
                m_sales = v.toObject().value(QStringLiteral("id")).toString();
        QVERIFY(!m_sales.isEmpty());
        const QJsonObject flow{
            {QStringLiteral("name"), QStringLiteral("Invoice import")},
            {QStringLiteral("description"), QStringLiteral("Reads the invoices of a folder into the ledger.")},
            {QStringLiteral("script"), QStringLiteral("log('importing ' + inputs.folder); outputs.count = 3;")},
            {QStringLiteral("inputs"),
             QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("folder")},
                                    {QStringLiteral("type"), QStringLiteral("text")},
                                    {QStringLiteral("default"), QStringLiteral("/srv/invoices")}},
                        QJsonObject{{QStringLiteral("name"), QStringLiteral("maxFiles")},
                                    {QStringLiteral("type"), QStringLiteral("number")},
                                    {QStringLiteral("default"), 10}},
                        QJsonObject{{QStringLiteral("name"), QStringLiteral("dryRun")},
                                    {QStringLiteral("type"), QStringLiteral("boolean")},
                                    {QStringLiteral("optional"), true}},
                        QJsonObject{{QStringLiteral("name"), QStringLiteral("apiKey")},
                                    {QStringLiteral("type"), QStringLiteral("text")},
                                    {QStringLiteral("sensitive"), true},
                                    {QStringLiteral("default"), QStringLiteral("k-123")}}}},
            {QStringLiteral("outputs"), QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("count")},
                                                               {QStringLiteral("type"), QStringLiteral("number")}}}}};
        const auto created = m_orch.request("POST", QStringLiteral("/api/v1/environments/%1/flows").arg(m_sales),
                                            m_token, QJsonDocument(flow));
        QCOMPARE(created.status, 201);
        m_flowId = created.object().value(QStringLiteral("id")).toString();
        // A machine that already holds the name the test will try to take.
        const QJsonObject other{{QStringLiteral("name"), QStringLiteral("pc-taken")},
                                {QStringLiteral("description"), QString()},
                                {QStringLiteral("publicKey"), QString::fromLatin1(QByteArray(32, 'k').toBase64())},
                                {QStringLiteral("fingerprint"), QStringLiteral("x")},
                                {QStringLiteral("version"), QStringLiteral("0.1.0")},
                                {QStringLiteral("os"), QStringLiteral("Linux")}};
        QCOMPARE(m_orch
                     .request("POST", QStringLiteral("/api/v1/environments/%1/machines").arg(m_sales), m_token,
                              QJsonDocument(other))
                     .status,
                 201);
    }

    void signInRegisterRunAndSignOut() {
        QSettings settings(mr::e2e::scratch() + QStringLiteral("/settings.ini"), QSettings::IniFormat);
        AgentController::Options options;
        options.stateDir = mr::e2e::scratch() + QStringLiteral("/app-state");
        options.sessionSource = QStringLiteral("static:alice:active");
        options.useKeychain = false;
        AgentController controller(options);
        MainWindow window(controller, settings, m_orch.url());
        window.resize(960, 640);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(window.currentPage(), MainWindow::Page::SignIn);
        snap(&window, QStringLiteral("sign-in.png"));

        QSignalSpy status(&controller, &AgentController::connectionChanged);
        // Sign in: the test is the browser.
        QSignalSpy urls(&controller, &AgentController::authorizationUrlReady);
        QPushButton* signIn = button(window.signInPage(), QStringLiteral("Sign in"));
        QVERIFY(signIn);
        signIn->click();
        QTRY_COMPARE_WITH_TIMEOUT(urls.size(), 1, 10000);
        QVERIFY(button(window.signInPage(), QStringLiteral("Cancel")));
        snap(&window, QStringLiteral("sign-in-waiting.png"));
        QVERIFY(mr::test::completeSignIn(urls.first().first().toUrl(), QStringLiteral("alice"),
                                         QStringLiteral("e2e-password-1")));

        // Two environments allow registering: the app asks which one.
        QTRY_COMPARE_WITH_TIMEOUT(window.currentPage(), MainWindow::Page::Environment, 20000);
        mr::ui::EnvironmentModel* environments = window.environmentPage()->model();
        QCOMPARE(environments->rowCount(), 3);
        int sales = -1;
        for (int row = 0; row < environments->rowCount(); ++row) {
            const QJsonObject e = environments->row(row);
            if (e.value(QStringLiteral("name")).toString() == QLatin1String("Sales"))
                sales = row;
            if (e.value(QStringLiteral("name")).toString() == QLatin1String("Finance"))
                QVERIFY(!(environments->flags(environments->index(row, 0)) & Qt::ItemIsEnabled));
        }
        QVERIFY(sales >= 0);
        auto* view = window.environmentPage()->findChild<QTableView*>();
        view->selectRow(sales);
        auto* name = window.environmentPage()->findChild<QLineEdit*>();
        name->setText(QStringLiteral("alice-pc"));
        snap(&window, QStringLiteral("choose-environment.png"));
        button(window.environmentPage(), QStringLiteral("Register this machine"))->click();

        // Registered and online, with the agent in the controller's thread.
        QTRY_COMPARE_WITH_TIMEOUT(window.currentPage(), MainWindow::Page::Main, 30000);
        QCOMPARE(settings.value(QStringLiteral("environment")).toString(), m_sales);
        auto online = [&] {
            for (const auto& args : status)
                if (args.first().value<mr::agent::ConnectionStatus>().kind == mr::agent::ConnectionStatus::Kind::Online)
                    return true;
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(online(), 30000);
        QTRY_VERIFY_WITH_TIMEOUT(window.flowsPage()->model()->rowCount() == 1, 20000);

        // Run a flow from the Flows page: the form is built from the declared inputs.
        window.showSection(1);
        auto* flows = window.flowsPage()->findChild<QTableView*>();
        flows->selectRow(0);
        snap(&window, QStringLiteral("flows.png"));
        button(window.flowsPage(), QStringLiteral("Run…"))->click();
        QTRY_VERIFY(window.flowsPage()->findChild<mr::ui::RunFlowDialog*>());
        auto* dialog = window.flowsPage()->findChild<mr::ui::RunFlowDialog*>();
        QVERIFY(dialog->isValid());
        const auto edits = dialog->findChildren<QLineEdit*>();
        QVERIFY(
            std::any_of(edits.begin(), edits.end(), [](QLineEdit* e) { return e->echoMode() == QLineEdit::Password; }));
        snap(dialog, QStringLiteral("run-flow.png"));
        dialog->accept();
        QTRY_VERIFY_WITH_TIMEOUT(window.dashboardPage()->recentModel()->rowCount() == 1, 60000);
        QCOMPARE(window.dashboardPage()->recentModel()->row(0).value(QStringLiteral("status")).toString(),
                 QStringLiteral("Succeeded"));
        window.showSection(0);
        snap(&window, QStringLiteral("dashboard.png"));

        // Run details: the log arrives from the controller; the sensitive input reads ***.
        auto* recent = window.dashboardPage()->findChildren<QTableView*>().last();
        recent->selectRow(0);
        button(window.dashboardPage(), QStringLiteral("Details"))->click();
        QTRY_VERIFY(window.findChild<mr::ui::RunDetailsDialog*>());
        auto* details = window.findChild<mr::ui::RunDetailsDialog*>();
        auto* log = details->findChild<QPlainTextEdit*>();
        QTRY_VERIFY_WITH_TIMEOUT(log->toPlainText().contains(QLatin1String("importing /srv/invoices")), 10000);
        bool masked = false;
        const auto tables = details->findChildren<QTableWidget*>();
        for (QTableWidget* table : tables)
            for (int row = 0; row < table->rowCount(); ++row)
                if (table->item(row, 0)->text() == QLatin1String("apiKey"))
                    masked = table->item(row, 1)->text() == QLatin1String("***");
        QVERIFY(masked);
        details->findChild<QTabWidget*>()->setCurrentIndex(2);
        snap(details, QStringLiteral("run-details.png"));
        details->close();

        // Machine settings: Save only after a change; a taken name is reported at the field.
        window.showSection(2);
        auto* machineName = window.machinePage()->findChildren<QLineEdit*>().first();
        QTRY_COMPARE_WITH_TIMEOUT(machineName->text(), QStringLiteral("alice-pc"), 10000);
        QPushButton* save = button(window.machinePage(), QStringLiteral("Save"));
        QVERIFY(!save->isEnabled());
        snap(&window, QStringLiteral("machine.png"));
        machineName->setText(QStringLiteral("pc-taken"));
        QVERIFY(save->isEnabled());
        save->click();
        auto nameErrorShown = [&] {
            const auto labels = window.machinePage()->findChildren<QLabel*>();
            return std::any_of(labels.begin(), labels.end(), [](QLabel* l) {
                return l->isVisible() && l->text().contains(QLatin1String("pc-taken"));
            });
        };
        QTRY_VERIFY_WITH_TIMEOUT(nameErrorShown(), 10000);
        machineName->setText(QStringLiteral("alice-laptop"));
        save->click();
        QTRY_VERIFY_WITH_TIMEOUT(!save->isEnabled(), 10000);

        window.showSection(3);
        snap(&window, QStringLiteral("settings.png"));
        window.showSection(2);

        // Maintenance, switched on at the orchestrator: a red banner and a red pill.
        QString id;
        for (const QJsonValue& v :
             m_orch.request("GET", QStringLiteral("/api/v1/environments/%1/machines").arg(m_sales), m_token).array())
            if (v.toObject().value(QStringLiteral("name")).toString() == QLatin1String("alice-laptop"))
                id = v.toObject().value(QStringLiteral("id")).toString();
        QVERIFY(!id.isEmpty());
        QCOMPARE(m_orch
                     .request("PATCH", QStringLiteral("/api/v1/machines/%1").arg(id), m_token,
                              QJsonDocument(QJsonObject{{QStringLiteral("maintenanceMode"), true}}))
                     .status,
                 200);
        auto bannerShown = [&] {
            const auto labels = window.machinePage()->findChildren<QLabel*>();
            return std::any_of(labels.begin(), labels.end(), [](QLabel* l) {
                return l->isVisible() && l->text().startsWith(QLatin1String("Maintenance mode"));
            });
        };
        QTRY_VERIFY_WITH_TIMEOUT(bannerShown(), 15000);
        QTRY_COMPARE_WITH_TIMEOUT(status.last().first().value<mr::agent::ConnectionStatus>().kind,
                                  mr::agent::ConnectionStatus::Kind::Maintenance, 15000);
        snap(&window, QStringLiteral("machine-maintenance.png"));
        const auto labels = [&](const QString& text) {
            const auto all = window.machinePage()->findChildren<QLabel*>();
            return std::any_of(all.begin(), all.end(), [&](QLabel* l) { return l->text().contains(text); });
        };
        QVERIFY(labels(QStringLiteral("Created today.")));
        QCOMPARE(m_orch
                     .request("PATCH", QStringLiteral("/api/v1/machines/%1").arg(id), m_token,
                              QJsonDocument(QJsonObject{{QStringLiteral("maintenanceMode"), false}}))
                     .status,
                 200);

        // In a group: its name shows, and the settings the group decides are read-only here.
        const auto group =
            m_orch.request("POST", QStringLiteral("/api/v1/environments/%1/groups").arg(m_sales), m_token,
                           QJsonDocument(QJsonObject{{QStringLiteral("name"), QStringLiteral("Invoice robots")},
                                                     {QStringLiteral("description"), QString()}}));
        QCOMPARE(group.status, 201);
        const QString groupId = group.object().value(QStringLiteral("id")).toString();
        QCOMPARE(
            m_orch.request("PUT", QStringLiteral("/api/v1/groups/%1/machines/%2").arg(groupId, id), m_token).status /
                100,
            2);
        QTRY_VERIFY_WITH_TIMEOUT(labels(QStringLiteral("Invoice robots")), 15000);
        auto* bots = window.machinePage()->findChild<QSpinBox*>();
        QVERIFY(!bots->isEnabled());
        QVERIFY(bots->toolTip().contains(QLatin1String("Invoice robots")));
        QVERIFY(machineName->isEnabled());
        snap(&window, QStringLiteral("machine-group.png"));

        // Sign out: back to the sign-in page.
        QSignalSpy signedOut(&controller, &AgentController::signedOut);
        controller.signOut();
        QTRY_COMPARE_WITH_TIMEOUT(signedOut.size(), 1, 10000);
        QCOMPARE(window.currentPage(), MainWindow::Page::SignIn);
    }

    void registersByItselfInTheOnlyEnvironment() {
        const QString bobToken =
            m_orch.userWithRoles(QStringLiteral("bob"), QStringLiteral("Sales"), {QStringLiteral("MachineOwner")});
        QSettings settings(mr::e2e::scratch() + QStringLiteral("/settings-bob.ini"), QSettings::IniFormat);
        AgentController::Options options;
        options.stateDir = mr::e2e::scratch() + QStringLiteral("/app-state-bob");
        options.sessionSource = QStringLiteral("static:bob:active");
        options.useKeychain = false;
        AgentController controller(options);
        MainWindow window(controller, settings, m_orch.url());
        window.show();
        QSignalSpy urls(&controller, &AgentController::authorizationUrlReady);
        QSignalSpy registered(&controller, &AgentController::registered);
        button(window.signInPage(), QStringLiteral("Sign in"))->click();
        QTRY_COMPARE_WITH_TIMEOUT(urls.size(), 1, 10000);
        QVERIFY(mr::test::completeSignIn(urls.first().first().toUrl(), QStringLiteral("bob"),
                                         QStringLiteral("e2e-password-1")));
        // No "Choose an environment": straight to the main window, named after this PC.
        QTRY_COMPARE_WITH_TIMEOUT(window.currentPage(), MainWindow::Page::Main, 30000);
        QCOMPARE(registered.size(), 1);
        QCOMPARE(registered.first().at(1).toString(), m_sales);
        auto* machineName = window.machinePage()->findChildren<QLineEdit*>().first();
        QTRY_COMPARE_WITH_TIMEOUT(machineName->text(), QSysInfo::machineHostName(), 15000);

        // The registration is deleted on the orchestrator (R10): the app explains it and offers
        // to register anew (R5).
        QString id;
        for (const QJsonValue& v :
             m_orch.request("GET", QStringLiteral("/api/v1/environments/%1/machines").arg(m_sales), bobToken).array())
            if (v.toObject().value(QStringLiteral("name")).toString() == QSysInfo::machineHostName())
                id = v.toObject().value(QStringLiteral("id")).toString();
        QVERIFY(!id.isEmpty());
        QCOMPARE(m_orch.request("DELETE", QStringLiteral("/api/v1/machines/%1").arg(id), bobToken).status, 204);
        QTRY_COMPARE_WITH_TIMEOUT(window.currentPage(), MainWindow::Page::Environment, 60000);
        QPushButton* anew = button(window.environmentPage(), QStringLiteral("Register anew"));
        QVERIFY(anew);
        registered.clear();
        anew->click();
        QPushButton* registerButton = button(window.environmentPage(), QStringLiteral("Register this machine"));
        QTRY_VERIFY_WITH_TIMEOUT(registerButton->isEnabled(), 10000);
        registerButton->click();
        QTRY_COMPARE_WITH_TIMEOUT(window.currentPage(), MainWindow::Page::Main, 30000);
        QCOMPARE(registered.size(), 1);

        // Without a tray, closing the window stops the agent gracefully before the app quits.
        QSignalSpy stopped(&controller, &AgentController::stopped);
        window.close();
        QTRY_COMPARE_WITH_TIMEOUT(stopped.size(), 1, 20000);
    }

private:
    mr::e2e::OrchestratorProcess m_orch;
    QString m_token;
    QString m_sales;
    QString m_flowId;
    QTranslator m_english;
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
