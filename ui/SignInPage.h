#pragma once

#include <QUrl>
#include <QWidget>

class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;

namespace mr::ui {

/// The first page: a centred card with the server address and the Sign in button.
class SignInPage final : public QWidget {
    Q_OBJECT
public:
    explicit SignInPage(QWidget* parent = nullptr);

    QString serverAddress() const;
    void setServerAddress(const QString& address);

    /// "Finish signing in in your browser…" with Cancel and "Copy the sign-in link".
    void showWaiting(const QUrl& link);
    /// The form again, with @p message in one sentence and @p detail behind Details.
    void showError(const QString& message, const QString& detail);
    /// The form, without an error.
    void showForm();
    /// "Signing in…": the browser is done, the app talks to the server.
    void showBusy(const QString& text);

Q_SIGNALS:
    void signInRequested(const QString& serverAddress);
    void cancelRequested();

private:
    void updateState();
    void showPanel(bool waiting);
    void fitCard();

    static constexpr int kCardWidth = 460;

    QWidget* m_card = nullptr;
    QLineEdit* m_server = nullptr;
    QPushButton* m_signIn = nullptr;
    QLabel* m_hint = nullptr;
    QLabel* m_error = nullptr;
    QPushButton* m_details = nullptr;
    QString m_detailText;
    QList<QWidget*> m_formWidgets;
    QList<QWidget*> m_waitWidgets;
    QLabel* m_waitText = nullptr;
    QProgressBar* m_spinner = nullptr;
    QLabel* m_copyLink = nullptr;
    QPushButton* m_cancel = nullptr;
    QUrl m_link;
};

} // namespace mr::ui
