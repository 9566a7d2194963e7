#include "protocol/Json.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QRegularExpression>

#include <cmath>
#include <limits>

namespace mr::protocol {

namespace {

// Integers travel as JSON doubles; beyond 2^53 they are no longer exact.
constexpr double kMaxExactInteger = 9007199254740992.0;

std::optional<qint64> integralValue(const QJsonValue& value, double min, double max) {
    if (!value.isDouble()) {
        return std::nullopt;
    }
    const double d = value.toDouble();
    if (!std::isfinite(d) || std::trunc(d) != d || d < min || d > max) {
        return std::nullopt;
    }
    return static_cast<qint64>(d);
}

} // namespace

QString toIsoUtc(const QDateTime& time) {
    if (!time.isValid()) {
        return {};
    }
    return time.toUTC().toString(Qt::ISODateWithMs);
}

std::optional<QDateTime> fromIsoUtc(const QString& text) {
    // Qt's ISO parser is lenient (date only, no zone = local time); the contract is not.
    static const QRegularExpression pattern(QRegularExpression::anchoredPattern(
        QStringLiteral("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})")));
    if (!pattern.match(text).hasMatch()) {
        return std::nullopt;
    }
    const QDateTime parsed = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!parsed.isValid()) {
        return std::nullopt;
    }
    return parsed.toUTC();
}

QString DecodeError::message() const {
    if (field.isEmpty()) {
        return reason;
    }
    return QStringLiteral("field '") + field + QStringLiteral("': ") + reason;
}

DecodeError DecodeError::under(const QString& prefix) const {
    if (prefix.isEmpty()) {
        return *this;
    }
    if (field.isEmpty()) {
        return {prefix, reason};
    }
    if (field.startsWith(QLatin1Char('['))) {
        return {prefix + field, reason};
    }
    return {prefix + QLatin1Char('.') + field, reason};
}

Decoded<QJsonObject> parseObject(const QByteArray& bytes, qsizetype maxBytes) {
    if (bytes.size() > maxBytes) {
        return DecodeError{QString(), DecodeError::kTooLarge};
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        return DecodeError{QString(), QStringLiteral("malformed JSON: ") + parseError.errorString() +
                                          QStringLiteral(" at offset ") + QString::number(parseError.offset)};
    }
    if (!document.isObject()) {
        return DecodeError{QString(), QStringLiteral("expected a JSON object")};
    }
    return document.object();
}

QString jsonTypeName(const QJsonValue& value) {
    switch (value.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return QStringLiteral("boolean");
    case QJsonValue::Double:
        return QStringLiteral("number");
    case QJsonValue::String:
        return QStringLiteral("string");
    case QJsonValue::Array:
        return QStringLiteral("array");
    case QJsonValue::Object:
        return QStringLiteral("object");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("nothing");
}

JsonReader::JsonReader(const QJsonObject& object, QString path)
    : m_object(object)
    , m_path(std::move(path)) {}

void JsonReader::fail(QStringView key, const QString& reason) {
    record({pathOf(key), reason});
}

void JsonReader::record(DecodeError error) {
    if (!m_error) {
        m_error = std::move(error);
    }
}

QString JsonReader::pathOf(QStringView key) const {
    if (m_path.isEmpty()) {
        return key.toString();
    }
    return m_path + QLatin1Char('.') + key;
}

QString JsonReader::expected(const QString& what, const QJsonValue& got) {
    return QStringLiteral("expected ") + what + QStringLiteral(", got ") + jsonTypeName(got);
}

std::optional<QJsonValue> JsonReader::required(QStringView key, const QString& what) {
    if (!ok()) {
        return std::nullopt;
    }
    if (!m_object.contains(key)) {
        fail(key, DecodeError::kMissing);
        return std::nullopt;
    }
    const QJsonValue v = m_object.value(key);
    if (v.isNull()) {
        fail(key, expected(what, v));
        return std::nullopt;
    }
    return v;
}

QJsonValue JsonReader::value(QStringView key) const {
    const QJsonValue v = m_object.value(key);
    return v.isUndefined() ? QJsonValue(QJsonValue::Null) : v;
}

QString JsonReader::string(QStringView key) {
    const QString what = QStringLiteral("a string");
    const std::optional<QJsonValue> v = required(key, what);
    if (!v) {
        return {};
    }
    if (!v->isString()) {
        fail(key, expected(what, *v));
        return {};
    }
    return v->toString();
}

QString JsonReader::string(QStringView key, const QString& fallback) {
    const std::optional<QString> s = nullableString(key);
    return s ? *s : fallback;
}

std::optional<QString> JsonReader::nullableString(QStringView key) {
    const QJsonValue v = value(key);
    if (!ok() || v.isNull()) {
        return std::nullopt;
    }
    if (!v.isString()) {
        fail(key, expected(QStringLiteral("a string or null"), v));
        return std::nullopt;
    }
    return v.toString();
}

bool JsonReader::boolean(QStringView key) {
    const QString what = QStringLiteral("a boolean");
    const std::optional<QJsonValue> v = required(key, what);
    if (!v) {
        return false;
    }
    if (!v->isBool()) {
        fail(key, expected(what, *v));
        return false;
    }
    return v->toBool();
}

bool JsonReader::boolean(QStringView key, bool fallback) {
    const QJsonValue v = value(key);
    if (!ok() || v.isNull()) {
        return fallback;
    }
    if (!v.isBool()) {
        fail(key, expected(QStringLiteral("a boolean"), v));
        return fallback;
    }
    return v.toBool();
}

int JsonReader::integer(QStringView key) {
    const QString what = QStringLiteral("an integer");
    const std::optional<QJsonValue> v = required(key, what);
    if (!v) {
        return 0;
    }
    const std::optional<qint64> i = integralValue(*v, std::numeric_limits<int>::min(), std::numeric_limits<int>::max());
    if (!i) {
        fail(key, expected(what, *v));
        return 0;
    }
    return static_cast<int>(*i);
}

int JsonReader::integer(QStringView key, int fallback) {
    const std::optional<int> i = nullableInteger(key);
    return i ? *i : fallback;
}

std::optional<int> JsonReader::nullableInteger(QStringView key) {
    const QJsonValue v = value(key);
    if (!ok() || v.isNull()) {
        return std::nullopt;
    }
    const std::optional<qint64> i = integralValue(v, std::numeric_limits<int>::min(), std::numeric_limits<int>::max());
    if (!i) {
        fail(key, expected(QStringLiteral("an integer or null"), v));
        return std::nullopt;
    }
    return static_cast<int>(*i);
}

qint64 JsonReader::integer64(QStringView key) {
    const QString what = QStringLiteral("an integer");
    const std::optional<QJsonValue> v = required(key, what);
    if (!v) {
        return 0;
    }
    const std::optional<qint64> i = integralValue(*v, -kMaxExactInteger, kMaxExactInteger);
    if (!i) {
        fail(key, expected(what, *v));
        return 0;
    }
    return *i;
}

QJsonArray JsonReader::array(QStringView key) {
    const QString what = QStringLiteral("an array");
    const std::optional<QJsonValue> v = required(key, what);
    if (!v) {
        return {};
    }
    if (!v->isArray()) {
        fail(key, expected(what, *v));
        return {};
    }
    return v->toArray();
}

QJsonObject JsonReader::object(QStringView key) {
    const QString what = QStringLiteral("an object");
    const std::optional<QJsonValue> v = required(key, what);
    if (!v) {
        return {};
    }
    if (!v->isObject()) {
        fail(key, expected(what, *v));
        return {};
    }
    return v->toObject();
}

QJsonObject JsonReader::object(QStringView key, const QJsonObject& fallback) {
    const std::optional<QJsonObject> o = nullableObject(key);
    return o ? *o : fallback;
}

std::optional<QJsonObject> JsonReader::nullableObject(QStringView key) {
    const QJsonValue v = value(key);
    if (!ok() || v.isNull()) {
        return std::nullopt;
    }
    if (!v.isObject()) {
        fail(key, expected(QStringLiteral("an object or null"), v));
        return std::nullopt;
    }
    return v.toObject();
}

QStringList JsonReader::stringList(QStringView key) {
    const QJsonArray items = array(key);
    QStringList result;
    if (!ok()) {
        return result;
    }
    result.reserve(items.size());
    for (qsizetype i = 0; i < items.size(); ++i) {
        if (!items.at(i).isString()) {
            record({pathOf(key) + QLatin1Char('[') + QString::number(i) + QLatin1Char(']'),
                    expected(QStringLiteral("a string"), items.at(i))});
            return {};
        }
        result.append(items.at(i).toString());
    }
    return result;
}

QDateTime JsonReader::dateTime(QStringView key) {
    const QString text = string(key);
    if (!ok()) {
        return {};
    }
    const std::optional<QDateTime> time = fromIsoUtc(text);
    if (!time) {
        fail(key, QStringLiteral("expected an ISO 8601 UTC time"));
        return {};
    }
    return *time;
}

std::optional<QDateTime> JsonReader::nullableDateTime(QStringView key) {
    const std::optional<QString> text = nullableString(key);
    if (!text) {
        return std::nullopt;
    }
    const std::optional<QDateTime> time = fromIsoUtc(*text);
    if (!time) {
        fail(key, QStringLiteral("expected an ISO 8601 UTC time or null"));
    }
    return time;
}

QJsonValue jsonOrNull(const std::optional<QString>& value) {
    return value ? QJsonValue(*value) : QJsonValue(QJsonValue::Null);
}

QJsonValue jsonOrNull(const std::optional<int>& value) {
    return value ? QJsonValue(*value) : QJsonValue(QJsonValue::Null);
}

QJsonValue jsonOrNull(const std::optional<QDateTime>& value) {
    return value ? jsonTime(*value) : QJsonValue(QJsonValue::Null);
}

QJsonValue jsonOrNull(const std::optional<QJsonObject>& value) {
    return value ? QJsonValue(*value) : QJsonValue(QJsonValue::Null);
}

QJsonValue jsonTime(const QDateTime& time) {
    return time.isValid() ? QJsonValue(toIsoUtc(time)) : QJsonValue(QJsonValue::Null);
}

} // namespace mr::protocol
