#pragma once

// Helpers shared by the protocol tests: edit a JSON document at a path ("target.machineId",
// "sessions[0].state") and generate data rows of wrong-typed values per kind of field.

#include "protocol/Json.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QRegularExpression>
#include <QStringList>
#include <QTest>

#include <optional>
#include <set>

namespace mr::protocol::test {

/// The kind of a field, which decides which values are of the wrong type for it.
enum class Kind {
    String,
    NullableString,
    Bool,
    OptionalBool, ///< null or absent means the default
    Int,
    NullableInt,
    Enum,
    Time,
    NullableTime,
    Array,
    StringArray,
    OptionalStringArray, ///< null or absent means empty
    Object,
    NullableObject,
};

struct FieldSpec {
    QString path;
    Kind kind;
};

inline bool isNullable(Kind kind) {
    return kind == Kind::NullableString || kind == Kind::NullableInt || kind == Kind::NullableTime ||
           kind == Kind::NullableObject;
}

namespace detail {

inline QStringList segments(const QString& path) {
    // "sessions[0].state" -> "sessions", "[0]", "state"
    QStringList result;
    static const QRegularExpression token(QStringLiteral("([^.\\[]+)|(\\[\\d+\\])"));
    auto it = token.globalMatch(path);
    while (it.hasNext()) {
        result.append(it.next().captured(0));
    }
    return result;
}

inline QJsonValue edit(const QJsonValue& node, QStringList path, const std::optional<QJsonValue>& replacement) {
    const QString head = path.takeFirst();
    if (head.startsWith(QLatin1Char('['))) {
        QJsonArray array = node.toArray();
        const int index = head.mid(1, head.size() - 2).toInt();
        if (path.isEmpty()) {
            if (replacement) {
                array[index] = *replacement;
            } else {
                array.removeAt(index);
            }
        } else {
            array[index] = edit(array.at(index), path, replacement);
        }
        return array;
    }
    QJsonObject object = node.toObject();
    if (path.isEmpty()) {
        if (replacement) {
            object.insert(head, *replacement);
        } else {
            object.remove(head);
        }
    } else {
        object.insert(head, edit(object.value(head), path, replacement));
    }
    return object;
}

} // namespace detail

/// @p json with the value at @p path replaced (or added).
inline QJsonObject withField(const QJsonObject& json, const QString& path, const QJsonValue& value) {
    return detail::edit(json, detail::segments(path), value).toObject();
}

/// @p json without the value at @p path.
inline QJsonObject withoutField(const QJsonObject& json, const QString& path) {
    return detail::edit(json, detail::segments(path), std::nullopt).toObject();
}

/// Values that a field of @p kind must refuse.
inline QList<QPair<QString, QJsonValue>> wrongValues(Kind kind) {
    const QJsonValue null(QJsonValue::Null);
    const QJsonValue text(QStringLiteral("x"));
    const QJsonValue number(42);
    const QJsonValue fraction(1.5);
    const QJsonValue boolean(true);
    const QJsonValue array(QJsonArray{1});
    const QJsonValue object(QJsonObject{{QStringLiteral("a"), 1}});
    switch (kind) {
    case Kind::String:
        return {{QStringLiteral("null"), null},
                {QStringLiteral("number"), number},
                {QStringLiteral("bool"), boolean},
                {QStringLiteral("array"), array},
                {QStringLiteral("object"), object}};
    case Kind::NullableString:
        return {{QStringLiteral("number"), number},
                {QStringLiteral("bool"), boolean},
                {QStringLiteral("array"), array},
                {QStringLiteral("object"), object}};
    case Kind::Bool:
        return {{QStringLiteral("null"), null},
                {QStringLiteral("string"), QJsonValue(QStringLiteral("true"))},
                {QStringLiteral("number"), QJsonValue(1)},
                {QStringLiteral("array"), array}};
    case Kind::OptionalBool:
        return {{QStringLiteral("string"), QJsonValue(QStringLiteral("true"))},
                {QStringLiteral("number"), QJsonValue(1)},
                {QStringLiteral("array"), array}};
    case Kind::Int:
        return {{QStringLiteral("null"), null},
                {QStringLiteral("string"), QJsonValue(QStringLiteral("1"))},
                {QStringLiteral("fraction"), fraction},
                {QStringLiteral("bool"), boolean},
                {QStringLiteral("huge"), QJsonValue(1e300)}};
    case Kind::NullableInt:
        return {{QStringLiteral("string"), QJsonValue(QStringLiteral("1"))},
                {QStringLiteral("fraction"), fraction},
                {QStringLiteral("bool"), boolean}};
    case Kind::Enum:
        return {{QStringLiteral("null"), null},
                {QStringLiteral("unknown"), QJsonValue(QStringLiteral("bogus"))},
                {QStringLiteral("wrong case"), QJsonValue(QStringLiteral("BOGUS"))},
                {QStringLiteral("number"), number}};
    case Kind::Time:
        return {{QStringLiteral("null"), null},
                {QStringLiteral("words"), QJsonValue(QStringLiteral("yesterday"))},
                {QStringLiteral("no zone"), QJsonValue(QStringLiteral("2026-11-21T22:34:13.123"))},
                {QStringLiteral("number"), number}};
    case Kind::NullableTime:
        return {{QStringLiteral("words"), QJsonValue(QStringLiteral("yesterday"))},
                {QStringLiteral("date only"), QJsonValue(QStringLiteral("2026-11-21"))},
                {QStringLiteral("number"), number}};
    case Kind::Array:
        return {{QStringLiteral("null"), null}, {QStringLiteral("object"), object}, {QStringLiteral("string"), text}};
    case Kind::StringArray:
        return {{QStringLiteral("null"), null},
                {QStringLiteral("object"), object},
                {QStringLiteral("string"), text},
                {QStringLiteral("array of numbers"), array}};
    case Kind::OptionalStringArray:
        return {{QStringLiteral("object"), object},
                {QStringLiteral("string"), text},
                {QStringLiteral("array of numbers"), array}};
    case Kind::Object:
        return {{QStringLiteral("null"), null}, {QStringLiteral("array"), array}, {QStringLiteral("string"), text}};
    case Kind::NullableObject:
        return {{QStringLiteral("array"), array}, {QStringLiteral("string"), text}};
    }
    return {};
}

/// Adds rows (field path, bad value, expected error field) for every wrong value of every field.
inline void addWrongTypeRows(const QList<FieldSpec>& fields) {
    QTest::addColumn<QString>("field");
    QTest::addColumn<QJsonValue>("bad");
    QTest::addColumn<QString>("errorField");
    for (const FieldSpec& spec : fields) {
        for (const auto& [label, value] : wrongValues(spec.kind)) {
            QString errorField = spec.path;
            if ((spec.kind == Kind::StringArray || spec.kind == Kind::OptionalStringArray) && value.isArray()) {
                errorField += QStringLiteral("[0]");
            }
            QTest::addRow("%s: %s", qPrintable(spec.path), qPrintable(label)) << spec.path << value << errorField;
        }
    }
}

/// Adds a row per required (non-nullable) field.
inline void addRequiredRows(const QList<FieldSpec>& fields) {
    QTest::addColumn<QString>("field");
    for (const FieldSpec& spec : fields) {
        if (!isNullable(spec.kind) && spec.kind != Kind::OptionalBool && spec.kind != Kind::OptionalStringArray) {
            QTest::newRow(qPrintable(spec.path)) << spec.path;
        }
    }
}

/// Adds a row per nullable field.
inline void addNullableRows(const QList<FieldSpec>& fields) {
    QTest::addColumn<QString>("field");
    for (const FieldSpec& spec : fields) {
        if (isNullable(spec.kind)) {
            QTest::newRow(qPrintable(spec.path)) << spec.path;
        }
    }
}

/// The top-level names among @p fields, sorted.
inline QStringList topLevelNames(const QList<FieldSpec>& fields) {
    std::set<QString> names;
    for (const FieldSpec& spec : fields) {
        names.insert(detail::segments(spec.path).first());
    }
    return QStringList(names.begin(), names.end());
}

/// Sorted keys of an object.
inline QStringList sortedKeys(const QJsonObject& json) {
    QStringList keys = json.keys();
    keys.sort();
    return keys;
}

/// Encodes to bytes and parses back, as a frame or body would travel.
inline QJsonObject throughBytes(const QJsonObject& json) {
    return QJsonDocument::fromJson(QJsonDocument(json).toJson(QJsonDocument::Compact)).object();
}

/// A fixed UTC time with milliseconds.
inline QDateTime sampleTime(int offsetSeconds = 0) {
    return QDateTime(QDate(2026, 11, 21), QTime(22, 34, 13, 123), Qt::UTC).addSecs(offsetSeconds);
}

/// toJson -> bytes -> fromJson gives the value back.
template <class T>
void checkRoundTrip(const T& value) {
    const Decoded<T> direct = T::fromJson(value.toJson());
    QVERIFY2(direct.ok(), qPrintable(direct.ok() ? QString() : direct.error().message()));
    QVERIFY(direct.value() == value);
    const Decoded<T> viaBytes = T::fromJson(throughBytes(value.toJson()));
    QVERIFY2(viaBytes.ok(), qPrintable(viaBytes.ok() ? QString() : viaBytes.error().message()));
    QVERIFY(viaBytes.value() == value);
}

/// Data row (field, bad, errorField): decoding @p sample with the field spoiled fails on that field.
template <class T>
void checkWrongType(const T& sample) {
    QFETCH(QString, field);
    QFETCH(QJsonValue, bad);
    QFETCH(QString, errorField);
    const QJsonObject valid = sample.toJson();
    QVERIFY2(T::fromJson(valid).ok(), "the sample itself must decode");
    const Decoded<T> decoded = T::fromJson(withField(valid, field, bad));
    QVERIFY(!decoded.ok());
    QCOMPARE(decoded.error().field, errorField);
    QVERIFY2(decoded.error().message().startsWith(QStringLiteral("field '") + errorField + QStringLiteral("': ")),
             qPrintable(decoded.error().message()));
}

/// Data row (field): decoding @p sample without that required field fails naming it.
template <class T>
void checkMissing(const T& sample) {
    QFETCH(QString, field);
    const Decoded<T> decoded = T::fromJson(withoutField(sample.toJson(), field));
    QVERIFY(!decoded.ok());
    QCOMPARE(decoded.error().field, field);
    QCOMPARE(decoded.error().reason, QString(DecodeError::kMissing));
}

/// Data row (field): a nullable field may be null or absent, and then encodes as null.
template <class T>
void checkNullable(const T& sample) {
    QFETCH(QString, field);
    for (const QJsonObject& json :
         {withField(sample.toJson(), field, QJsonValue(QJsonValue::Null)), withoutField(sample.toJson(), field)}) {
        const Decoded<T> decoded = T::fromJson(json);
        QVERIFY2(decoded.ok(), qPrintable(decoded.ok() ? QString() : decoded.error().message()));
        const QJsonObject again = decoded.value().toJson();
        QVERIFY2(withField(again, field, QJsonValue(QJsonValue::Null)) == again, "the field must encode as null");
        QVERIFY(!(decoded.value() == sample));
    }
}

/// Encoding writes exactly the fields of @p fields (no more, none missing).
template <class T>
void checkAllFieldsWritten(const T& value, const QList<FieldSpec>& fields) {
    QCOMPARE(sortedKeys(value.toJson()), topLevelNames(fields));
}

} // namespace mr::protocol::test
