// The HTTP front under bad input: oversized bodies refused before they are buffered, stalled
// requests closed while everyone else is served, malformed requests answered with the error body.
#include "orchestrator/Orchestrator.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

using mr::orch::DatabaseLocation;
using mr::orch::Orchestrator;

class TestHttpGuard : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void healthz();
    void oversizedBodyIsRefusedBeforeItIsSent();
    void oversizedBodySentAnywayIsDrainedAndAnswered();
    void chunkedBodyIsRefused();
    void hugeHeadersAreRefused();
    void stalledRequestIsClosedWhileOthersAreServed();
    void unknownPathAnswersTheErrorBody();
    void missingTokenIs401();
    void pipelinedRequestsAreAnsweredInOrder();

private:
    std::unique_ptr<Orchestrator> m_server;
    quint16 m_port = 0;
};

namespace {

/// One whole HTTP answer (status line, headers, Content-Length body), parsed from a buffer.
struct RawAnswer {
    int status = 0;
    QByteArray headers;
    QByteArray body;
};

RawAnswer parseAnswer(const QByteArray& buffer) {
    RawAnswer a;
    const qsizetype end = buffer.indexOf("\r\n\r\n");
    if (end < 0)
        return a;
    const QByteArray head = buffer.left(end);
    const qsizetype at = head.toLower().indexOf("content-length:");
    const qsizetype lineEnd = head.indexOf('\r', at);
    const qint64 length =
        at < 0 ? 0 : head.mid(at + 15, (lineEnd < 0 ? head.size() : lineEnd) - at - 15).trimmed().toLongLong();
    if (buffer.size() < end + 4 + length)
        return a;
    a.status = head.mid(9, 3).toInt();
    a.headers = head;
    a.body = buffer.mid(end + 4, length);
    return a;
}

QString errorCode(const QByteArray& body) {
    return QJsonDocument::fromJson(body)
        .object()
        .value(QStringLiteral("error"))
        .toObject()
        .value(QStringLiteral("code"))
        .toString();
}

} // namespace

void TestHttpGuard::initTestCase() {
    Orchestrator::Options o;
    QString why;
    o.database =
        *DatabaseLocation::parse(QString::fromLocal8Bit(qgetenv("MR_TEST_SCRATCH")) + QStringLiteral("/g.db"), &why);
    o.listen = QStringLiteral("127.0.0.1:0");
    o.requestTimeoutMs = 700;
    m_server = std::make_unique<Orchestrator>(o);
    QString error;
    QVERIFY2(m_server->start(&error), qPrintable(error));
    m_port = quint16(m_server->url().port());
}

void TestHttpGuard::cleanupTestCase() {
    m_server.reset();
}

static QTcpSocket* connectTo(quint16 port, QObject* parent) {
    auto* s = new QTcpSocket(parent);
    s->connectToHost(QStringLiteral("127.0.0.1"), port);
    return s;
}

// The server runs in this same thread: every wait must let the event loop turn (QTest::qWait).
static RawAnswer exchange(quint16 port, const QByteArray& bytes, QObject* parent) {
    QTcpSocket* s = connectTo(port, parent);
    QByteArray buffer;
    QElapsedTimer timer;
    timer.start();
    bool written = false;
    while (timer.elapsed() < 10000) {
        QTest::qWait(5);
        if (!written && s->state() == QAbstractSocket::ConnectedState) {
            s->write(bytes);
            written = true;
        }
        buffer += s->readAll();
        const RawAnswer a = parseAnswer(buffer);
        if (a.status != 0)
            return a;
    }
    return {};
}

void TestHttpGuard::healthz() {
    const RawAnswer a = exchange(m_port, "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n", this);
    QCOMPARE(a.status, 200);
    QVERIFY(a.body.contains("\"ok\""));
}

void TestHttpGuard::oversizedBodyIsRefusedBeforeItIsSent() {
    // 50 MB announced, nothing sent: the answer must come from the headers alone.
    const RawAnswer a = exchange(m_port,
                                 "POST /api/v1/environments HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                                 "Content-Length: 52428800\r\n\r\n",
                                 this);
    QCOMPARE(a.status, 413);
    QCOMPARE(errorCode(a.body), QStringLiteral("PayloadTooLarge"));
}

void TestHttpGuard::oversizedBodySentAnywayIsDrainedAndAnswered() {
    QTcpSocket* s = connectTo(m_port, this);
    QTRY_VERIFY_WITH_TIMEOUT(s->state() == QAbstractSocket::ConnectedState, 5000);
    const QByteArray body(3 * 1024 * 1024, 'x');
    s->write("POST /api/v1/environments HTTP/1.1\r\nHost: t\r\nContent-Length: " + QByteArray::number(body.size()) +
             "\r\n\r\n" + body);
    QByteArray buffer;
    QTRY_VERIFY_WITH_TIMEOUT((buffer += s->readAll(), buffer.contains("\r\n\r\n")), 10000);
    QVERIFY2(buffer.startsWith("HTTP/1.1 413"), buffer.left(100).constData());
    // The connection is closed once the refused body is drained; the server still serves.
    QTRY_VERIFY_WITH_TIMEOUT(s->state() == QAbstractSocket::UnconnectedState, 10000);
    QCOMPARE(exchange(m_port, "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n", this).status, 200);
}

void TestHttpGuard::chunkedBodyIsRefused() {
    const RawAnswer a = exchange(m_port,
                                 "POST /api/v1/environments HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                                 "5\r\nhello\r\n0\r\n\r\n",
                                 this);
    QCOMPARE(a.status, 411);
    QCOMPARE(errorCode(a.body), QStringLiteral("BadRequest"));
}

void TestHttpGuard::hugeHeadersAreRefused() {
    const RawAnswer a = exchange(
        m_port, "GET /healthz HTTP/1.1\r\nHost: t\r\nX-Filler: " + QByteArray(70 * 1024, 'a') + "\r\n\r\n", this);
    QCOMPARE(a.status, 431);
}

void TestHttpGuard::stalledRequestIsClosedWhileOthersAreServed() {
    QTcpSocket* stalled = connectTo(m_port, this);
    QTRY_VERIFY_WITH_TIMEOUT(stalled->state() == QAbstractSocket::ConnectedState, 5000);
    stalled->write("POST /api/v1/environments HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n{\"na");
    // Others are served while it stalls.
    QCOMPARE(exchange(m_port, "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n", this).status, 200);
    QByteArray buffer;
    QTRY_VERIFY_WITH_TIMEOUT((buffer += stalled->readAll(), stalled->state() == QAbstractSocket::UnconnectedState),
                             10000);
    buffer += stalled->readAll();
    QVERIFY2(buffer.startsWith("HTTP/1.1 408"), buffer.constData());
}

void TestHttpGuard::unknownPathAnswersTheErrorBody() {
    const RawAnswer a = exchange(m_port, "GET /api/v1/nothing-here HTTP/1.1\r\nHost: t\r\n\r\n", this);
    QCOMPARE(a.status, 404);
    QCOMPARE(errorCode(a.body), QStringLiteral("NotFound"));
    const QJsonObject error = QJsonDocument::fromJson(a.body).object().value(QStringLiteral("error")).toObject();
    QVERIFY(!error.value(QStringLiteral("message")).toString().isEmpty());
}

void TestHttpGuard::missingTokenIs401() {
    const RawAnswer a = exchange(m_port, "GET /api/v1/me HTTP/1.1\r\nHost: t\r\n\r\n", this);
    QCOMPARE(a.status, 401);
    QCOMPARE(errorCode(a.body), QStringLiteral("Unauthenticated"));
    const RawAnswer forged = exchange(
        m_port, "GET /api/v1/me HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer eyJhbGciOiJFZERTQSJ9.e30.AAAA\r\n\r\n",
        this);
    QCOMPARE(forged.status, 401);
}

void TestHttpGuard::pipelinedRequestsAreAnsweredInOrder() {
    QTcpSocket* s = connectTo(m_port, this);
    QTRY_VERIFY_WITH_TIMEOUT(s->state() == QAbstractSocket::ConnectedState, 5000);
    s->write("GET /api/v1/nothing HTTP/1.1\r\nHost: t\r\n\r\nGET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
    QByteArray buffer;
    QTRY_VERIFY_WITH_TIMEOUT((buffer += s->readAll(), buffer.count("HTTP/1.1 ") == 2 && buffer.endsWith("}")), 10000);
    QVERIFY(buffer.indexOf("HTTP/1.1 404") < buffer.indexOf("HTTP/1.1 200"));
}

QTEST_GUILESS_MAIN(TestHttpGuard)
#include "tst_http_guard.moc"
