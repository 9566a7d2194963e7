#pragma once

#include "protocol/Machine.h"

#include <QList>
#include <QObject>
#include <QStringList>
#include <QTimer>

#include <memory>
#include <optional>

namespace mr::agent {

/// The desktop sessions of this machine, as the orchestrator needs them for eligibility
/// (R19/R20): who is signed in and whether their session is active, locked or disconnected.
/// Reports changes with sessionsChanged() and ends sessions on request (endSessions).
class SessionMonitor : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    ~SessionMonitor() override = default;

    /// "logind" (or empty) → LogindSessionMonitor; "static:USER:STATE" → StaticSessionMonitor;
    /// nullptr with @p error for anything else.
    static std::unique_ptr<SessionMonitor> create(const QString& source, QString* error);

    virtual QList<mr::protocol::MachineSession> sessions() const = 0;
    /// Ends the sessions of these OS users (recommendation "Disconnect users").
    virtual void endSessions(const QStringList& users) = 0;
    /// True when this is a declared static session (tests, kiosks) rather than the OS's.
    virtual bool isStatic() const { return false; }
    /// The declared user of a static source (even after its session ended); empty for logind.
    virtual QString staticUser() const { return {}; }

Q_SIGNALS:
    void sessionsChanged(const QList<mr::protocol::MachineSession>& sessions);
};

/// `--session-source static:USER:STATE`: one declared session {user, account: null, state};
/// endSessions(users) removes it when its user is listed.
class StaticSessionMonitor final : public SessionMonitor {
    Q_OBJECT
public:
    explicit StaticSessionMonitor(mr::protocol::MachineSession session, QObject* parent = nullptr);

    /// Parses "static:USER:STATE" (STATE active|locked|disconnected).
    static std::optional<mr::protocol::MachineSession> parse(const QString& source, QString* error);

    QList<mr::protocol::MachineSession> sessions() const override { return m_sessions; }
    void endSessions(const QStringList& users) override;
    bool isStatic() const override { return true; }
    QString staticUser() const override { return m_user; }

private:
    QString m_user;
    QList<mr::protocol::MachineSession> m_sessions;
};

/// The user sessions logind (org.freedesktop.login1, system bus) knows, polled every few seconds.
/// Mapping (API.md): Active and not LockedHint → active; LockedHint → locked; State "online" →
/// disconnected. Only Class "user" sessions count. Without a system bus or logind it reports no
/// sessions and warns once.
class LogindSessionMonitor final : public SessionMonitor {
    Q_OBJECT
public:
    explicit LogindSessionMonitor(QObject* parent = nullptr);

    QList<mr::protocol::MachineSession> sessions() const override { return m_sessions; }
    void endSessions(const QStringList& users) override;

    static constexpr int kPollMs = 3000;
    static constexpr int kAbsentPollMs = 60'000; ///< while there is no system bus or no logind

private:
    struct Found {
        QString id;
        QString user;
        mr::protocol::SessionState state;
    };
    QList<Found> query();
    void poll();

    QList<mr::protocol::MachineSession> m_sessions;
    QTimer m_timer;
    bool m_warned = false;
};

} // namespace mr::agent
