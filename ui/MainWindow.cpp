#include "ui/MainWindow.h"

#include "ui/SignInPage.h"

namespace mr::ui {

MainWindow::MainWindow(const QString& serverAddress, QWidget* parent)
    : QMainWindow(parent) {
    setWindowTitle(tr("Machine Runtime"));
    resize(960, 640);
    m_signIn = new SignInPage(this);
    m_signIn->setServerAddress(serverAddress);
    setCentralWidget(m_signIn);
}

} // namespace mr::ui
