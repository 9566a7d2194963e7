#include "orchestrator/cli/Commands.h"

#include "orchestrator/Orchestrator.h"
#include "orchestrator/api/Environments.h"
#include "orchestrator/auth/TokenService.h"
#include "orchestrator/auth/UserDirectory.h"
#include "orchestrator/cli/Demo.h"
#include "orchestrator/store/Database.h"
#include "orchestrator/store/Migrations.h"
#include "protocol/CommandLine.h"

#include <QCoreApplication>
#include <QSocketNotifier>

#include <csignal>
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>

namespace mr::orch::cli {

namespace {

using protocol::ExitCode::Failure;
using protocol::ExitCode::Ok;

int g_signalPipe[2] = {-1, -1};

void onSignal(int) {
    const char byte = 1;
    [[maybe_unused]] const auto written = ::write(g_signalPipe[1], &byte, 1);
}

/// SIGTERM and SIGINT end the event loop cleanly (a self-pipe: nothing else is safe in a handler).
void quitOnSignals() {
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalPipe) != 0)
        return;
    auto* notifier = new QSocketNotifier(g_signalPipe[0], QSocketNotifier::Read, QCoreApplication::instance());
    QObject::connect(notifier, &QSocketNotifier::activated, QCoreApplication::instance(), [] {
        char byte = 0;
        [[maybe_unused]] const auto got = ::read(g_signalPipe[0], &byte, 1);
        QCoreApplication::quit();
    });
    struct sigaction action = {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGINT, &action, nullptr);
}

QCommandLineOption databaseOption() {
    return QCommandLineOption(QStringLiteral("database"),
                              QStringLiteral("SQLite file or postgresql://USER:PASS@HOST:PORT/DB (default: %1).")
                                  .arg(DatabaseLocation::defaultLocation().file),
                              QStringLiteral("FILE|URL"));
}

/// The arguments of a subcommand, as a parser sees them: program name first, then the rest.
QStringList subcommandArguments(const QStringList& arguments, int depth) {
    QStringList a = arguments;
    for (int i = 0; i < depth && a.size() > 1; ++i)
        a.removeAt(1);
    return a;
}

std::optional<DatabaseLocation> locationFrom(const QCommandLineParser& parser, const QCommandLineOption& option,
                                             QTextStream& err) {
    if (!parser.isSet(option))
        return DatabaseLocation::defaultLocation();
    QString why;
    auto location = DatabaseLocation::parse(parser.value(option), &why);
    if (!location)
        err << "orchestrator: --database: " << why << '\n';
    return location;
}

/// Opens and migrates the database for one administration command, and runs @p work in a
/// transaction. Turns every failure into a message and exit code 1.
int withDatabase(const DatabaseLocation& location, QTextStream& err, const std::function<void(Db&)>& work) {
    try {
        Db db(location, QStringLiteral("mr-cli"));
        db.open();
        migrate(db);
        db.transaction([&] { work(db); });
        return Ok;
    } catch (const ApiError& e) {
        err << "orchestrator: " << e.message() << '\n';
    } catch (const std::exception& e) {
        err << "orchestrator: " << QString::fromStdString(e.what()) << '\n';
    }
    err.flush();
    return Failure;
}

int intOption(const QCommandLineParser& parser, const QCommandLineOption& option, int fallback, bool* ok) {
    if (!parser.isSet(option))
        return fallback;
    const int value = parser.value(option).toInt(ok);
    if (*ok && value <= 0)
        *ok = false;
    return value;
}

} // namespace

int serve(const QStringList& arguments, QTextStream& out, QTextStream& err) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Runs the orchestrator service until SIGTERM."));
    const QCommandLineOption database = databaseOption();
    const QCommandLineOption listen(QStringLiteral("listen"),
                                    QStringLiteral("Address to listen on; port 0 picks a free one (default "
                                                   "127.0.0.1:8680)."),
                                    QStringLiteral("HOST:PORT"), QStringLiteral("127.0.0.1:8680"));
    const QCommandLineOption publicUrl(QStringLiteral("public-url"),
                                       QStringLiteral("The URL clients use to reach this server (default: "
                                                      "http://HOST:PORT)."),
                                       QStringLiteral("URL"));
    const QCommandLineOption dataKeyFile(QStringLiteral("data-key-file"),
                                         QStringLiteral("File holding the data key (base64, 32 bytes); else "
                                                        "MR_DATA_KEY; else data.key beside the database."),
                                         QStringLiteral("FILE"));
    const QCommandLineOption heartbeat(QStringLiteral("heartbeat"), QStringLiteral("Agent heartbeat (default 10)."),
                                       QStringLiteral("SECONDS"));
    const QCommandLineOption offlineAfter(QStringLiteral("offline-after"),
                                          QStringLiteral("A silent machine is offline after this (default 30)."),
                                          QStringLiteral("SECONDS"));
    const QCommandLineOption lostGrace(QStringLiteral("lost-grace"),
                                       QStringLiteral("A running run on an offline machine fails after this "
                                                      "(default 300)."),
                                       QStringLiteral("SECONDS"));
    parser.addOptions({database, listen, publicUrl, dataKeyFile, heartbeat, offlineAfter, lostGrace});
    const int code = protocol::parseStandardOptions(parser, subcommandArguments(arguments, 1), out, err);
    if (code >= 0)
        return code;
    if (!parser.positionalArguments().isEmpty())
        return protocol::usageError(
            QStringLiteral("orchestrator serve"),
            QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().first()), err);

    Orchestrator::Options options;
    const auto location = locationFrom(parser, database, err);
    if (!location)
        return protocol::ExitCode::Usage;
    options.database = *location;
    options.listen = parser.value(listen);
    options.publicUrl = parser.value(publicUrl);
    options.dataKeyFile = parser.value(dataKeyFile);
    bool ok = true;
    options.heartbeatSeconds = intOption(parser, heartbeat, 10, &ok);
    options.offlineAfterSeconds = intOption(parser, offlineAfter, 30, &ok);
    options.lostGraceSeconds = intOption(parser, lostGrace, 300, &ok);
    if (!ok)
        return protocol::usageError(QStringLiteral("orchestrator serve"),
                                    QStringLiteral("--heartbeat, --offline-after and --lost-grace take a positive "
                                                   "number of seconds"),
                                    err);

    Orchestrator server(options);
    QString error;
    if (!server.start(&error)) {
        err << "orchestrator: " << error << '\n';
        err.flush();
        return Failure;
    }
    quitOnSignals();
    out << "listening on " << server.url().toString() << '\n';
    out.flush();
    std::fflush(stdout);
    const int result = QCoreApplication::exec();
    server.stop();
    return result;
}

int user(const QStringList& arguments, QTextStream& in, QTextStream& out, QTextStream& err) {
    const QString action = arguments.value(2);
    QCommandLineParser parser;
    const QCommandLineOption database = databaseOption();
    const QCommandLineOption displayName(QStringLiteral("display-name"), QStringLiteral("The name people see."),
                                         QStringLiteral("TEXT"));
    const QCommandLineOption admin(QStringLiteral("admin"),
                                   QStringLiteral("An orchestrator administrator (creates environments, manages "
                                                  "members)."));
    const QCommandLineOption tokenName(QStringLiteral("name"), QStringLiteral("A name for the token."),
                                       QStringLiteral("TEXT"));
    parser.addOption(database);
    if (action == QLatin1String("add")) {
        parser.setApplicationDescription(
            QStringLiteral("Adds a user; the password is the first line of standard input."));
        parser.addOptions({displayName, admin});
    } else if (action == QLatin1String("deactivate")) {
        parser.setApplicationDescription(QStringLiteral("Deactivates a user; their tokens stop working."));
    } else if (action == QLatin1String("token")) {
        parser.setApplicationDescription(
            QStringLiteral("Makes a personal access token; it is printed alone on the last line."));
        parser.addOption(tokenName);
    } else {
        parser.setApplicationDescription(QStringLiteral("orchestrator user add|deactivate|token USERNAME"));
        const int code = protocol::parseStandardOptions(parser, subcommandArguments(arguments, 1), out, err);
        if (code >= 0)
            return code;
        return protocol::usageError(QStringLiteral("orchestrator user"),
                                    action.isEmpty() ? QStringLiteral("expected add, deactivate or token")
                                                     : QStringLiteral("unknown action '%1'").arg(action),
                                    err);
    }
    parser.addPositionalArgument(QStringLiteral("username"), QStringLiteral("The user's sign-in name."));
    const int code = protocol::parseStandardOptions(parser, subcommandArguments(arguments, 2), out, err);
    if (code >= 0)
        return code;
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1)
        return protocol::usageError(QStringLiteral("orchestrator user ") + action,
                                    QStringLiteral("expected exactly one USERNAME"), err);
    const QString username = positional.first();
    const auto location = locationFrom(parser, database, err);
    if (!location)
        return protocol::ExitCode::Usage;
    const QDateTime now = QDateTime::currentDateTimeUtc();

    if (action == QLatin1String("add")) {
        QString password = in.readLine();
        if (password.endsWith(QLatin1Char('\r')))
            password.chop(1);
        if (password.isEmpty()) {
            err << "orchestrator: the password (first line of standard input) is empty\n";
            return Failure;
        }
        return withDatabase(*location, err, [&](Db& db) {
            const UserRecord u =
                createUser(db, username, parser.isSet(displayName) ? parser.value(displayName) : username, password,
                           parser.isSet(admin), now);
            out << "added user " << u.username << (u.isAdmin ? " (administrator)" : "") << '\n';
        });
    }
    if (action == QLatin1String("deactivate")) {
        return withDatabase(*location, err, [&](Db& db) {
            if (!deactivateUser(db, username))
                throw ApiError::notFound(QStringLiteral("The user '%1'").arg(username));
            out << "deactivated user " << username << '\n';
        });
    }
    return withDatabase(*location, err, [&](Db& db) {
        const auto u = findUserByName(db, username);
        if (!u)
            throw ApiError::notFound(QStringLiteral("The user '%1'").arg(username));
        if (u->deactivated)
            throw ApiError(QStringLiteral("Conflict"), QStringLiteral("The user '%1' is deactivated.").arg(username));
        QString id;
        const QString token = createPersonalToken(db, u->id, parser.value(tokenName), now, &id);
        out << "personal access token for " << u->username << " (shown once):\n" << token << '\n';
    });
}

int environment(const QStringList& arguments, QTextStream& out, QTextStream& err) {
    const QString action = arguments.value(2);
    QCommandLineParser parser;
    const QCommandLineOption database = databaseOption();
    parser.addOption(database);
    if (action == QLatin1String("add")) {
        parser.setApplicationDescription(QStringLiteral("Adds an environment."));
        parser.addPositionalArgument(QStringLiteral("name"), QStringLiteral("The environment's name."));
    } else if (action == QLatin1String("grant")) {
        parser.setApplicationDescription(QStringLiteral("Gives a user roles in an environment (added to theirs). "
                                                        "Roles: ") +
                                         validRoles().join(QStringLiteral(", ")));
        parser.addPositionalArgument(QStringLiteral("name"), QStringLiteral("The environment's name."));
        parser.addPositionalArgument(QStringLiteral("username"), QStringLiteral("The user."));
        parser.addPositionalArgument(QStringLiteral("roles"), QStringLiteral("One or more roles."),
                                     QStringLiteral("ROLE [ROLE...]"));
    } else {
        parser.setApplicationDescription(QStringLiteral("orchestrator env add NAME | env grant NAME USERNAME ROLE…"));
        const int code = protocol::parseStandardOptions(parser, subcommandArguments(arguments, 1), out, err);
        if (code >= 0)
            return code;
        return protocol::usageError(QStringLiteral("orchestrator env"),
                                    action.isEmpty() ? QStringLiteral("expected add or grant")
                                                     : QStringLiteral("unknown action '%1'").arg(action),
                                    err);
    }
    const int code = protocol::parseStandardOptions(parser, subcommandArguments(arguments, 2), out, err);
    if (code >= 0)
        return code;
    const QStringList positional = parser.positionalArguments();
    const auto location = locationFrom(parser, database, err);
    if (!location)
        return protocol::ExitCode::Usage;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (action == QLatin1String("add")) {
        if (positional.size() != 1)
            return protocol::usageError(QStringLiteral("orchestrator env add"), QStringLiteral("expected one NAME"),
                                        err);
        return withDatabase(*location, err, [&](Db& db) {
            const EnvironmentRecord e = createEnvironment(db, positional.first(), now);
            out << "added environment " << e.name << " (" << e.id << ")\n";
        });
    }
    if (positional.size() < 3)
        return protocol::usageError(QStringLiteral("orchestrator env grant"),
                                    QStringLiteral("expected NAME USERNAME ROLE [ROLE...]"), err);
    return withDatabase(*location, err, [&](Db& db) {
        const auto env = findEnvironmentByName(db, positional.at(0));
        if (!env)
            throw ApiError::notFound(QStringLiteral("The environment '%1'").arg(positional.at(0)));
        const auto u = findUserByName(db, positional.at(1));
        if (!u)
            throw ApiError::notFound(QStringLiteral("The user '%1'").arg(positional.at(1)));
        const QStringList roles = positional.mid(2);
        grantRoles(db, env->id, u->id, roles);
        out << "granted " << roles.join(QStringLiteral(", ")) << " in " << env->name << " to " << u->username << '\n';
    });
}

int demo(const QStringList& arguments, QTextStream& out, QTextStream& err) {
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Creates a demo environment with an administrator, a maker, a plain user, a group and "
                       "sample flows, and prints how to sign in. Running it again changes nothing."));
    const QCommandLineOption database = databaseOption();
    parser.addOption(database);
    const int code = protocol::parseStandardOptions(parser, subcommandArguments(arguments, 1), out, err);
    if (code >= 0)
        return code;
    if (!parser.positionalArguments().isEmpty())
        return protocol::usageError(QStringLiteral("orchestrator demo"), QStringLiteral("takes no arguments"), err);
    const auto location = locationFrom(parser, database, err);
    if (!location)
        return protocol::ExitCode::Usage;
    return withDatabase(*location, err, [&](Db& db) { createDemo(db, QDateTime::currentDateTimeUtc(), out); });
}

} // namespace mr::orch::cli
