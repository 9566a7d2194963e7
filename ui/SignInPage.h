#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;

namespace mr::ui {

/// The first page: a centred card with the server address and the Sign in button.
class SignInPage final : public QWidget {
    Q_OBJECT
public:
    explicit SignInPage(QWidget* parent = nullptr);

    QString serverAddress() const;
    void setServerAddress(const QString& address);

Q_SIGNALS:
    void signInRequested(const QString& serverAddress);

private:
    void updateState();

    QLineEdit* m_server = nullptr;
    QPushButton* m_signIn = nullptr;
    QLabel* m_hint = nullptr;
};

} // namespace mr::ui
