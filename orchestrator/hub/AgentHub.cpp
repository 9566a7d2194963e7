#include "orchestrator/hub/AgentHub.h"

#include "orchestrator/hub/AgentHubJobs.h"

#include "orchestrator/Services.h"
#include "orchestrator/api/Connections.h"
#include "orchestrator/auth/Crypto.h"
#include "orchestrator/auth/Jwt.h"
#include "orchestrator/auth/KeyRing.h"
#include "orchestrator/auth/TokenService.h"
#include "orchestrator/http/Http.h"
#include "orchestrator/hub/ClusterBus.h"
#include "orchestrator/store/DbPool.h"

#include <QAbstractHttpServer>
#include <QJsonArray>
#include <QLoggingCategory>
#include <QWebSocketProtocol>

Q_LOGGING_CATEGORY(lcHub, "mr.orchestrator.hub")

namespace mr::orch {

using namespace protocol;

namespace {
/// Frames an agent may send before its hello is answered; more is a misbehaving client.
constexpr int kMaxEarlyFrames = 1000;
/// Events and results stored per transaction.
constexpr int kMaxBatch = 500;
} // namespace

AgentHub::AgentHub(DbPool& pool, Services& services, QObject* parent)
    : QObject(parent)
    , m_pool(pool)
    , m_services(services)
    , m_instanceId(newId()) {
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, [this] {
        runTimerPass();
        runDispatch();
    });
}

AgentHub::~AgentHub() {
    *m_alive = false;
}

void AgentHub::attach(QAbstractHttpServer* http) {
    connect(http, &QAbstractHttpServer::newWebSocketConnection, this, [this, http] {
        while (std::unique_ptr<QWebSocket> ws = http->nextPendingWebSocketConnection())
            adopt(ws.release());
    });
    m_tick.start();
}

void AgentHub::setClusterBus(ClusterBus* bus) {
    m_bus = bus;
    if (m_bus)
        connect(m_bus, &ClusterBus::received, this, &AgentHub::onClusterMessage);
}

void AgentHub::stop() {
    if (m_stopped)
        return;
    m_stopped = true;
    m_tick.stop();
    const QDateTime now = m_services.clock->now();
    // Closing may emit disconnected at once, which edits m_links: work on a copy.
    const QMap<QString, Link> links = std::exchange(m_links, {});
    for (const Link& link : links) {
        if (link.welcomed) {
            const QString id = link.machineId;
            m_pool.submit(
                [id, instance = m_instanceId, now](Db& db) { runs::markDisconnected(db, id, instance, now); });
        }
        if (link.socket)
            link.socket->close(QWebSocketProtocol::CloseCodeGoingAway, QStringLiteral("The orchestrator is stopping."));
    }
    for (CredentialCheck& check : m_checks)
        check.done(std::nullopt);
    m_checks.clear();
}

std::optional<QString> AgentHub::machineForAuthorization(const QByteArray& authorization) const {
    if (!authorization.startsWith("Bearer ") || !m_services.keys)
        return std::nullopt;
    const QByteArray token = authorization.mid(7).trimmed();
    if (token.size() > kMaxJwtBytes)
        return std::nullopt;
    const std::optional<QJsonObject> claims = m_services.keys->verifyJwt(token);
    if (!claims)
        return std::nullopt;
    const QJsonValue exp = claims->value(QStringLiteral("exp"));
    const qint64 now = m_services.clock->now().toSecsSinceEpoch();
    if (claims->value(QStringLiteral("typ")).toString() != QLatin1String("machine") ||
        claims->value(QStringLiteral("iss")).toString() != m_services.config.publicUrl || !exp.isDouble() ||
        qint64(exp.toDouble()) + TokenService::kLeewaySeconds < now)
        return std::nullopt;
    const QString sub = claims->value(QStringLiteral("sub")).toString();
    if (sub.isEmpty())
        return std::nullopt;
    return sub;
}

void AgentHub::adopt(QWebSocket* socket) {
    socket->setParent(this);
    socket->setMaxAllowedIncomingMessageSize(quint64(kMaxAgentMessageBytes));
    socket->setMaxAllowedIncomingFrameSize(quint64(kMaxAgentMessageBytes));
    // Checked before the upgrade already; checked again here to learn whose socket this is.
    const std::optional<QString> machine = machineForAuthorization(socket->request().rawHeader("Authorization"));
    if (!machine || m_stopped) {
        socket->close(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("Unauthenticated"));
        socket->deleteLater();
        return;
    }
    const QString machineId = *machine;
    if (auto old = m_links.find(machineId); old != m_links.end()) {
        // Session take-over: the newest connection of a machine wins, never "already connected".
        qCInfo(lcHub) << "machine" << machineId << "connected again; closing its previous connection";
        const QPointer<QWebSocket> previous = old->socket;
        m_links.erase(old); // first: closing may emit disconnected at once
        if (previous) {
            previous->close(QWebSocketProtocol::CloseCodeNormal, QStringLiteral("Replaced by a new connection."));
            previous->deleteLater();
        }
    }
    Link link;
    link.socket = socket;
    link.machineId = machineId;
    link.generation = m_nextGeneration++;
    const quint64 generation = link.generation;
    m_links.insert(machineId, link);
    connect(socket, &QWebSocket::textMessageReceived, this,
            [this, machineId, generation](const QString& text) { onFrame(machineId, generation, text.toUtf8()); });
    connect(socket, &QWebSocket::binaryMessageReceived, this, [this, machineId, generation](const QByteArray&) {
        if (Link* l = linkFor(machineId, generation))
            closeLink(*l, QStringLiteral("Binary frames are not part of the protocol."));
    });
    connect(socket, &QWebSocket::disconnected, this,
            [this, machineId, generation] { onClosed(machineId, generation); });
    qCInfo(lcHub) << "machine" << machineId << "connected from" << socket->peerAddress().toString();
}

AgentHub::Link* AgentHub::linkFor(const QString& machineId, quint64 generation) {
    auto it = m_links.find(machineId);
    if (it == m_links.end() || it->generation != generation)
        return nullptr;
    return &*it;
}

void AgentHub::closeLink(Link& link, const QString& reason) {
    qCWarning(lcHub) << "closing the connection of machine" << link.machineId << ":" << reason;
    if (link.socket)
        link.socket->close(QWebSocketProtocol::CloseCodePolicyViolated, reason.left(120));
}

void AgentHub::onClosed(const QString& machineId, quint64 generation) {
    Link* link = linkFor(machineId, generation);
    if (!link)
        return; // replaced or stopped
    const bool welcomed = link->welcomed;
    if (link->socket)
        link->socket->deleteLater();
    m_links.remove(machineId);
    for (auto it = m_checks.begin(); it != m_checks.end();) {
        if (it->machineId == machineId) {
            it->done(std::nullopt);
            it = m_checks.erase(it);
        } else {
            ++it;
        }
    }
    qCInfo(lcHub) << "machine" << machineId << "disconnected";
    if (welcomed && !m_stopped) {
        const QDateTime now = m_services.clock->now();
        // In the machine's order: a take-over's hello must not be overtaken by this.
        m_pool.submitOrdered(machineId, [machineId, instance = m_instanceId, now](Db& db) {
            runs::markDisconnected(db, machineId, instance, now);
        });
    }
}

void AgentHub::send(Link& link, AgentMessageBody body) {
    if (!link.socket)
        return;
    AgentMessage m;
    m.seq = link.nextSeq++;
    m.body = std::move(body);
    link.socket->sendTextMessage(QString::fromUtf8(encodeAgentMessage(m)));
}

void AgentHub::sendAck(Link& link, qint64 seq) {
    if (link.socket)
        link.socket->sendTextMessage(QString::fromUtf8(encodeAgentMessage(ackFor(seq))));
}

bool AgentHub::putPassword(const Link& link, const QString& password, std::optional<QString>* plain,
                           std::optional<QString>* sealed) const {
    if (!link.sealedSecrets) {
        *plain = password; // API.md as written, for agents that do not open sealed boxes
        sealed->reset();
        return true;
    }
    if (link.keyRotationPending)
        return false;
    const std::optional<QByteArray> box = crypto::sealToEd25519(link.publicKey, password.toUtf8());
    if (!box) {
        qCWarning(lcHub) << "machine" << link.machineId << "has no usable public key; cannot seal a password to it";
        return false;
    }
    plain->reset();
    *sealed = QString::fromLatin1(box->toBase64());
    return true;
}

void AgentHub::sendCheck(Link& link, const HeldCheck& check) {
    if (!m_checks.contains(check.requestId))
        return; // answered meanwhile (timed out)
    CheckCredentials message{check.requestId, check.username, std::nullopt, std::nullopt};
    if (!putPassword(link, check.password, &message.password, &message.sealedPassword)) {
        const auto done = m_checks.take(check.requestId).done;
        done(std::nullopt);
        return;
    }
    send(link, std::move(message));
}

void AgentHub::sendRotateKey(Link& link) {
    link.keyRotationPending = true;
    send(link, RotateKey{});
}

bool AgentHub::sendTo(const QString& machineId, AgentMessageBody body) {
    auto it = m_links.find(machineId);
    if (it == m_links.end() || !it->welcomed)
        return false;
    send(*it, std::move(body));
    return true;
}

void AgentHub::submit(std::function<void(Db&)> job) {
    if (m_stopped)
        return;
    m_pool.submit(std::move(job));
}

void AgentHub::onFrame(const QString& machineId, quint64 generation, const QByteArray& frame) {
    Link* link = linkFor(machineId, generation);
    if (!link)
        return;
    Decoded<AgentMessage> decoded = decodeAgentMessage(frame);
    if (!decoded) {
        // A malformed frame means a broken or hostile client: answering would only hide the bug.
        closeLink(*link, QStringLiteral("Malformed message: ") + decoded.error().message());
        return;
    }
    AgentMessage message = decoded.take();
    if (!link->welcomed && !std::holds_alternative<Hello>(message.body)) {
        if (link->early.size() >= kMaxEarlyFrames) {
            closeLink(*link, QStringLiteral("Too many messages before hello."));
            return;
        }
        link->early.append(frame);
        return;
    }
    handle(*link, message);
}

void AgentHub::handle(Link& link, const AgentMessage& message) {
    const QString machineId = link.machineId;
    const quint64 generation = link.generation;
    const qint64 seq = message.seq;
    const bool wantAck = message.needsAck();
    const QDateTime now = m_services.clock->now();
    auto ackLater = [this, machineId, generation, seq, wantAck] {
        if (Link* l = linkFor(machineId, generation); l && wantAck)
            sendAck(*l, seq);
    };

    if (const auto* hello = std::get_if<Hello>(&message.body)) {
        handleHello(link, *hello, seq, wantAck);
    } else if (const auto* hb = std::get_if<Heartbeat>(&message.body)) {
        const auto sessions = hb->sessions;
        submitForMachine<bool>(
            machineId,
            [machineId, sessions, now](Db& db) {
                runs::applyHeartbeat(db, machineId, sessions, now);
                return true;
            },
            [this, sessions, ackLater](bool) {
                ackLater();
                if (sessions)
                    wakeLocal(); // a session ended or unlocked: waiting runs may start
            });
    } else if (const auto* accept = std::get_if<RunAccept>(&message.body)) {
        const QString runId = accept->runId;
        submitForMachine<bool>(
            machineId, [machineId, runId, now](Db& db) { return runs::acceptRun(db, machineId, runId, now); },
            [this, machineId, generation, runId, ackLater](bool accepted) {
                ackLater();
                if (accepted)
                    return;
                // The offer was withdrawn: at most once, so this machine must not run it.
                qCInfo(lcHub) << "machine" << machineId << "accepted run" << runId
                              << "too late; telling it to drop the run";
                if (Link* l = linkFor(machineId, generation))
                    send(*l, CancelRun{runId});
            });
    } else if (const auto* decline = std::get_if<RunDecline>(&message.body)) {
        const QString runId = decline->runId;
        const QString reason = decline->reason;
        submitForMachine<bool>(
            machineId,
            [machineId, runId, reason](Db& db) {
                runs::declineRun(db, machineId, runId, reason);
                return true;
            },
            [this, ackLater](bool) {
                ackLater();
                wakeLocal();
            });
    } else if (const auto* event = std::get_if<RunEvent>(&message.body)) {
        link.pendingAcked.append(runs::AckedItem{seq, *event, std::nullopt});
        flushAcked(machineId, generation);
    } else if (const auto* result = std::get_if<RunResult>(&message.body)) {
        link.pendingAcked.append(runs::AckedItem{seq, std::nullopt, *result});
        flushAcked(machineId, generation);
    } else if (const auto* checked = std::get_if<CredentialsChecked>(&message.body)) {
        auto it = m_checks.find(checked->requestId);
        if (it != m_checks.end() && it->machineId == machineId) {
            const auto done = it->done;
            m_checks.erase(it);
            done(checked->ok);
        }
        if (wantAck)
            sendAck(link, seq);
    } else if (const auto* rotated = std::get_if<KeyRotated>(&message.body)) {
        const KeyRotated copy = *rotated;
        submitForMachine<bool>(
            machineId, [machineId, copy, now](Db& db) { return runs::applyKeyRotated(db, machineId, copy, now); },
            [this, machineId, generation, copy, ackLater](bool ok) {
                if (!ok) {
                    qCWarning(lcHub) << "machine" << machineId
                                     << "sent keyRotated without a request or with a bad signature";
                    return;
                }
                // Acknowledged only once stored: the agent keeps its old key until then.
                ackLater();
                qCInfo(lcHub) << "machine" << machineId << "rotated its key";
                if (Link* l = linkFor(machineId, generation)) {
                    // From now on passwords are sealed to the new key.
                    l->publicKey = QByteArray::fromBase64(copy.publicKey.toLatin1());
                    l->keyRotationPending = false;
                    const QList<HeldCheck> held = std::exchange(l->heldChecks, {});
                    for (const HeldCheck& check : held)
                        sendCheck(*l, check);
                }
                wakeLocal();
            });
    } else if (std::holds_alternative<Ack>(message.body)) {
        // Nothing the orchestrator sends asks for an ack.
    } else {
        closeLink(link, QStringLiteral("Unexpected message type '%1' from an agent.").arg(message.type()));
    }
}

void AgentHub::handleHello(Link& link, const Hello& hello, qint64 seq, bool wantAck) {
    const QString machineId = link.machineId;
    const quint64 generation = link.generation;
    if (hello.machineId != machineId) {
        closeLink(link, QStringLiteral("hello names another machine than the token."));
        return;
    }
    link.sealedSecrets = hello.declares(Hello::kFeatureSealedSecrets);
    if (!hello.features.isEmpty())
        qCInfo(lcHub).noquote() << "machine" << machineId << "declares the features" << hello.features.join(u' ');
    const QDateTime now = m_services.clock->now();
    submitForMachine<runs::HelloOutcome>(
        machineId,
        [machineId, hello, instance = m_instanceId, now](Db& db) {
            return runs::applyHello(db, machineId, hello, instance, now);
        },
        [this, machineId, generation, seq, wantAck](runs::HelloOutcome out) {
            Link* l = linkFor(machineId, generation);
            if (!l)
                return;
            if (!out.machineExists) {
                closeLink(*l, QStringLiteral("This machine is no longer registered; register it anew."));
                return;
            }
            if (!out.lostRuns.isEmpty())
                qCInfo(lcHub) << "machine" << machineId << "restarted without runs" << out.lostRuns
                              << "; they failed with MachineLost";
            if (wantAck)
                sendAck(*l, seq);
            l->welcomed = true;
            l->publicKey = out.publicKey;
            send(*l, Welcome{out.settings, m_services.config.heartbeatSeconds});
            if (out.keyRotationRequested)
                sendRotateKey(*l);
            const QList<QByteArray> early = std::exchange(l->early, {});
            for (const QByteArray& frame : early)
                onFrame(machineId, generation, frame);
            wakeLocal();
        },
        [this, machineId, generation] {
            if (Link* l = linkFor(machineId, generation))
                closeLink(*l, QStringLiteral("The orchestrator could not store the hello; reconnect."));
        });
}

void AgentHub::flushAcked(const QString& machineId, quint64 generation) {
    Link* link = linkFor(machineId, generation);
    if (!link || link->batchInFlight || link->pendingAcked.isEmpty())
        return;
    QList<runs::AckedItem> batch = link->pendingAcked.mid(0, kMaxBatch);
    link->pendingAcked.remove(0, batch.size());
    link->batchInFlight = true;
    const QDateTime now = m_services.clock->now();
    submitForMachine<QStringList>(
        machineId, [machineId, batch, now](Db& db) { return runs::applyAckedBatch(db, machineId, batch, now); },
        [this, machineId, generation, batch](QStringList ended) {
            Link* l = linkFor(machineId, generation);
            if (!l)
                return;
            l->batchInFlight = false;
            for (const runs::AckedItem& item : batch)
                sendAck(*l, item.seq); // after the commit: the agent may forget them now
            if (!ended.isEmpty())
                wakeLocal();
            flushAcked(machineId, generation);
        },
        [this, machineId, generation] {
            // Not stored: the agent resends everything unacknowledged after it reconnects.
            if (Link* l = linkFor(machineId, generation))
                closeLink(*l, QStringLiteral("The orchestrator could not store run events; reconnect."));
        });
}

} // namespace mr::orch
