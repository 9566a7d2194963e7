// machine-runtime: the desktop app (API.md: machine-runtime [--server URL]).
#include "agent/AgentController.h"
#include "protocol/CommandLine.h"
#include "ui/AppShell.h"
#include "ui/LogFile.h"

#include <QApplication>
#include <QSettings>
#include <QStyleFactory>

int main(int argc, char* argv[]) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("machine-runtime"));
    QApplication::setApplicationDisplayName(QStringLiteral("Machine Runtime"));
    QApplication::setOrganizationName(QStringLiteral("machine-runtime"));
    QApplication::setApplicationVersion(QStringLiteral(MR_VERSION));
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    qSetMessagePattern(QStringLiteral("%{time yyyy-MM-ddThh:mm:ss.zzz} %{type} %{category}: %{message}"));

    // The log on disk, what Settings → Open log folder shows (bounded, rotated).
    mr::ui::LogFile log(mr::ui::LogFile::defaultFolder());
    log.install();

    // The language: the user's choice in Settings, else the system's (switched live later).
    QSettings settings;
    mr::ui::AppShell shell(settings);

    QTextStream out(stdout);
    QTextStream err(stderr);
    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Machine Runtime: runs your organisation's "
                                                                     "desktop flows on this PC."));
    const QCommandLineOption server(QStringLiteral("server"),
                                    QApplication::translate("main", "The orchestrator's address."),
                                    QStringLiteral("URL"));
    parser.addOption(server);
    const int code = mr::protocol::parseStandardOptions(parser, QApplication::arguments(), out, err);
    if (code >= 0)
        return code;
    if (!parser.positionalArguments().isEmpty())
        return mr::protocol::usageError(
            QStringLiteral("machine-runtime"),
            QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().first()), err);

    mr::agent::AgentController::Options options;
    options.rememberedEnvironment = settings.value(QStringLiteral("environment")).toString();
    mr::agent::AgentController controller(options);
    // The window quits through the controller (the agent stops gracefully first); with a tray
    // icon, closing the window keeps the agent running.
    QApplication::setQuitOnLastWindowClosed(false);
    shell.start(controller, parser.value(server));
    return QApplication::exec();
}
