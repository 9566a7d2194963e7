#include "agent/RestClient.h"

#include <QHostAddress>
#include <QJsonDocument>
#include <QNetworkProxyFactory>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace mr::agent {

QJsonObject RestReply::object() const {
    return QJsonDocument::fromJson(body).object();
}

QString RestReply::errorCode() const {
    return object().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString();
}

QString RestReply::errorMessage() const {
    return object().value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString();
}

QString RestReply::describe() const {
    if (!reached())
        return networkError;
    const QString message = errorMessage();
    if (!message.isEmpty())
        return message;
    // OAuth errors (RFC 6749) carry error_description instead.
    const QString oauth = object().value(QStringLiteral("error_description")).toString();
    return oauth.isEmpty() ? QStringLiteral("HTTP %1").arg(status) : oauth;
}

RestClient::RestClient(const QUrl& server, QObject* parent)
    : QObject(parent)
    , m_server(server.adjusted(QUrl::StripTrailingSlash)) {
    QNetworkProxyFactory::setUseSystemConfiguration(true);
    m_nam.setRedirectPolicy(QNetworkRequest::NoLessSafeRedirectPolicy);
}

bool RestClient::isAllowedServer(const QUrl& url, QString* error) {
    if (!url.isValid() || url.host().isEmpty()) {
        *error = tr("'%1' is not a server address (e.g. https://orchestrator.example.com).").arg(url.toString());
        return false;
    }
    const QString scheme = url.scheme().toLower();
    if (scheme == QLatin1String("https"))
        return true;
    if (scheme == QLatin1String("http")) {
        const QString host = url.host().toLower();
        const QHostAddress address(host);
        if (host == QLatin1String("localhost") || (!address.isNull() && address.isLoopback()))
            return true;
        *error = tr("Plain http:// is accepted only for this computer (127.0.0.1, ::1, localhost); use https://%1")
                     .arg(url.authority());
        return false;
    }
    *error = tr("'%1' must start with https://.").arg(url.toString());
    return false;
}

QString RestClient::tokenEndpoint() const {
    return m_server.toString() + QStringLiteral("/oauth/token");
}

void RestClient::get(const QString& path, const QString& bearer, Callback done) {
    send("GET", path, {}, {}, bearer, std::move(done));
}

void RestClient::postJson(const QString& path, const QJsonObject& body, const QString& bearer, Callback done) {
    send("POST", path, QJsonDocument(body).toJson(QJsonDocument::Compact), "application/json", bearer, std::move(done));
}

void RestClient::postForm(const QString& path, const QUrlQuery& form, Callback done) {
    send("POST", path, form.toString(QUrl::FullyEncoded).toLatin1(), "application/x-www-form-urlencoded", {},
         std::move(done));
}

void RestClient::send(const QByteArray& method, const QString& path, const QByteArray& body,
                      const QByteArray& contentType, const QString& bearer, Callback done) {
    QUrl url = m_server;
    url.setPath(m_server.path() + path);
    QNetworkRequest request(url);
    request.setTransferTimeout(kTimeoutMs);
    request.setHeader(QNetworkRequest::UserAgentHeader, QStringLiteral("machine-runtime-agent/" MR_VERSION));
    if (!contentType.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
    if (!bearer.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + bearer.toLatin1());
    QNetworkReply* reply = m_nam.sendCustomRequest(request, method, body);
    connect(reply, &QNetworkReply::finished, this, [reply, done = std::move(done)] {
        reply->deleteLater();
        RestReply answer;
        answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        answer.body = reply->read(16 * 1024 * 1024);
        if (!answer.reached())
            answer.networkError = reply->errorString();
        done(answer);
    });
}

} // namespace mr::agent
