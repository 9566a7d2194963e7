#include "agent/SessionMonitor.h"

#include <QDBusArgument>
#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusMessage>
#include <QDBusObjectPath>
#include <QDBusVariant>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcSessions, "mr.agent.sessions")

namespace mr::agent {

using mr::protocol::MachineSession;
using mr::protocol::SessionState;

namespace {

const QString kLogind = QStringLiteral("org.freedesktop.login1");
const QString kManagerPath = QStringLiteral("/org/freedesktop/login1");
const QString kManager = QStringLiteral("org.freedesktop.login1.Manager");
const QString kSession = QStringLiteral("org.freedesktop.login1.Session");
constexpr int kDbusTimeoutMs = 2000;

} // namespace

std::unique_ptr<SessionMonitor> SessionMonitor::create(const QString& source, QString* error) {
    if (source.isEmpty() || source == QLatin1String("logind"))
        return std::make_unique<LogindSessionMonitor>();
    if (auto session = StaticSessionMonitor::parse(source, error))
        return std::make_unique<StaticSessionMonitor>(*session);
    return nullptr;
}

StaticSessionMonitor::StaticSessionMonitor(MachineSession session, QObject* parent)
    : SessionMonitor(parent)
    , m_user(session.user)
    , m_sessions{std::move(session)} {}

std::optional<MachineSession> StaticSessionMonitor::parse(const QString& source, QString* error) {
    const QStringList parts = source.split(QLatin1Char(':'));
    if (parts.size() != 3 || parts[0] != QLatin1String("static") || parts[1].isEmpty()) {
        *error = tr("--session-source must be 'logind' or 'static:USER:STATE', not '%1'").arg(source);
        return std::nullopt;
    }
    const auto state = mr::protocol::parseEnum<SessionState>(parts[2]);
    if (!state) {
        *error = tr("the session state must be active, locked or disconnected, not '%1'").arg(parts[2]);
        return std::nullopt;
    }
    return MachineSession{parts[1], std::nullopt, *state};
}

void StaticSessionMonitor::endSessions(const QStringList& users) {
    const qsizetype removed =
        m_sessions.removeIf([&](const MachineSession& s) { return users.contains(s.user, Qt::CaseSensitive); });
    if (removed > 0) {
        qCInfo(lcSessions) << "ended the static session of" << users;
        Q_EMIT sessionsChanged(m_sessions);
    }
}

LogindSessionMonitor::LogindSessionMonitor(QObject* parent)
    : SessionMonitor(parent) {
    connect(&m_timer, &QTimer::timeout, this, &LogindSessionMonitor::poll);
    m_timer.start(kPollMs);
    QList<MachineSession> initial;
    for (const Found& f : query())
        initial.append(MachineSession{f.user, std::nullopt, f.state});
    m_sessions = initial;
}

QList<LogindSessionMonitor::Found> LogindSessionMonitor::query() {
    QList<Found> found;
    QDBusConnection bus = QDBusConnection::systemBus();
    if (!bus.isConnected() || !bus.interface() || !bus.interface()->isServiceRegistered(kLogind).value()) {
        if (!m_warned)
            qCWarning(lcSessions) << "no system bus or no logind: reporting no sessions";
        m_warned = true;
        m_timer.setInterval(kAbsentPollMs); // a bus rarely appears later: look now and then
        return found;
    }
    QDBusMessage call = QDBusMessage::createMethodCall(kLogind, kManagerPath, kManager, QStringLiteral("ListSessions"));
    const QDBusMessage reply = bus.call(call, QDBus::Block, kDbusTimeoutMs);
    if (reply.type() != QDBusMessage::ReplyMessage || reply.arguments().isEmpty()) {
        if (!m_warned)
            qCWarning(lcSessions).noquote() << "logind ListSessions failed:" << reply.errorMessage();
        m_warned = true;
        return found;
    }
    QList<QDBusObjectPath> paths;
    const QDBusArgument list = reply.arguments().first().value<QDBusArgument>();
    list.beginArray();
    while (!list.atEnd()) {
        QString id, user, seat;
        uint uid = 0;
        QDBusObjectPath path;
        list.beginStructure();
        list >> id >> uid >> user >> seat >> path;
        list.endStructure();
        paths.append(path);
    }
    list.endArray();
    for (const QDBusObjectPath& path : paths) {
        QDBusMessage get = QDBusMessage::createMethodCall(
            kLogind, path.path(), QStringLiteral("org.freedesktop.DBus.Properties"), QStringLiteral("GetAll"));
        get << kSession;
        const QDBusMessage props = bus.call(get, QDBus::Block, kDbusTimeoutMs);
        if (props.type() != QDBusMessage::ReplyMessage || props.arguments().isEmpty())
            continue;
        QVariantMap map;
        props.arguments().first().value<QDBusArgument>() >> map;
        if (map.value(QStringLiteral("Class")).toString() != QLatin1String("user"))
            continue;
        const QString state = map.value(QStringLiteral("State")).toString();
        const bool active = map.value(QStringLiteral("Active")).toBool();
        const bool locked = map.value(QStringLiteral("LockedHint")).toBool();
        Found f{map.value(QStringLiteral("Id")).toString(), map.value(QStringLiteral("Name")).toString(),
                SessionState::Disconnected};
        if (locked)
            f.state = SessionState::Locked;
        else if (active && state == QLatin1String("active"))
            f.state = SessionState::Active;
        else if (state == QLatin1String("online") || state == QLatin1String("active"))
            f.state = SessionState::Disconnected;
        else
            continue; // "closing": on its way out
        found.append(f);
    }
    m_warned = false;
    m_timer.setInterval(kPollMs);
    return found;
}

void LogindSessionMonitor::poll() {
    QList<MachineSession> now;
    for (const Found& f : query())
        now.append(MachineSession{f.user, std::nullopt, f.state});
    if (now != m_sessions) {
        m_sessions = now;
        Q_EMIT sessionsChanged(m_sessions);
    }
}

void LogindSessionMonitor::endSessions(const QStringList& users) {
    QDBusConnection bus = QDBusConnection::systemBus();
    for (const Found& f : query()) {
        if (!users.contains(f.user))
            continue;
        QDBusMessage call =
            QDBusMessage::createMethodCall(kLogind, kManagerPath, kManager, QStringLiteral("TerminateSession"));
        call << f.id;
        const QDBusMessage reply = bus.call(call, QDBus::Block, kDbusTimeoutMs);
        if (reply.type() == QDBusMessage::ErrorMessage)
            qCWarning(lcSessions).noquote()
                << "cannot end session" << f.id << "of" << f.user << ":" << reply.errorMessage();
        else
            qCInfo(lcSessions).noquote() << "ended session" << f.id << "of" << f.user;
    }
    poll();
}

} // namespace mr::agent
