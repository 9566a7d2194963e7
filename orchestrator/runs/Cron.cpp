#include "orchestrator/runs/Cron.h"

#include <QStringList>

namespace mr::orch {

namespace {

const char* const kMonthNames[] = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
const char* const kDayNames[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

struct FieldSpec {
    const char* name;
    int min;
    int max;
    const char* const* names; // names[i] is the value min + i (months) or i (days); may be null
    int nameCount;
    int nameBase;
};

/// A number or (for months and days) a name; -1 when neither.
int parseValue(const QString& text, const FieldSpec& spec) {
    bool ok = false;
    const int n = text.toInt(&ok);
    if (ok)
        return n;
    for (int i = 0; i < spec.nameCount; ++i) {
        if (text.compare(QLatin1String(spec.names[i]), Qt::CaseInsensitive) == 0)
            return spec.nameBase + i;
    }
    return -1;
}

/// Sets the bits of one field; false with @p error on a malformed field.
bool parseField(const QString& field, const FieldSpec& spec, std::bitset<64>* bits, bool* star, QString* error) {
    *star = field.startsWith(QLatin1Char('*'));
    const QStringList parts = field.split(QLatin1Char(','));
    for (const QString& part : parts) {
        auto fail = [&](const QString& why) {
            if (error)
                *error = QStringLiteral("The %1 field '%2' is not valid: %3.").arg(QLatin1String(spec.name), part, why);
            return false;
        };
        if (part.isEmpty())
            return fail(QStringLiteral("an empty list item"));
        QString range = part;
        int step = 1;
        const qsizetype slash = part.indexOf(QLatin1Char('/'));
        if (slash >= 0) {
            bool ok = false;
            step = part.mid(slash + 1).toInt(&ok);
            if (!ok || step < 1 || step > spec.max)
                return fail(QStringLiteral("the step must be a number from 1 to %1").arg(spec.max));
            range = part.left(slash);
        }
        int from = spec.min;
        int to = spec.max;
        if (range != QLatin1String("*")) {
            const qsizetype dash = range.indexOf(QLatin1Char('-'));
            if (dash >= 0) {
                from = parseValue(range.left(dash), spec);
                to = parseValue(range.mid(dash + 1), spec);
            } else {
                from = parseValue(range, spec);
                to = slash >= 0 ? spec.max : from;
            }
            if (from < spec.min || to > spec.max || from < 0 || to < 0)
                return fail(QStringLiteral("values go from %1 to %2").arg(spec.min).arg(spec.max));
            if (from > to)
                return fail(QStringLiteral("a range must go upwards"));
        }
        for (int v = from; v <= to; v += step)
            bits->set(size_t(v));
    }
    return true;
}

template <size_t N>
std::bitset<N> narrow(const std::bitset<64>& wide) {
    std::bitset<N> out;
    for (size_t i = 0; i < N; ++i)
        out[i] = wide[i];
    return out;
}

} // namespace

std::optional<CronExpression> CronExpression::parse(const QString& text, QString* error) {
    const QStringList fields = text.simplified().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    if (fields.size() != 5) {
        if (error)
            *error = QStringLiteral("A cron expression has 5 fields (minute hour day-of-month month day-of-week), "
                                    "separated by spaces.");
        return std::nullopt;
    }
    static const FieldSpec specs[] = {
        {"minute", 0, 59, nullptr, 0, 0},       {"hour", 0, 23, nullptr, 0, 0},
        {"day-of-month", 1, 31, nullptr, 0, 0}, {"month", 1, 12, kMonthNames, 12, 1},
        {"day-of-week", 0, 7, kDayNames, 7, 0},
    };
    std::bitset<64> bits[5];
    bool stars[5] = {};
    for (int i = 0; i < 5; ++i) {
        if (!parseField(fields.at(i), specs[i], &bits[i], &stars[i], error))
            return std::nullopt;
    }
    CronExpression e;
    e.m_text = fields.join(QLatin1Char(' '));
    e.m_minutes = narrow<60>(bits[0]);
    e.m_hours = narrow<24>(bits[1]);
    e.m_daysOfMonth = narrow<32>(bits[2]);
    e.m_months = narrow<13>(bits[3]);
    e.m_daysOfWeek = narrow<7>(bits[4]);
    if (bits[4][7]) // 7 is Sunday too
        e.m_daysOfWeek.set(0);
    e.m_domStar = stars[2];
    e.m_dowStar = stars[4];
    return e;
}

bool CronExpression::dayMatches(const QDate& date) const {
    if (!m_months[size_t(date.month())])
        return false;
    const bool dom = m_daysOfMonth[size_t(date.day())];
    const bool dow = m_daysOfWeek[size_t(date.dayOfWeek() % 7)]; // Qt: Monday 1 … Sunday 7
    return (m_domStar || m_dowStar) ? (dom && dow) : (dom || dow);
}

std::optional<QDateTime> CronExpression::nextAfter(const QDateTime& t) const {
    const QDateTime utc = t.toUTC();
    // The next whole minute after t.
    QDateTime start(utc.date(), QTime(utc.time().hour(), utc.time().minute()), Qt::UTC);
    start = start.addSecs(60);
    QDate day = start.date();
    int firstMinuteOfDay = start.time().hour() * 60 + start.time().minute();
    // 28 years cover every combination of leap year and weekday (Feb 29 on a Monday, …).
    for (int i = 0; i < 366 * 28; ++i, day = day.addDays(1), firstMinuteOfDay = 0) {
        if (!dayMatches(day))
            continue;
        for (int hour = firstMinuteOfDay / 60; hour < 24; ++hour) {
            if (!m_hours[size_t(hour)])
                continue;
            const int fromMinute = hour == firstMinuteOfDay / 60 ? firstMinuteOfDay % 60 : 0;
            for (int minute = fromMinute; minute < 60; ++minute) {
                if (m_minutes[size_t(minute)])
                    return QDateTime(day, QTime(hour, minute), Qt::UTC);
            }
        }
    }
    return std::nullopt;
}

} // namespace mr::orch
