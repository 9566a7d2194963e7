#pragma once

#include "ui/MainWindow.h"

#include <QObject>
#include <QPointer>
#include <QTranslator>

class QSettings;

namespace mr::ui {

/// The app around its window: installs the translators of the chosen language (Settings, else
/// the system's) and, when the user picks another one, builds the window anew in it at the
/// same place and page, with the agent left running and the controller replaying its state.
class AppShell final : public QObject {
    Q_OBJECT
public:
    /// Installs the translators at once, so the command line speaks the user's language too.
    explicit AppShell(QSettings& settings, QObject* parent = nullptr);
    ~AppShell() override;

    /// Shows the window (for @p serverAddress, from --server, when not empty) and signs in again
    /// with a remembered session.
    void start(mr::agent::AgentController& controller, const QString& serverAddress = {});
    MainWindow* window() const { return m_window; }
    /// Switches to @p code ("de", "fr", "en"; "" follows the system) now.
    void setLanguage(const QString& code);

Q_SIGNALS:
    /// A new window replaced the old one (after a language change).
    void windowReplaced(mr::ui::MainWindow* window);

private:
    void installTranslators(const QString& code);
    MainWindow* makeWindow();

    mr::agent::AgentController* m_controller = nullptr;
    QSettings& m_settings;
    QString m_serverAddress;
    QTranslator m_qt;
    QTranslator m_app;
    QPointer<MainWindow> m_window;
};

} // namespace mr::ui
