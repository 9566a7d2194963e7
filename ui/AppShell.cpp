#include "ui/AppShell.h"

#include "agent/AgentController.h"
#include "ui/MainWindow.h"

#include <QApplication>
#include <QLibraryInfo>
#include <QSettings>

namespace mr::ui {

AppShell::AppShell(QSettings& settings, QObject* parent)
    : QObject(parent)
    , m_settings(settings) {
    installTranslators(m_settings.value(QStringLiteral("language")).toString());
}

AppShell::~AppShell() {
    delete m_window;
    QApplication::removeTranslator(&m_app);
    QApplication::removeTranslator(&m_qt);
}

void AppShell::installTranslators(const QString& code) {
    QApplication::removeTranslator(&m_app);
    QApplication::removeTranslator(&m_qt);
    const QLocale locale = code.isEmpty() ? QLocale::system() : QLocale(code);
    QLocale::setDefault(locale);
    if (m_qt.load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                  QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QApplication::installTranslator(&m_qt);
    // English is the source language; its file holds only the plural forms, and it is the
    // fallback for a language the app does not speak.
    if (m_app.load(locale, QStringLiteral("machine-runtime"), QStringLiteral("_"), QStringLiteral(":/i18n")) ||
        m_app.load(QStringLiteral(":/i18n/machine-runtime_en.qm")))
        QApplication::installTranslator(&m_app);
}

MainWindow* AppShell::makeWindow() {
    auto* window = new MainWindow(*m_controller, m_settings, m_serverAddress);
    connect(window, &MainWindow::languageChangeRequested, this, &AppShell::setLanguage, Qt::QueuedConnection);
    return window;
}

void AppShell::start(mr::agent::AgentController& controller, const QString& serverAddress) {
    m_controller = &controller;
    m_serverAddress = serverAddress;
    m_window = makeWindow();
    m_window->show();
    m_window->resumeRememberedSession();
}

void AppShell::setLanguage(const QString& code) {
    installTranslators(code);
    if (!m_window || !m_controller)
        return;
    // Every text of a page is set when it is built: build the window anew, where the old one was,
    // on the same section, and let the controller tell it where things stand.
    MainWindow* old = m_window;
    const int section = old->currentSection();
    const bool visible = old->isVisible();
    m_window = makeWindow();
    m_window->restoreGeometry(old->saveGeometry());
    m_window->showSection(section);
    old->hide();
    old->deleteLater();
    if (visible)
        m_window->show();
    m_controller->replay();
    Q_EMIT windowReplaced(m_window);
}

} // namespace mr::ui
