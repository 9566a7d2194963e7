#pragma once

#include <QDateTime>
#include <QString>

#include <bitset>
#include <optional>

namespace mr::orch {

/// A 5-field cron expression (minute hour day-of-month month day-of-week), evaluated in UTC.
///
/// Each field takes `*`, numbers, ranges `a-b`, steps `*/n` and `a-b/n` (and `a/n`, meaning
/// `a-max/n`), and comma-separated lists of those. Months take `jan`–`dec`, days of the week
/// `sun`–`sat` (0 and 7 are both Sunday), case-insensitive. Day of month and day of week follow
/// Vixie cron: when both are restricted (neither starts with `*`) a day matches when EITHER
/// matches; otherwise both must match.
class CronExpression final {
public:
    /// The expression, or std::nullopt with @p error saying what is wrong (for a 400 answer).
    static std::optional<CronExpression> parse(const QString& text, QString* error = nullptr);

    /// The first matching minute strictly after @p t (UTC, seconds zero), or std::nullopt when
    /// the expression never matches (e.g. `0 0 30 2 *`).
    std::optional<QDateTime> nextAfter(const QDateTime& t) const;

    QString text() const { return m_text; }

private:
    bool dayMatches(const QDate& date) const;

    QString m_text;
    std::bitset<60> m_minutes;
    std::bitset<24> m_hours;
    std::bitset<32> m_daysOfMonth; // 1..31
    std::bitset<13> m_months;      // 1..12
    std::bitset<7> m_daysOfWeek;   // 0 = Sunday
    bool m_domStar = false;
    bool m_dowStar = false;
};

} // namespace mr::orch
