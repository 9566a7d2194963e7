#include "orchestrator/auth/SignInThrottle.h"

#include "orchestrator/Clock.h"

#include <algorithm>

namespace mr::orch {

namespace {

QDateTime parseIso(const QString& text) {
    return QDateTime::fromString(text, Qt::ISODateWithMs);
}

} // namespace

int SignInThrottle::lockedSeconds(Db& db, const QStringList& keys, const QDateTime& now) {
    qint64 longest = 0;
    for (const QString& key : keys) {
        const QVariant until =
            db.scalar(QStringLiteral("SELECT locked_until FROM sign_in_failures WHERE throttle_key = ?"), {key});
        if (!until.isValid() || until.isNull() || until.toString().isEmpty())
            continue;
        const qint64 ms = now.msecsTo(parseIso(until.toString()));
        longest = std::max(longest, (ms + 999) / 1000);
    }
    return int(longest);
}

int SignInThrottle::recordFailure(Db& db, const QString& key, int limit, const QDateTime& now) {
    int lockSeconds = 0;
    db.transaction([&] {
        db.exec(QStringLiteral("INSERT INTO sign_in_failures (throttle_key, failures, window_start) VALUES (?, 0, ?) "
                               "ON CONFLICT (throttle_key) DO NOTHING"),
                {key, isoUtc(now)});
        QSqlQuery q = db.exec(QStringLiteral("SELECT failures, window_start, locked_until FROM sign_in_failures "
                                             "WHERE throttle_key = ?") +
                                  (db.isPostgres() ? QStringLiteral(" FOR UPDATE") : QString()),
                              {key});
        if (!q.next())
            return;
        int failures = q.value(0).toInt();
        QString windowStart = q.value(1).toString();
        const QString lockedUntil = q.value(2).toString();
        const bool windowOver = parseIso(windowStart).secsTo(now) > kWindowSeconds;
        // A key locked in the last window is a repeat offender: keep counting, so the next lock
        // is longer. Otherwise an old window starts afresh.
        const bool recentlyLocked = !lockedUntil.isEmpty() && parseIso(lockedUntil).secsTo(now) < kWindowSeconds;
        if (windowOver && !recentlyLocked) {
            failures = 0;
            windowStart = isoUtc(now);
        }
        ++failures;
        QString newLock = lockedUntil;
        if (failures % limit == 0) {
            const int round = failures / limit - 1; // 0 for the first lock
            lockSeconds = round >= 4 ? kMaxLockSeconds : std::min(kMaxLockSeconds, kFirstLockSeconds << round);
            newLock = isoUtc(now.addSecs(lockSeconds));
            windowStart = isoUtc(now);
        }
        db.exec(QStringLiteral("UPDATE sign_in_failures SET failures = ?, window_start = ?, locked_until = ? "
                               "WHERE throttle_key = ?"),
                {failures, windowStart, newLock.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(newLock),
                 key});
    });
    return lockSeconds;
}

void SignInThrottle::clear(Db& db, const QString& key) {
    db.exec(QStringLiteral("DELETE FROM sign_in_failures WHERE throttle_key = ?"), {key});
}

} // namespace mr::orch
