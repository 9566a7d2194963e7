#include "protocol/CommandLine.h"

#include <QCoreApplication>

namespace mr::protocol {

int parseStandardOptions(QCommandLineParser& parser, const QStringList& arguments, QTextStream& out, QTextStream& err) {
    const QCommandLineOption helpOption = parser.addHelpOption();
    const QCommandLineOption versionOption = parser.addVersionOption();
    if (!parser.parse(arguments)) {
        err << QCoreApplication::applicationName() << ": " << parser.errorText() << '\n'
            << "Try '" << QCoreApplication::applicationName() << " --help' for more information.\n";
        err.flush();
        return ExitCode::Usage;
    }
    if (parser.isSet(helpOption)) {
        out << parser.helpText();
        out.flush();
        return ExitCode::Ok;
    }
    if (parser.isSet(versionOption)) {
        out << QCoreApplication::applicationName() << ' ' << QCoreApplication::applicationVersion() << '\n';
        out.flush();
        return ExitCode::Ok;
    }
    return -1;
}

int usageError(const QString& program, const QString& message, QTextStream& err) {
    err << program << ": " << message << '\n' << "Try '" << program << " --help' for more information.\n";
    err.flush();
    return ExitCode::Usage;
}

} // namespace mr::protocol
