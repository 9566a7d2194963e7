#include "orchestrator/http/ConnectionGuard.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcHttp, "mr.orchestrator.http")

namespace mr::orch {

namespace {
constexpr qsizetype kMaxHeaderBytes = 64 * 1024;
constexpr qint64 kMaxDrainBytes = 64 * 1024 * 1024;
} // namespace

ConnectionGuard::ConnectionGuard(QTcpSocket* socket, const Router& router, Timeouts timeouts)
    : QObject(socket)
    , m_socket(socket)
    , m_router(router)
    , m_timeouts(timeouts) {
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &ConnectionGuard::onTimeout);
    armIdleTimer();
}

void ConnectionGuard::beforeServerRead() {
    const qint64 available = m_socket->bytesAvailable();
    if (available <= m_leftover) {
        m_leftover = available;
        return;
    }
    const QByteArray fresh = m_socket->peek(available).mid(m_leftover);
    if (m_state == State::Draining) {
        // Ours now: read and drop, so nothing of the refused body is kept.
        m_socket->read(available);
        m_leftover = 0;
        m_drainRemaining -= fresh.size();
        if (m_drainRemaining <= 0)
            m_socket->disconnectFromHost();
        return;
    }
    feed(fresh);
}

void ConnectionGuard::afterServerRead() {
    m_leftover = m_socket->bytesAvailable();
}

void ConnectionGuard::feed(const QByteArray& bytes) {
    qsizetype pos = 0;
    while (pos < bytes.size()) {
        switch (m_state) {
        case State::Headers: {
            if (!m_inRequest) {
                m_inRequest = true;
                m_timer.start(m_timeouts.requestMs); // a deadline for the whole head
            }
            const qsizetype before = m_head.size();
            m_head.append(bytes.mid(pos));
            const qsizetype end = m_head.indexOf("\r\n\r\n");
            if (end < 0 || end > kMaxHeaderBytes) {
                if (m_head.size() > kMaxHeaderBytes)
                    reject(431, QStringLiteral("PayloadTooLarge"), QStringLiteral("The request headers are too large."),
                           0);
                return;
            }
            const QByteArray head = m_head.left(end + 4);
            pos += head.size() - before;
            m_head.clear();
            if (!parseHeaders(head))
                return;
            if (m_state == State::Headers) // no body: request complete
                m_inRequest = false;
            break;
        }
        case State::Body: {
            const qint64 take = std::min<qint64>(m_bodyRemaining, bytes.size() - pos);
            m_bodyRemaining -= take;
            pos += take;
            if (m_bodyRemaining == 0) {
                m_state = State::Headers;
                m_inRequest = false;
                m_timer.stop();
            } else {
                m_timer.start(m_timeouts.requestMs); // progress: the body may go on
            }
            break;
        }
        case State::Passthrough:
        case State::Draining:
        case State::Closed:
            return;
        }
    }
}

bool ConnectionGuard::parseHeaders(const QByteArray& head) {
    const QList<QByteArray> lines = head.split('\n');
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    if (requestLine.size() != 3) {
        reject(400, QStringLiteral("BadRequest"), QStringLiteral("The request line is malformed."), 0);
        return false;
    }
    const QByteArray method = requestLine.at(0);
    QByteArray target = requestLine.at(1);
    const qsizetype q = target.indexOf('?');
    const QString path = QString::fromUtf8(QByteArray::fromPercentEncoding(q < 0 ? target : target.left(q)));
    qint64 contentLength = 0;
    bool upgrade = false;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name == "content-length") {
            bool ok = false;
            contentLength = value.toLongLong(&ok);
            if (!ok || contentLength < 0) {
                reject(400, QStringLiteral("BadRequest"), QStringLiteral("Content-Length is not a number."), 0);
                return false;
            }
        } else if (name == "transfer-encoding" && value.toLower() != "identity") {
            reject(411, QStringLiteral("BadRequest"),
                   QStringLiteral("Chunked request bodies are not accepted: send Content-Length."), 0);
            return false;
        } else if (name == "upgrade") {
            upgrade = true;
        }
    }
    const Router::BodyLimit limit = m_router.bodyLimit(method, path);
    if (contentLength > limit.bytes) {
        reject(413, limit.errorCode,
               QStringLiteral("The request body of %1 bytes is over the limit of %2 bytes.")
                   .arg(contentLength)
                   .arg(limit.bytes),
               contentLength);
        return false;
    }
    if (upgrade) {
        // A WebSocket takes the socket over; its own message limit applies from here on.
        m_state = State::Passthrough;
        m_timer.stop();
        return true;
    }
    m_bodyRemaining = contentLength;
    m_state = contentLength > 0 ? State::Body : State::Headers;
    if (m_state == State::Headers)
        m_timer.stop();
    return true;
}

void ConnectionGuard::reject(int status, const QString& code, const QString& message, qint64 drainBytes) {
    qCInfo(lcHttp) << "refusing a request from" << m_socket->peerAddress().toString() << status << code;
    // QtHttpServer must not keep reading this socket: from here on the guard drains it alone.
    disconnect(m_socket, &QTcpSocket::readyRead, nullptr, nullptr);
    connect(m_socket, &QTcpSocket::readyRead, this, &ConnectionGuard::beforeServerRead);
    HttpResponse answer = HttpResponse::error(code, message);
    answer.status = status;
    m_socket->write(serialize(answer, true));
    m_socket->flush();
    // Drain what the client still sends instead of closing at once: closing a socket with
    // unread bytes resets it, and the client might never read the answer. A known body is
    // drained to its end; an unknown rest (huge headers, chunks) until the timer fires.
    const bool knownLength = drainBytes > 0;
    m_drainRemaining = knownLength ? std::min(drainBytes, kMaxDrainBytes) : kMaxDrainBytes;
    m_state = State::Draining;
    m_timer.start(m_timeouts.requestMs);
    // Whatever of the body already sits in the buffer is dropped now.
    const qint64 available = m_socket->bytesAvailable();
    m_socket->read(available);
    if (knownLength) {
        m_drainRemaining -= std::max<qint64>(0, available - m_leftover);
        if (m_drainRemaining <= 0)
            m_socket->disconnectFromHost();
    }
    m_leftover = 0;
}

quint64 ConnectionGuard::beginRequest() {
    return m_nextNumber++;
}

void ConnectionGuard::deliver(quint64 number, const QByteArray& bytes, bool close) {
    m_ready.emplace(number, std::make_pair(bytes, close));
    flushAnswers();
}

void ConnectionGuard::flushAnswers() {
    while (!m_ready.empty() && m_ready.begin()->first == m_nextToWrite) {
        auto [bytes, close] = m_ready.begin()->second;
        m_ready.erase(m_ready.begin());
        ++m_nextToWrite;
        if (m_state == State::Closed)
            continue;
        m_socket->write(bytes);
        if (close) {
            m_state = State::Closed;
            m_socket->disconnectFromHost();
        }
    }
    armIdleTimer();
}

void ConnectionGuard::armIdleTimer() {
    if (m_state == State::Headers && !m_inRequest && m_nextToWrite == m_nextNumber)
        m_timer.start(m_timeouts.keepAliveMs);
}

void ConnectionGuard::onTimeout() {
    if (m_state == State::Passthrough)
        return;
    if (m_inRequest || m_state == State::Body) {
        qCInfo(lcHttp) << "closing a stalled request from" << m_socket->peerAddress().toString();
        HttpResponse answer =
            HttpResponse::error(QStringLiteral("BadRequest"), QStringLiteral("The request was not completed in time."));
        answer.status = 408;
        m_socket->write(serialize(answer, true));
    }
    m_state = State::Closed;
    m_socket->disconnectFromHost();
    if (m_socket->state() != QAbstractSocket::UnconnectedState)
        QTimer::singleShot(5000, m_socket, [s = QPointer<QTcpSocket>(m_socket)] {
            if (s)
                s->abort();
        });
}

QByteArray ConnectionGuard::serialize(const HttpResponse& response, bool close) {
    QByteArray out;
    out.reserve(response.body.size() + 256);
    out += "HTTP/1.1 " + QByteArray::number(response.status) + ' ' + reasonPhrase(response.status) + "\r\n";
    if (!response.contentType.isEmpty())
        out += "Content-Type: " + response.contentType + "\r\n";
    out += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n";
    for (const auto& [name, value] : response.headers) {
        out += name + ": " + value + "\r\n";
    }
    if (close)
        out += "Connection: close\r\n";
    out += "\r\n";
    out += response.body;
    return out;
}

} // namespace mr::orch
