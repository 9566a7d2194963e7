#pragma once

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;

namespace mr::ui {

/// Settings (UI.md): language, start at login, server address, sign out, log folder, about.
class SettingsPage final : public QWidget {
    Q_OBJECT
public:
    explicit SettingsPage(QWidget* parent = nullptr);

    /// "" follows the system; else "en", "de", "fr".
    void setLanguage(const QString& code);
    void setStartAtLogin(bool enabled);
    void setServerAddress(const QString& address);
    void setAccount(const QString& text);

Q_SIGNALS:
    void languageChanged(const QString& code);
    void startAtLoginChanged(bool enabled);
    void signOutRequested();
    void openLogFolderRequested();

private:
    QComboBox* m_language = nullptr;
    QCheckBox* m_startAtLogin = nullptr;
    QLineEdit* m_server = nullptr;
    QLabel* m_account = nullptr;
};

} // namespace mr::ui
