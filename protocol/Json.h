#pragma once

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QLatin1String>
#include <QList>
#include <QString>
#include <QStringList>

#include <array>
#include <optional>
#include <utility>
#include <variant>

namespace mr::protocol {

/// Formats a time as the contract wants it: UTC, always with milliseconds and a trailing `Z`
/// ("2026-11-21T22:34:13.123Z"). An invalid time gives an empty string.
QString toIsoUtc(const QDateTime& time);

/// Parses an ISO 8601 time with a zone designator (`Z` or `±hh:mm`) into a UTC QDateTime.
/// A time without a zone, a date alone or anything malformed gives std::nullopt.
std::optional<QDateTime> fromIsoUtc(const QString& text);

/// Why a piece of JSON could not be decoded: the path of the offending field ("name",
/// "target.machineId", "inputs[2].type"; empty for the document as a whole) and what was wrong.
struct DecodeError {
    /// The reason given for input refused before parsing because it is larger than allowed.
    static constexpr QLatin1String kTooLarge{"too large"};
    /// The reason given for a required field that is absent.
    static constexpr QLatin1String kMissing{"missing"};

    QString field;
    QString reason;

    /// "field 'name': expected a string, got number", or the reason alone for the document.
    QString message() const;
    /// True when the input was refused for its size (HTTP 413 rather than 400).
    bool tooLarge() const { return field.isEmpty() && reason == kTooLarge; }
    /// The same error seen from an enclosing object: prefix "inputs[2]" turns field "type"
    /// into "inputs[2].type".
    DecodeError under(const QString& prefix) const;

    bool operator==(const DecodeError&) const = default;
};

/// The outcome of a decode: either a value or the DecodeError that prevented it.
template <class T>
class Decoded final {
public:
    Decoded(T value)
        : m_state(std::in_place_index<0>, std::move(value)) {}
    Decoded(DecodeError error)
        : m_state(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return m_state.index() == 0; }
    explicit operator bool() const { return ok(); }
    /// The value; only call when ok().
    const T& value() const {
        Q_ASSERT(ok());
        return std::get<0>(m_state);
    }
    /// Moves the value out; only call when ok().
    T take() {
        Q_ASSERT(ok());
        return std::move(std::get<0>(m_state));
    }
    /// The error; only call when !ok().
    const DecodeError& error() const {
        Q_ASSERT(!ok());
        return std::get<1>(m_state);
    }

private:
    std::variant<T, DecodeError> m_state;
};

/// Parses @p bytes as one JSON object. Input larger than @p maxBytes is refused before any
/// parsing (reason DecodeError::kTooLarge), malformed JSON is reported with Qt's message and the
/// offset, and anything but an object is refused.
Decoded<QJsonObject> parseObject(const QByteArray& bytes, qsizetype maxBytes);

/// The wire names of an enum: specialise with a `static constexpr std::array<std::pair<E, const
/// char*>, N> names` listing every enumerator once.
template <class E>
struct EnumNames;

/// The wire name of an enumerator.
template <class E>
QString enumName(E value) {
    for (const auto& [e, name] : EnumNames<E>::names) {
        if (e == value) {
            return QLatin1String(name);
        }
    }
    return {};
}

/// The enumerator with this wire name (exact, case-sensitive), if any.
template <class E>
std::optional<E> parseEnum(QStringView text) {
    for (const auto& [e, name] : EnumNames<E>::names) {
        if (text == QLatin1String(name)) {
            return e;
        }
    }
    return std::nullopt;
}

/// "'a', 'b', 'c'": the wire names of an enum, for error messages.
template <class E>
QString enumNameList() {
    QStringList quoted;
    for (const auto& entry : EnumNames<E>::names) {
        quoted.append(QLatin1Char('\'') + QLatin1String(entry.second) + QLatin1Char('\''));
    }
    return quoted.join(QLatin1String(", "));
}

/// "string", "number", "null", ...: the JSON type of a value, for error messages.
QString jsonTypeName(const QJsonValue& value);

/// Reads the fields of one JSON object for a fromJson(). Every read checks presence and type;
/// the first problem is remembered (with the field's full path) and later reads return empty
/// values, so a decoder reads everything and checks ok() once at the end.
///
/// Required readers fail on a missing field or on null; the `fallback` overloads accept a
/// missing field or null and give the fallback; the `nullable` readers give std::nullopt for
/// a missing field or null.
class JsonReader final {
public:
    /// @p path is the location of @p object in the enclosing document ("target", "inputs[2]").
    explicit JsonReader(const QJsonObject& object, QString path = {});

    bool ok() const { return !m_error.has_value(); }
    const DecodeError& error() const { return *m_error; }
    /// Records a problem with @p key unless one is already recorded.
    void fail(QStringView key, const QString& reason);
    /// The full path of @p key: "name", "target.machineId".
    QString pathOf(QStringView key) const;

    QString string(QStringView key);
    QString string(QStringView key, const QString& fallback);
    std::optional<QString> nullableString(QStringView key);

    bool boolean(QStringView key);
    bool boolean(QStringView key, bool fallback);

    /// Integral JSON numbers only (3, not 3.5), within the range of the type.
    int integer(QStringView key);
    int integer(QStringView key, int fallback);
    std::optional<int> nullableInteger(QStringView key);
    qint64 integer64(QStringView key);

    QJsonArray array(QStringView key);
    QJsonObject object(QStringView key);
    /// Accepts a missing field or null as an empty object.
    QJsonObject object(QStringView key, const QJsonObject& fallback);
    std::optional<QJsonObject> nullableObject(QStringView key);
    /// Any JSON value; a missing field reads as null.
    QJsonValue value(QStringView key) const;
    /// An array of strings.
    QStringList stringList(QStringView key);

    /// A time as toIsoUtc() writes it.
    QDateTime dateTime(QStringView key);
    std::optional<QDateTime> nullableDateTime(QStringView key);

    /// A string that must be one of the wire names of E.
    template <class E>
    E enumeration(QStringView key) {
        const QString text = string(key);
        if (!ok()) {
            return E{};
        }
        if (const std::optional<E> e = parseEnum<E>(text)) {
            return *e;
        }
        fail(key, QStringLiteral("expected one of ") + enumNameList<E>());
        return E{};
    }

    /// A nested object decoded with T::fromJson; its errors carry this field's path.
    template <class T>
    T nested(QStringView key) {
        const QJsonObject child = object(key);
        if (!ok()) {
            return T{};
        }
        Decoded<T> decoded = T::fromJson(child);
        if (!decoded.ok()) {
            record(decoded.error().under(pathOf(key)));
            return T{};
        }
        return decoded.take();
    }

    /// An array of objects, each decoded with T::fromJson; errors read "key[i].field".
    template <class T>
    QList<T> list(QStringView key) {
        const QJsonArray items = array(key);
        QList<T> result;
        if (!ok()) {
            return result;
        }
        result.reserve(items.size());
        for (qsizetype i = 0; i < items.size(); ++i) {
            const QString itemPath = pathOf(key) + QLatin1Char('[') + QString::number(i) + QLatin1Char(']');
            if (!items.at(i).isObject()) {
                record({itemPath, expected(QStringLiteral("an object"), items.at(i))});
                return {};
            }
            Decoded<T> decoded = T::fromJson(items.at(i).toObject());
            if (!decoded.ok()) {
                record(decoded.error().under(itemPath));
                return {};
            }
            result.append(decoded.take());
        }
        return result;
    }

    /// "expected a string, got number".
    static QString expected(const QString& what, const QJsonValue& got);

private:
    /// The value of a present, non-null field, or nothing after recording "missing"/"... got null".
    std::optional<QJsonValue> required(QStringView key, const QString& what);
    void record(DecodeError error);

    QJsonObject m_object; // a shared copy, so a reader over a temporary is safe
    QString m_path;
    std::optional<DecodeError> m_error;
};

/// JSON for an optional value: the value, or null.
QJsonValue jsonOrNull(const std::optional<QString>& value);
QJsonValue jsonOrNull(const std::optional<int>& value);
QJsonValue jsonOrNull(const std::optional<QDateTime>& value);
QJsonValue jsonOrNull(const std::optional<QJsonObject>& value);
/// A time as toIsoUtc() writes it, or null for an invalid time.
QJsonValue jsonTime(const QDateTime& time);

/// A JSON array of the elements' toJson().
template <class T>
QJsonArray toJsonArray(const QList<T>& items) {
    QJsonArray array;
    for (const T& item : items) {
        array.append(item.toJson());
    }
    return array;
}

} // namespace mr::protocol
