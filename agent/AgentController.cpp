#include "agent/AgentController.h"

#include "agent/AgentWorker.h"

#include <QThread>

namespace mr::agent {

AgentController::AgentController(Options options, QObject* parent)
    : QObject(parent) {
    qRegisterMetaType<ConnectionStatus>();
    qRegisterMetaType<RegistrationProblem>();
    qRegisterMetaType<SignInError>();
    qRegisterMetaType<SignInSession>();
    qRegisterMetaType<UiRequest>();
    m_thread = new QThread(this);
    m_thread->setObjectName(QStringLiteral("agent"));
    m_worker = new AgentWorker(std::move(options));
    m_worker->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &AgentWorker::signInStateChanged, this, &AgentController::signInStateChanged);
    connect(m_worker, &AgentWorker::authorizationUrlReady, this, &AgentController::authorizationUrlReady);
    connect(m_worker, &AgentWorker::signInFailed, this, &AgentController::signInFailed);
    connect(m_worker, &AgentWorker::signedIn, this, &AgentController::signedIn);
    connect(m_worker, &AgentWorker::signedOut, this, &AgentController::signedOut);
    connect(m_worker, &AgentWorker::registrationNeeded, this, &AgentController::registrationNeeded);
    connect(m_worker, &AgentWorker::registered, this, &AgentController::registered);
    connect(m_worker, &AgentWorker::connectionChanged, this, &AgentController::connectionChanged);
    connect(m_worker, &AgentWorker::machineChanged, this, &AgentController::machineChanged);
    connect(m_worker, &AgentWorker::machineSaveFailed, this, &AgentController::machineSaveFailed);
    connect(m_worker, &AgentWorker::runsChanged, this, &AgentController::runsChanged);
    connect(m_worker, &AgentWorker::flowsChanged, this, &AgentController::flowsChanged);
    connect(m_worker, &AgentWorker::connectionsChanged, this, &AgentController::connectionsChanged);
    connect(m_worker, &AgentWorker::recommendationsChanged, this, &AgentController::recommendationsChanged);
    connect(m_worker, &AgentWorker::runRequestFinished, this, &AgentController::runRequestFinished);
    connect(m_worker, &AgentWorker::notice, this, &AgentController::notice);
    connect(m_worker, &AgentWorker::stopped, this, &AgentController::stopped);
    connect(m_worker, &AgentWorker::runLogReady, this, &AgentController::runLogReady);
    connect(m_worker, &AgentWorker::runReady, this, &AgentController::runReady);
    connect(m_worker, &AgentWorker::questionAsked, this, &AgentController::questionAsked);
    connect(m_worker, &AgentWorker::currentActionsChanged, this, &AgentController::currentActionsChanged);
    connect(m_worker, &AgentWorker::questionWithdrawn, this, &AgentController::questionWithdrawn);
    m_thread->start();
    // The worker's children (sign-in flow, network access, timers) are made in the agent thread.
    QMetaObject::invokeMethod(m_worker, &AgentWorker::init, Qt::QueuedConnection);
}

AgentController::~AgentController() {
    m_thread->quit();
    m_thread->wait();
}

void AgentController::signIn(const QUrl& server, bool allowInsecure) {
    QMetaObject::invokeMethod(m_worker, [w = m_worker, server, allowInsecure] { w->signIn(server, allowInsecure); });
}
void AgentController::cancelSignIn() {
    QMetaObject::invokeMethod(m_worker, [w = m_worker] { w->cancelSignIn(); });
}
void AgentController::resumeSession(const QUrl& server, const QString& account) {
    QMetaObject::invokeMethod(m_worker, [w = m_worker, server, account] { w->resumeSession(server, account); });
}
void AgentController::signOut() {
    QMetaObject::invokeMethod(m_worker, [w = m_worker] { w->signOut(); });
}
void AgentController::shutdown() {
    QMetaObject::invokeMethod(m_worker, [w = m_worker] { w->shutdown(); });
}
void AgentController::registerMachine(const QString& environmentId, const QString& name) {
    QMetaObject::invokeMethod(m_worker,
                              [w = m_worker, environmentId, name] { w->registerMachine(environmentId, name); });
}
void AgentController::registerAnew() {
    QMetaObject::invokeMethod(m_worker, [w = m_worker] { w->registerAnew(); });
}
void AgentController::updateMachine(const QJsonObject& changes) {
    QMetaObject::invokeMethod(m_worker, [w = m_worker, changes] { w->updateMachine(changes); });
}
void AgentController::refresh() {
    QMetaObject::invokeMethod(m_worker, [w = m_worker] { w->poll(); });
}
void AgentController::moveMachine(const QString& environmentId) {
    QMetaObject::invokeMethod(m_worker, [w = m_worker, environmentId] { w->moveMachine(environmentId); });
}
void AgentController::disconnectUsers(const QString& recommendationId) {
    QMetaObject::invokeMethod(m_worker, [w = m_worker, recommendationId] { w->disconnectUsers(recommendationId); });
}
void AgentController::cancelRun(const QString& runId) {
    QMetaObject::invokeMethod(m_worker, [w = m_worker, runId] { w->cancelRun(runId); });
}
void AgentController::fetchRunLog(const QString& runId) {
    QMetaObject::invokeMethod(m_worker, [w = m_worker, runId] { w->fetchRunLog(runId); });
}
void AgentController::fetchRun(const QString& runId) {
    QMetaObject::invokeMethod(m_worker, [w = m_worker, runId] { w->fetchRun(runId); });
}
void AgentController::answerQuestion(quint64 id, const QJsonValue& answer) {
    QMetaObject::invokeMethod(m_worker, [w = m_worker, id, answer] { w->answerQuestion(id, answer); });
}
void AgentController::replay() {
    QMetaObject::invokeMethod(m_worker, [w = m_worker] { w->replay(); });
}
void AgentController::setWindowVisible(bool visible) {
    QMetaObject::invokeMethod(m_worker, [w = m_worker, visible] { w->setWindowVisible(visible); });
}
void AgentController::runFlow(const QString& flowId, const QJsonObject& inputs) {
    QMetaObject::invokeMethod(m_worker, [w = m_worker, flowId, inputs] { w->runFlow(flowId, inputs); });
}

} // namespace mr::agent
