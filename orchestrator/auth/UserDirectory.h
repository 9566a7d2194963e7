#pragma once

#include "orchestrator/store/Database.h"

#include <QDateTime>
#include <QString>

#include <optional>

namespace mr::orch {

/// One orchestrator user as the directory knows them (never the password hash).
struct UserRecord {
    QString id, username, displayName;
    bool isAdmin = false;
    bool deactivated = false;
};

/// Usernames: 1–64 characters of [A-Za-z0-9._-], unique without regard to case.
bool isValidUsername(const QString& username);
inline constexpr int kMinPasswordLength = 8;

/// Adds a user with an Argon2id password hash. Throws ApiError BadRequest (details.field
/// `username`, `displayName` or `password`) for invalid input and ApiError Conflict when the
/// name is taken.
UserRecord createUser(Db& db, const QString& username, const QString& displayName, const QString& password,
                      bool isAdmin, const QDateTime& now);
/// Looks a user up by name, ignoring case.
std::optional<UserRecord> findUserByName(Db& db, const QString& username);
std::optional<UserRecord> findUserById(Db& db, const QString& id);
/// Checks a sign-in. Returns the user only when the name exists, the user is active and the
/// password matches; takes about the same time in every case.
std::optional<UserRecord> checkPassword(Db& db, const QString& username, const QString& password);
/// Deactivates a user and revokes their refresh tokens and personal access tokens. Returns
/// false when no such user exists. Access tokens already issued stop working too, because
/// every request checks the user in the database.
bool deactivateUser(Db& db, const QString& username);

} // namespace mr::orch
