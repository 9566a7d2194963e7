// orchestrator: the service and its administration commands (API.md, Command lines).
#include "orchestrator/cli/Commands.h"
#include "protocol/CommandLine.h"

#include <QCoreApplication>

#include <cstdio>

int main(int argc, char* argv[]) {
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("orchestrator"));
    QCoreApplication::setOrganizationName(QStringLiteral("machine-runtime"));
    QCoreApplication::setApplicationVersion(QStringLiteral(MR_VERSION));
    qSetMessagePattern(QStringLiteral("%{time yyyy-MM-ddThh:mm:ss.zzz} %{type} %{category}: %{message}"));

    QTextStream in(stdin);
    QTextStream out(stdout);
    QTextStream err(stderr);
    const QStringList args = app.arguments();
    const QString command = args.value(1);
    if (command == QLatin1String("serve"))
        return mr::orch::cli::serve(args, out, err);
    if (command == QLatin1String("user"))
        return mr::orch::cli::user(args, in, out, err);
    if (command == QLatin1String("env"))
        return mr::orch::cli::environment(args, out, err);
    if (command == QLatin1String("demo"))
        return mr::orch::cli::demo(args, out, err);

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("The Machine Runtime orchestrator: users, environments, machines, flows and the run queue.\n\n"
                       "Commands:\n"
                       "  serve      run the service (orchestrator serve --help)\n"
                       "  user       add, deactivate users; make personal access tokens\n"
                       "  env        add environments; grant roles\n"
                       "  demo       a demo environment with users, a group and flows"));
    parser.addPositionalArgument(QStringLiteral("command"), QStringLiteral("serve, user, env or demo"));
    const int code = mr::protocol::parseStandardOptions(parser, args, out, err);
    if (code >= 0)
        return code;
    if (command.isEmpty())
        return mr::protocol::usageError(QStringLiteral("orchestrator"), QStringLiteral("a command is missing"), err);
    return mr::protocol::usageError(QStringLiteral("orchestrator"), QStringLiteral("unknown command '%1'").arg(command),
                                    err);
}
