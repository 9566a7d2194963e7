// machine-runtime-agent: the head-less agent (API.md: register, run, unregister).
#include "agent/StateDir.h"
#include "protocol/CommandLine.h"

#include <QCoreApplication>

namespace {

int notInThisVersion(const QString& command, QTextStream& err) {
    err << "machine-runtime-agent: '" << command << "' is not available in this version of the agent.\n";
    err.flush();
    return mr::protocol::ExitCode::Failure;
}

} // namespace

int main(int argc, char* argv[]) {
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("machine-runtime-agent"));
    QCoreApplication::setOrganizationName(QStringLiteral("machine-runtime"));
    QCoreApplication::setApplicationVersion(QStringLiteral(MR_VERSION));

    QTextStream out(stdout);
    QTextStream err(stderr);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("The Machine Runtime agent without a window, for unattended runs.\n\n"
                       "Commands:\n"
                       "  register    register this machine (--server URL --environment NAME --name MACHINE "
                       "--token-stdin)\n"
                       "  run         connect and run flows (--session-source logind|static:USER:STATE)\n"
                       "  unregister  forget this machine's local identity"));
    parser.addPositionalArgument(QStringLiteral("command"), QStringLiteral("register, run or unregister"));
    const QCommandLineOption stateDir(QStringLiteral("state-dir"),
                                      QStringLiteral("Folder for identity, secrets and journal (default: %1).")
                                          .arg(mr::agent::StateDir::defaultPath()),
                                      QStringLiteral("DIR"));
    const QCommandLineOption server(QStringLiteral("server"), QStringLiteral("The orchestrator's address."),
                                    QStringLiteral("URL"));
    const QCommandLineOption environment(QStringLiteral("environment"), QStringLiteral("Environment to register in."),
                                         QStringLiteral("NAME"));
    const QCommandLineOption name(QStringLiteral("name"), QStringLiteral("The machine's name."),
                                  QStringLiteral("MACHINE"));
    const QCommandLineOption description(QStringLiteral("description"), QStringLiteral("The machine's description."),
                                         QStringLiteral("TEXT"));
    const QCommandLineOption tokenStdin(QStringLiteral("token-stdin"),
                                        QStringLiteral("Read the user's token from standard input."));
    const QCommandLineOption sessionSource(QStringLiteral("session-source"),
                                           QStringLiteral("logind, or static:USER:STATE."), QStringLiteral("SOURCE"));
    parser.addOptions({stateDir, server, environment, name, description, tokenStdin, sessionSource});
    const int code = mr::protocol::parseStandardOptions(parser, QCoreApplication::arguments(), out, err);
    if (code >= 0)
        return code;
    const QStringList positional = parser.positionalArguments();
    const QString command = positional.value(0);
    if (command.isEmpty())
        return mr::protocol::usageError(QStringLiteral("machine-runtime-agent"), QStringLiteral("a command is missing"),
                                        err);
    if (command != QLatin1String("register") && command != QLatin1String("run") &&
        command != QLatin1String("unregister"))
        return mr::protocol::usageError(QStringLiteral("machine-runtime-agent"),
                                        QStringLiteral("unknown command '%1'").arg(command), err);
    return notInThisVersion(command, err);
}
