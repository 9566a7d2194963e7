#include "orchestrator/auth/UserDirectory.h"

#include "orchestrator/Clock.h"
#include "orchestrator/auth/Passwords.h"
#include "orchestrator/http/Http.h"

#include <QRegularExpression>

namespace mr::orch {

namespace {

const QString kUserColumns = QStringLiteral("id, username, display_name, is_admin, deactivated");

UserRecord readUser(const QSqlQuery& q) {
    UserRecord u;
    u.id = q.value(0).toString();
    u.username = q.value(1).toString();
    u.displayName = q.value(2).toString();
    u.isAdmin = q.value(3).toBool();
    u.deactivated = q.value(4).toBool();
    return u;
}

QString usernameKey(const QString& username) {
    return username.toLower();
}

} // namespace

bool isValidUsername(const QString& username) {
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9._-]{1,64}$"));
    return pattern.match(username).hasMatch();
}

UserRecord createUser(Db& db, const QString& username, const QString& displayName, const QString& password,
                      bool isAdmin, const QDateTime& now) {
    if (!isValidUsername(username))
        throw ApiError::badRequest(QStringLiteral("username"),
                                   QStringLiteral("A username has 1 to 64 characters: letters A–Z, digits, '.', "
                                                  "'_' or '-'."));
    const QString display = displayName.trimmed().isEmpty() ? username : displayName.trimmed();
    if (display.size() > 200)
        throw ApiError::badRequest(QStringLiteral("displayName"),
                                   QStringLiteral("The display name is longer than 200 characters."));
    if (password.size() < kMinPasswordLength)
        throw ApiError::badRequest(
            QStringLiteral("password"),
            QStringLiteral("The password needs at least %1 characters.").arg(kMinPasswordLength));
    if (password.size() > 1024)
        throw ApiError::badRequest(QStringLiteral("password"), QStringLiteral("The password is too long."));

    const auto conflict = [&] {
        return ApiError(QStringLiteral("Conflict"), QStringLiteral("A user named '%1' already exists.").arg(username));
    };
    if (db.scalar(QStringLiteral("SELECT 1 FROM users WHERE username_key = ?"), {usernameKey(username)}).isValid())
        throw conflict();

    UserRecord user{newId(), username, display, isAdmin, false};
    const QString hash = hashPassword(password);
    try {
        db.exec(QStringLiteral("INSERT INTO users (id, username, username_key, display_name, password_hash, is_admin, "
                               "deactivated, created_at) VALUES (?, ?, ?, ?, ?, ?, FALSE, ?)"),
                {user.id, username, usernameKey(username), display, hash, isAdmin, isoUtc(now)});
    } catch (const DbError& e) {
        if (Db::isUniqueViolation(e)) // lost a race with another creator
            throw conflict();
        throw;
    }
    return user;
}

std::optional<UserRecord> findUserByName(Db& db, const QString& username) {
    if (username.isEmpty() || username.size() > 64)
        return std::nullopt;
    QSqlQuery q =
        db.exec(QStringLiteral("SELECT ") + kUserColumns + QStringLiteral(" FROM users WHERE username_key = ?"),
                {usernameKey(username)});
    if (!q.next())
        return std::nullopt;
    return readUser(q);
}

std::optional<UserRecord> findUserById(Db& db, const QString& id) {
    if (id.isEmpty())
        return std::nullopt;
    QSqlQuery q = db.exec(QStringLiteral("SELECT ") + kUserColumns + QStringLiteral(" FROM users WHERE id = ?"), {id});
    if (!q.next())
        return std::nullopt;
    return readUser(q);
}

std::optional<UserRecord> checkPassword(Db& db, const QString& username, const QString& password) {
    if (username.isEmpty() || username.size() > 64 || password.size() > 1024) {
        verifyDummyPassword(password.left(1024));
        return std::nullopt;
    }
    QSqlQuery q = db.exec(QStringLiteral("SELECT ") + kUserColumns +
                              QStringLiteral(", password_hash FROM users WHERE username_key = ?"),
                          {usernameKey(username)});
    if (!q.next()) {
        verifyDummyPassword(password);
        return std::nullopt;
    }
    const UserRecord user = readUser(q);
    const QString hash = q.value(5).toString();
    if (hash.isEmpty()) {
        verifyDummyPassword(password);
        return std::nullopt;
    }
    // Verify even for a deactivated user, so the answer's timing says nothing about the account.
    const bool ok = verifyPassword(hash, password);
    if (!ok || user.deactivated)
        return std::nullopt;
    return user;
}

bool deactivateUser(Db& db, const QString& username) {
    bool found = false;
    db.transaction([&] {
        const std::optional<UserRecord> user = findUserByName(db, username);
        if (!user)
            return;
        found = true;
        db.exec(QStringLiteral("UPDATE users SET deactivated = TRUE WHERE id = ?"), {user->id});
        db.exec(QStringLiteral("UPDATE refresh_tokens SET revoked = TRUE WHERE user_id = ?"), {user->id});
        db.exec(QStringLiteral("UPDATE personal_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL"),
                {isoUtc(QDateTime::currentDateTimeUtc()), user->id});
    });
    return found;
}

} // namespace mr::orch
