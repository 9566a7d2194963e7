#pragma once

#include <QMainWindow>

namespace mr::ui {

class SignInPage;

/// The app's one window: before sign-in only the sign-in page shows (UI.md).
class MainWindow final : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(const QString& serverAddress, QWidget* parent = nullptr);

    SignInPage* signInPage() const { return m_signIn; }

private:
    SignInPage* m_signIn = nullptr;
};

} // namespace mr::ui
