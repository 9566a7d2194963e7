// Bad input, many times over: mutated bodies, ids and headers against every kind of route of a
// real in-process orchestrator, and mutated agent messages over the hub's WebSocket, on SQLite
// and PostgreSQL. Whatever comes in, the answer is never a 5xx, every error reads as the API's
// error body, and the server goes on serving. Deterministic: MR_FUZZ_SEED and
// MR_FUZZ_ITERATIONS change the seed (printed on failure) and the number of requests.
#include "../orchestrator/TestAgent.h"
#include "../orchestrator/TestServer.h"
#include "../orchestrator/tst_control_plane_fixture.h"

#include <QRandomGenerator>

using mr::test::ControlPlane;
using mr::test::HttpResult;
using mr::test::TestServer;

namespace {

struct Template {
    QByteArray method;
    QString path; ///< with {env} {machine} {group} {flow} {connection} {user} {run}
    QJsonValue body;
    bool form = false;
};

class Mutator {
public:
    explicit Mutator(quint32 seed)
        : m_random(seed) {}

    int below(int n) { return int(m_random.bounded(quint32(n))); }
    bool chance(int percent) { return below(100) < percent; }

    QJsonValue randomValue(int depth = 0) {
        switch (below(depth > 2 ? 9 : 12)) {
        case 0:
            return QJsonValue::Null;
        case 1:
            return chance(50);
        case 2:
            return double(qint64(m_random.generate64()));
        case 3:
            return 1e308;
        case 4:
            return -1;
        case 5:
            return QString();
        case 6:
            return QString(below(20000), QChar(u'x'));
        case 7:
            return QStringLiteral("../../etc/passwd\u0000\u202e%s%n'\";--<script>");
        case 8:
            return QString::fromUtf8(randomBytes(below(64)));
        case 9:
            return QJsonArray{randomValue(depth + 1), randomValue(depth + 1)};
        case 10:
            return QJsonObject{{QStringLiteral("x"), randomValue(depth + 1)}};
        default:
            return QJsonObject{};
        }
    }

    QByteArray randomBytes(int n) {
        QByteArray bytes(n, '\0');
        for (char& c : bytes)
            c = char(m_random.bounded(256));
        return bytes;
    }

    /// One mutation of @p value: a field replaced, dropped or added, recursively at times.
    QJsonValue mutate(const QJsonValue& value) {
        if (value.isObject()) {
            QJsonObject o = value.toObject();
            const QStringList keys = o.keys();
            const int what = below(4);
            if (what == 0 && !keys.isEmpty())
                o.remove(keys.at(below(int(keys.size()))));
            else if (what == 1 && !keys.isEmpty()) {
                const QString key = keys.at(below(int(keys.size())));
                o.insert(key, chance(40) ? mutate(o.value(key)) : randomValue());
            } else if (what == 2)
                o.insert(QStringLiteral("unknown-") + QString::number(below(100)), randomValue());
            else
                return randomValue();
            return o;
        }
        if (value.isArray()) {
            QJsonArray a = value.toArray();
            if (!a.isEmpty() && chance(60))
                a[below(int(a.size()))] = mutate(a.at(0));
            else
                a.append(randomValue());
            return a;
        }
        return randomValue();
    }

    /// A body made from @p valid: mostly a mutated document, sometimes broken text.
    QByteArray body(const QJsonValue& valid) {
        QByteArray text = valid.isObject()  ? QJsonDocument(mutate(valid).toObject()).toJson(QJsonDocument::Compact)
                          : valid.isArray() ? QJsonDocument(mutate(valid).toArray()).toJson(QJsonDocument::Compact)
                                            : QByteArray("{}");
        switch (below(10)) {
        case 0:
            return text.left(below(int(text.size()) + 1)); // cut short
        case 1:
            return randomBytes(below(512));
        case 2:
            return QByteArray(2000, '[') + QByteArray(2000, ']'); // deeper than any parser allows
        case 3:
            return text.replace(QByteArrayLiteral("\""), QByteArrayLiteral("\"\xff\xfe")); // invalid UTF-8
        case 4:
            return QByteArrayLiteral("[1, 2, 3]");
        case 5:
            return text.isEmpty() ? text : text.insert(1, "\"name\":1,\"name\":[],"); // repeated keys
        default:
            return text;
        }
    }

    QString garbleId(const QString& id) {
        switch (below(6)) {
        case 0:
            return QStringLiteral("..%2F..%2Fx");
        case 1:
            return QString(300, QChar(u'a'));
        case 2:
            return QStringLiteral("%00");
        case 3:
            return QStringLiteral("%E2%80%AE%F0%9F%98%80");
        case 4:
            return id.left(id.size() / 2);
        default:
            return id;
        }
    }

private:
    QRandomGenerator m_random;
};

quint32 seedFromEnvironment() {
    bool ok = false;
    const quint32 seed = qEnvironmentVariable("MR_FUZZ_SEED").toUInt(&ok);
    return ok ? seed : 20261122u;
}

int iterations(int fallback) {
    bool ok = false;
    const int n = qEnvironmentVariableIntValue("MR_FUZZ_ITERATIONS", &ok);
    return ok && n > 0 ? n : fallback;
}

/// The API's error body: {"error": {"code": "…", "message": "…"}} with both non-empty.
bool isErrorBody(const HttpResult& r) {
    const QJsonObject error = r.object().value(QStringLiteral("error")).toObject();
    return !error.value(QStringLiteral("code")).toString().isEmpty() &&
           !error.value(QStringLiteral("message")).toString().isEmpty();
}

} // namespace

class TestFuzzApi : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase_data() { mr::test::addEngineRows(); }

    void routesAnswerBadInputWithClearErrors() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        ControlPlane cp(server);
        const auto maker = cp.actor(QStringLiteral("fuzz"), true);
        const auto other = cp.actor(QStringLiteral("other"));
        const auto env = cp.environment(QStringLiteral("Fuzz"));
        cp.grant(env, maker, {QStringLiteral("EnvironmentMaker")});
        const QString machine = cp.registerMachine(maker, env.id, QStringLiteral("pc-fuzz"))
                                    .object()
                                    .value(QStringLiteral("id"))
                                    .toString();
        const QString group =
            cp.send("POST", QStringLiteral("/api/v1/environments/%1/groups").arg(env.id),
                    {{QStringLiteral("name"), QStringLiteral("G")}, {QStringLiteral("description"), QString()}}, maker)
                .object()
                .value(QStringLiteral("id"))
                .toString();
        const QJsonObject flowBody{
            {QStringLiteral("name"), QStringLiteral("F")},
            {QStringLiteral("description"), QStringLiteral("d")},
            {QStringLiteral("script"), QStringLiteral("log(inputs.n);")},
            {QStringLiteral("inputs"), QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("n")},
                                                              {QStringLiteral("type"), QStringLiteral("number")}}}},
            {QStringLiteral("outputs"), QJsonArray{}}};
        const QString flow =
            cp.send("POST", QStringLiteral("/api/v1/environments/%1/flows").arg(env.id), flowBody, maker)
                .object()
                .value(QStringLiteral("id"))
                .toString();
        const QJsonObject connectionBody{
            {QStringLiteral("name"), QStringLiteral("c")},
            {QStringLiteral("target"), QJsonObject{{QStringLiteral("machineId"), machine}}},
            {QStringLiteral("kind"), QStringLiteral("password")},
            {QStringLiteral("username"), QStringLiteral("robot")},
            {QStringLiteral("password"), QStringLiteral("pw")}};
        const QString connection =
            cp.send("POST", QStringLiteral("/api/v1/environments/%1/connections").arg(env.id), connectionBody, maker)
                .object()
                .value(QStringLiteral("id"))
                .toString();
        const QJsonObject runBody{{QStringLiteral("flowId"), flow},
                                  {QStringLiteral("connectionId"), connection},
                                  {QStringLiteral("runMode"), QStringLiteral("unattended")},
                                  {QStringLiteral("priority"), QStringLiteral("normal")},
                                  {QStringLiteral("inputs"), QJsonObject{{QStringLiteral("n"), 1}}}};
        const QString run = cp.send("POST", QStringLiteral("/api/v1/environments/%1/runs").arg(env.id), runBody, maker)
                                .object()
                                .value(QStringLiteral("id"))
                                .toString();
        QVERIFY(!machine.isEmpty() && !group.isEmpty() && !flow.isEmpty() && !connection.isEmpty() && !run.isEmpty());

        const QList<Template> templates{
            {"POST", QStringLiteral("/api/v1/environments"),
             QJsonObject{{QStringLiteral("name"), QStringLiteral("E")}}},
            {"PUT", QStringLiteral("/api/v1/environments/{env}/members/{user}"),
             QJsonObject{{QStringLiteral("roles"), QJsonArray{QStringLiteral("MachineUser")}}}},
            {"POST", QStringLiteral("/api/v1/environments/{env}/machines"),
             ControlPlane::registration(QStringLiteral("m"))},
            {"PATCH", QStringLiteral("/api/v1/machines/{machine}"),
             QJsonObject{{QStringLiteral("name"), QStringLiteral("n")}, {QStringLiteral("unattendedBots"), 2}}},
            {"POST", QStringLiteral("/api/v1/machines/{machine}/environment"),
             QJsonObject{{QStringLiteral("environmentId"), env.id}}},
            {"PUT", QStringLiteral("/api/v1/machines/{machine}/access/{user}"),
             QJsonObject{{QStringLiteral("role"), QStringLiteral("user")}}},
            {"POST", QStringLiteral("/api/v1/environments/{env}/groups"),
             QJsonObject{{QStringLiteral("name"), QStringLiteral("g")}, {QStringLiteral("description"), QString()}}},
            {"PATCH", QStringLiteral("/api/v1/groups/{group}"), QJsonObject{{QStringLiteral("maintenanceMode"), true}}},
            {"PUT", QStringLiteral("/api/v1/groups/{group}/machines/{machine}"), QJsonObject{}},
            {"POST", QStringLiteral("/api/v1/environments/{env}/connections"), connectionBody},
            {"POST", QStringLiteral("/api/v1/connections/{connection}/test"), QJsonObject{}},
            {"POST", QStringLiteral("/api/v1/environments/{env}/flows"), flowBody},
            {"POST", QStringLiteral("/api/v1/environments/{env}/runs"), runBody},
            {"GET", QStringLiteral("/api/v1/environments/{env}/runs?status=Queued&limit=5&before={run}"), {}},
            {"GET", QStringLiteral("/api/v1/runs/{run}/log?after=0&limit=10"), {}},
            {"POST", QStringLiteral("/api/v1/runs/{run}/cancel"), QJsonObject{}},
            {"POST", QStringLiteral("/api/v1/environments/{env}/schedules"),
             QJsonObject{{QStringLiteral("flowId"), flow},
                         {QStringLiteral("connectionId"), connection},
                         {QStringLiteral("runMode"), QStringLiteral("unattended")},
                         {QStringLiteral("cron"), QStringLiteral("*/5 * * * *")},
                         {QStringLiteral("inputs"), QJsonObject{{QStringLiteral("n"), 1}}}}},
            {"POST", QStringLiteral("/api/v1/recommendations/{run}/disconnect-users"),
             QJsonObject{{QStringLiteral("runIds"), QJsonArray{run}}}},
            {"POST", QStringLiteral("/api/v1/me/tokens"), QJsonObject{{QStringLiteral("name"), QStringLiteral("t")}}},
            {"POST", QStringLiteral("/oauth/token"),
             QJsonObject{{QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
                         {QStringLiteral("refresh_token"), QStringLiteral("x")},
                         {QStringLiteral("client_id"), QStringLiteral("machine-runtime")}},
             true},
        };

        const quint32 seed = seedFromEnvironment();
        Mutator m(seed);
        const int n = iterations(400);
        int answered4xx = 0;
        for (int i = 0; i < n; ++i) {
            const Template& t = templates.at(m.below(int(templates.size())));
            QString path = t.path;
            const auto put = [&](const char* name, const QString& id) {
                path.replace(QLatin1String(name), m.chance(15) ? m.garbleId(id) : id);
            };
            put("{env}", env.id);
            put("{machine}", machine);
            put("{group}", group);
            put("{flow}", flow);
            put("{connection}", connection);
            put("{run}", run);
            put("{user}", other.name());
            QByteArray body;
            QList<QPair<QByteArray, QByteArray>> headers;
            if (t.form) {
                QUrlQuery form;
                const QJsonObject fields = m.mutate(t.body).toObject();
                for (auto it = fields.begin(); it != fields.end(); ++it)
                    form.addQueryItem(it.key(),
                                      it.value().isString()
                                          ? it.value().toString()
                                          : QString::fromUtf8(QJsonDocument(QJsonArray{it.value()}).toJson()));
                body = form.toString(QUrl::FullyEncoded).toLatin1();
                headers.append(qMakePair(QByteArray("Content-Type"), QByteArray("application/x-www-form-urlencoded")));
            } else if (!t.body.isUndefined() && !t.body.isNull()) {
                body = m.body(t.body);
                const int type = m.below(10);
                headers.append(
                    qMakePair(QByteArray("Content-Type"), type == 0   ? QByteArray("text/plain")
                                                          : type == 1 ? QByteArray("application/json; charset=latin1")
                                                                      : QByteArray("application/json")));
            }
            const QString token = m.chance(5) ? QStringLiteral("not-a-token") : maker.token;
            const HttpResult r = server.request(t.method, path, body, headers, token);
            // Joined, not arg()ed: a path may hold "%2F", which arg() would take for a placeholder.
            const QString what = QStringList{QStringLiteral("seed"),
                                             QString::number(seed),
                                             QStringLiteral("request"),
                                             QString::number(i),
                                             QString::fromLatin1(t.method),
                                             path,
                                             QStringLiteral("with"),
                                             QString::fromUtf8(body.left(200).toPercentEncoding(" {}\":,[]")),
                                             QStringLiteral("→"),
                                             QString::number(r.status),
                                             QString::fromUtf8(r.body.left(300))}
                                     .join(QLatin1Char(' '));
            QVERIFY2(r.status != 0, qPrintable(QStringLiteral("no answer: ") + what));
            QVERIFY2(r.status < 500, qPrintable(QStringLiteral("server error: ") + what));
            if (r.status >= 400 && t.path != QLatin1String("/oauth/token")) {
                QVERIFY2(isErrorBody(r), qPrintable(QStringLiteral("not the API's error body: ") + what));
                ++answered4xx;
            }
        }
        QVERIFY2(answered4xx > n / 4, "the mutations hardly ever reached validation");
        // NUL characters, which PostgreSQL cannot keep, are refused up front wherever they come.
        const HttpResult nulQuery = server.get(
            QStringLiteral("/api/v1/environments/") + env.id + QStringLiteral("/runs?before=%00"), maker.token);
        QCOMPARE(nulQuery.status, 400);
        QCOMPARE(nulQuery.errorCode(), QStringLiteral("BadRequest"));
        const HttpResult nulBody =
            cp.raw("PATCH", QStringLiteral("/api/v1/machines/%1").arg(machine), R"({"description":"a\u0000b"})", maker);
        QCOMPARE(nulBody.status, 400);
        QVERIFY(nulBody.object()
                    .value(QStringLiteral("error"))
                    .toObject()
                    .value(QStringLiteral("message"))
                    .toString()
                    .contains(QLatin1String("NUL")));
        const HttpResult escapedBackslash = cp.raw("PATCH", QStringLiteral("/api/v1/machines/%1").arg(machine),
                                                   R"({"description":"C:\\u0000 is a folder"})", maker);
        QCOMPARE(escapedBackslash.status, 200);
        // Still serving, and the data is intact.
        QCOMPARE(server.get(QStringLiteral("/api/v1/flows/%1").arg(flow), maker.token).status, 200);
        QCOMPARE(server.get(QStringLiteral("/api/v1/runs/%1").arg(run), maker.token).status, 200);
    }

    void hubSurvivesMangledAgentMessages() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        ControlPlane cp(server);
        const auto maker = cp.actor(QStringLiteral("hubfuzz"), true);
        const auto env = cp.environment(QStringLiteral("HubFuzz"));
        cp.grant(env, maker, {QStringLiteral("EnvironmentMaker")});
        mr::test::TestAgent agent(server);
        QVERIFY(agent.registerMachine(env.id, maker.token, QStringLiteral("pc-hub-fuzz")));
        QVERIFY(agent.connectAndHello({mr::test::activeSession(QStringLiteral("robot"))}));

        const QList<QJsonObject> valid{
            QJsonObject{{QStringLiteral("type"), QStringLiteral("heartbeat")},
                        {QStringLiteral("seq"), 5},
                        {QStringLiteral("ack"), false},
                        {QStringLiteral("sessions"), QJsonValue::Null}},
            QJsonObject{{QStringLiteral("type"), QStringLiteral("runEvent")},
                        {QStringLiteral("seq"), 6},
                        {QStringLiteral("ack"), true},
                        {QStringLiteral("runId"), QStringLiteral("r")},
                        {QStringLiteral("eventSeq"), 1},
                        {QStringLiteral("kind"), QStringLiteral("log")},
                        {QStringLiteral("at"), QStringLiteral("2026-11-22T00:00:00.000Z")},
                        {QStringLiteral("level"), QStringLiteral("info")},
                        {QStringLiteral("text"), QStringLiteral("x")}},
            QJsonObject{{QStringLiteral("type"), QStringLiteral("runResult")},
                        {QStringLiteral("seq"), 7},
                        {QStringLiteral("ack"), true},
                        {QStringLiteral("runId"), QStringLiteral("r")},
                        {QStringLiteral("status"), QStringLiteral("Succeeded")},
                        {QStringLiteral("outputs"), QJsonObject{}}},
            QJsonObject{{QStringLiteral("type"), QStringLiteral("runAccept")},
                        {QStringLiteral("seq"), 8},
                        {QStringLiteral("runId"), QStringLiteral("r")}},
        };
        const quint32 seed = seedFromEnvironment();
        Mutator m(seed);
        const int n = iterations(400) / 2;
        for (int i = 0; i < n && !agent.isClosed(); ++i) {
            const QJsonObject base = valid.at(m.below(int(valid.size())));
            agent.sendRaw(QString::fromUtf8(m.body(base)));
            if (i % 20 == 0)
                QTest::qWait(5);
        }
        QTest::qWait(200);
        // Whatever it made of that socket, the hub still takes a well-behaved agent and the API
        // still answers.
        mr::test::TestAgent second(server);
        QVERIFY(second.registerMachine(env.id, maker.token, QStringLiteral("pc-hub-fuzz-2")));
        QVERIFY2(second.connectAndHello({mr::test::activeSession(QStringLiteral("robot"))}),
                 qPrintable(QStringLiteral("seed %1").arg(seed)));
        QCOMPARE(server.get(QStringLiteral("/api/v1/environments/%1/machines").arg(env.id), maker.token).status, 200);
    }
};

QTEST_MAIN(TestFuzzApi)
#include "tst_fuzz_api.moc"
