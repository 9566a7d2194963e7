#include "JsonTestUtil.h"
#include "protocol/Json.h"
#include "protocol/Limits.h"
#include "protocol/Version.h"

#include <QTest>
#include <QTimeZone>

using namespace mr::protocol;
using namespace mr::protocol::test;

namespace {
enum class Colour { Red, DarkBlue };
} // namespace

template <>
struct mr::protocol::EnumNames<Colour> {
    static constexpr std::array names{std::pair{Colour::Red, "red"}, std::pair{Colour::DarkBlue, "darkBlue"}};
};

/// The JSON helpers every codec of the protocol relies on.
class TestJson final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void isoUtcAlwaysHasMillisecondsAndZ_data();
    void isoUtcAlwaysHasMillisecondsAndZ();
    void isoUtcOfInvalidTimeIsEmpty();
    void fromIsoUtc_data();
    void fromIsoUtc();
    void isoRoundTrip();

    void parseObjectAcceptsObject();
    void parseObjectRefusesOversizedBeforeParsing();
    void parseObjectSizeBoundary();
    void parseObjectReportsMalformed_data();
    void parseObjectReportsMalformed();
    void parseObjectRefusesNonObject_data();
    void parseObjectRefusesNonObject();

    void decodeErrorMessage();
    void decodeErrorUnder();
    void decodedHoldsValueOrError();

    void readerRequiredFields();
    void readerIntegers_data();
    void readerIntegers();
    void readerFallbacksAndNullables();
    void readerKeepsFirstError();
    void readerNestedPaths();
    void readerStringListPath();
    void enumNames();

    void versionAndLimits();
};

void TestJson::isoUtcAlwaysHasMillisecondsAndZ_data() {
    QTest::addColumn<QDateTime>("time");
    QTest::addColumn<QString>("expected");
    QTest::newRow("utc with ms") << sampleTime() << QStringLiteral("2026-11-21T22:34:13.123Z");
    QTest::newRow("utc whole second") << QDateTime(QDate(2026, 1, 2), QTime(3, 4, 5), Qt::UTC)
                                      << QStringLiteral("2026-01-02T03:04:05.000Z");
    QTest::newRow("offset converted") << QDateTime(QDate(2026, 11, 22), QTime(0, 34, 13, 123), QTimeZone(7200))
                                      << QStringLiteral("2026-11-21T22:34:13.123Z");
}

void TestJson::isoUtcAlwaysHasMillisecondsAndZ() {
    QFETCH(QDateTime, time);
    QFETCH(QString, expected);
    QCOMPARE(toIsoUtc(time), expected);
}

void TestJson::isoUtcOfInvalidTimeIsEmpty() {
    QVERIFY(toIsoUtc(QDateTime()).isEmpty());
    QVERIFY(jsonTime(QDateTime()).isNull());
}

void TestJson::fromIsoUtc_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QDateTime>("expected");
    QTest::newRow("contract form") << QStringLiteral("2026-11-21T22:34:13.123Z") << true << sampleTime();
    QTest::newRow("no ms") << QStringLiteral("2026-11-21T22:34:13Z") << true
                           << QDateTime(QDate(2026, 11, 21), QTime(22, 34, 13), Qt::UTC);
    QTest::newRow("offset") << QStringLiteral("2026-11-22T00:34:13.123+02:00") << true << sampleTime();
    QTest::newRow("no zone") << QStringLiteral("2026-11-21T22:34:13.123") << false << QDateTime();
    QTest::newRow("date only") << QStringLiteral("2026-11-21") << false << QDateTime();
    QTest::newRow("empty") << QString() << false << QDateTime();
    QTest::newRow("words") << QStringLiteral("tomorrow") << false << QDateTime();
    QTest::newRow("bad month") << QStringLiteral("2026-13-21T22:34:13Z") << false << QDateTime();
    QTest::newRow("trailing newline") << QStringLiteral("2026-11-21T22:34:13.123Z\n") << false << QDateTime();
    QTest::newRow("trailing junk") << QStringLiteral("2026-11-21T22:34:13Zjunk") << false << QDateTime();
}

void TestJson::fromIsoUtc() {
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QFETCH(QDateTime, expected);
    const std::optional<QDateTime> parsed = mr::protocol::fromIsoUtc(text);
    QCOMPARE(parsed.has_value(), valid);
    if (valid) {
        QCOMPARE(*parsed, expected);
        QCOMPARE(parsed->timeSpec(), Qt::UTC);
    }
}

void TestJson::isoRoundTrip() {
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QCOMPARE(mr::protocol::fromIsoUtc(toIsoUtc(now)).value(), now);
}

void TestJson::parseObjectAcceptsObject() {
    const Decoded<QJsonObject> parsed = parseObject(R"({"a": 1, "b": "x"})", 100);
    QVERIFY(parsed.ok());
    QCOMPARE(parsed.value().value(QStringLiteral("b")).toString(), QStringLiteral("x"));
}

void TestJson::parseObjectRefusesOversizedBeforeParsing() {
    // Malformed AND oversized: the size must be what is reported, so nothing was parsed.
    const QByteArray huge = "{\"a\": \"" + QByteArray(kMaxInputBytes, 'x');
    const Decoded<QJsonObject> parsed = parseObject(huge, kMaxInputBytes);
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error().reason, QString(DecodeError::kTooLarge));
    QVERIFY(parsed.error().field.isEmpty());
    QVERIFY(parsed.error().tooLarge());
}

void TestJson::parseObjectSizeBoundary() {
    const QByteArray prefix = "{\"a\":\"";
    const QByteArray suffix = "\"}";
    const qsizetype max = 64;
    const QByteArray exact = prefix + QByteArray(max - prefix.size() - suffix.size(), 'x') + suffix;
    QCOMPARE(exact.size(), max);
    QVERIFY(parseObject(exact, max).ok());
    const QByteArray over = prefix + QByteArray(max + 1 - prefix.size() - suffix.size(), 'x') + suffix;
    QVERIFY(parseObject(over, max).error().tooLarge());
}

void TestJson::parseObjectReportsMalformed_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("truncated") << QByteArray(R"({"a": )");
    QTest::newRow("trailing comma") << QByteArray(R"({"a": 1,})");
    QTest::newRow("single quotes") << QByteArray("{'a': 1}");
    QTest::newRow("garbage") << QByteArray("\x01\x02\x03");
    QTest::newRow("two objects") << QByteArray("{} {}");
}

void TestJson::parseObjectReportsMalformed() {
    QFETCH(QByteArray, bytes);
    const Decoded<QJsonObject> parsed = parseObject(bytes, 1000);
    QVERIFY(!parsed.ok());
    QVERIFY(!parsed.error().tooLarge());
    QVERIFY2(parsed.error().reason.startsWith(QStringLiteral("malformed JSON: ")), qPrintable(parsed.error().reason));
    QVERIFY2(parsed.error().reason.contains(QStringLiteral("at offset ")), qPrintable(parsed.error().reason));
}

void TestJson::parseObjectRefusesNonObject_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::newRow("array") << QByteArray("[1, 2]");
    QTest::newRow("empty array") << QByteArray("[]");
}

void TestJson::parseObjectRefusesNonObject() {
    QFETCH(QByteArray, bytes);
    const Decoded<QJsonObject> parsed = parseObject(bytes, 1000);
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error().reason, QStringLiteral("expected a JSON object"));
}

void TestJson::decodeErrorMessage() {
    QCOMPARE((DecodeError{QStringLiteral("name"), QStringLiteral("expected a string")}).message(),
             QStringLiteral("field 'name': expected a string"));
    QCOMPARE((DecodeError{QString(), QStringLiteral("too large")}).message(), QStringLiteral("too large"));
}

void TestJson::decodeErrorUnder() {
    const DecodeError inner{QStringLiteral("type"), QStringLiteral("r")};
    QCOMPARE(inner.under(QStringLiteral("inputs[2]")).field, QStringLiteral("inputs[2].type"));
    QCOMPARE((DecodeError{QStringLiteral("[3]"), QStringLiteral("r")}).under(QStringLiteral("a")).field,
             QStringLiteral("a[3]"));
    QCOMPARE((DecodeError{QString(), QStringLiteral("r")}).under(QStringLiteral("target")).field,
             QStringLiteral("target"));
    QCOMPARE(inner.under(QString()), inner);
}

void TestJson::decodedHoldsValueOrError() {
    Decoded<QString> good(QStringLiteral("v"));
    QVERIFY(good.ok());
    QVERIFY(static_cast<bool>(good));
    QCOMPARE(good.value(), QStringLiteral("v"));
    QCOMPARE(good.take(), QStringLiteral("v"));
    const Decoded<QString> bad(DecodeError{QStringLiteral("f"), QStringLiteral("r")});
    QVERIFY(!bad.ok());
    QCOMPARE(bad.error().field, QStringLiteral("f"));
}

void TestJson::readerRequiredFields() {
    const QJsonObject json{{QStringLiteral("s"), QStringLiteral("text")},
                           {QStringLiteral("b"), true},
                           {QStringLiteral("a"), QJsonArray{1}},
                           {QStringLiteral("o"), QJsonObject{{QStringLiteral("k"), 1}}},
                           {QStringLiteral("t"), QStringLiteral("2026-11-21T22:34:13.123Z")},
                           {QStringLiteral("n"), QJsonValue(QJsonValue::Null)}};
    JsonReader r(json);
    QCOMPARE(r.string(u"s"), QStringLiteral("text"));
    QCOMPARE(r.boolean(u"b"), true);
    QCOMPARE(r.array(u"a").size(), 1);
    QCOMPARE(r.object(u"o").value(QStringLiteral("k")).toInt(), 1);
    QCOMPARE(r.dateTime(u"t"), sampleTime());
    QVERIFY(r.ok());

    JsonReader nullRead(json);
    nullRead.string(u"n");
    QCOMPARE(nullRead.error().field, QStringLiteral("n"));
    QCOMPARE(nullRead.error().reason, QStringLiteral("expected a string, got null"));

    JsonReader missing(json);
    missing.boolean(u"absent");
    QCOMPARE(missing.error().field, QStringLiteral("absent"));
    QCOMPARE(missing.error().reason, QStringLiteral("missing"));

    JsonReader wrong(json);
    wrong.boolean(u"s");
    QCOMPARE(wrong.error().message(), QStringLiteral("field 's': expected a boolean, got string"));
}

void TestJson::readerIntegers_data() {
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<bool>("validInt");
    QTest::addColumn<bool>("validInt64");
    QTest::newRow("zero") << QJsonValue(0) << true << true;
    QTest::newRow("negative") << QJsonValue(-5) << true << true;
    QTest::newRow("int max") << QJsonValue(2147483647) << true << true;
    QTest::newRow("past int max") << QJsonValue(2147483648.0) << false << true;
    QTest::newRow("2^53") << QJsonValue(9007199254740992.0) << false << true;
    QTest::newRow("past 2^53") << QJsonValue(1e17) << false << false;
    QTest::newRow("fraction") << QJsonValue(3.5) << false << false;
    QTest::newRow("string") << QJsonValue(QStringLiteral("3")) << false << false;
    QTest::newRow("bool") << QJsonValue(true) << false << false;
}

void TestJson::readerIntegers() {
    QFETCH(QJsonValue, value);
    QFETCH(bool, validInt);
    QFETCH(bool, validInt64);
    const QJsonObject json{{QStringLiteral("i"), value}};
    JsonReader r32(json);
    const int i = r32.integer(u"i");
    QCOMPARE(r32.ok(), validInt);
    if (validInt) {
        QCOMPARE(i, value.toInt());
    }
    JsonReader r64(json);
    const qint64 j = r64.integer64(u"i");
    QCOMPARE(r64.ok(), validInt64);
    if (validInt64) {
        QCOMPARE(j, static_cast<qint64>(value.toDouble()));
    }
}

void TestJson::readerFallbacksAndNullables() {
    const QJsonObject json{{QStringLiteral("nul"), QJsonValue(QJsonValue::Null)},
                           {QStringLiteral("s"), QStringLiteral("v")},
                           {QStringLiteral("i"), 7}};
    JsonReader r(json);
    QCOMPARE(r.string(u"nul", QStringLiteral("fb")), QStringLiteral("fb"));
    QCOMPARE(r.string(u"absent", QStringLiteral("fb")), QStringLiteral("fb"));
    QCOMPARE(r.string(u"s", QStringLiteral("fb")), QStringLiteral("v"));
    QCOMPARE(r.boolean(u"absent", true), true);
    QCOMPARE(r.integer(u"nul", 3), 3);
    QCOMPARE(r.nullableInteger(u"i"), std::optional<int>(7));
    QCOMPARE(r.nullableInteger(u"nul"), std::optional<int>());
    QCOMPARE(r.nullableString(u"absent"), std::optional<QString>());
    QCOMPARE(r.nullableDateTime(u"nul"), std::optional<QDateTime>());
    QVERIFY(!r.nullableObject(u"absent").has_value());
    QVERIFY(r.value(u"absent").isNull());
    QVERIFY(r.ok());

    JsonReader wrong(json);
    QCOMPARE(wrong.string(u"i", QStringLiteral("fb")), QStringLiteral("fb"));
    QVERIFY(!wrong.ok());
    QCOMPARE(wrong.error().field, QStringLiteral("i"));
}

void TestJson::readerKeepsFirstError() {
    const QJsonObject json{{QStringLiteral("a"), 1}, {QStringLiteral("b"), 2}};
    JsonReader r(json);
    r.string(u"a");
    r.string(u"b");
    r.string(u"c");
    QCOMPARE(r.error().field, QStringLiteral("a"));
}

void TestJson::readerNestedPaths() {
    const QJsonObject inner{{QStringLiteral("machineId"), 5}};
    JsonReader r(inner, QStringLiteral("target"));
    r.string(u"machineId");
    QCOMPARE(r.error().field, QStringLiteral("target.machineId"));
    QCOMPARE(r.error().message(), QStringLiteral("field 'target.machineId': expected a string, got number"));
}

void TestJson::readerStringListPath() {
    const QJsonObject json{{QStringLiteral("ids"), QJsonArray{QStringLiteral("a"), QStringLiteral("b"), 3}}};
    JsonReader r(json);
    QVERIFY(r.stringList(u"ids").isEmpty());
    QCOMPARE(r.error().field, QStringLiteral("ids[2]"));
}

void TestJson::enumNames() {
    QCOMPARE(enumName(Colour::DarkBlue), QStringLiteral("darkBlue"));
    QCOMPARE(parseEnum<Colour>(u"red"), std::optional<Colour>(Colour::Red));
    QVERIFY(!parseEnum<Colour>(u"Red").has_value());
    QVERIFY(!parseEnum<Colour>(u"").has_value());

    const QJsonObject json{{QStringLiteral("c"), QStringLiteral("green")}};
    JsonReader r(json);
    r.enumeration<Colour>(u"c");
    QCOMPARE(r.error().field, QStringLiteral("c"));
    QCOMPARE(r.error().reason, QStringLiteral("expected one of 'red', 'darkBlue'"));
}

void TestJson::versionAndLimits() {
    QCOMPARE(productVersion(), QStringLiteral(MR_VERSION));
    QVERIFY(!productVersion().isEmpty());
    QCOMPARE(kProtocolVersion, 1);
    QCOMPARE(kMaxInputBytes, 2 * 1024 * 1024);
    QCOMPARE(kMaxFlowBytes, 16 * 1024 * 1024);
    QCOMPARE(kMaxRequestBodyBytes, 1024 * 1024);
    // A runOffer carries a whole flow and its inputs.
    QVERIFY(kMaxAgentMessageBytes > kMaxFlowBytes + kMaxInputBytes);
    QCOMPARE(kMaxRunsPerMinutePerConnection, 70);
    QCOMPARE(kRateWindowSeconds, 60);
    QCOMPARE(kMaxMachinesPerGroup, 50);
    QCOMPARE(kQueueTimeoutSeconds, 12 * 3600);
    QCOMPARE(kSignInQueueTimeoutSeconds, 3600);
    QCOMPARE(kHeartbeatSeconds, 10);
    QCOMPARE(kOfflineAfterSeconds, 30);
    QCOMPARE(kLostGraceSeconds, 300);
    QCOMPARE(kOfferTimeoutSeconds, 10);
    QCOMPARE(kRecommendationWindowSeconds, 600);
    QCOMPARE(kMaxAssertionLifetimeSeconds, 300);
    QCOMPARE(kAccessTokenLifetimeSeconds, 900);
}

QTEST_GUILESS_MAIN(TestJson)
#include "tst_json.moc"
