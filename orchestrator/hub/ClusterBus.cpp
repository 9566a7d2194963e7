#include "orchestrator/hub/ClusterBus.h"

#include "orchestrator/http/Http.h"
#include "orchestrator/store/DbPool.h"

#include <QDeadlineTimer>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QSqlError>

Q_LOGGING_CATEGORY(lcCluster, "mr.orchestrator.cluster")

namespace mr::orch {

namespace {
qint64 steadyMs() {
    return QDeadlineTimer::current().deadline();
}
} // namespace

ClusterBus::ClusterBus(const DatabaseLocation& location, QString instanceId, DbPool& pool, QObject* parent)
    : QObject(parent)
    , m_location(location)
    , m_instanceId(std::move(instanceId))
    , m_pool(pool)
    , m_connectionName(QStringLiteral("mr-cluster-listener-") + m_instanceId) {
    m_pingTimer.setInterval(kPingMs);
    connect(&m_pingTimer, &QTimer::timeout, this, &ClusterBus::pingTick);
    m_reconnectTimer.setSingleShot(true);
    connect(&m_reconnectTimer, &QTimer::timeout, this, &ClusterBus::probeThenConnect);
}

ClusterBus::~ClusterBus() {
    stop();
}

QString ClusterBus::applicationName() const {
    return QStringLiteral("mr-listener-") + m_instanceId;
}

void ClusterBus::start() {
    if (!m_stopped)
        return;
    m_stopped = false;
    m_publishing = true;
    connectListener();
    m_pingTimer.start();
}

void ClusterBus::stop() {
    m_publishing = false;
    if (m_stopped)
        return;
    m_stopped = true;
    m_pingTimer.stop();
    m_reconnectTimer.stop();
    if (m_listening || QSqlDatabase::contains(m_connectionName))
        dropListener({});
}

void ClusterBus::connectListener() {
    if (m_stopped || m_listening)
        return;
    {
        // The one connection this thread owns. Opening blocks for at most connect_timeout; LISTEN is
        // the only statement it ever runs.
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), m_connectionName);
        db.setHostName(m_location.host);
        db.setPort(m_location.port);
        db.setUserName(m_location.user);
        db.setPassword(m_location.password);
        db.setDatabaseName(m_location.database);
        // application_name tells operators (and tests) which backend is whose listener.
        db.setConnectOptions(QStringLiteral("connect_timeout=5;application_name=") + applicationName());
        QString failure;
        if (!db.open())
            failure = db.lastError().text();
        else if (!db.driver()->subscribeToNotification(QString::fromLatin1(kChannel)))
            failure = QStringLiteral("LISTEN failed: ") + db.driver()->lastError().text();
        if (failure.isEmpty()) {
            connect(db.driver(), &QSqlDriver::notification, this, &ClusterBus::onNotification);
            m_listening = true;
        } else {
            qCWarning(lcCluster).noquote()
                << "cannot listen for other instances on" << m_location.describe() << ":" << failure.trimmed();
        }
    }
    if (!m_listening) {
        QSqlDatabase::removeDatabase(m_connectionName);
        scheduleReconnect();
        return;
    }
    if (m_backoffMs > 1000)
        qCInfo(lcCluster) << "listening for other instances again";
    else
        qCInfo(lcCluster) << "listening for other instances on channel" << kChannel << "as" << m_instanceId;
    m_backoffMs = 1000;
    m_pingToken.clear();
    m_pingSentMs = -1;
}

void ClusterBus::probeThenConnect() {
    if (m_stopped || m_listening || m_probing)
        return;
    // Opening blocks this thread: first ask a database worker whether the database answers at all,
    // so that an outage costs the hub's thread no connect timeouts.
    m_probing = true;
    m_pool.submit([this](Db& db) {
        bool up = false;
        try {
            up = db.scalar(QStringLiteral("SELECT 1")).toInt() == 1;
        } catch (const std::exception& e) {
            qCDebug(lcCluster) << "the database does not answer yet:" << e.what();
        }
        QMetaObject::invokeMethod(
            this,
            [this, up] {
                m_probing = false;
                if (up)
                    connectListener();
                else
                    scheduleReconnect();
            },
            Qt::QueuedConnection);
    });
}

void ClusterBus::dropListener(const QString& why) {
    if (!why.isEmpty())
        qCWarning(lcCluster).noquote() << QStringLiteral("the listener connection is gone (%1); reconnecting").arg(why);
    m_listening = false;
    m_pingToken.clear();
    m_pingSentMs = -1;
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        if (db.isValid()) {
            disconnect(db.driver(), nullptr, this, nullptr);
            db.close();
        }
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

void ClusterBus::scheduleReconnect() {
    if (m_stopped)
        return;
    qCInfo(lcCluster) << "connecting the listener again in" << m_backoffMs << "ms";
    m_reconnectTimer.start(m_backoffMs);
    m_backoffMs = std::min(m_backoffMs * 2, kMaxBackoffMs);
}

void ClusterBus::onNotification(const QString& name, QSqlDriver::NotificationSource, const QVariant& payload) {
    if (name != QLatin1String(kChannel))
        return;
    const QJsonObject message = QJsonDocument::fromJson(payload.toString().toUtf8()).object();
    const QString kind = message.value(QStringLiteral("kind")).toString();
    if (kind.isEmpty()) {
        qCWarning(lcCluster) << "ignoring a malformed notification";
        return;
    }
    if (message.value(QStringLiteral("from")).toString() == m_instanceId) {
        if (kind == QLatin1String("ping") && message.value(QStringLiteral("token")).toString() == m_pingToken &&
            !m_pingToken.isEmpty()) {
            m_pingToken.clear(); // the listener works
            m_pingSentMs = -1;
        }
        return; // this instance did its part when it published
    }
    if (kind == QLatin1String("ping"))
        return;
    Q_EMIT received(message);
}

void ClusterBus::pingTick() {
    if (m_stopped || !m_listening)
        return;
    if (!m_pingToken.isEmpty()) {
        if (m_pingSentMs >= 0 && steadyMs() - m_pingSentMs > kPingMs) {
            dropListener(QStringLiteral("its own ping did not come back"));
            m_backoffMs = 1000;
            scheduleReconnect();
        }
        return; // in flight, or not yet committed (the database workers are busy or the database is down)
    }
    const QString token = QString::fromLatin1(QByteArray::number(steadyMs())) + QLatin1Char('-') + newId();
    m_pingToken = token;
    const QByteArray payload = QJsonDocument(QJsonObject{{QStringLiteral("kind"), QStringLiteral("ping")},
                                                         {QStringLiteral("token"), token},
                                                         {QStringLiteral("from"), m_instanceId}})
                                   .toJson(QJsonDocument::Compact);
    m_pool.submit([this, token, payload](Db& db) {
        bool sent = false;
        try {
            db.exec(QStringLiteral("SELECT pg_notify(?, ?)"),
                    {QString::fromLatin1(kChannel), QString::fromUtf8(payload)});
            sent = true;
        } catch (const std::exception& e) {
            qCWarning(lcCluster) << "cannot publish a ping:" << e.what();
        }
        // The pool is stopped (joined) before the bus is deleted, so `this` is still there.
        QMetaObject::invokeMethod(
            this,
            [this, token, sent] {
                if (m_pingToken != token)
                    return;
                if (sent)
                    m_pingSentMs = steadyMs();
                else
                    m_pingToken.clear(); // try again next tick
            },
            Qt::QueuedConnection);
    });
}

void ClusterBus::publish(QJsonObject message) {
    if (!m_publishing)
        return;
    message.insert(QStringLiteral("from"), m_instanceId);
    const QByteArray payload = QJsonDocument(message).toJson(QJsonDocument::Compact);
    if (payload.size() > kMaxPayloadBytes) {
        qCWarning(lcCluster) << "not publishing a" << message.value(QStringLiteral("kind")).toString() << "message of"
                             << payload.size() << "bytes (PostgreSQL takes less than 8000)";
        return;
    }
    // One key: notifications leave in the order they were published.
    m_pool.submitOrdered(QStringLiteral("cluster-bus"), [payload](Db& db) {
        try {
            db.exec(QStringLiteral("SELECT pg_notify(?, ?)"),
                    {QString::fromLatin1(kChannel), QString::fromUtf8(payload)});
        } catch (const std::exception& e) {
            qCWarning(lcCluster) << "cannot publish to the other instances:" << e.what();
        }
    });
}

void ClusterBus::publishWake() {
    if (!m_publishing || m_wakePending.exchange(true))
        return; // one is waiting for a worker already; it covers this wake too
    const QByteArray payload = QJsonDocument(QJsonObject{{QStringLiteral("kind"), QStringLiteral("wake")},
                                                         {QStringLiteral("from"), m_instanceId}})
                                   .toJson(QJsonDocument::Compact);
    m_pool.submitOrdered(QStringLiteral("cluster-bus"), [this, payload](Db& db) {
        m_wakePending = false; // before the notify: a wake after this point publishes again
        try {
            db.exec(QStringLiteral("SELECT pg_notify(?, ?)"),
                    {QString::fromLatin1(kChannel), QString::fromUtf8(payload)});
        } catch (const std::exception& e) {
            qCWarning(lcCluster) << "cannot publish a wake to the other instances:" << e.what();
        }
    });
}

} // namespace mr::orch
