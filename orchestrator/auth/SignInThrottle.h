#pragma once

#include "orchestrator/store/Database.h"

#include <QDateTime>
#include <QString>
#include <QStringList>

namespace mr::orch {

/// Slows down password guessing. Failures are counted per key in the table `sign_in_failures`
/// (so the count holds across instances on one PostgreSQL): `user:<username_key>` and
/// `addr:<peer address>`. Past the limit within the window a key is locked for 60 s, doubling
/// each time it is locked again (at most 15 minutes).
class SignInThrottle final {
public:
    static constexpr int kUserLimit = 5;
    /// Higher than the user limit: many people may sign in from one address (an office's NAT,
    /// a reverse proxy), and five typos by one of them must not lock out everybody else.
    static constexpr int kAddressLimit = 20;
    static constexpr int kWindowSeconds = 15 * 60;
    static constexpr int kFirstLockSeconds = 60;
    static constexpr int kMaxLockSeconds = 15 * 60;

    static QString userKey(const QString& username) { return QStringLiteral("user:") + username.toLower(); }
    static QString addressKey(const QString& address) { return QStringLiteral("addr:") + address; }

    /// Seconds until every one of @p keys is unlocked; 0 when none is locked.
    static int lockedSeconds(Db& db, const QStringList& keys, const QDateTime& now);
    /// Counts one failure against @p key (whose limit is @p limit); returns the seconds of the
    /// lock this failure started, or 0.
    static int recordFailure(Db& db, const QString& key, int limit, const QDateTime& now);
    static void clear(Db& db, const QString& key);
};

} // namespace mr::orch
