// What the orchestrator asks of a machine (cancel a run, end sessions, check credentials, new
// settings, rotate the key): done here when its socket is here, and published to the other
// instances on the same database (ClusterBus), whose holder does it.
#include "orchestrator/hub/AgentHub.h"

#include "orchestrator/Services.h"
#include "orchestrator/api/Connections.h"
#include "orchestrator/auth/Crypto.h"
#include "orchestrator/hub/AgentHubJobs.h"
#include "orchestrator/hub/ClusterBus.h"
#include "orchestrator/store/DbPool.h"

#include <QJsonArray>

namespace mr::orch {

using namespace protocol;

void AgentHub::cancelRun(const QString& machineId, const QString& runId) {
    QMetaObject::invokeMethod(
        this, [this, machineId, runId] { cancelRunHere(machineId, runId); }, Qt::QueuedConnection);
    // Every time, not only when the machine is not connected here: during a take-over the old
    // socket may still be open here while the new one is elsewhere. Only the holder acts.
    if (m_bus)
        m_bus->publish({{QStringLiteral("kind"), QStringLiteral("cancelRun")},
                        {QStringLiteral("machineId"), machineId},
                        {QStringLiteral("runId"), runId}});
}

void AgentHub::cancelRunHere(const QString& machineId, const QString& runId) {
    sendTo(machineId, CancelRun{runId});
}

void AgentHub::endSessions(const QString& machineId, const QStringList& users) {
    QMetaObject::invokeMethod(
        this, [this, machineId, users] { endSessionsHere(machineId, users); }, Qt::QueuedConnection);
    if (m_bus)
        m_bus->publish({{QStringLiteral("kind"), QStringLiteral("endSessions")},
                        {QStringLiteral("machineId"), machineId},
                        {QStringLiteral("users"), QJsonArray::fromStringList(users)}});
}

void AgentHub::endSessionsHere(const QString& machineId, const QStringList& users) {
    sendTo(machineId, EndSessions{users});
}

void AgentHub::checkCredentials(const QString& machineId, const QString& username, const QString& password,
                                std::function<void(std::optional<bool>)> done) {
    QMetaObject::invokeMethod(
        this,
        [this, machineId, username, password, done = std::move(done)] {
            if (m_stopped) {
                done(std::nullopt);
                return;
            }
            auto link = m_links.find(machineId);
            if (link != m_links.end() && link->welcomed) {
                startCheckHere(machineId, newId(), username, password, done);
                return;
            }
            if (!m_bus) {
                done(std::nullopt);
                return;
            }
            // Maybe connected to another instance: ask the one agent_connections names. The password
            // travels sealed with the data key every instance shares, as it is stored.
            submitThen<QString>(
                [machineId](Db& db) {
                    return db
                        .scalar(QStringLiteral("SELECT instance_id FROM agent_connections WHERE machine_id = ?"),
                                {machineId})
                        .toString();
                },
                [this, machineId, username, password, done](const QString& instance) {
                    if (instance.isEmpty() || instance == m_instanceId || !m_bus->listening()) {
                        done(std::nullopt);
                        return;
                    }
                    const QString requestId = newId();
                    m_checks.insert(requestId, CredentialCheck{done, machineId});
                    m_bus->publish(
                        {{QStringLiteral("kind"), QStringLiteral("checkCredentials")},
                         {QStringLiteral("machineId"), machineId},
                         {QStringLiteral("requestId"), requestId},
                         {QStringLiteral("username"), username},
                         {QStringLiteral("sealedPassword"), sealConnectionPassword(m_services.dataKey, password)}});
                    QTimer::singleShot(kCredentialsTimeoutMs, this, [this, requestId] {
                        if (auto it = m_checks.find(requestId); it != m_checks.end()) {
                            const auto callback = it->done;
                            m_checks.erase(it);
                            callback(std::nullopt);
                        }
                    });
                },
                [done] { done(std::nullopt); });
        },
        Qt::QueuedConnection);
}

void AgentHub::startCheckHere(const QString& machineId, const QString& requestId, const QString& username,
                              const QString& password, std::function<void(std::optional<bool>)> done) {
    auto link = m_links.find(machineId);
    if (m_stopped || link == m_links.end() || !link->welcomed) {
        done(std::nullopt);
        return;
    }
    const HeldCheck check{requestId, username, password};
    m_checks.insert(requestId, CredentialCheck{std::move(done), machineId});
    if (link->sealedSecrets && link->keyRotationPending)
        link->heldChecks.append(check); // sealed and sent once the new key is known
    else
        sendCheck(*link, check);
    QTimer::singleShot(kCredentialsTimeoutMs, this, [this, requestId] {
        auto it = m_checks.find(requestId);
        if (it == m_checks.end())
            return;
        const auto callback = it->done;
        m_checks.erase(it);
        callback(std::nullopt);
    });
}

void AgentHub::machineSettingsChanged(const QString& machineId) {
    QMetaObject::invokeMethod(
        this,
        [this, machineId] {
            wakeLocal(); // maintenance off or more bots: waiting runs may go
            settingsChangedHere(machineId);
        },
        Qt::QueuedConnection);
    if (m_bus)
        m_bus->publish(
            {{QStringLiteral("kind"), QStringLiteral("settingsChanged")}, {QStringLiteral("machineId"), machineId}});
}

void AgentHub::settingsChangedHere(const QString& machineId) {
    if (!m_links.contains(machineId))
        return;
    wakeLocal(); // maintenance off or more bots: this machine may take waiting runs
    submitThen<std::optional<AgentSettings>>(
        [machineId](Db& db) { return runs::loadAgentSettings(db, machineId); },
        [this, machineId](std::optional<AgentSettings> settings) {
            if (settings) {
                sendTo(machineId, SettingsChanged{*settings});
            } else if (auto it = m_links.find(machineId); it != m_links.end()) {
                // Deleted on the orchestrator (R10): the agent must stop, not linger online.
                closeLink(*it, QStringLiteral("This machine is no longer registered; register it anew."));
            }
        });
}

void AgentHub::keyRotationRequested(const QString& machineId) {
    QMetaObject::invokeMethod(
        this, [this, machineId] { rotateKeyHere(machineId); }, Qt::QueuedConnection);
    if (m_bus)
        m_bus->publish(
            {{QStringLiteral("kind"), QStringLiteral("rotateKey")}, {QStringLiteral("machineId"), machineId}});
}

void AgentHub::rotateKeyHere(const QString& machineId) {
    auto link = m_links.find(machineId);
    // One rotation at a time: a second request while one is under way would make the agent sign
    // its next key with a key the orchestrator never stored.
    if (link != m_links.end() && link->welcomed && !link->keyRotationPending)
        sendRotateKey(*link);
}

void AgentHub::onClusterMessage(const QJsonObject& message) {
    if (m_stopped)
        return;
    const QString kind = message.value(QStringLiteral("kind")).toString();
    const QString machineId = message.value(QStringLiteral("machineId")).toString();
    if (kind == QLatin1String("wake")) {
        wakeLocal();
    } else if (kind == QLatin1String("credentialsChecked")) {
        if (message.value(QStringLiteral("to")).toString() != m_instanceId)
            return;
        auto it = m_checks.find(message.value(QStringLiteral("requestId")).toString());
        if (it == m_checks.end())
            return; // timed out meanwhile
        const auto done = it->done;
        m_checks.erase(it);
        const QJsonValue ok = message.value(QStringLiteral("ok"));
        done(ok.isBool() ? std::optional<bool>(ok.toBool()) : std::nullopt);
    } else if (machineId.isEmpty() || !m_links.contains(machineId)) {
        return; // not ours: the instance that holds the machine acts
    } else if (kind == QLatin1String("cancelRun")) {
        cancelRunHere(machineId, message.value(QStringLiteral("runId")).toString());
    } else if (kind == QLatin1String("endSessions")) {
        QStringList users;
        for (const QJsonValue& u : message.value(QStringLiteral("users")).toArray())
            users.append(u.toString());
        endSessionsHere(machineId, users);
    } else if (kind == QLatin1String("settingsChanged")) {
        settingsChangedHere(machineId);
    } else if (kind == QLatin1String("rotateKey")) {
        rotateKeyHere(machineId);
    } else if (kind == QLatin1String("checkCredentials")) {
        const QString asker = message.value(QStringLiteral("from")).toString();
        const QString requestId = message.value(QStringLiteral("requestId")).toString();
        auto answer = [this, asker, requestId](std::optional<bool> ok) {
            if (m_bus)
                m_bus->publish({{QStringLiteral("kind"), QStringLiteral("credentialsChecked")},
                                {QStringLiteral("to"), asker},
                                {QStringLiteral("requestId"), requestId},
                                {QStringLiteral("ok"), ok ? QJsonValue(*ok) : QJsonValue()}});
        };
        const std::optional<QString> password =
            openConnectionPassword(m_services.dataKey, message.value(QStringLiteral("sealedPassword")).toString());
        if (!password || requestId.isEmpty()) {
            qCWarning(lcHub) << "a credential check from instance" << asker
                             << "carries no password this instance can open (is the data key the same?)";
            answer(std::nullopt);
            return;
        }
        // Its own request id here: the asker's could meet one of ours only by chance, never harmlessly.
        startCheckHere(machineId, newId(), message.value(QStringLiteral("username")).toString(), *password,
                       std::move(answer));
    } else {
        qCDebug(lcHub) << "ignoring a cluster message of kind" << kind;
    }
}

} // namespace mr::orch
