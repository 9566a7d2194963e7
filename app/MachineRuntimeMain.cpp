// machine-runtime: the desktop app (API.md: machine-runtime [--server URL]).
#include "protocol/CommandLine.h"
#include "ui/MainWindow.h"
#include "ui/SignInPage.h"

#include <QApplication>
#include <QMessageBox>

int main(int argc, char* argv[]) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("machine-runtime"));
    QApplication::setApplicationDisplayName(QStringLiteral("Machine Runtime"));
    QApplication::setOrganizationName(QStringLiteral("machine-runtime"));
    QApplication::setApplicationVersion(QStringLiteral(MR_VERSION));

    QTextStream out(stdout);
    QTextStream err(stderr);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Machine Runtime: runs your organisation's desktop flows on this "
                                                    "PC."));
    const QCommandLineOption server(QStringLiteral("server"), QStringLiteral("The orchestrator's address."),
                                    QStringLiteral("URL"));
    parser.addOption(server);
    const int code = mr::protocol::parseStandardOptions(parser, QApplication::arguments(), out, err);
    if (code >= 0)
        return code;
    if (!parser.positionalArguments().isEmpty())
        return mr::protocol::usageError(
            QStringLiteral("machine-runtime"),
            QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().first()), err);

    mr::ui::MainWindow window(parser.value(server));
    QObject::connect(window.signInPage(), &mr::ui::SignInPage::signInRequested, &window, [&window] {
        QMessageBox::information(&window, QObject::tr("Sign in"),
                                 QObject::tr("Signing in from the desktop app is not available in this version. "
                                             "Register this PC with machine-runtime-agent register instead."));
    });
    window.show();
    return QApplication::exec();
}
