#pragma once

#include <QStringList>
#include <QTextStream>

namespace mr::orch::cli {

/// `orchestrator serve …`: runs the service until SIGTERM/SIGINT. Returns the exit code.
int serve(const QStringList& arguments, QTextStream& out, QTextStream& err);

/// `orchestrator user|env|demo …`: administration on the database, also while a server runs.
int user(const QStringList& arguments, QTextStream& in, QTextStream& out, QTextStream& err);
int environment(const QStringList& arguments, QTextStream& out, QTextStream& err);
int demo(const QStringList& arguments, QTextStream& out, QTextStream& err);

} // namespace mr::orch::cli
