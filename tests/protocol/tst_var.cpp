#include "JsonTestUtil.h"
#include "protocol/Masking.h"
#include "protocol/Var.h"

#include <QTest>

using namespace mr::protocol;
using namespace mr::protocol::test;

namespace {

Var sample() {
    Var var;
    var.name = QStringLiteral("invoice_2");
    var.type = VarType::Number;
    var.sensitive = true;
    var.optional = true;
    var.defaultValue = 12.5;
    var.description = QStringLiteral("Amount in €");
    return var;
}

Var makeVar(const QString& name, VarType type, bool sensitive = false) {
    Var var;
    var.name = name;
    var.type = type;
    var.sensitive = sensitive;
    return var;
}

QList<FieldSpec> fields() {
    return {{QStringLiteral("name"), Kind::String},
            {QStringLiteral("type"), Kind::Enum},
            {QStringLiteral("sensitive"), Kind::OptionalBool},
            {QStringLiteral("optional"), Kind::OptionalBool},
            {QStringLiteral("default"), Kind::NullableObject},
            {QStringLiteral("description"), Kind::NullableString}};
}

} // namespace

/// Var (a flow's declared input or output), its type check and masking of sensitive values.
class TestVar final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void roundTrip_data();
    void roundTrip();
    void encodesEveryField();
    void minimalDecodeUsesDefaults();
    void nullsMeanDefaults();
    void requiredFields_data();
    void requiredFields();
    void wrongTypes_data();
    void wrongTypes();
    void names_data();
    void names();
    void typeNames();
    void defaultMustFitType();
    void accepts_data();
    void accepts();
    void masking();
};

void TestVar::roundTrip_data() {
    QTest::addColumn<int>("type");
    QTest::addColumn<QJsonValue>("defaultValue");
    QTest::newRow("text") << int(VarType::Text) << QJsonValue(QStringLiteral("hello"));
    QTest::newRow("number") << int(VarType::Number) << QJsonValue(-3.25);
    QTest::newRow("boolean") << int(VarType::Boolean) << QJsonValue(false);
    QTest::newRow("list") << int(VarType::List) << QJsonValue(QJsonArray{1, QStringLiteral("a")});
    QTest::newRow("object") << int(VarType::Object) << QJsonValue(QJsonObject{{QStringLiteral("k"), true}});
    QTest::newRow("null default") << int(VarType::Text) << QJsonValue(QJsonValue::Null);
}

void TestVar::roundTrip() {
    QFETCH(int, type);
    QFETCH(QJsonValue, defaultValue);
    Var var = sample();
    var.type = VarType(type);
    var.defaultValue = defaultValue;
    checkRoundTrip(var);
}

void TestVar::encodesEveryField() {
    checkAllFieldsWritten(Var{}, fields());
    const QJsonObject json = makeVar(QStringLiteral("x"), VarType::List).toJson();
    QCOMPARE(json.value(QStringLiteral("type")).toString(), QStringLiteral("list"));
    QVERIFY(json.value(QStringLiteral("default")).isNull());
    QCOMPARE(json.value(QStringLiteral("sensitive")), QJsonValue(false));
    QCOMPARE(json.value(QStringLiteral("optional")), QJsonValue(false));
    QCOMPARE(json.value(QStringLiteral("description")), QJsonValue(QString()));
    QCOMPARE(sample().toJson().value(QStringLiteral("default")), QJsonValue(12.5));
}

void TestVar::minimalDecodeUsesDefaults() {
    const Decoded<Var> decoded = Var::fromJson(
        {{QStringLiteral("name"), QStringLiteral("a")}, {QStringLiteral("type"), QStringLiteral("text")}});
    QVERIFY(decoded.ok());
    QCOMPARE(decoded.value().name, QStringLiteral("a"));
    QCOMPARE(decoded.value().type, VarType::Text);
    QCOMPARE(decoded.value().sensitive, false);
    QCOMPARE(decoded.value().optional, false);
    QVERIFY(decoded.value().defaultValue.isNull());
    QCOMPARE(decoded.value().description, QString());
}

void TestVar::nullsMeanDefaults() {
    QJsonObject json = sample().toJson();
    for (const char* key : {"sensitive", "optional", "default", "description"}) {
        json.insert(QLatin1String(key), QJsonValue(QJsonValue::Null));
    }
    const Decoded<Var> decoded = Var::fromJson(json);
    QVERIFY(decoded.ok());
    QCOMPARE(decoded.value().sensitive, false);
    QCOMPARE(decoded.value().optional, false);
    QVERIFY(decoded.value().defaultValue.isNull());
    QCOMPARE(decoded.value().description, QString());
}

void TestVar::requiredFields_data() {
    QTest::addColumn<QString>("field");
    QTest::newRow("name") << QStringLiteral("name");
    QTest::newRow("type") << QStringLiteral("type");
}

void TestVar::requiredFields() {
    checkMissing(sample());
}

void TestVar::wrongTypes_data() {
    // "default" may be any JSON value of the declared type: checked in defaultMustFitType.
    QList<FieldSpec> specs = fields();
    specs.removeIf([](const FieldSpec& spec) { return spec.path == QLatin1String("default"); });
    addWrongTypeRows(specs);
}

void TestVar::wrongTypes() {
    checkWrongType(sample());
}

void TestVar::names_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("valid");
    QTest::newRow("simple") << QStringLiteral("amount") << true;
    QTest::newRow("underscore first") << QStringLiteral("_x1") << true;
    QTest::newRow("camel") << QStringLiteral("invoiceNumber") << true;
    QTest::newRow("empty") << QString() << false;
    QTest::newRow("digit first") << QStringLiteral("1st") << false;
    QTest::newRow("space") << QStringLiteral("a b") << false;
    QTest::newRow("dash") << QStringLiteral("a-b") << false;
    QTest::newRow("dot") << QStringLiteral("a.b") << false;
    QTest::newRow("non-ascii") << QStringLiteral("größe") << false;
    QTest::newRow("trailing newline") << QStringLiteral("abc\n") << false;
}

void TestVar::names() {
    QFETCH(QString, name);
    QFETCH(bool, valid);
    QCOMPARE(isValidVarName(name), valid);
    const Decoded<Var> decoded = Var::fromJson(withField(sample().toJson(), QStringLiteral("name"), name));
    QCOMPARE(decoded.ok(), valid);
    if (!valid) {
        QCOMPARE(decoded.error().field, QStringLiteral("name"));
    }
}

void TestVar::typeNames() {
    const QList<QPair<VarType, QString>> expected{{VarType::Text, QStringLiteral("text")},
                                                  {VarType::Number, QStringLiteral("number")},
                                                  {VarType::Boolean, QStringLiteral("boolean")},
                                                  {VarType::List, QStringLiteral("list")},
                                                  {VarType::Object, QStringLiteral("object")}};
    for (const auto& [type, name] : expected) {
        QCOMPARE(enumName(type), name);
        QCOMPARE(parseEnum<VarType>(name), std::optional<VarType>(type));
    }
    QVERIFY(!parseEnum<VarType>(u"string").has_value());
}

void TestVar::defaultMustFitType() {
    QJsonObject json = sample().toJson(); // a number
    json.insert(QStringLiteral("default"), QStringLiteral("12"));
    const Decoded<Var> decoded = Var::fromJson(json);
    QVERIFY(!decoded.ok());
    QCOMPARE(decoded.error().field, QStringLiteral("default"));
}

void TestVar::accepts_data() {
    QTest::addColumn<int>("type");
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<bool>("accepted");
    const QJsonValue text(QStringLiteral("1"));
    const QJsonValue number(1);
    const QJsonValue boolean(true);
    const QJsonValue list(QJsonArray{});
    const QJsonValue object(QJsonObject{});
    const QJsonValue null(QJsonValue::Null);
    const QList<QPair<const char*, QJsonValue>> values{{"text", text}, {"number", number}, {"boolean", boolean},
                                                       {"list", list}, {"object", object}, {"null", null}};
    for (VarType type : {VarType::Text, VarType::Number, VarType::Boolean, VarType::List, VarType::Object}) {
        for (const auto& [label, value] : values) {
            const bool accepted = enumName(type) == QLatin1String(label);
            QTest::addRow("%s <- %s", qPrintable(enumName(type)), label) << int(type) << value << accepted;
        }
    }
}

void TestVar::accepts() {
    QFETCH(int, type);
    QFETCH(QJsonValue, value);
    QFETCH(bool, accepted);
    Var var;
    var.type = VarType(type);
    QCOMPARE(varAccepts(var, value), accepted);
}

void TestVar::masking() {
    const Var password = makeVar(QStringLiteral("password"), VarType::Text, true);
    const Var user = makeVar(QStringLiteral("user"), VarType::Text);
    const Var pin = makeVar(QStringLiteral("pin"), VarType::Number, true);
    const Var token = makeVar(QStringLiteral("token"), VarType::Text, true);
    const QJsonObject values{{QStringLiteral("password"), QStringLiteral("hunter2")},
                             {QStringLiteral("user"), QStringLiteral("ann")},
                             {QStringLiteral("pin"), 1234},
                             {QStringLiteral("extra"), QStringLiteral("kept")}};
    const QJsonObject masked = maskSensitive(values, {password, user, pin, token});
    QCOMPARE(masked.value(QStringLiteral("password")), QJsonValue(QStringLiteral("***")));
    QCOMPARE(masked.value(QStringLiteral("pin")), QJsonValue(QStringLiteral("***")));
    QCOMPARE(masked.value(QStringLiteral("user")), QJsonValue(QStringLiteral("ann")));
    QCOMPARE(masked.value(QStringLiteral("extra")), QJsonValue(QStringLiteral("kept")));
    QVERIFY(!masked.contains(QStringLiteral("token")));
    QCOMPARE(masked.size(), values.size());
    QVERIFY(!QJsonDocument(masked).toJson().contains("hunter2"));
    // The input is left alone.
    QCOMPARE(values.value(QStringLiteral("password")), QJsonValue(QStringLiteral("hunter2")));
}

QTEST_GUILESS_MAIN(TestVar)
#include "tst_var.moc"
