// machine-runtime-agent: the head-less agent (API.md: register, run, unregister).
#include "agent/Agent.h"
#include "agent/FileSecretStore.h"
#include "agent/Journal.h"
#include "agent/Registration.h"
#include "agent/SessionMonitor.h"
#include "agent/StateDir.h"
#include "protocol/CommandLine.h"

#include <QCoreApplication>
#include <QSocketNotifier>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include <sys/socket.h>
#include <unistd.h>

namespace {

using mr::protocol::ExitCode::AuthenticationRefused;
using mr::protocol::ExitCode::Failure;
using mr::protocol::ExitCode::Usage;

int g_signalPipe[2] = {-1, -1};

void onSignal(int) {
    const char byte = 1;
    [[maybe_unused]] const auto written = ::write(g_signalPipe[0], &byte, 1);
}

/// SIGTERM and SIGINT through a self-pipe, so the handler only writes a byte and the event loop
/// does the rest.
void watchSignals(QObject* context, std::function<void()> handler) {
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalPipe) != 0)
        return;
    auto* notifier = new QSocketNotifier(g_signalPipe[1], QSocketNotifier::Read, context);
    QObject::connect(notifier, &QSocketNotifier::activated, context, [handler = std::move(handler)] {
        char byte = 0;
        [[maybe_unused]] const auto got = ::read(g_signalPipe[1], &byte, 1);
        handler();
    });
    struct sigaction action {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGINT, &action, nullptr);
}

/// Prints @p message (to stdout for success, stderr otherwise) and leaves the event loop.
void finish(int code, const QString& message) {
    if (!message.isEmpty()) {
        QTextStream stream(code == 0 ? stdout : stderr);
        stream << (code == 0 ? QString() : QStringLiteral("machine-runtime-agent: ")) << message << '\n';
        stream.flush();
    }
    QCoreApplication::exit(code);
}

QString readTokenLine() {
    std::string line;
    std::getline(std::cin, line);
    QString token = QString::fromStdString(line);
    if (token.endsWith(QLatin1Char('\r')))
        token.chop(1);
    return token.trimmed();
}

} // namespace

int main(int argc, char* argv[]) {
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("machine-runtime-agent"));
    QCoreApplication::setOrganizationName(QStringLiteral("machine-runtime"));
    QCoreApplication::setApplicationVersion(QStringLiteral(MR_VERSION));

    qSetMessagePattern(QStringLiteral("%{time yyyy-MM-ddThh:mm:ss.zzz} %{type} %{category}: %{message}"));

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

    const mr::agent::StateDir state(parser.value(stateDir));
    QString error;
    if (!state.ensure(&error)) {
        err << "machine-runtime-agent: " << error << '\n';
        return Failure;
    }
    mr::agent::FileSecretStore secrets(state.path());

    if (command == QLatin1String("register")) {
        for (const auto* required : {&server, &environment, &name}) {
            if (!parser.isSet(*required))
                return mr::protocol::usageError(QStringLiteral("machine-runtime-agent"),
                                                QStringLiteral("register needs --%1").arg(required->names().first()),
                                                err);
        }
        if (!parser.isSet(tokenStdin))
            return mr::protocol::usageError(QStringLiteral("machine-runtime-agent"),
                                            QStringLiteral("register needs --token-stdin (the token is never an "
                                                           "argument: others could read it)"),
                                            err);
        mr::agent::Registration::Request request;
        request.server = QUrl(parser.value(server));
        request.environment = parser.value(environment);
        request.name = parser.value(name);
        request.description = parser.value(description);
        request.userToken = readTokenLine();
        request.stateDir = state.path();
        mr::agent::Registration registration(std::move(request), secrets);
        QObject::connect(&registration, &mr::agent::Registration::finished, &app, finish);
        QMetaObject::invokeMethod(&registration, &mr::agent::Registration::start, Qt::QueuedConnection);
        return app.exec();
    }

    if (command == QLatin1String("unregister")) {
        QMetaObject::invokeMethod(
            &app, [&] { mr::agent::unregisterLocally(state.path(), secrets, finish); }, Qt::QueuedConnection);
        return app.exec();
    }

    // run
    const auto record = mr::agent::IdentityRecord::load(state.path(), &error);
    if (!record) {
        err << "machine-runtime-agent: "
            << (error.isEmpty() ? QStringLiteral("not registered: run machine-runtime-agent register first") : error)
            << '\n';
        return error.isEmpty() ? Usage : Failure;
    }
    const auto sessions = mr::agent::SessionMonitor::create(parser.value(sessionSource), &error);
    if (!sessions)
        return mr::protocol::usageError(QStringLiteral("machine-runtime-agent"), error, err);
    mr::agent::Journal journal(state.path());
    if (!journal.open(&error)) {
        err << "machine-runtime-agent: " << error << '\n';
        return Failure;
    }
    std::unique_ptr<mr::agent::Agent> agent;
    const auto executor = std::make_unique<mr::agent::FlowEngineExecutor>();
    bool stopRequested = false;
    watchSignals(&app, [&] {
        stopRequested = true;
        if (agent)
            agent->shutdown();
        else
            QCoreApplication::exit(0);
    });
    secrets.read(mr::agent::SecretKey::PrivateKey, [&](const mr::agent::SecretResult& key) {
        if (!key.ok)
            return finish(key.notFound ? AuthenticationRefused : Failure,
                          key.notFound ? QStringLiteral("the machine's private key is missing from %1; run "
                                                        "'machine-runtime-agent unregister' and register again")
                                             .arg(secrets.filePath())
                                       : key.error);
        const QString fingerprint = mr::agent::Identity::fingerprint(record->installId);
        const auto identity = mr::agent::Identity::fromSecretKey(key.value, fingerprint);
        if (!identity)
            return finish(Failure, QStringLiteral("the stored private key is damaged; unregister and register again"));
        agent = std::make_unique<mr::agent::Agent>(*record, *identity, secrets, journal, *sessions, executor.get(),
                                                   mr::agent::Agent::Options{});
        QObject::connect(agent.get(), &mr::agent::Agent::fatal, &app, finish);
        QObject::connect(agent.get(), &mr::agent::Agent::stopped, &app, [] { QCoreApplication::exit(0); });
        agent->start();
        if (stopRequested)
            agent->shutdown();
    });
    const int exitCode = app.exec();
    agent.reset();
    return exitCode;
}
