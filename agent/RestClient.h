#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QObject>
#include <QUrl>
#include <QUrlQuery>

#include <functional>

namespace mr::agent {

/// One HTTP answer of the orchestrator. `status` is 0 when the server could not be reached at
/// all (then `networkError` says why).
struct RestReply {
    int status = 0;
    QByteArray body;
    QString networkError;

    bool reached() const { return status > 0; }
    QJsonObject object() const;
    /// `error.code` / `error.message` of an API error body.
    QString errorCode() const;
    QString errorMessage() const;
    /// The message of an error reply in one line: the server's message, or the HTTP status.
    QString describe() const;
};

/// A small asynchronous client of the orchestrator's REST API and token endpoint. Refuses any
/// server that is neither https:// nor loopback http:// (TLS verification stays Qt's default).
/// Uses the system's proxy configuration. Never logs a token or a body.
class RestClient final : public QObject {
    Q_OBJECT
public:
    using Callback = std::function<void(const RestReply&)>;

    explicit RestClient(const QUrl& server, QObject* parent = nullptr);

    /// True when @p url is https://, or http:// to 127.0.0.0/8, ::1 or localhost.
    static bool isAllowedServer(const QUrl& url, QString* error);
    /// The base URL without a trailing slash.
    QUrl server() const { return m_server; }
    /// The token endpoint, exactly as the orchestrator expects it in an assertion's `aud`.
    QString tokenEndpoint() const;

    void get(const QString& path, const QString& bearer, Callback done);
    void postJson(const QString& path, const QJsonObject& body, const QString& bearer, Callback done);
    void postForm(const QString& path, const QUrlQuery& form, Callback done);

    static constexpr int kTimeoutMs = 30'000;

private:
    void send(const QByteArray& method, const QString& path, const QByteArray& body, const QByteArray& contentType,
              const QString& bearer, Callback done);

    QUrl m_server;
    QNetworkAccessManager m_nam;
};

} // namespace mr::agent
