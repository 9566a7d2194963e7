#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

namespace mr::orch {

class Db;
class Router;
struct Principal;

/// One stored connection (a row of `connections`) with its owner's username. `sealedPassword`
/// stays inside the orchestrator: no answer ever carries it.
struct ConnectionRow {
    QString id, environmentId, name, targetMachineId, targetGroupId, kind, username, sealedPassword, ownerId, owner,
        createdAt;
    bool isSignIn() const { return kind == QLatin1String("signIn"); }
};

/// Loads a connection; std::nullopt when there is none. @p forUpdate locks the row (PostgreSQL)
/// so run triggers of one connection count their rate one after the other.
std::optional<ConnectionRow> findConnection(Db& db, const QString& id, bool forUpdate = false);

/// Encrypts a connection password with the data key: base64(nonce || crypto_secretbox).
QString sealConnectionPassword(const QByteArray& dataKey, const QString& password);
/// The password of `connections.sealed_password`; std::nullopt when it does not open with this
/// key (another data key, a damaged row). For the run engine, which sends it to the machine.
std::optional<QString> openConnectionPassword(const QByteArray& dataKey, const QString& sealed);
/// What a run or a connection test says when the stored password does not open.
QString unreadablePasswordMessage();

/// Removes the connections that target @p machineId, and their schedules (R4: a machine that
/// moves to another environment leaves its connections behind). Runs keep their history.
void deleteMachineConnectionRows(Db& db, const QString& machineId);

/// Connection routes: create, list (own), delete, test.
void registerConnectionRoutes(Router& router);

} // namespace mr::orch
