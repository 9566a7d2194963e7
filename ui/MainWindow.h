#pragma once

#include "agent/AgentController.h"

#include <QHash>
#include <QJsonArray>
#include <QMainWindow>
#include <QPointer>

class QLabel;
class QListWidget;
class QMenu;
class QSettings;
class QStackedWidget;
class QSystemTrayIcon;
class QAction;
class QDialog;

namespace mr::ui {

class DashboardPage;
class EnvironmentPage;
class FlowsPage;
class MachinePage;
class SettingsPage;
class SignInPage;

/// The app's one window (UI.md): before sign-in only the sign-in page shows; then "Choose an
/// environment" when needed; then the navigation (Dashboard, Flows, Machine, Settings) under a
/// status strip. Talks to nothing but the AgentController. Closing it keeps the app in the tray.
class MainWindow final : public QMainWindow {
    Q_OBJECT
public:
    MainWindow(mr::agent::AgentController& controller, QSettings& settings, const QString& serverAddress,
               QWidget* parent = nullptr);
    ~MainWindow() override;

    SignInPage* signInPage() const { return m_signIn; }
    EnvironmentPage* environmentPage() const { return m_environment; }
    DashboardPage* dashboardPage() const { return m_dashboard; }
    FlowsPage* flowsPage() const { return m_flows; }
    MachinePage* machinePage() const { return m_machine; }
    SettingsPage* settingsPage() const { return m_settingsPage; }
    /// Shows page @p index of the navigation (0 Dashboard, 1 Flows, 2 Machine, 3 Settings).
    void showSection(int index);
    int currentSection() const;

    enum class Page { SignIn, Environment, Main };
    Page currentPage() const;
    /// The tray's menu (Open, the state line, Quit); it exists even where no tray is shown.
    QMenu* trayMenu() const { return m_trayMenu; }
    /// Quit from the tray or by closing the window without a tray: asks first when a flow runs.
    void requestQuit();
    /// Signs in again with the session the keychain kept, when the last sign-in was on this
    /// server (the app calls it once at start).
    void resumeRememberedSession();

Q_SIGNALS:
    /// A notification (run started, finished, failed) was given; shown by the tray if there is one.
    void notified(const QString& text);
    /// The user picked another language in Settings (already saved; "" follows the system).
    void languageChangeRequested(const QString& code);

protected:
    void closeEvent(QCloseEvent* event) override;
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

private:
    void wireController();
    void wirePages();
    void setupTray();
    void showPage(Page page);
    void updateStatus();
    void notifyRuns(const QJsonArray& runs);
    void confirmEnvironmentChange();
    void openRunDetails(const QJsonObject& run);
    void showNotice(const QString& message);
    /// A `ui.*` question of an attended flow as a window-modal dialog of the app.
    void askUser(quint64 id, const mr::agent::UiRequest& request);
    void notify(const QString& text, bool warning = false);
    QStringList runningFlows() const;
    /// Quit after the agent stopped (runs get their grace period, results are sent).
    void quitGracefully();

    mr::agent::AgentController& m_controller;
    QSettings& m_settings;
    QStackedWidget* m_pages = nullptr;
    SignInPage* m_signIn = nullptr;
    EnvironmentPage* m_environment = nullptr;
    QWidget* m_shell = nullptr;
    QLabel* m_status = nullptr;
    QListWidget* m_nav = nullptr;
    QStackedWidget* m_sections = nullptr;
    DashboardPage* m_dashboard = nullptr;
    FlowsPage* m_flows = nullptr;
    MachinePage* m_machine = nullptr;
    SettingsPage* m_settingsPage = nullptr;
    QWidget* m_noticeBar = nullptr;
    QLabel* m_notice = nullptr;
    QSystemTrayIcon* m_tray = nullptr;
    QMenu* m_trayMenu = nullptr;
    QAction* m_trayState = nullptr;

    QString m_username;
    QString m_host;
    QString m_server;
    QString m_requestedServer; ///< --server of the command line
    QString m_environmentName;
    QString m_machineName;
    QJsonArray m_environments;
    QHash<QString, QString> m_flowNames;
    QHash<QString, QString> m_runStatus;
    QJsonArray m_runs;
    enum class PendingRun { Details, Flow };
    QHash<QString, PendingRun> m_pendingRuns;
    QHash<quint64, QPointer<QDialog>>
        m_questions; ///< open questions of flows, by their number ///< runs read for a recommendation's action
    bool m_runsSeen = false;
    bool m_quitting = false;
    mr::agent::ConnectionStatus m_connection;
};

} // namespace mr::ui
