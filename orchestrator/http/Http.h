#pragma once

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrlQuery>

#include <exception>
#include <optional>

namespace mr::orch {

/// One HTTP request as the handlers see it: already read whole, within its size bound.
struct HttpRequest {
    QByteArray method;                     ///< upper case
    QString path;                          ///< decoded path without the query
    QUrlQuery query;                       ///< fully decoded with queryItemValue(…, QUrl::FullyDecoded)
    QHash<QByteArray, QByteArray> headers; ///< lower-case names
    QByteArray body;
    QHostAddress peer;
    QHash<QString, QString> params; ///< `{name}` captures of the route's pattern

    QByteArray header(const QByteArray& lowerName) const { return headers.value(lowerName); }
    QString param(const QString& name) const { return params.value(name); }
    QString queryValue(const QString& name) const { return query.queryItemValue(name, QUrl::FullyDecoded); }
    /// The token of `Authorization: Bearer …`, or empty.
    QString bearerToken() const;
    /// The body as an HTML form (application/x-www-form-urlencoded), decoded.
    QHash<QString, QString> formFields() const;
    /// Where the request carries a NUL character (a path capture, a query value, a JSON
    /// `\u0000`, a form's `%00`): its name, "body", or std::nullopt. No text the API keeps may
    /// hold one (PostgreSQL cannot store it), so such requests are refused up front.
    std::optional<QString> nulField() const;
};

/// One answer. Built on a worker thread, written on the HTTP thread.
struct HttpResponse {
    int status = 200;
    QByteArray contentType = "application/json";
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;

    static HttpResponse json(int status, const QJsonObject& object);
    static HttpResponse json(int status, const QJsonArray& array);
    static HttpResponse noContent();
    static HttpResponse html(int status, const QByteArray& page);
    static HttpResponse text(int status, const QByteArray& text, const QByteArray& contentType = "text/plain");
    static HttpResponse redirect(const QString& location);
    /// The API.md error body; the status comes from the code.
    static HttpResponse error(const QString& code, const QString& message, const QJsonObject& details = {});
    HttpResponse& withHeader(const QByteArray& name, const QByteArray& value);
};

/// Thrown by handlers for an answer that is an API error; the dispatcher turns it into the
/// error body. Handlers read top to bottom this way instead of threading results through
/// every database helper. Never used across the HTTP thread boundary.
class ApiError : public std::exception {
public:
    ApiError(QString code, QString message, QJsonObject details = {})
        : m_code(std::move(code))
        , m_message(std::move(message))
        , m_details(std::move(details)) {}
    const char* what() const noexcept override { return "api error"; }

    const QString& code() const { return m_code; }
    const QString& message() const { return m_message; }
    const QJsonObject& details() const { return m_details; }
    /// Extra headers for the answer, e.g. Retry-After.
    QList<QPair<QByteArray, QByteArray>> headers;

    HttpResponse toResponse() const;

    static ApiError badRequest(const QString& field, const QString& message);
    static ApiError notFound(const QString& what);
    static ApiError forbidden(const QString& needs, const QString& message);
    static ApiError unauthenticated(const QString& message = {});

private:
    QString m_code;
    QString m_message;
    QJsonObject m_details;
};

/// Parses the body as a JSON object, or throws ApiError BadRequest naming what is wrong.
QJsonObject requireJsonObject(const HttpRequest& request);
/// Field readers that throw BadRequest with details.field.
QString requireString(const QJsonObject& o, const QString& field, int maxLength = 1024);
QString optionalString(const QJsonObject& o, const QString& field, const QString& fallback = {}, int maxLength = 4096);
bool optionalBool(const QJsonObject& o, const QString& field, bool fallback);
int optionalInt(const QJsonObject& o, const QString& field, int fallback, int min, int max);

QString newId(); ///< a UUID without braces
QByteArray reasonPhrase(int status);

} // namespace mr::orch
