#include "orchestrator/hub/AgentHub.h"

#include "orchestrator/Services.h"
#include "orchestrator/api/Connections.h"
#include "orchestrator/auth/Crypto.h"
#include "orchestrator/auth/Jwt.h"
#include "orchestrator/auth/KeyRing.h"
#include "orchestrator/auth/TokenService.h"
#include "orchestrator/http/Http.h"
#include "orchestrator/hub/ClusterBus.h"
#include "orchestrator/store/DbPool.h"

#if __has_include("orchestrator/Metrics.h")
#include "orchestrator/Metrics.h"
#define MR_HAVE_METRICS 1
#endif
#if __has_include("orchestrator/runs/SchedulesFiring.h")
#include "orchestrator/runs/SchedulesFiring.h"
#define MR_HAVE_SCHEDULES 1
#endif

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

template <class T>
void AgentHub::submitThen(std::function<T(Db&)> job, std::function<void(T)> then, std::function<void()> failed,
                          const QString& orderKey) {
    if (m_stopped)
        return;
    DbPool::Job wrapped = [this, alive = m_alive, job = std::move(job), then = std::move(then),
                           failed = std::move(failed)](Db& db) {
        std::optional<T> result;
        try {
            result = job(db);
        } catch (const std::exception& e) {
            qCWarning(lcHub) << "database job failed:" << e.what();
        }
        if (!*alive)
            return;
        QMetaObject::invokeMethod(
            this,
            [this, result = std::move(result), then, failed] {
                if (m_stopped)
                    return;
                if (result)
                    then(*result);
                else if (failed)
                    failed();
            },
            Qt::QueuedConnection);
    };
    if (orderKey.isEmpty())
        m_pool.submit(std::move(wrapped));
    else
        m_pool.submitOrdered(orderKey, std::move(wrapped));
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
                // Acknowledged only once stored: the agent keeps its old key until then.
                if (ok)
                    ackLater();
                if (ok) {
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
                } else {
                    qCWarning(lcHub) << "machine" << machineId
                                     << "sent keyRotated without a request or with a bad signature";
                }
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

void AgentHub::wake() {
    wakeLocal();
    if (m_bus)
        m_bus->publishWake(); // a run queued here may be for a machine connected elsewhere
}

void AgentHub::wakeLocal() {
    if (m_wakePosted.exchange(true))
        return; // a pass is asked for already
    QMetaObject::invokeMethod(
        this,
        [this] {
            m_wakePosted = false;
            runDispatch();
        },
        Qt::QueuedConnection);
}

void AgentHub::runDispatch() {
    if (m_stopped)
        return;
    if (m_dispatchRunning) {
        m_dispatchAgain = true;
        return;
    }
    QSet<QString> connected;
    for (const Link& l : std::as_const(m_links)) {
        if (l.welcomed)
            connected.insert(l.machineId);
    }
    if (connected.isEmpty())
        return;
    m_dispatchRunning = true;
    const QDateTime now = m_services.clock->now();
    const QByteArray dataKey = m_services.dataKey;
    auto finished = [this] {
        m_dispatchRunning = false;
        if (std::exchange(m_dispatchAgain, false))
            runDispatch();
    };
    submitThen<QList<runs::Offer>>(
        [connected, now, dataKey](Db& db) {
            return runs::dispatchPass(db, now, connected, [dataKey](const QString& sealed) -> std::optional<QString> {
                return openConnectionPassword(dataKey, sealed);
            });
        },
        [this, finished](QList<runs::Offer> offers) {
            for (runs::Offer& o : offers) {
                const double latency = double(o.queuedAt.msecsTo(m_services.clock->now())) / 1000.0;
                auto link = m_links.find(o.machineId);
                if (link == m_links.end() || !link->welcomed)
                    continue; // it left meanwhile; the offer times out and the run is queued again
                OfferedConnection& connection = o.offer.connection;
                const std::optional<QString> password = std::exchange(connection.password, std::nullopt);
                if (password && !putPassword(*link, *password, &connection.password, &connection.sealedPassword)) {
                    // A key rotation began after the run was claimed: the offer times out and the
                    // run is queued again, offered once the new key is known.
                    qCInfo(lcHub) << "run" << o.offer.runId << "not offered to machine" << o.machineId
                                  << "now: its password cannot be sealed to the machine's key yet";
                    continue;
                }
                send(*link, std::move(o.offer));
#ifdef MR_HAVE_METRICS
                if (m_services.metrics)
                    m_services.metrics->observeDispatchLatency(latency);
#else
                Q_UNUSED(latency);
#endif
            }
            finished();
        },
        finished);
}

void AgentHub::runTimerPass() {
    if (m_stopped || m_timerPassRunning)
        return;
    m_timerPassRunning = true;
    const QDateTime now = m_services.clock->now();
    const ServerConfig config = m_services.config;
    submitThen<runs::TimerOutcome>(
        [now, config](Db& db) {
            int fired = 0;
#ifdef MR_HAVE_SCHEDULES
            try {
                fired = fireDueSchedules(db, now);
            } catch (const std::exception& e) {
                qCWarning(lcHub) << "firing schedules failed:" << e.what();
            }
#else
        // Hook: schedules (runs/SchedulesFiring.h) fire here once they exist.
#endif
            runs::TimerOutcome out = runs::timerPass(db, now, config);
            out.changes += fired;
            out.firedSchedules = fired;
            return out;
        },
        [this](runs::TimerOutcome out) {
            m_timerPassRunning = false;
            for (const QString& id : std::as_const(out.offlineMachines)) {
                // Silent past the limit while its socket is open here: the connection is dead.
                // (Looked up each time: closing one may remove it from m_links.)
                if (auto it = m_links.find(id); it != m_links.end())
                    closeLink(*it, QStringLiteral("No heartbeat for too long."));
            }
            // Every tick, not only after changes: on PostgreSQL a dispatch pass skips runs that
            // another transaction holds locked (SKIP LOCKED), and nothing else would retry them.
            wakeLocal();
            if (out.firedSchedules > 0 && m_bus)
                m_bus->publishWake(); // a scheduled run may be for a machine connected elsewhere
        },
        [this] { m_timerPassRunning = false; });
}

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
