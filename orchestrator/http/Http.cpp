#include "orchestrator/http/Http.h"

#include "protocol/Error.h"

#include <QUrl>
#include <QUuid>

namespace mr::orch {

QString HttpRequest::bearerToken() const {
    const QByteArray value = header("authorization").trimmed();
    if (value.size() > 7 && value.left(7).compare("bearer ", Qt::CaseInsensitive) == 0)
        return QString::fromLatin1(value.mid(7).trimmed());
    return {};
}

QHash<QString, QString> HttpRequest::formFields() const {
    QHash<QString, QString> fields;
    const QList<QByteArray> pairs = body.split('&');
    for (const QByteArray& pair : pairs) {
        if (pair.isEmpty())
            continue;
        const qsizetype eq = pair.indexOf('=');
        QByteArray key = eq < 0 ? pair : pair.left(eq);
        QByteArray value = eq < 0 ? QByteArray() : pair.mid(eq + 1);
        key.replace('+', ' ');
        value.replace('+', ' ');
        fields.insert(QUrl::fromPercentEncoding(key), QUrl::fromPercentEncoding(value));
    }
    return fields;
}

HttpResponse HttpResponse::json(int status, const QJsonObject& object) {
    HttpResponse r;
    r.status = status;
    r.body = QJsonDocument(object).toJson(QJsonDocument::Compact);
    return r;
}

HttpResponse HttpResponse::json(int status, const QJsonArray& array) {
    HttpResponse r;
    r.status = status;
    r.body = QJsonDocument(array).toJson(QJsonDocument::Compact);
    return r;
}

HttpResponse HttpResponse::noContent() {
    HttpResponse r;
    r.status = 204;
    r.contentType.clear();
    return r;
}

HttpResponse HttpResponse::html(int status, const QByteArray& page) {
    HttpResponse r;
    r.status = status;
    r.contentType = "text/html; charset=utf-8";
    r.body = page;
    r.headers.append(qMakePair(QByteArray("Cache-Control"), QByteArray("no-store")));
    r.headers.append(qMakePair(QByteArray("X-Frame-Options"), QByteArray("DENY")));
    r.headers.append(qMakePair(QByteArray("Content-Security-Policy"),
                               QByteArray("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")));
    return r;
}

HttpResponse HttpResponse::text(int status, const QByteArray& text, const QByteArray& contentType) {
    HttpResponse r;
    r.status = status;
    r.contentType = contentType;
    r.body = text;
    return r;
}

HttpResponse HttpResponse::redirect(const QString& location) {
    HttpResponse r;
    r.status = 302;
    r.contentType.clear();
    r.headers.append({"Location", location.toUtf8()});
    r.headers.append(qMakePair(QByteArray("Cache-Control"), QByteArray("no-store")));
    return r;
}

HttpResponse HttpResponse::error(const QString& code, const QString& message, const QJsonObject& details) {
    const protocol::ErrorBody body{code, message, details};
    return json(protocol::httpStatusFor(code), body.toJson());
}

HttpResponse& HttpResponse::withHeader(const QByteArray& name, const QByteArray& value) {
    headers.append({name, value});
    return *this;
}

HttpResponse ApiError::toResponse() const {
    HttpResponse r = HttpResponse::error(m_code, m_message, m_details);
    r.headers.append(headers);
    return r;
}

ApiError ApiError::badRequest(const QString& field, const QString& message) {
    QJsonObject details;
    if (!field.isEmpty())
        details.insert(QStringLiteral("field"), field);
    return ApiError(QStringLiteral("BadRequest"), message, details);
}

ApiError ApiError::notFound(const QString& what) {
    return ApiError(QStringLiteral("NotFound"), QStringLiteral("%1 was not found.").arg(what));
}

ApiError ApiError::forbidden(const QString& needs, const QString& message) {
    return ApiError(QStringLiteral("Forbidden"), message, QJsonObject{{QStringLiteral("needs"), needs}});
}

ApiError ApiError::unauthenticated(const QString& message) {
    return ApiError(QStringLiteral("Unauthenticated"),
                    message.isEmpty() ? QStringLiteral("Sign in first: the token is missing, wrong or expired.")
                                      : message);
}

std::optional<QString> HttpRequest::nulField() const {
    for (auto it = params.cbegin(); it != params.cend(); ++it)
        if (it.value().contains(QChar(u'\0')))
            return it.key();
    for (const auto& [name, value] : query.queryItems(QUrl::FullyDecoded))
        if (name.contains(QChar(u'\0')) || value.contains(QChar(u'\0')))
            return name;
    if (body.contains('\0'))
        return QStringLiteral("body");
    // A JSON escape \u0000: an odd number of backslashes before "u0000".
    for (qsizetype i = body.indexOf("u0000"); i >= 0; i = body.indexOf("u0000", i + 1)) {
        qsizetype slashes = 0;
        for (qsizetype j = i - 1; j >= 0 && body.at(j) == '\\'; --j)
            ++slashes;
        if (slashes % 2 == 1)
            return QStringLiteral("body");
    }
    if (header("content-type").startsWith("application/x-www-form-urlencoded") && body.contains("%00"))
        return QStringLiteral("body");
    return std::nullopt;
}

QJsonObject requireJsonObject(const HttpRequest& request) {
    if (request.body.trimmed().isEmpty())
        throw ApiError::badRequest(QString(), QStringLiteral("The request needs a JSON object as its body."));
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(request.body, &error);
    if (error.error != QJsonParseError::NoError)
        throw ApiError::badRequest(
            QString(),
            QStringLiteral("The body is not valid JSON: %1 at offset %2.").arg(error.errorString()).arg(error.offset));
    if (!doc.isObject())
        throw ApiError::badRequest(QString(), QStringLiteral("The body must be a JSON object."));
    return doc.object();
}

QString requireString(const QJsonObject& o, const QString& field, int maxLength) {
    const QJsonValue v = o.value(field);
    if (v.isUndefined() || v.isNull())
        throw ApiError::badRequest(field, QStringLiteral("The field '%1' is required.").arg(field));
    if (!v.isString())
        throw ApiError::badRequest(field, QStringLiteral("The field '%1' must be a string.").arg(field));
    const QString s = v.toString();
    if (s.trimmed().isEmpty())
        throw ApiError::badRequest(field, QStringLiteral("The field '%1' may not be empty.").arg(field));
    if (s.size() > maxLength)
        throw ApiError::badRequest(
            field, QStringLiteral("The field '%1' is longer than %2 characters.").arg(field).arg(maxLength));
    return s;
}

QString optionalString(const QJsonObject& o, const QString& field, const QString& fallback, int maxLength) {
    const QJsonValue v = o.value(field);
    if (v.isUndefined() || v.isNull())
        return fallback;
    if (!v.isString())
        throw ApiError::badRequest(field, QStringLiteral("The field '%1' must be a string.").arg(field));
    if (v.toString().size() > maxLength)
        throw ApiError::badRequest(
            field, QStringLiteral("The field '%1' is longer than %2 characters.").arg(field).arg(maxLength));
    return v.toString();
}

bool optionalBool(const QJsonObject& o, const QString& field, bool fallback) {
    const QJsonValue v = o.value(field);
    if (v.isUndefined() || v.isNull())
        return fallback;
    if (!v.isBool())
        throw ApiError::badRequest(field, QStringLiteral("The field '%1' must be true or false.").arg(field));
    return v.toBool();
}

int optionalInt(const QJsonObject& o, const QString& field, int fallback, int min, int max) {
    const QJsonValue v = o.value(field);
    if (v.isUndefined() || v.isNull())
        return fallback;
    const double d = v.toDouble(-1e300);
    if (!v.isDouble() || d != double(qint64(d)) || d < min || d > max)
        throw ApiError::badRequest(
            field, QStringLiteral("The field '%1' must be a whole number from %2 to %3.").arg(field).arg(min).arg(max));
    return int(d);
}

QString newId() {
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

QByteArray reasonPhrase(int status) {
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 302:
        return "Found";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 411:
        return "Length Required";
    case 413:
        return "Payload Too Large";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    default:
        return "Status";
    }
}

} // namespace mr::orch
