#pragma once

#include <QCommandLineParser>
#include <QStringList>
#include <QTextStream>

namespace mr::protocol {

/// Exit codes every program of the product shares (API.md).
namespace ExitCode {
inline constexpr int Ok = 0;
inline constexpr int Failure = 1;
inline constexpr int Usage = 2;
inline constexpr int AuthenticationRefused = 3;
inline constexpr int ServerUnreachable = 4;
} // namespace ExitCode

/// The standard options of every program: --help, --version, and a refusal of anything unknown.
///
/// QCommandLineParser::process() exits 1 on an unknown option; the contract wants 2 and a
/// clear message, so this parses with parse() and answers for the caller. Returns -1 when the
/// program should go on, otherwise the exit code to leave with (help and version print to
/// @p out, errors to @p err).
int parseStandardOptions(QCommandLineParser& parser, const QStringList& arguments, QTextStream& out, QTextStream& err);

/// Leaves with exit code 2 and a usage hint, for a subcommand's own argument errors.
int usageError(const QString& program, const QString& message, QTextStream& err);

} // namespace mr::protocol
