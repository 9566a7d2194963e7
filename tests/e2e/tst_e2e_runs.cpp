// End to end: the real orchestrator and the real head-less agent as processes on loopback, a flow
// triggered over the HTTP API and run by the agent (issue: the agent, "End-to-end tests").
#include "E2eHarness.h"
#include "agent/FileSecretStore.h"
#include "agent/Identity.h"

#include <QFile>

using namespace mr::e2e;

class TestE2eRuns : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void cleanupTestCase();
    void attendedRunWithTypedInputsAndOutputs();
    void cancelOfABusyScriptEndsWithinTwoSeconds();
    void killedAgentNeverRunsAFlowTwice();
    void orchestratorRestartMidRunLosesNothing();
    void agentDeliversAfterTheServerWasUnreachable();
    void lockedSessionRaisesARecommendationUntilUsersAreDisconnected();
    void maintenanceModeHoldsRunsUntilSwitchedOff();
    void keyRotationOverTheWire();
    void unresolvedKeyRotationFallsBackToTheStoredKey();
    void sealedPasswordOpensInTheAgent();

private:
    QString flow(const QString& name, const QString& script, const QJsonArray& inputs = {},
                 const QJsonArray& outputs = {});
    QString connection(const QString& kind, const QString& username = {}, const QString& password = {});
    QString trigger(const QString& flowId, const QString& connectionId, const QString& mode,
                    const QJsonObject& inputs = {});
    QJsonObject run(const QString& id) const;
    QJsonObject waitForStatus(const QString& id, const QStringList& statuses, int timeoutMs = 30000) const;
    bool startAgent(const QString& sessionSource);
    bool waitOnline(int timeoutMs = 30000) const;

    std::unique_ptr<OrchestratorProcess> m_orch;
    std::unique_ptr<AgentProcess> m_agent;
    QString m_token;
    QString m_env;
    QString m_machineId;
    const QStringList m_timing{QStringLiteral("--heartbeat"),     QStringLiteral("1"),
                               QStringLiteral("--offline-after"), QStringLiteral("3"),
                               QStringLiteral("--lost-grace"),    QStringLiteral("4")};
    const QString m_secret = QStringLiteral("correct-horse-battery-9371");
};

static QJsonObject var(const QString& name, const QString& type, bool sensitive = false) {
    return {{QStringLiteral("name"), name}, {QStringLiteral("type"), type}, {QStringLiteral("sensitive"), sensitive}};
}

void TestE2eRuns::initTestCase() {
    QVERIFY2(!scratch().isEmpty(), "run through ctest (MR_TEST_SCRATCH)");
    m_orch = std::make_unique<OrchestratorProcess>();
    m_token = m_orch->userWithRoles(QStringLiteral("ops"), QStringLiteral("E2E"),
                                    {QStringLiteral("EnvironmentMaker"), QStringLiteral("MachineOwner")});
    QVERIFY(m_token.startsWith(QLatin1String("mrp_")));
    QVERIFY(m_orch->start(m_timing));
    const QJsonArray envs = m_orch->request("GET", QStringLiteral("/api/v1/environments"), m_token).array();
    for (const QJsonValue& e : envs) {
        if (e.toObject().value(QStringLiteral("name")) == QStringLiteral("E2E"))
            m_env = e.toObject().value(QStringLiteral("id")).toString();
    }
    QVERIFY(!m_env.isEmpty());
    m_agent = std::make_unique<AgentProcess>(QStringLiteral("pc"));
    const CliResult reg =
        m_agent->registerWith(m_orch->url(), QStringLiteral("E2E"), QStringLiteral("pc-e2e"), m_token);
    QVERIFY2(reg.exitCode == 0, qPrintable(reg.err + reg.out));
    const QJsonArray machines =
        m_orch->request("GET", QStringLiteral("/api/v1/environments/%1/machines").arg(m_env), m_token).array();
    QCOMPARE(machines.size(), 1);
    m_machineId = machines.first().toObject().value(QStringLiteral("id")).toString();
}

void TestE2eRuns::cleanup() {
    if (QTest::currentTestFailed()) {
        qInfo().noquote() << "--- agent log ---\n" << m_agent->logText().right(4000);
        qInfo().noquote() << "--- orchestrator log ---\n" << m_orch->logText().right(4000);
    }
    m_agent->stop();
}

void TestE2eRuns::cleanupTestCase() {
    if (m_agent)
        m_agent->stop();
    if (m_orch)
        m_orch->stop();
}

QString TestE2eRuns::flow(const QString& name, const QString& script, const QJsonArray& inputs,
                          const QJsonArray& outputs) {
    const HttpAnswer a = m_orch->request("POST", QStringLiteral("/api/v1/environments/%1/flows").arg(m_env), m_token,
                                         QJsonDocument(QJsonObject{{QStringLiteral("name"), name},
                                                                   {QStringLiteral("description"), QString()},
                                                                   {QStringLiteral("script"), script},
                                                                   {QStringLiteral("inputs"), inputs},
                                                                   {QStringLiteral("outputs"), outputs}}));
    if (a.status != 201)
        qWarning() << "flow" << a.status << a.body;
    return a.object().value(QStringLiteral("id")).toString();
}

QString TestE2eRuns::connection(const QString& kind, const QString& username, const QString& password) {
    QJsonObject body{
        {QStringLiteral("name"), QString(QStringLiteral("c-") + QUuid::createUuid().toString(QUuid::Id128).left(8))},
        {QStringLiteral("target"), QJsonObject{{QStringLiteral("machineId"), m_machineId}}},
        {QStringLiteral("kind"), kind}};
    if (kind == QLatin1String("password")) {
        body.insert(QStringLiteral("username"), username);
        body.insert(QStringLiteral("password"), password);
    }
    const HttpAnswer a = m_orch->request("POST", QStringLiteral("/api/v1/environments/%1/connections").arg(m_env),
                                         m_token, QJsonDocument(body));
    if (a.status != 201)
        qWarning() << "connection" << a.status << a.body;
    return a.object().value(QStringLiteral("id")).toString();
}

QString TestE2eRuns::trigger(const QString& flowId, const QString& connectionId, const QString& mode,
                             const QJsonObject& inputs) {
    const HttpAnswer a =
        m_orch->request("POST", QStringLiteral("/api/v1/environments/%1/runs").arg(m_env), m_token,
                        QJsonDocument(QJsonObject{{QStringLiteral("flowId"), flowId},
                                                  {QStringLiteral("connectionId"), connectionId},
                                                  {QStringLiteral("runMode"), mode},
                                                  {QStringLiteral("priority"), QStringLiteral("normal")},
                                                  {QStringLiteral("inputs"), inputs}}));
    if (a.status != 202)
        qWarning() << "trigger" << a.status << a.body;
    return a.object().value(QStringLiteral("id")).toString();
}

QJsonObject TestE2eRuns::run(const QString& id) const {
    return m_orch->request("GET", QStringLiteral("/api/v1/runs/%1").arg(id), m_token).object();
}

QJsonObject TestE2eRuns::waitForStatus(const QString& id, const QStringList& statuses, int timeoutMs) const {
    QDeadlineTimer deadline(timeoutMs);
    QJsonObject r;
    do {
        r = run(id);
        if (statuses.contains(r.value(QStringLiteral("status")).toString()))
            return r;
        QTest::qWait(50);
    } while (!deadline.hasExpired());
    return r;
}

bool TestE2eRuns::startAgent(const QString& sessionSource) {
    return m_agent->start({QStringLiteral("--session-source"), sessionSource}) && waitOnline();
}

bool TestE2eRuns::waitOnline(int timeoutMs) const {
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        const QJsonObject m =
            m_orch->request("GET", QStringLiteral("/api/v1/machines/") + m_machineId, m_token).object();
        if (m.value(QStringLiteral("status")) == QStringLiteral("online"))
            return true;
        QTest::qWait(100);
    }
    return false;
}

void TestE2eRuns::attendedRunWithTypedInputsAndOutputs() {
    QVERIFY(startAgent(QStringLiteral("static:ops:active")));
    const QString f = flow(QStringLiteral("greet"),
                           QStringLiteral("log('hello ' + inputs.name + ' using ' + inputs.secret);\n"
                                          "outputs.greeting = 'Hi ' + inputs.name;\n"
                                          "outputs.doubled = inputs.count * 2;\n"
                                          "outputs.tags = inputs.tags.concat(['done']);\n"),
                           {var(QStringLiteral("name"), QStringLiteral("text")),
                            var(QStringLiteral("count"), QStringLiteral("number")),
                            var(QStringLiteral("tags"), QStringLiteral("list")),
                            var(QStringLiteral("secret"), QStringLiteral("text"), true)},
                           {var(QStringLiteral("greeting"), QStringLiteral("text")),
                            var(QStringLiteral("doubled"), QStringLiteral("number")),
                            var(QStringLiteral("tags"), QStringLiteral("list"))});
    QVERIFY(!f.isEmpty());
    const QString c = connection(QStringLiteral("signIn"));
    QVERIFY(!c.isEmpty());
    const QString id = trigger(f, c, QStringLiteral("attended"),
                               {{QStringLiteral("name"), QStringLiteral("Ada")},
                                {QStringLiteral("count"), 21},
                                {QStringLiteral("tags"), QJsonArray{QStringLiteral("a")}},
                                {QStringLiteral("secret"), m_secret}});
    QVERIFY(!id.isEmpty());
    const QJsonObject done = waitForStatus(id, {QStringLiteral("Succeeded"), QStringLiteral("Failed")});
    QCOMPARE(done.value(QStringLiteral("status")).toString(), QStringLiteral("Succeeded"));
    const QJsonObject outputs = done.value(QStringLiteral("outputs")).toObject();
    QCOMPARE(outputs.value(QStringLiteral("greeting")).toString(), QStringLiteral("Hi Ada"));
    QCOMPARE(outputs.value(QStringLiteral("doubled")).toDouble(), 42.0);
    QCOMPARE(outputs.value(QStringLiteral("tags")).toArray(),
             (QJsonArray{QStringLiteral("a"), QStringLiteral("done")}));
    QCOMPARE(done.value(QStringLiteral("inputs")).toObject().value(QStringLiteral("secret")).toString(),
             QStringLiteral("***"));
    QCOMPARE(done.value(QStringLiteral("machineId")).toString(), m_machineId);

    // The sensitive input is nowhere: not in the run's log, its answers, nor either program's log.
    const HttpAnswer log = m_orch->request("GET", QStringLiteral("/api/v1/runs/%1/log").arg(id), m_token);
    QCOMPARE(log.status, 200);
    QVERIFY2(log.body.contains("hello Ada"), log.body.constData());
    QVERIFY(!log.body.contains(m_secret.toUtf8()));
    const HttpAnswer list = m_orch->request("GET", QStringLiteral("/api/v1/environments/%1/runs").arg(m_env), m_token);
    QVERIFY(!list.body.contains(m_secret.toUtf8()));
    m_agent->stop();
    QVERIFY(!m_agent->logText().contains(m_secret));
    QVERIFY(!m_orch->logText().contains(m_secret));
}

void TestE2eRuns::cancelOfABusyScriptEndsWithinTwoSeconds() {
    QVERIFY(startAgent(QStringLiteral("static:alice:locked")));
    const QString f = flow(QStringLiteral("busy"), QStringLiteral("log('spinning'); while (true) {}"));
    const QString c = connection(QStringLiteral("password"), QStringLiteral("robot"), QStringLiteral("pw-robot-1"));
    const QString id = trigger(f, c, QStringLiteral("unattended"));
    QCOMPARE(waitForStatus(id, {QStringLiteral("Running")}).value(QStringLiteral("status")).toString(),
             QStringLiteral("Running"));
    QTest::qWait(300); // the script is in its loop
    QElapsedTimer timer;
    timer.start();
    const HttpAnswer cancel = m_orch->request("POST", QStringLiteral("/api/v1/runs/%1/cancel").arg(id), m_token);
    QCOMPARE(cancel.status, 202);
    const QJsonObject done = waitForStatus(id, {QStringLiteral("Cancelled"), QStringLiteral("Failed")}, 10000);
    QCOMPARE(done.value(QStringLiteral("status")).toString(), QStringLiteral("Cancelled"));
    QVERIFY2(timer.elapsed() <= 2000, qPrintable(QStringLiteral("cancelled after %1 ms").arg(timer.elapsed())));
}

void TestE2eRuns::killedAgentNeverRunsAFlowTwice() {
    QVERIFY(startAgent(QStringLiteral("static:alice:locked")));
    const QString counter = scratch() + QStringLiteral("/executions.txt");
    const QString f =
        flow(QStringLiteral("count-once"),
             QStringLiteral("fs.appendText(%1, 'run\\n'); wait(30);")
                 .arg(QString::fromUtf8(
                     QJsonDocument(QJsonArray{counter}).toJson(QJsonDocument::Compact).mid(1).chopped(1))));
    const QString c = connection(QStringLiteral("password"), QStringLiteral("robot"), QStringLiteral("pw-robot-1"));
    const QString id = trigger(f, c, QStringLiteral("unattended"));
    QCOMPARE(waitForStatus(id, {QStringLiteral("Running")}).value(QStringLiteral("status")).toString(),
             QStringLiteral("Running"));
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(counter), 10000);
    m_agent->stop(SIGKILL);
    QVERIFY(startAgent(QStringLiteral("static:alice:locked")));
    const QJsonObject done = waitForStatus(id, {QStringLiteral("Failed"), QStringLiteral("Succeeded")}, 30000);
    QCOMPARE(done.value(QStringLiteral("status")).toString(), QStringLiteral("Failed"));
    QCOMPARE(done.value(QStringLiteral("errorCode")).toString(), QStringLiteral("MachineLost"));
    QTest::qWait(2000); // time enough for a wrong second start
    QFile file(counter);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll().count("run\n"), 1);
}

void TestE2eRuns::orchestratorRestartMidRunLosesNothing() {
    QVERIFY(startAgent(QStringLiteral("static:alice:locked")));
    const QString f =
        flow(QStringLiteral("steady"), QStringLiteral("log('before'); wait(3); log('after'); outputs.answer = 42;"), {},
             {var(QStringLiteral("answer"), QStringLiteral("number"))});
    const QString c = connection(QStringLiteral("password"), QStringLiteral("robot"), QStringLiteral("pw-robot-1"));
    const QString id = trigger(f, c, QStringLiteral("unattended"));
    QCOMPARE(waitForStatus(id, {QStringLiteral("Running")}).value(QStringLiteral("status")).toString(),
             QStringLiteral("Running"));
    const quint16 port = m_orch->port();
    QCOMPARE(m_orch->stop(), 0);
    QTest::qWait(500);
    QVERIFY(m_orch->start(m_timing, port));
    const QJsonObject done = waitForStatus(id, {QStringLiteral("Succeeded"), QStringLiteral("Failed")}, 60000);
    QCOMPARE(done.value(QStringLiteral("status")).toString(), QStringLiteral("Succeeded"));
    QCOMPARE(done.value(QStringLiteral("outputs")).toObject().value(QStringLiteral("answer")).toDouble(), 42.0);
    const QByteArray log = m_orch->request("GET", QStringLiteral("/api/v1/runs/%1/log").arg(id), m_token).body;
    QVERIFY2(log.contains("before") && log.contains("after"), log.constData());
}

void TestE2eRuns::agentDeliversAfterTheServerWasUnreachable() {
    QVERIFY(startAgent(QStringLiteral("static:alice:locked")));
    const QString f =
        flow(QStringLiteral("quick"), QStringLiteral("wait(1); log('finished offline'); outputs.ok = true;"), {},
             {var(QStringLiteral("ok"), QStringLiteral("boolean"))});
    const QString c = connection(QStringLiteral("password"), QStringLiteral("robot"), QStringLiteral("pw-robot-1"));
    const QString id = trigger(f, c, QStringLiteral("unattended"));
    QCOMPARE(waitForStatus(id, {QStringLiteral("Running")}).value(QStringLiteral("status")).toString(),
             QStringLiteral("Running"));
    const quint16 port = m_orch->port();
    QCOMPARE(m_orch->stop(), 0);
    QTest::qWait(6000); // the flow ends while nobody listens; the agent backs off and keeps its result
    QVERIFY(m_agent->running());
    // The agent's back-off has grown meanwhile (up to 60 s): give it a realistic grace.
    QStringList timing = m_timing;
    timing[timing.indexOf(QStringLiteral("--lost-grace")) + 1] = QStringLiteral("120");
    QVERIFY(m_orch->start(timing, port));
    const QJsonObject done = waitForStatus(id, {QStringLiteral("Succeeded"), QStringLiteral("Failed")}, 90000);
    QVERIFY2(done.value(QStringLiteral("status")) == QStringLiteral("Succeeded"),
             QJsonDocument(done).toJson(QJsonDocument::Compact).constData());
    QVERIFY(m_orch->request("GET", QStringLiteral("/api/v1/runs/%1/log").arg(id), m_token)
                .body.contains("finished offline"));
}

void TestE2eRuns::lockedSessionRaisesARecommendationUntilUsersAreDisconnected() {
    QVERIFY(startAgent(QStringLiteral("static:robot:locked")));
    const QString f = flow(QStringLiteral("after-disconnect"), QStringLiteral("log('ran');"));
    const QString c = connection(QStringLiteral("password"), QStringLiteral("robot"), QStringLiteral("pw-robot-1"));
    const QString id = trigger(f, c, QStringLiteral("unattended"));
    QJsonObject recommendation;
    QDeadlineTimer deadline(20000);
    while (recommendation.isEmpty() && !deadline.hasExpired()) {
        const QJsonArray list =
            m_orch->request("GET", QStringLiteral("/api/v1/environments/%1/recommendations").arg(m_env), m_token)
                .array();
        for (const QJsonValue& r : list) {
            if (r.toObject().value(QStringLiteral("runIds")).toArray().contains(id))
                recommendation = r.toObject();
        }
        QTest::qWait(100);
    }
    QCOMPARE(recommendation.value(QStringLiteral("kind")).toString(), QStringLiteral("DesktopFlowsNotRunning"));
    QVERIFY(recommendation.value(QStringLiteral("users")).toArray().contains(QStringLiteral("robot")));
    QCOMPARE(run(id).value(QStringLiteral("status")).toString(), QStringLiteral("Queued"));
    const HttpAnswer disconnect = m_orch->request("POST",
                                                  QStringLiteral("/api/v1/recommendations/%1/disconnect-users")
                                                      .arg(recommendation.value(QStringLiteral("id")).toString()),
                                                  m_token);
    QVERIFY2(disconnect.status == 202 || disconnect.status == 200, disconnect.body.constData());
    const QJsonObject done = waitForStatus(id, {QStringLiteral("Succeeded"), QStringLiteral("Failed")});
    QCOMPARE(done.value(QStringLiteral("status")).toString(), QStringLiteral("Succeeded"));
}

void TestE2eRuns::maintenanceModeHoldsRunsUntilSwitchedOff() {
    QVERIFY(startAgent(QStringLiteral("static:alice:locked")));
    const QString path = QStringLiteral("/api/v1/machines/") + m_machineId;
    QCOMPARE(
        m_orch->request("PATCH", path, m_token, QJsonDocument(QJsonObject{{QStringLiteral("maintenanceMode"), true}}))
            .status,
        200);
    QCOMPARE(m_orch->request("GET", path, m_token).object().value(QStringLiteral("status")).toString(),
             QStringLiteral("maintenance"));
    const QString f = flow(QStringLiteral("held"), QStringLiteral("log('released');"));
    const QString c = connection(QStringLiteral("password"), QStringLiteral("robot"), QStringLiteral("pw-robot-1"));
    const QString id = trigger(f, c, QStringLiteral("unattended"));
    QTest::qWait(3000);
    QCOMPARE(run(id).value(QStringLiteral("status")).toString(), QStringLiteral("Queued"));
    QCOMPARE(
        m_orch->request("PATCH", path, m_token, QJsonDocument(QJsonObject{{QStringLiteral("maintenanceMode"), false}}))
            .status,
        200);
    const QJsonObject done = waitForStatus(id, {QStringLiteral("Succeeded"), QStringLiteral("Failed")});
    QCOMPARE(done.value(QStringLiteral("status")).toString(), QStringLiteral("Succeeded"));
}

void TestE2eRuns::keyRotationOverTheWire() {
    QVERIFY(startAgent(QStringLiteral("static:alice:locked")));
    const QString path = QStringLiteral("/api/v1/machines/") + m_machineId;
    const QString before =
        m_orch->request("GET", path, m_token).object().value(QStringLiteral("keyCreatedAt")).toString();
    QTest::qWait(20); // a later timestamp for the new key
    const HttpAnswer rotate = m_orch->request("POST", path + QStringLiteral("/rotate-key"), m_token);
    QVERIFY2(rotate.status == 202, rotate.body.constData());
    QJsonObject machine;
    QDeadlineTimer deadline(20000);
    do {
        machine = m_orch->request("GET", path, m_token).object();
        if (!machine.value(QStringLiteral("keyRotationRequested")).toBool() &&
            machine.value(QStringLiteral("keyCreatedAt")).toString() != before)
            break;
        QTest::qWait(100);
    } while (!deadline.hasExpired());
    QVERIFY2(!machine.value(QStringLiteral("keyRotationRequested")).toBool(),
             QJsonDocument(machine).toJson(QJsonDocument::Compact).constData());
    QVERIFY(machine.value(QStringLiteral("keyCreatedAt")).toString() > before);
    // The running agent opens a password sealed to its new key.
    const QString live = connection(QStringLiteral("password"), QStringLiteral("robot"), QStringLiteral("pw-robot-1"));
    const QJsonObject liveRun =
        waitForStatus(trigger(flow(QStringLiteral("right-after-rotation"), QStringLiteral("log('sealed');")), live,
                              QStringLiteral("unattended")),
                      {QStringLiteral("Succeeded"), QStringLiteral("Failed")});
    QVERIFY2(liveRun.value(QStringLiteral("status")).toString() == QLatin1String("Succeeded"),
             QJsonDocument(liveRun).toJson(QJsonDocument::Compact).constData());
    // The new key works: a restarted agent signs in with it and runs a flow.
    m_agent->stop();
    QVERIFY(startAgent(QStringLiteral("static:alice:locked")));
    const QString f = flow(QStringLiteral("after-rotation"), QStringLiteral("log('new key');"));
    const QString c = connection(QStringLiteral("password"), QStringLiteral("robot"), QStringLiteral("pw-robot-1"));
    const QJsonObject done = waitForStatus(trigger(f, c, QStringLiteral("unattended")),
                                           {QStringLiteral("Succeeded"), QStringLiteral("Failed")});
    QCOMPARE(done.value(QStringLiteral("status")).toString(), QStringLiteral("Succeeded"));
}

namespace {

/// The agent's secret file, read and written the way the agent does.
std::optional<QByteArray> readSecret(mr::agent::FileSecretStore& store, const QString& key) {
    std::optional<QByteArray> value;
    bool done = false;
    store.read(key, [&](const mr::agent::SecretResult& r) {
        if (r.ok)
            value = r.value;
        done = true;
    });
    QDeadlineTimer deadline(5000);
    while (!done && !deadline.hasExpired())
        QTest::qWait(5);
    return value;
}

bool writeSecret(mr::agent::FileSecretStore& store, const QString& key, const QByteArray& value) {
    bool ok = false;
    bool done = false;
    store.write(key, value, [&](const mr::agent::SecretResult& r) {
        ok = r.ok;
        done = true;
    });
    QDeadlineTimer deadline(5000);
    while (!done && !deadline.hasExpired())
        QTest::qWait(5);
    return ok;
}

} // namespace

// The agent stored a new key and then lost its keyRotated (the connection dropped, the process
// died): the orchestrator still holds the old key. The agent must not lock itself out: it tries
// the key it kept, settles on it, and works on.
void TestE2eRuns::unresolvedKeyRotationFallsBackToTheStoredKey() {
    mr::agent::FileSecretStore store(m_agent->stateDir());
    const std::optional<QByteArray> held = readSecret(store, mr::agent::SecretKey::PrivateKey);
    QVERIFY(held);
    const auto identity = mr::agent::Identity::fromSecretKey(*held, QStringLiteral("any"));
    QVERIFY(identity);
    const QByteArray lost = identity->rotate().next.secretKey();
    QVERIFY(writeSecret(store, mr::agent::SecretKey::PreviousPrivateKey, *held));
    QVERIFY(writeSecret(store, mr::agent::SecretKey::PrivateKey, lost));

    QVERIFY(m_agent->start({QStringLiteral("--session-source"), QStringLiteral("static:alice:locked")}));
    const QString f = flow(QStringLiteral("after-lost-rotation"), QStringLiteral("log('still here');"));
    const QString c = connection(QStringLiteral("password"), QStringLiteral("robot"), QStringLiteral("pw-robot-1"));
    const QJsonObject done = waitForStatus(trigger(f, c, QStringLiteral("unattended")),
                                           {QStringLiteral("Succeeded"), QStringLiteral("Failed")}, 60000);
    QVERIFY2(done.value(QStringLiteral("status")).toString() == QLatin1String("Succeeded"),
             qPrintable(m_agent->logText().right(2000)));
    QVERIFY(m_agent->running());
    QVERIFY(m_agent->logText().contains(QLatin1String("the key rotation is settled")));
    // Settled: the key the orchestrator holds is the stored one again, and only it is kept.
    m_agent->stop();
    QCOMPARE(readSecret(store, mr::agent::SecretKey::PrivateKey), held);
    QVERIFY(!readSecret(store, mr::agent::SecretKey::PreviousPrivateKey));
}

void TestE2eRuns::sealedPasswordOpensInTheAgent() {
    QVERIFY(startAgent(QStringLiteral("static:robot:locked")));
    // The real agent declares sealedSecrets, so the orchestrator seals passwords to its key.
    QTRY_VERIFY_WITH_TIMEOUT(m_orch->logText().contains(QLatin1String("declares the features sealedSecrets")), 10000);
    const QString password = QStringLiteral("pw-sealed-%1").arg(QUuid::createUuid().toString(QUuid::Id128).left(8));
    // POST /connections/{id}/test: the agent answers ok only when the sealed password opened.
    const QString right = connection(QStringLiteral("password"), QStringLiteral("robot"), password);
    const HttpAnswer ok = m_orch->request("POST", QStringLiteral("/api/v1/connections/%1/test").arg(right), m_token);
    QVERIFY2(ok.status == 200, ok.body.constData());
    QCOMPARE(ok.object().value(QStringLiteral("ok")), QJsonValue(true));
    const QString other = connection(QStringLiteral("password"), QStringLiteral("mallory"), password);
    const HttpAnswer refused =
        m_orch->request("POST", QStringLiteral("/api/v1/connections/%1/test").arg(other), m_token);
    QCOMPARE(refused.status, 400);
    QCOMPARE(refused.errorCode(), QStringLiteral("CredentialsIncorrect"));
    // A run (of another user than the locked session's, so nothing blocks it): the agent opens the
    // password and runs the flow.
    const QJsonObject done = waitForStatus(
        trigger(flow(QStringLiteral("sealed"), QStringLiteral("log('ran');")), other, QStringLiteral("unattended")),
        {QStringLiteral("Succeeded"), QStringLiteral("Failed")});
    QVERIFY2(done.value(QStringLiteral("status")).toString() == QLatin1String("Succeeded"),
             QJsonDocument(done).toJson(QJsonDocument::Compact).constData());
    // Neither side ever logs the password.
    QVERIFY(!m_orch->logText().contains(password));
    QVERIFY(!m_agent->logText().contains(password));
}

QTEST_GUILESS_MAIN(TestE2eRuns)
#include "tst_e2e_runs.moc"
