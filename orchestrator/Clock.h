#pragma once

#include <QDateTime>

#include <atomic>

namespace mr::orch {

/// The orchestrator's time source. Injected so tests can move time forward instead of sleeping.
class Clock {
public:
    virtual ~Clock() = default;
    virtual QDateTime now() const = 0;
};

class SystemClock final : public Clock {
public:
    QDateTime now() const override { return QDateTime::currentDateTimeUtc(); }
};

/// System time plus an offset that tests advance (`MR_TEST_CLOCK=1` makes `serve` use it and
/// exposes the admin-only test endpoint that moves it).
class OffsetClock final : public Clock {
public:
    QDateTime now() const override { return QDateTime::currentDateTimeUtc().addMSecs(m_offsetMs.load()); }
    void advance(qint64 ms) { m_offsetMs += ms; }

private:
    std::atomic<qint64> m_offsetMs{0};
};

/// "2026-11-21T22:34:13.123Z"
inline QString isoUtc(const QDateTime& t) {
    return t.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzzZ"));
}

} // namespace mr::orch
