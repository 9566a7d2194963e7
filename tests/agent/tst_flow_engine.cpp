#include "agent/flow/FlowEngine.h"
#include "agent/flow/FlowRun.h"
#include "protocol/Error.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <csignal>
#include <sys/types.h>

using mr::agent::FlowEngine;
using mr::agent::FlowEvent;
using mr::agent::FlowJob;
using mr::agent::FlowResult;
using mr::agent::FlowRun;
using mr::protocol::RunStatus;
using mr::protocol::Var;
using mr::protocol::VarType;
namespace ErrorCode = mr::protocol::ErrorCode;

namespace {

Var var(const QString& name, VarType type, bool optional = false, const QJsonValue& def = QJsonValue::Null,
        bool sensitive = false) {
    Var v;
    v.name = name;
    v.type = type;
    v.optional = optional;
    v.defaultValue = def;
    v.sensitive = sensitive;
    return v;
}

FlowJob job(const QString& script, const QJsonObject& inputs = {}, const QList<Var>& declaredInputs = {},
            const QList<Var>& declaredOutputs = {}) {
    static int counter = 0;
    FlowJob j;
    j.runId = QStringLiteral("run-%1").arg(++counter);
    j.script = script;
    j.inputs = inputs;
    j.declaredInputs = declaredInputs;
    j.declaredOutputs = declaredOutputs;
    return j;
}

/// Runs a flow to its end, collecting its events; @p cancelAfterMs cancels it after that long.
struct Outcome {
    FlowResult result;
    QList<FlowEvent> events;
    bool eventAfterFinished = false;
    qint64 msFromCancelToFinished = -1;
};

Outcome run(const FlowJob& j, int cancelAfterMs = -1, int timeoutMs = 20000) {
    Outcome outcome;
    FlowRun flow(j);
    bool finished = false;
    QObject::connect(&flow, &FlowRun::event, [&](const FlowEvent& e) {
        outcome.events.append(e);
        outcome.eventAfterFinished |= finished;
    });
    QElapsedTimer sinceCancel;
    QObject::connect(&flow, &FlowRun::finished, [&](const FlowResult& r) {
        outcome.result = r;
        finished = true;
        if (sinceCancel.isValid())
            outcome.msFromCancelToFinished = sinceCancel.elapsed();
    });
    flow.start();
    if (cancelAfterMs >= 0) {
        QTest::qWait(cancelAfterMs);
        sinceCancel.start();
        flow.cancel();
    }
    QElapsedTimer total;
    total.start();
    while (!finished && total.elapsed() < timeoutMs)
        QTest::qWait(10);
    QTest::qWait(50); // any stray event after finished would show up here
    return outcome;
}

QString allText(const QList<FlowEvent>& events) {
    QString text;
    for (const FlowEvent& e : events)
        text += QString::fromUtf8(QJsonDocument(e.toJson()).toJson(QJsonDocument::Compact)) + u'\n';
    return text;
}

bool processGone(qint64 pid) {
    if (::kill(pid_t(pid), 0) != 0)
        return true;
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return true;
    const QByteArray line = stat.readAll();
    const qsizetype close = line.lastIndexOf(')');
    return close > 0 && line.mid(close + 2, 1) == "Z"; // a zombie nobody reaped yet is dead too
}

QString quoted(const QString& text) {
    return QString::fromUtf8(QJsonDocument(QJsonArray{text}).toJson(QJsonDocument::Compact)).mid(1).chopped(1);
}

/// A tiny HTTP/1.1 responder: answers 500 to the first @p failures requests, then 200 "hello".
class TinyHttp final : public QObject {
public:
    explicit TinyHttp(int failures)
        : m_failures(failures) {
        QObject::connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* socket = m_server.nextPendingConnection()) {
                socket->setParent(this);
                QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
                    m_buffers[socket] += socket->readAll();
                    if (!m_buffers[socket].contains("\r\n\r\n"))
                        return;
                    ++requests;
                    const bool fail = requests <= m_failures;
                    const QByteArray body = fail ? QByteArrayLiteral("nope") : QByteArrayLiteral("hello");
                    socket->write((fail ? QByteArrayLiteral("HTTP/1.1 500 Internal Server Error\r\n")
                                        : QByteArrayLiteral("HTTP/1.1 200 OK\r\n")) +
                                  "Content-Type: text/plain\r\nX-Test: yes\r\nConnection: close\r\nContent-Length: " +
                                  QByteArray::number(body.size()) + "\r\n\r\n" + body);
                    socket->disconnectFromHost();
                });
            }
        });
        m_server.listen(QHostAddress::LocalHost);
    }
    QString url() const { return QStringLiteral("http://127.0.0.1:%1/x").arg(m_server.serverPort()); }
    int requests = 0;

private:
    QTcpServer m_server;
    QHash<QTcpSocket*, QByteArray> m_buffers;
    int m_failures;
};

class FakePrompter final : public mr::agent::UiPrompter {
public:
    std::future<QJsonValue> ask(const mr::agent::UiRequest& request) override {
        std::promise<QJsonValue> answer;
        answer.set_value(QJsonValue(QStringLiteral("answer to ") + request.text));
        return answer.get_future();
    }
};

} // namespace

class TestFlowEngine final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void typedInputsAndOutputsRoundTrip();
    void wrongInputTypeIsInputInvalid();
    void missingRequiredInputIsInputInvalid();
    void outputCheckFails();
    void logLinesAreNumberedInOrder();
    void sensitiveInputNeverInEvents();
    void thrownErrorHasLine();
    void failingActionHasLineAndMessage();
    void syntaxErrorHasLine();
    void busyLoopIsCancelled();
    void waitIsCancelled();
    void processTimeoutKillsTree();
    void processCancelKillsTree();
    void fsRoundTrip();
    void httpGetWithRetry();
    void uiNeedsAttendedRun();
    void uiAsksThePrompter();
    void displayActionsWithoutDisplay();
    void displayMouseAndCapture();
    void engineCleansUp();
};

void TestFlowEngine::typedInputsAndOutputsRoundTrip() {
    const QList<Var> ins{var(QStringLiteral("n"), VarType::Number), var(QStringLiteral("items"), VarType::List),
                         var(QStringLiteral("obj"), VarType::Object), var(QStringLiteral("flag"), VarType::Boolean),
                         var(QStringLiteral("suffix"), VarType::Text, true, QStringLiteral("!"))};
    const QList<Var> outs{
        var(QStringLiteral("sum"), VarType::Number),      var(QStringLiteral("count"), VarType::Number),
        var(QStringLiteral("key"), VarType::Text),        var(QStringLiteral("flag"), VarType::Boolean),
        var(QStringLiteral("list"), VarType::List),       var(QStringLiteral("still"), VarType::Number),
        var(QStringLiteral("maybe"), VarType::Text, true)};
    const Outcome o =
        run(job(QStringLiteral("outputs.sum = inputs.n + 1;\n"
                               "outputs.count = inputs.items.length;\n"
                               "outputs.key = inputs.obj.k + inputs.suffix;\n"
                               "outputs.flag = !inputs.flag;\n"
                               "outputs.list = inputs.items.concat([4]);\n"
                               "inputs.n = 100; inputs.obj.k = 'changed';\n"
                               "outputs.still = inputs.n;\n"
                               "outputs.extra = 'dropped';\n"),
                QJsonObject{{QStringLiteral("n"), 41},
                            {QStringLiteral("items"), QJsonArray{1, 2, 3}},
                            {QStringLiteral("obj"), QJsonObject{{QStringLiteral("k"), QStringLiteral("v")}}},
                            {QStringLiteral("flag"), true}},
                ins, outs));
    QCOMPARE(o.result.status, RunStatus::Succeeded);
    QCOMPARE(o.result.errorMessage, QString());
    const QJsonObject expected{{QStringLiteral("sum"), 42},
                               {QStringLiteral("count"), 3},
                               {QStringLiteral("key"), QStringLiteral("v!")},
                               {QStringLiteral("flag"), false},
                               {QStringLiteral("list"), QJsonArray{1, 2, 3, 4}},
                               {QStringLiteral("still"), 41}};
    QCOMPARE(o.result.outputs, expected);
    QVERIFY(allText(o.events).contains(QStringLiteral("output 'extra' is not declared")));
}

void TestFlowEngine::wrongInputTypeIsInputInvalid() {
    const Outcome o = run(job(QStringLiteral("log('never runs');"), {{QStringLiteral("n"), QStringLiteral("x")}},
                              {var(QStringLiteral("n"), VarType::Number)}));
    QCOMPARE(o.result.status, RunStatus::Failed);
    QCOMPARE(o.result.errorCode, QString(ErrorCode::InputInvalid));
    QVERIFY2(o.result.errorMessage.contains(QStringLiteral("'n'")), qPrintable(o.result.errorMessage));
    QVERIFY(!allText(o.events).contains(QStringLiteral("never runs")));
}

void TestFlowEngine::missingRequiredInputIsInputInvalid() {
    const Outcome o = run(job(QStringLiteral("1"), {}, {var(QStringLiteral("who"), VarType::Text)}));
    QCOMPARE(o.result.errorCode, QString(ErrorCode::InputInvalid));
    QVERIFY(o.result.errorMessage.contains(QStringLiteral("'who'")));
}

void TestFlowEngine::outputCheckFails() {
    Outcome o =
        run(job(QStringLiteral("outputs.count = 'three';"), {}, {}, {var(QStringLiteral("count"), VarType::Number)}));
    QCOMPARE(o.result.status, RunStatus::Failed);
    QCOMPARE(o.result.errorCode, QString(ErrorCode::FlowError));
    QVERIFY2(o.result.errorMessage.startsWith(QStringLiteral("output 'count'")), qPrintable(o.result.errorMessage));
    o = run(job(QStringLiteral("1"), {}, {}, {var(QStringLiteral("count"), VarType::Number)}));
    QVERIFY2(o.result.errorMessage.startsWith(QStringLiteral("output 'count'")), qPrintable(o.result.errorMessage));
}

void TestFlowEngine::logLinesAreNumberedInOrder() {
    const Outcome o = run(job(QStringLiteral("for (var i = 0; i < 120; ++i) log('line ' + i);")));
    QCOMPARE(o.result.status, RunStatus::Succeeded);
    QVERIFY(!o.eventAfterFinished);
    QStringList lines;
    for (qsizetype i = 0; i < o.events.size(); ++i) {
        QCOMPARE(o.events.at(i).eventSeq, i + 1);
        QCOMPARE(o.events.at(i).runId, o.result.runId);
        QCOMPARE(o.events.at(i).at.timeSpec(), Qt::UTC);
        if (o.events.at(i).kind == QLatin1String("log"))
            lines.append(o.events.at(i).text);
    }
    QCOMPARE(lines.size(), 120);
    QCOMPARE(lines.first(), QStringLiteral("line 0"));
    QCOMPARE(lines.last(), QStringLiteral("line 119"));
}

void TestFlowEngine::sensitiveInputNeverInEvents() {
    const QString secret = QStringLiteral("hunter2-s3cr3t");
    const Outcome o =
        run(job(QStringLiteral("log('the password is ' + inputs.password);\n"
                               "var r = process.run('echo', ['--pw=' + inputs.password, inputs.password]);\n"
                               "log(r.stdout);\n"
                               "outputs.length = r.stdout.length;\n"
                               "throw new Error('wrong password ' + inputs.password);\n"),
                {{QStringLiteral("password"), secret}},
                {var(QStringLiteral("password"), VarType::Text, false, QJsonValue::Null, true)}));
    QCOMPARE(o.result.status, RunStatus::Failed);
    const QString text = allText(o.events) + o.result.errorMessage;
    QVERIFY2(!text.contains(secret), qPrintable(text));
    QVERIFY(text.contains(QStringLiteral("the password is ***")));
    QVERIFY(text.contains(QStringLiteral("process.run")));
    QCOMPARE(o.result.errorMessage, QStringLiteral("wrong password ***"));
}

void TestFlowEngine::thrownErrorHasLine() {
    const Outcome o = run(job(QStringLiteral("log('a');\nvar x = 1;\nthrow new Error('boom');\n")));
    QCOMPARE(o.result.status, RunStatus::Failed);
    QCOMPARE(o.result.errorCode, QString(ErrorCode::FlowError));
    QCOMPARE(o.result.errorMessage, QStringLiteral("boom"));
    QCOMPARE(o.result.errorLine, 3);
}

void TestFlowEngine::failingActionHasLineAndMessage() {
    const Outcome o = run(job(QStringLiteral("var x = 1;\n\nfs.readText('/nonexistent/x.txt');\n")));
    QCOMPARE(o.result.errorCode, QString(ErrorCode::FlowError));
    QCOMPARE(o.result.errorMessage,
             QStringLiteral("fs.readText: cannot open /nonexistent/x.txt: No such file or directory"));
    QCOMPARE(o.result.errorLine, 3);
    QVERIFY(allText(o.events).contains(QStringLiteral("fs.readText(\\\"/nonexistent/x.txt\\\") failed")));
}

void TestFlowEngine::syntaxErrorHasLine() {
    const Outcome o = run(job(QStringLiteral("var a = 1;\nvar b = ;\nlog('x');\n")));
    QCOMPARE(o.result.errorCode, QString(ErrorCode::FlowError));
    QCOMPARE(o.result.errorLine, 2);
    QVERIFY2(o.result.errorMessage.contains(QStringLiteral("SyntaxError")), qPrintable(o.result.errorMessage));
}

void TestFlowEngine::busyLoopIsCancelled() {
    const Outcome o = run(job(QStringLiteral("while (true) {}")), 300);
    QCOMPARE(o.result.status, RunStatus::Cancelled);
    QCOMPARE(o.result.errorCode, QString(ErrorCode::Cancelled));
    QVERIFY(o.msFromCancelToFinished >= 0);
    QVERIFY2(o.msFromCancelToFinished < 2000, QByteArray::number(o.msFromCancelToFinished));
}

void TestFlowEngine::waitIsCancelled() {
    const Outcome o = run(job(QStringLiteral("try { wait(60); } catch (e) {}\nwait(60);")), 200);
    QCOMPARE(o.result.status, RunStatus::Cancelled);
    QVERIFY2(o.msFromCancelToFinished >= 0 && o.msFromCancelToFinished < 2000,
             QByteArray::number(o.msFromCancelToFinished));
}

void TestFlowEngine::processTimeoutKillsTree() {
    const QString pidFile =
        QDir(qEnvironmentVariable("MR_TEST_SCRATCH", QDir::tempPath())).filePath(QStringLiteral("pid1"));
    QElapsedTimer timer;
    timer.start();
    const Outcome o = run(job(QStringLiteral("process.run('sh', ['-c', 'sleep 60 & echo $! > %1; sleep 60'], "
                                             "{timeoutSeconds: 1});")
                                  .arg(pidFile)));
    QVERIFY(timer.elapsed() < 10000);
    QCOMPARE(o.result.status, RunStatus::Failed);
    QVERIFY2(o.result.errorMessage.contains(QStringLiteral("did not finish within 1 s")),
             qPrintable(o.result.errorMessage));
    QFile file(pidFile);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const qint64 pid = file.readAll().trimmed().toLongLong();
    QVERIFY(pid > 0);
    QTRY_VERIFY_WITH_TIMEOUT(processGone(pid), 3000);
}

void TestFlowEngine::processCancelKillsTree() {
    const QString pidFile =
        QDir(qEnvironmentVariable("MR_TEST_SCRATCH", QDir::tempPath())).filePath(QStringLiteral("pid2"));
    const Outcome o =
        run(job(QStringLiteral("process.run('sh', ['-c', 'sleep 60 & echo $! > %1; sleep 60']);").arg(pidFile)), 500);
    QCOMPARE(o.result.status, RunStatus::Cancelled);
    QVERIFY(o.msFromCancelToFinished < 2000);
    QFile file(pidFile);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const qint64 pid = file.readAll().trimmed().toLongLong();
    QVERIFY(pid > 0);
    QTRY_VERIFY_WITH_TIMEOUT(processGone(pid), 3000);
}

void TestFlowEngine::fsRoundTrip() {
    const QString dir = QDir(qEnvironmentVariable("MR_TEST_SCRATCH", QDir::tempPath())).filePath(QStringLiteral("fs"));
    const Outcome o =
        run(job(QStringLiteral("var d = %1;\n"
                               "fs.mkdir(d + '/sub');\n"
                               "fs.writeText(d + '/a.txt', 'Grüße ');\n"
                               "fs.appendText(d + '/a.txt', '→ 世界');\n"
                               "fs.copy(d + '/a.txt', d + '/b.txt');\n"
                               "fs.move(d + '/b.txt', d + '/sub/c.txt');\n"
                               "outputs.text = fs.readText(d + '/sub/c.txt');\n"
                               "outputs.names = fs.list(d);\n"
                               "fs.remove(d + '/a.txt');\n"
                               "outputs.gone = !fs.exists(d + '/a.txt') && fs.exists(d + '/sub');\n"
                               "try { fs.list(d + '/nope'); } catch (e) { outputs.error = e.message; }\n")
                    .arg(quoted(dir)),
                {}, {},
                {var(QStringLiteral("text"), VarType::Text), var(QStringLiteral("names"), VarType::List),
                 var(QStringLiteral("gone"), VarType::Boolean), var(QStringLiteral("error"), VarType::Text)}));
    QCOMPARE(o.result.status, RunStatus::Succeeded);
    QCOMPARE(o.result.outputs.value(QStringLiteral("text")).toString(), QStringLiteral("Grüße → 世界"));
    QCOMPARE(o.result.outputs.value(QStringLiteral("names")).toArray(),
             (QJsonArray{QStringLiteral("a.txt"), QStringLiteral("sub")}));
    QCOMPARE(o.result.outputs.value(QStringLiteral("gone")).toBool(), true);
    QCOMPARE(o.result.outputs.value(QStringLiteral("error")).toString(),
             QStringLiteral("fs.list: %1/nope does not exist").arg(dir));
    QFile file(dir + QStringLiteral("/sub/c.txt"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(file.readAll()), QStringLiteral("Grüße → 世界"));
}

void TestFlowEngine::httpGetWithRetry() {
    TinyHttp server(2);
    const Outcome o =
        run(job(QStringLiteral("var r = retry(5, 0.1, function (attempt) {\n"
                               "  var res = http.get(%1);\n"
                               "  if (res.status !== 200) throw new Error('status ' + res.status);\n"
                               "  outputs.attempt = attempt; return res;\n"
                               "});\n"
                               "outputs.body = r.body; outputs.header = r.headers['x-test'];\n")
                    .arg(quoted(server.url())),
                {}, {},
                {var(QStringLiteral("attempt"), VarType::Number), var(QStringLiteral("body"), VarType::Text),
                 var(QStringLiteral("header"), VarType::Text)}));
    QCOMPARE(o.result.status, RunStatus::Succeeded);
    QCOMPARE(o.result.outputs.value(QStringLiteral("attempt")).toInt(), 3);
    QCOMPARE(o.result.outputs.value(QStringLiteral("body")).toString(), QStringLiteral("hello"));
    QCOMPARE(o.result.outputs.value(QStringLiteral("header")).toString(), QStringLiteral("yes"));
    QCOMPARE(server.requests, 3);
    QVERIFY(allText(o.events).contains(QStringLiteral("attempt 2 of 5 failed: status 500")));
}

void TestFlowEngine::uiNeedsAttendedRun() {
    FakePrompter prompter;
    FlowJob j = job(QStringLiteral("ui.input('Name?');"));
    j.prompter = &prompter; // unattended: the prompter must not be used
    const Outcome o = run(j);
    QCOMPARE(o.result.errorCode, QString(ErrorCode::FlowError));
    QCOMPARE(o.result.errorMessage, QStringLiteral("ui.input is only available in attended runs"));
    QCOMPARE(o.result.errorLine, 1);
}

void TestFlowEngine::uiAsksThePrompter() {
    FakePrompter prompter;
    FlowJob j = job(QStringLiteral("outputs.name = ui.input('Name?', 'x');"), {}, {},
                    {var(QStringLiteral("name"), VarType::Text)});
    j.runMode = mr::protocol::RunMode::Attended;
    j.prompter = &prompter;
    const Outcome o = run(j);
    QCOMPARE(o.result.status, RunStatus::Succeeded);
    QCOMPARE(o.result.outputs.value(QStringLiteral("name")).toString(), QStringLiteral("answer to Name?"));
}

void TestFlowEngine::displayActionsWithoutDisplay() {
    const QByteArray saved = qgetenv("DISPLAY");
    qunsetenv("DISPLAY");
    const Outcome o =
        run(job(QStringLiteral("var calls = [function () { keyboard.type('x'); },\n"
                               "  function () { keyboard.press('ctrl+s'); },\n"
                               "  function () { mouse.move(1, 2); }, function () { mouse.click(1, 2); },\n"
                               "  function () { window.find('x'); }, function () { screen.capture('/tmp/x.png'); },\n"
                               "  function () { clipboard.getText(); }];\n"
                               "outputs.errors = calls.map(function (f) { try { f(); return 'ok'; } "
                               "catch (e) { return e.message; } });\n"),
                {}, {}, {var(QStringLiteral("errors"), VarType::List)}));
    if (!saved.isEmpty())
        qputenv("DISPLAY", saved);
    QCOMPARE(o.result.status, RunStatus::Succeeded);
    const QStringList names{QStringLiteral("keyboard.type"),    QStringLiteral("keyboard.press"),
                            QStringLiteral("mouse.move"),       QStringLiteral("mouse.click"),
                            QStringLiteral("window.find"),      QStringLiteral("screen.capture"),
                            QStringLiteral("clipboard.getText")};
    const QJsonArray errors = o.result.outputs.value(QStringLiteral("errors")).toArray();
    QCOMPARE(errors.size(), names.size());
    for (qsizetype i = 0; i < names.size(); ++i)
        QCOMPARE(errors.at(i).toString(), names.at(i) + QStringLiteral(" needs a display; this machine has none"));
}

void TestFlowEngine::displayMouseAndCapture() {
    const QByteArray display = qgetenv("MR_TEST_DISPLAY");
    if (display.isEmpty())
        QSKIP("MR_TEST_DISPLAY is not set (an Xvfb display)");
    const QByteArray saved = qgetenv("DISPLAY");
    qputenv("DISPLAY", display);
    const QString path =
        QDir(qEnvironmentVariable("MR_TEST_SCRATCH", QDir::tempPath())).filePath(QStringLiteral("shot.png"));
    const Outcome o = run(job(QStringLiteral("mouse.move(10, 20);\nmouse.click(10, 20);\nkeyboard.press('shift+a');\n"
                                             "screen.capture(%1);\n")
                                  .arg(quoted(path))));
    qputenv("DISPLAY", saved);
    QCOMPARE(o.result.status, RunStatus::Succeeded);
    QImage image;
    QVERIFY(image.load(path, "PNG"));
    QVERIFY(image.width() > 0 && image.height() > 0);
}

void TestFlowEngine::engineCleansUp() {
    FlowEngine engine;
    QSignalSpy finished(&engine, &FlowEngine::finished);
    FlowJob a = job(QStringLiteral("wait(60);"));
    FlowJob b = job(QStringLiteral("log('quick');"));
    QVERIFY(engine.start(a));
    QVERIFY(!engine.start(a));
    QVERIFY(engine.start(b));
    QCOMPARE(engine.runningCount(), 2);
    QTRY_COMPARE(finished.count(), 1);
    QCOMPARE(engine.runningCount(), 1);
    QVERIFY(engine.cancel(a.runId));
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 2000);
    QCOMPARE(finished.at(1).at(0).value<FlowResult>().status, RunStatus::Cancelled);
    QCOMPARE(engine.runningCount(), 0);
    QVERIFY(!engine.cancel(a.runId));
}

QTEST_MAIN(TestFlowEngine)
#include "tst_flow_engine.moc"
