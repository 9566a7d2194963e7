#pragma once

#include "orchestrator/http/Router.h"

#include <QObject>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

#include <map>

namespace mr::orch {

/// Watches one accepted socket before QtHttpServer reads it.
///
/// QtHttpServer 6.4 buffers a whole body before a route sees it and has no read timeout. This
/// guard frames the byte stream itself (request line, headers, Content-Length): a body over the
/// route's limit is answered 413 at once and drained without being kept; headers over 64 KiB,
/// chunked bodies and requests that stall are answered or closed. It also writes the answers,
/// in request order, when the worker threads finish them.
class ConnectionGuard final : public QObject {
    Q_OBJECT
public:
    struct Timeouts {
        int requestMs = 30'000;    ///< headers must arrive within this; a body may not pause longer
        int keepAliveMs = 120'000; ///< an idle connection is closed after this
    };

    ConnectionGuard(QTcpSocket* socket, const Router& router, Timeouts timeouts);

    /// Connected before QtHttpServer's own readyRead slot: sees each byte before it is read.
    void beforeServerRead();
    /// Connected after it: remembers what QtHttpServer left unread.
    void afterServerRead();

    /// A request that QtHttpServer completed gets the next number; answers go out in that order.
    quint64 beginRequest();
    void deliver(quint64 number, const QByteArray& bytes, bool close);
    /// True when the guard already answered (413 etc.): QtHttpServer's copy must be ignored.
    bool rejected() const { return m_state == State::Draining || m_state == State::Closed; }

    static QByteArray serialize(const HttpResponse& response, bool close);

private:
    enum class State { Headers, Body, Draining, Passthrough, Closed };
    void feed(const QByteArray& bytes);
    bool parseHeaders(const QByteArray& head);
    void reject(int status, const QString& code, const QString& message, qint64 drainBytes);
    void armIdleTimer();
    void onTimeout();
    void flushAnswers();

    QTcpSocket* m_socket;
    const Router& m_router;
    Timeouts m_timeouts;
    State m_state = State::Headers;
    QByteArray m_head;
    qint64 m_bodyRemaining = 0;
    qint64 m_drainRemaining = 0;
    qint64 m_leftover = 0;
    bool m_inRequest = false;
    QTimer m_timer;
    quint64 m_nextNumber = 0;
    quint64 m_nextToWrite = 0;
    std::map<quint64, std::pair<QByteArray, bool>> m_ready;
};

} // namespace mr::orch
