#include "ui/MainWindow.h"

#include "ui/Autostart.h"
#include "ui/DashboardPage.h"
#include "ui/EnvironmentPage.h"
#include "ui/FlowsPage.h"
#include "ui/LogFile.h"
#include "ui/MachinePage.h"
#include "ui/Models.h"
#include "ui/RunDetailsDialog.h"
#include "ui/SettingsPage.h"
#include "ui/SignInPage.h"

#include <QAbstractButton>
#include <QApplication>
#include <QCloseEvent>
#include <QDesktopServices>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QMessageBox>
#include <QPainter>
#include <QPointer>
#include <QPushButton>
#include <QSettings>
#include <QStackedWidget>
#include <QStyle>
#include <QSystemTrayIcon>
#include <QVBoxLayout>

namespace mr::ui {

using mr::agent::AgentController;
using mr::agent::ConnectionStatus;

namespace {

QIcon productIcon() {
    return QIcon(QStringLiteral(":/icons/machine-runtime.svg"));
}

/// The product icon with a dot of the state's colour in its corner (tray).
QIcon tintedIcon(const QString& colour) {
    QPixmap pixmap = productIcon().pixmap(QSize(32, 32));
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setBrush(QColor(colour));
    painter.setPen(QPen(Qt::white, 2));
    painter.drawEllipse(17, 17, 13, 13);
    return QIcon(pixmap);
}

} // namespace

MainWindow::MainWindow(AgentController& controller, QSettings& settings, const QString& serverAddress, QWidget* parent)
    : QMainWindow(parent)
    , m_controller(controller)
    , m_settings(settings) {
    setWindowTitle(tr("Machine Runtime"));
    setWindowIcon(productIcon());
    resize(960, 640);
    restoreGeometry(m_settings.value(QStringLiteral("window/geometry")).toByteArray());

    m_signIn = new SignInPage(this);
    m_signIn->setServerAddress(serverAddress.isEmpty() ? m_settings.value(QStringLiteral("server")).toString()
                                                       : serverAddress);
    m_environment = new EnvironmentPage(this);

    m_shell = new QWidget(this);
    m_status = new QLabel(m_shell);
    m_status->setTextFormat(Qt::RichText);
    m_status->setContentsMargins(12, 6, 12, 6);
    m_status->setAutoFillBackground(true);
    m_status->setBackgroundRole(QPalette::AlternateBase);
    m_nav = new QListWidget(m_shell);
    m_nav->setFixedWidth(170);
    m_nav->setFrameShape(QFrame::NoFrame);
    m_nav->setBackgroundRole(QPalette::Window);
    m_nav->setSpacing(2);
    const auto addNav = [this](const QString& text, QStyle::StandardPixmap icon) {
        auto* item = new QListWidgetItem(style()->standardIcon(icon), text, m_nav);
        item->setSizeHint(QSize(0, 34));
    };
    addNav(tr("Dashboard"), QStyle::SP_ComputerIcon);
    addNav(tr("Flows"), QStyle::SP_MediaPlay);
    addNav(tr("Machine"), QStyle::SP_DriveHDIcon);
    addNav(tr("Settings"), QStyle::SP_FileDialogDetailedView);
    m_sections = new QStackedWidget(m_shell);
    m_dashboard = new DashboardPage(m_sections);
    m_flows = new FlowsPage(m_sections);
    m_machine = new MachinePage(m_sections);
    m_settingsPage = new SettingsPage(m_sections);
    for (QWidget* page : std::initializer_list<QWidget*>{m_dashboard, m_flows, m_machine, m_settingsPage})
        m_sections->addWidget(page);
    auto* body = new QHBoxLayout;
    body->setContentsMargins(0, 0, 0, 0);
    body->setSpacing(0);
    body->addWidget(m_nav);
    body->addWidget(m_sections, 1);
    // A notice: something the user asked for did not work (one sentence, dismissable).
    m_noticeBar = new QWidget(m_shell);
    m_noticeBar->setObjectName(QStringLiteral("notice"));
    m_noticeBar->setStyleSheet(QStringLiteral("#notice { background: #fff4e5; border-bottom: 1px solid #f0c36d; }"));
    m_notice = new QLabel(m_noticeBar);
    m_notice->setWordWrap(true);
    m_notice->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* dismiss = new QPushButton(tr("Dismiss"), m_noticeBar);
    dismiss->setFlat(true);
    auto* noticeLayout = new QHBoxLayout(m_noticeBar);
    noticeLayout->setContentsMargins(12, 4, 8, 4);
    noticeLayout->addWidget(m_notice, 1);
    noticeLayout->addWidget(dismiss);
    m_noticeBar->hide();
    connect(dismiss, &QPushButton::clicked, m_noticeBar, &QWidget::hide);
    auto* shellLayout = new QVBoxLayout(m_shell);
    shellLayout->setContentsMargins(0, 0, 0, 0);
    shellLayout->setSpacing(0);
    shellLayout->addWidget(m_status);
    shellLayout->addWidget(m_noticeBar);
    shellLayout->addLayout(body, 1);
    connect(m_nav, &QListWidget::currentRowChanged, m_sections, &QStackedWidget::setCurrentIndex);
    m_nav->setCurrentRow(0);

    m_pages = new QStackedWidget(this);
    m_pages->addWidget(m_signIn);
    m_pages->addWidget(m_environment);
    m_pages->addWidget(m_shell);
    setCentralWidget(m_pages);

    m_settingsPage->setLanguage(m_settings.value(QStringLiteral("language")).toString());
    m_settingsPage->setStartAtLogin(Autostart().isEnabled());
    wirePages();
    wireController();
    setupTray();
    updateStatus();

    m_server = m_settings.value(QStringLiteral("server")).toString();
    m_requestedServer = serverAddress;
}

void MainWindow::resumeRememberedSession() {
    // Signed in last time on this server: sign in again with the session kept in the keychain.
    const QString account = m_settings.value(QStringLiteral("account")).toString();
    const QString lastServer = m_settings.value(QStringLiteral("server")).toString();
    if (!account.isEmpty() && !lastServer.isEmpty() &&
        (m_requestedServer.isEmpty() || m_requestedServer == lastServer)) {
        m_signIn->showBusy(tr("Signing in…"));
        m_controller.resumeSession(QUrl(lastServer), account);
    }
}

MainWindow::~MainWindow() = default;

MainWindow::Page MainWindow::currentPage() const {
    return Page(m_pages->currentIndex());
}

void MainWindow::showPage(Page page) {
    m_pages->setCurrentIndex(int(page));
}

void MainWindow::showSection(int index) {
    m_nav->setCurrentRow(index);
}

int MainWindow::currentSection() const {
    return m_nav->currentRow();
}

void MainWindow::wirePages() {
    connect(m_signIn, &SignInPage::signInRequested, this, [this](const QString& address) {
        m_settings.setValue(QStringLiteral("server"), address);
        m_server = address;
        m_controller.signIn(QUrl(address));
    });
    connect(m_signIn, &SignInPage::cancelRequested, this, [this] {
        m_controller.cancelSignIn();
        m_signIn->showForm();
    });
    connect(m_environment, &EnvironmentPage::registerRequested, this,
            [this](const QString& environmentId, const QString& name) {
                m_settings.setValue(QStringLiteral("environment"), environmentId);
                m_environment->setBusy(true);
                m_controller.registerMachine(environmentId, name);
            });
    connect(m_environment, &EnvironmentPage::registerAnewRequested, &m_controller, &AgentController::registerAnew);
    connect(m_environment, &EnvironmentPage::signOutRequested, &m_controller, &AgentController::signOut);
    connect(m_machine, &MachinePage::saveRequested, &m_controller, &AgentController::updateMachine);
    connect(m_machine, &MachinePage::changeEnvironmentRequested, this, &MainWindow::confirmEnvironmentChange);
    connect(m_dashboard, &DashboardPage::refreshRequested, &m_controller, &AgentController::refresh);
    connect(m_dashboard, &DashboardPage::disconnectUsersRequested, &m_controller, &AgentController::disconnectUsers);
    connect(m_dashboard, &DashboardPage::cancelRunRequested, &m_controller, &AgentController::cancelRun);
    connect(m_flows, &FlowsPage::runRequested, &m_controller, &AgentController::runFlow);
    connect(m_dashboard, &DashboardPage::runDetailsRequested, this, &MainWindow::openRunDetails);
    // A recommendation's Run details and Flow details: the waiting run is read first.
    connect(m_dashboard, &DashboardPage::runDetailsByIdRequested, this, [this](const QString& runId) {
        m_pendingRuns.insert(runId, PendingRun::Details);
        m_controller.fetchRun(runId);
    });
    connect(m_dashboard, &DashboardPage::flowOfRunRequested, this, [this](const QString& runId) {
        m_pendingRuns.insert(runId, PendingRun::Flow);
        m_controller.fetchRun(runId);
    });
    connect(m_settingsPage, &SettingsPage::signOutRequested, &m_controller, &AgentController::signOut);
    connect(m_settingsPage, &SettingsPage::languageChanged, this, [this](const QString& code) {
        m_settings.setValue(QStringLiteral("language"), code);
        Q_EMIT languageChangeRequested(code);
    });
    connect(m_settingsPage, &SettingsPage::startAtLoginChanged, this, [this](bool enabled) {
        QString error;
        if (!Autostart().setEnabled(enabled, QApplication::applicationFilePath(), &error))
            showDetails(this, tr("Start at login"), tr("Cannot change the start at login setting: %1").arg(error));
    });
    connect(m_settingsPage, &SettingsPage::openLogFolderRequested, this,
            [] { QDesktopServices::openUrl(QUrl::fromLocalFile(LogFile::defaultFolder())); });
}

void MainWindow::openRunDetails(const QJsonObject& run) {
    const QString flow = m_flowNames.value(run.value(QStringLiteral("flowId")).toString(), tr("A flow"));
    auto* dialog = new RunDetailsDialog(run, flow, m_machineName, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(&m_controller, &AgentController::runLogReady, dialog,
            [dialog](const QString& runId, const QJsonArray& lines) {
                if (runId == dialog->runId())
                    dialog->setLog(lines);
            });
    m_controller.fetchRunLog(dialog->runId());
    dialog->open();
}

void MainWindow::askUser(quint64 id, const mr::agent::UiRequest& request) {
    using Kind = mr::agent::UiRequest::Kind;
    // The question comes from a flow the user watches: bring the window up and name the flow.
    QString flow;
    for (const QJsonValue& v : std::as_const(m_runs))
        if (v.toObject().value(QStringLiteral("id")).toString() == request.runId)
            flow = m_flowNames.value(v.toObject().value(QStringLiteral("flowId")).toString());
    const QString title = !request.title.isEmpty() ? request.title
                          : flow.isEmpty()         ? tr("A flow asks")
                                                   : tr("%1 asks").arg(flow);
    showNormal();
    raise();
    activateWindow();

    QDialog* dialog = nullptr;
    if (request.kind == Kind::Input || request.kind == Kind::Choose) {
        auto* input = new QInputDialog(this);
        input->setLabelText(request.text);
        if (request.kind == Kind::Choose) {
            input->setComboBoxItems(request.options);
            input->setComboBoxEditable(false);
        } else {
            input->setTextValue(request.defaultText);
        }
        connect(input, &QInputDialog::finished, this, [this, id, input](int result) {
            m_questions.remove(id);
            m_controller.answerQuestion(id, result == QDialog::Accepted ? QJsonValue(input->textValue())
                                                                        : QJsonValue(QJsonValue::Null));
        });
        dialog = input;
    } else {
        const bool confirm = request.kind == Kind::Confirm;
        auto* box = new QMessageBox(confirm ? QMessageBox::Question : QMessageBox::Information, title, request.text,
                                    confirm ? QMessageBox::Yes | QMessageBox::No : QMessageBox::Ok, this);
        connect(box, &QMessageBox::finished, this, [this, id, box, confirm](int) {
            m_questions.remove(id);
            m_controller.answerQuestion(id, confirm ? QJsonValue(box->clickedButton() == box->button(QMessageBox::Yes))
                                                    : QJsonValue(QJsonValue::Null));
        });
        dialog = box;
    }
    dialog->setObjectName(QStringLiteral("flowQuestion"));
    dialog->setWindowTitle(title);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_questions.insert(id, dialog);
    dialog->open();
}

void MainWindow::showNotice(const QString& message) {
    m_notice->setText(message);
    m_noticeBar->setVisible(!message.isEmpty());
}

void MainWindow::wireController() {
    using mr::agent::SignInError;
    using mr::agent::SignInFlow;
    connect(&m_controller, &AgentController::authorizationUrlReady, this, [this](const QUrl& url) {
        m_signIn->showWaiting(url);
        QDesktopServices::openUrl(url);
    });
    connect(&m_controller, &AgentController::signInStateChanged, this, [this](SignInFlow::State state) {
        if (state == SignInFlow::State::ExchangingCode)
            m_signIn->showBusy(tr("Signing in…"));
    });
    connect(&m_controller, &AgentController::signInFailed, this, [this](const SignInError& error) {
        if (error.code != SignInError::Code::InsecureServer)
            return m_signIn->showError(error.message, error.detail);
        m_signIn->showForm();
        auto* box =
            new QMessageBox(QMessageBox::Warning, tr("Unencrypted connection"),
                            error.message + QLatin1Char('\n') + tr("Sign in anyway?"), QMessageBox::Cancel, this);
        QPushButton* anyway = box->addButton(tr("Sign in anyway"), QMessageBox::AcceptRole);
        box->setAttribute(Qt::WA_DeleteOnClose);
        connect(box, &QMessageBox::buttonClicked, this, [this, anyway](QAbstractButton* clicked) {
            if (clicked == static_cast<QAbstractButton*>(anyway))
                m_controller.signIn(QUrl(m_signIn->serverAddress()), true);
        });
        box->open();
    });
    connect(&m_controller, &AgentController::signedIn, this,
            [this](const QString& username, const QString& host, const QJsonArray& environments) {
                m_username = username;
                m_host = host;
                m_settings.setValue(QStringLiteral("account"), username);
                m_environments = environments;
                m_settingsPage->setAccount(username);
                m_settingsPage->setServerAddress(m_signIn->serverAddress());
                m_signIn->showBusy(tr("Registering this machine…"));
            });
    connect(&m_controller, &AgentController::registrationNeeded, this,
            [this](const QJsonArray& environments, const mr::agent::RegistrationProblem& problem) {
                m_environments = environments;
                m_environment->setEnvironments(environments);
                m_environment->setMessage(problem.message, problem.detail, problem.identityMismatch);
                showPage(Page::Environment);
            });
    connect(&m_controller, &AgentController::registered, this,
            [this](const QString&, const QString& environmentId, const QString& environmentName) {
                m_settings.setValue(QStringLiteral("environment"), environmentId);
                m_environmentName = environmentName;
                updateStatus();
                showPage(Page::Main);
            });
    connect(&m_controller, &AgentController::connectionChanged, this, [this](const ConnectionStatus& status) {
        m_connection = status;
        m_dashboard->setConnection(status);
        updateStatus();
    });
    connect(&m_controller, &AgentController::machineChanged, this, [this](const QJsonObject& machine) {
        m_machineName = machine.value(QStringLiteral("name")).toString();
        m_machine->setMachine(machine, m_environmentName);
        m_dashboard->setMachine(machine);
    });
    connect(&m_controller, &AgentController::machineSaveFailed, m_machine, &MachinePage::showSaveError);
    connect(&m_controller, &AgentController::runsChanged, this, [this](const QJsonArray& runs) {
        m_runs = runs;
        m_dashboard->setRuns(runs);
        m_flows->setRuns(runs);
        notifyRuns(runs);
    });
    connect(&m_controller, &AgentController::flowsChanged, this, [this](const QJsonArray& flows) {
        m_flowNames.clear();
        for (const QJsonValue& v : flows)
            m_flowNames.insert(v.toObject().value(QStringLiteral("id")).toString(),
                               v.toObject().value(QStringLiteral("name")).toString());
        m_dashboard->setFlows(flows);
        m_flows->setFlows(flows);
    });
    connect(&m_controller, &AgentController::runReady, this, [this](const QJsonObject& run) {
        const QString id = run.value(QStringLiteral("id")).toString();
        if (!m_pendingRuns.contains(id))
            return;
        if (m_pendingRuns.take(id) == PendingRun::Details)
            return openRunDetails(run);
        const QString flowId = run.value(QStringLiteral("flowId")).toString();
        showSection(1);
        if (!m_flows->selectFlow(flowId))
            showNotice(tr("The flow of this run is no longer in this environment."));
    });
    connect(&m_controller, &AgentController::notice, this, &MainWindow::showNotice);
    connect(&m_controller, &AgentController::currentActionsChanged, m_dashboard, &DashboardPage::setCurrentActions);
    connect(&m_controller, &AgentController::questionAsked, this, &MainWindow::askUser);
    connect(&m_controller, &AgentController::questionWithdrawn, this, [this](quint64 id) {
        if (QPointer<QDialog> dialog = m_questions.take(id))
            dialog->deleteLater(); // the run ended: its question no longer needs an answer
    });
    connect(&m_controller, &AgentController::connectionsChanged, m_dashboard, &DashboardPage::setConnections);
    connect(&m_controller, &AgentController::recommendationsChanged, m_dashboard, &DashboardPage::setRecommendations);
    connect(&m_controller, &AgentController::runRequestFinished, m_flows, &FlowsPage::showRunResult);
    connect(&m_controller, &AgentController::signedOut, this, [this] {
        m_settings.remove(QStringLiteral("account"));
        m_username.clear();
        m_environmentName.clear();
        m_runStatus.clear();
        m_runs = {};
        m_runsSeen = false;
        showNotice({});
        m_signIn->showForm();
        showPage(Page::SignIn);
        updateStatus();
    });
}

void MainWindow::confirmEnvironmentChange() {
    QStringList names;
    QStringList ids;
    for (const QJsonValue& v : m_environments) {
        const QJsonObject environment = v.toObject();
        if (!EnvironmentModel::mayRegister(environment) ||
            environment.value(QStringLiteral("name")).toString() == m_environmentName)
            continue;
        names.append(environment.value(QStringLiteral("name")).toString());
        ids.append(environment.value(QStringLiteral("id")).toString());
    }
    if (names.isEmpty())
        return showDetails(this, tr("Change environment"),
                           tr("There is no other environment where you may register machines."));
    auto* dialog = new QInputDialog(this);
    dialog->setWindowTitle(tr("Change environment"));
    dialog->setLabelText(tr("All connections to this machine will be removed.\nMove this machine to:"));
    dialog->setComboBoxItems(names);
    dialog->setOkButtonText(tr("Move machine"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QInputDialog::textValueSelected, this, [this, names, ids](const QString& name) {
        const qsizetype i = names.indexOf(name);
        if (i >= 0)
            m_controller.moveMachine(ids.at(i));
    });
    dialog->open();
}

void MainWindow::updateStatus() {
    const QString state = connectionText(m_connection);
    const QString colour = connectionColour(m_connection);
    QStringList parts;
    if (!m_username.isEmpty())
        parts.append(QString(m_username + QStringLiteral(" @ ") + m_host).toHtmlEscaped());
    if (!m_environmentName.isEmpty())
        parts.append(m_environmentName.toHtmlEscaped());
    parts.append(QStringLiteral("<span style=\"color:%1\">●</span> <b>%2</b>").arg(colour, state.toHtmlEscaped()));
    const QUrl server(m_server);
    if (!m_username.isEmpty() && server.scheme() == QLatin1String("http") && !mr::agent::SignInFlow::isLoopback(server))
        parts.append(QStringLiteral("<span style=\"color:#b26a00\">⚠ %1</span>")
                         .arg(tr("Not encrypted: anyone on the network can read this connection").toHtmlEscaped()));
    m_status->setText(parts.join(QStringLiteral(" · ")));
    m_status->setToolTip(m_connection.reason);
    const QString line = tr("Machine Runtime: %1").arg(state);
    if (m_tray) {
        m_tray->setIcon(tintedIcon(colour));
        m_tray->setToolTip(m_connection.reason.isEmpty() ? line : line + QLatin1Char('\n') + m_connection.reason);
        m_trayState->setText(state);
    }
}

void MainWindow::setupTray() {
    // The menu exists even where no tray is available, so it is one code path (and testable).
    m_trayMenu = new QMenu(this);
    QAction* open = m_trayMenu->addAction(tr("Open Machine Runtime"));
    m_trayState = m_trayMenu->addAction(QString());
    m_trayState->setEnabled(false);
    m_trayMenu->addSeparator();
    QAction* quit = m_trayMenu->addAction(tr("Quit"));
    connect(open, &QAction::triggered, this, [this] {
        showNormal();
        raise();
        activateWindow();
    });
    connect(quit, &QAction::triggered, this, &MainWindow::requestQuit);
    if (!QSystemTrayIcon::isSystemTrayAvailable())
        return;
    m_tray = new QSystemTrayIcon(this);
    connect(m_tray, &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason reason) {
        if (reason == QSystemTrayIcon::Trigger)
            isVisible() ? hide() : showNormal();
    });
    m_tray->setContextMenu(m_trayMenu);
    m_tray->show();
}

void MainWindow::notify(const QString& text, bool warning) {
    Q_EMIT notified(text);
    if (m_tray)
        m_tray->showMessage(tr("Machine Runtime"), text,
                            warning ? QSystemTrayIcon::Warning : QSystemTrayIcon::Information);
}

QStringList MainWindow::runningFlows() const {
    QStringList names;
    for (const QJsonValue& v : m_runs) {
        const QJsonObject run = v.toObject();
        const QString status = run.value(QStringLiteral("status")).toString();
        if (status == QLatin1String("Running") || status == QLatin1String("Cancelling"))
            names.append(m_flowNames.value(run.value(QStringLiteral("flowId")).toString(), tr("A flow")));
    }
    return names;
}

void MainWindow::requestQuit() {
    const QStringList running = runningFlows();
    if (running.isEmpty())
        return quitGracefully();
    showNormal();
    raise();
    auto* box = new QMessageBox(
        QMessageBox::Question, tr("Quit Machine Runtime"),
        tr("%n flow(s) running on this PC: %1.", nullptr, int(running.size())).arg(running.join(QStringLiteral(", "))) +
            QLatin1Char('\n') +
            tr("If you quit, they get 10 seconds to finish and are then cancelled. No new runs start here until "
               "Machine Runtime runs again."),
        QMessageBox::Cancel, this);
    box->setObjectName(QStringLiteral("quitQuestion"));
    QPushButton* quit = box->addButton(tr("Quit anyway"), QMessageBox::DestructiveRole);
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::buttonClicked, this, [this, quit](QAbstractButton* clicked) {
        if (clicked == static_cast<QAbstractButton*>(quit))
            quitGracefully();
    });
    box->open();
}

void MainWindow::notifyRuns(const QJsonArray& runs) {
    QHash<QString, QString> now;
    for (const QJsonValue& v : runs) {
        const QJsonObject run = v.toObject();
        const QString id = run.value(QStringLiteral("id")).toString();
        const QString status = run.value(QStringLiteral("status")).toString();
        now.insert(id, status);
        const QString before = m_runStatus.value(id);
        if (!m_runsSeen || before == status)
            continue;
        const QString flow = m_flowNames.value(run.value(QStringLiteral("flowId")).toString(), tr("A flow"));
        if (status == QLatin1String("Running"))
            notify(tr("%1 started").arg(flow));
        else if (status == QLatin1String("Succeeded")) {
            const QDateTime started =
                QDateTime::fromString(run.value(QStringLiteral("startedAt")).toString(), Qt::ISODateWithMs);
            const QDateTime ended =
                QDateTime::fromString(run.value(QStringLiteral("endedAt")).toString(), Qt::ISODateWithMs);
            notify(tr("%1 finished in %2").arg(flow, RunsModel::formatDuration(started.secsTo(ended))));
        } else if (status == QLatin1String("Failed"))
            notify(tr("%1 failed: %2").arg(flow, run.value(QStringLiteral("errorMessage")).toString()), true);
        else if (status == QLatin1String("Cancelled"))
            notify(tr("%1 was cancelled").arg(flow));
    }
    m_runStatus = now;
    m_runsSeen = true;
}

void MainWindow::showEvent(QShowEvent* event) {
    QMainWindow::showEvent(event);
    m_controller.setWindowVisible(true);
}

void MainWindow::hideEvent(QHideEvent* event) {
    QMainWindow::hideEvent(event);
    m_controller.setWindowVisible(false);
}

void MainWindow::closeEvent(QCloseEvent* event) {
    m_settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    if (m_tray && m_tray->isVisible() && !m_quitting) {
        if (!m_settings.value(QStringLiteral("tray/told")).toBool()) {
            m_tray->showMessage(tr("Machine Runtime"),
                                tr("Machine Runtime keeps running in the tray so your flows can run. Quit it from "
                                   "the tray menu."));
            m_settings.setValue(QStringLiteral("tray/told"), true);
        }
        hide();
        event->ignore();
        return;
    }
    if (!m_quitting) {
        // No tray: closing the window quits, once the agent has stopped (asking first when a
        // flow is running).
        event->ignore();
        requestQuit();
        return;
    }
    QMainWindow::closeEvent(event);
}

void MainWindow::quitGracefully() {
    if (m_quitting)
        return;
    m_quitting = true;
    hide();
    connect(&m_controller, &AgentController::stopped, qApp, &QApplication::quit);
    m_controller.shutdown();
}

} // namespace mr::ui
