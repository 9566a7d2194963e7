// The REST calls of the desktop app, in the agent thread: what the window asks for (save the
// machine, move it, cancel or show a run, run a flow, disconnect users) and the poll that keeps
// the window up to date.
#include "agent/AgentWorker.h"

#include <QJsonDocument>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>

Q_DECLARE_LOGGING_CATEGORY(lcController)

namespace mr::agent {

namespace {

/// REST calls of the app: how long one may stall, and the largest answer read.
constexpr int kCallTimeoutMs = 15'000;
constexpr qint64 kMaxAnswer = 8 * 1024 * 1024;
/// After a run's event, the dashboard is read again within this time.
constexpr qint64 kSoonMs = 2000;

} // namespace

QString apiError(const QByteArray& body, QString* code, QJsonObject* details) {
    const QJsonObject error = QJsonDocument::fromJson(body).object().value(QStringLiteral("error")).toObject();
    if (code)
        *code = error.value(QStringLiteral("code")).toString();
    if (details)
        *details = error.value(QStringLiteral("details")).toObject();
    return error.value(QStringLiteral("message")).toString();
}

void AgentWorker::call(const QByteArray& method, const QString& path, const QJsonDocument& body, Done done) {
    QNetworkRequest request(QUrl(m_session.server.toString() + path));
    request.setRawHeader("Authorization", "Bearer " + m_session.accessToken.toUtf8());
    QByteArray data;
    if (!body.isNull()) {
        data = body.toJson(QJsonDocument::Compact);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    }
    // A dead network must not leave a call hanging, and no answer is buffered beyond kMaxAnswer.
    request.setTransferTimeout(kCallTimeoutMs);
    QNetworkReply* reply = m_nam->sendCustomRequest(request, method, data);
    connect(reply, &QNetworkReply::downloadProgress, reply, [reply](qint64 received, qint64 total) {
        if (received > kMaxAnswer || total > kMaxAnswer)
            reply->abort();
    });
    connect(reply, &QNetworkReply::finished, this, [reply, done = std::move(done)] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status == 0 || reply->error() == QNetworkReply::OperationCanceledError) {
            // No HTTP answer: an error body in the API's shape, so callers show one sentence.
            const QJsonObject error{{QStringLiteral("code"), QStringLiteral("Unreachable")},
                                    {QStringLiteral("message"),
                                     AgentWorker::tr("The server didn't answer (%1). Check your network; Machine "
                                                     "Runtime keeps trying.")
                                         .arg(reply->errorString())}};
            return done(0, QJsonDocument(QJsonObject{{QStringLiteral("error"), error}}).toJson(QJsonDocument::Compact));
        }
        done(status, reply->readAll());
    });
}

void AgentWorker::pollSoon() {
    // Soon, but not more often than every kSoonMs however chatty a flow is; the agent's own
    // message reaches the orchestrator before this poll reads it back.
    if (!m_pollSoon->isActive())
        m_pollSoon->start(std::max<qint64>(kSoonMs / 4, kSoonMs - m_sinceLastPoll.elapsed()));
}

void AgentWorker::poll() {
    if (m_record.machineId.isEmpty() || m_session.accessToken.isEmpty())
        return;
    m_sinceLastPoll.start();
    const QString env = m_record.environmentId;
    call("GET", QStringLiteral("/api/v1/machines/%1").arg(m_record.machineId), {},
         [this](int status, const QByteArray& body) {
             if (status != 200)
                 return;
             const QJsonObject machine = QJsonDocument::fromJson(body).object();
             m_maintenance = machine.value(QStringLiteral("maintenanceMode")).toBool() ||
                             machine.value(QStringLiteral("status")).toString() == QLatin1String("maintenance");
             if (m_status.kind == ConnectionStatus::Kind::Online && m_maintenance)
                 setStatus(ConnectionStatus::Kind::Maintenance);
             else if (m_status.kind == ConnectionStatus::Kind::Maintenance && !m_maintenance)
                 setStatus(ConnectionStatus::Kind::Online);
             Q_EMIT machineChanged(machine);
         });
    call("GET", QStringLiteral("/api/v1/environments/%1/runs?machineId=%2&limit=50").arg(env, m_record.machineId), {},
         [this](int status, const QByteArray& body) {
             if (status == 200)
                 Q_EMIT runsChanged(QJsonDocument::fromJson(body).array());
         });
    call("GET", QStringLiteral("/api/v1/environments/%1/recommendations").arg(env), {},
         [this](int status, const QByteArray& body) {
             if (status != 200)
                 return;
             QJsonArray mine;
             for (const QJsonValue& v : QJsonDocument::fromJson(body).array())
                 if (v.toObject().value(QStringLiteral("machineId")).toString() == m_record.machineId)
                     mine.append(v);
             Q_EMIT recommendationsChanged(mine);
         });
    if (m_pollCount++ % 5 == 0) {
        call("GET", QStringLiteral("/api/v1/environments/%1/flows").arg(env), {},
             [this](int status, const QByteArray& body) {
                 if (status == 200)
                     Q_EMIT flowsChanged(QJsonDocument::fromJson(body).array());
             });
        call("GET", QStringLiteral("/api/v1/environments/%1/connections").arg(env), {},
             [this](int status, const QByteArray& body) {
                 if (status == 200)
                     Q_EMIT connectionsChanged(QJsonDocument::fromJson(body).array());
             });
    }
}

void AgentWorker::updateMachine(const QJsonObject& changes) {
    call("PATCH", QStringLiteral("/api/v1/machines/%1").arg(m_record.machineId), QJsonDocument(changes),
         [this](int status, const QByteArray& body) {
             if (status == 200)
                 return Q_EMIT machineChanged(QJsonDocument::fromJson(body).object());
             QString code;
             QJsonObject details;
             const QString message = apiError(body, &code, &details);
             QString field = details.value(QStringLiteral("field")).toString();
             if (code == QLatin1String("MachineNameTaken"))
                 field = QStringLiteral("name");
             Q_EMIT machineSaveFailed(field, message.isEmpty() ? tr("The changes could not be saved.") : message);
         });
}

void AgentWorker::moveMachine(const QString& environmentId) {
    call("POST", QStringLiteral("/api/v1/machines/%1/environment").arg(m_record.machineId),
         QJsonDocument(QJsonObject{{QStringLiteral("environmentId"), environmentId}}),
         [this, environmentId](int status, const QByteArray& body) {
             if (status / 100 != 2)
                 return Q_EMIT machineSaveFailed(QStringLiteral("environment"), apiError(body));
             m_record.environmentId = environmentId;
             for (const QJsonValue& v : m_session.environments)
                 if (v.toObject().value(QStringLiteral("id")).toString() == environmentId)
                     m_record.environmentName = v.toObject().value(QStringLiteral("name")).toString();
             QString error;
             if (!m_record.save(m_stateDir, &error))
                 qCWarning(lcController).noquote() << "cannot save the identity:" << error;
             Q_EMIT registered(m_record.machineId, m_record.environmentId, m_record.environmentName);
             m_pollCount = 0;
             poll();
         });
}

void AgentWorker::disconnectUsers(const QString& recommendationId) {
    call("POST", QStringLiteral("/api/v1/recommendations/%1/disconnect-users").arg(recommendationId), {},
         [this](int status, const QByteArray& body) {
             if (status / 100 != 2)
                 Q_EMIT notice(apiError(body));
             poll();
         });
}

void AgentWorker::cancelRun(const QString& runId) {
    call("POST", QStringLiteral("/api/v1/runs/%1/cancel").arg(runId), {}, [this](int status, const QByteArray& body) {
        if (status / 100 != 2)
            Q_EMIT notice(tr("Cannot cancel the run: %1").arg(apiError(body)));
        poll();
    });
}

void AgentWorker::fetchRunLog(const QString& runId) {
    call("GET", QStringLiteral("/api/v1/runs/%1/log?limit=1000").arg(runId), {},
         [this, runId](int status, const QByteArray& body) {
             if (status == 200)
                 Q_EMIT runLogReady(runId, QJsonDocument::fromJson(body).array());
         });
}

void AgentWorker::fetchRun(const QString& runId) {
    call("GET", QStringLiteral("/api/v1/runs/%1").arg(runId), {}, [this](int status, const QByteArray& body) {
        if (status == 200)
            Q_EMIT runReady(QJsonDocument::fromJson(body).object());
        else
            Q_EMIT notice(tr("Cannot show the run: %1").arg(apiError(body)));
    });
}

void AgentWorker::runFlow(const QString& flowId, const QJsonObject& inputs) {
    const QString env = m_record.environmentId;
    call("GET", QStringLiteral("/api/v1/environments/%1/connections").arg(env), {},
         [this, env, flowId, inputs](int status, const QByteArray& body) {
             if (status != 200)
                 return Q_EMIT runRequestFinished(false, apiError(body));
             for (const QJsonValue& v : QJsonDocument::fromJson(body).array()) {
                 const QJsonObject c = v.toObject();
                 if (c.value(QStringLiteral("kind")).toString() == QLatin1String("signIn") &&
                     c.value(QStringLiteral("target")).toObject().value(QStringLiteral("machineId")).toString() ==
                         m_record.machineId)
                     return startRun(c.value(QStringLiteral("id")).toString(), flowId, inputs);
             }
             const QJsonObject create{
                 {QStringLiteral("name"), tr("%1 on %2").arg(m_session.username, m_record.name)},
                 {QStringLiteral("target"), QJsonObject{{QStringLiteral("machineId"), m_record.machineId}}},
                 {QStringLiteral("kind"), QStringLiteral("signIn")}};
             call("POST", QStringLiteral("/api/v1/environments/%1/connections").arg(env), QJsonDocument(create),
                  [this, flowId, inputs](int created, const QByteArray& answer) {
                      if (created != 201)
                          return Q_EMIT runRequestFinished(false, apiError(answer));
                      startRun(QJsonDocument::fromJson(answer).object().value(QStringLiteral("id")).toString(), flowId,
                               inputs);
                  });
         });
}

void AgentWorker::startRun(const QString& connectionId, const QString& flowId, const QJsonObject& inputs) {
    const QJsonObject run{{QStringLiteral("flowId"), flowId},
                          {QStringLiteral("connectionId"), connectionId},
                          {QStringLiteral("runMode"), QStringLiteral("attended")},
                          {QStringLiteral("priority"), QStringLiteral("normal")},
                          {QStringLiteral("inputs"), inputs}};
    call("POST", QStringLiteral("/api/v1/environments/%1/runs").arg(m_record.environmentId), QJsonDocument(run),
         [this](int status, const QByteArray& body) {
             const bool ok = status == 202 || status == 201;
             Q_EMIT runRequestFinished(ok, ok ? tr("The run is queued for this machine.") : apiError(body));
             poll();
         });
}

} // namespace mr::agent
