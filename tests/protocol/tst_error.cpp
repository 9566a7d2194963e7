#include "JsonTestUtil.h"
#include "protocol/Error.h"

#include <QSet>
#include <QTest>

using namespace mr::protocol;
using namespace mr::protocol::test;

/// Error codes, their HTTP statuses and the error body.
class TestError final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void statusPerCode_data();
    void statusPerCode();
    void codeListsAreComplete();
    void bodyWithDetails();
    void bodyWithoutDetailsOmitsThem();
    void bodyRoundTrip();
    void bodyDecodeErrors_data();
    void bodyDecodeErrors();
};

void TestError::statusPerCode_data() {
    QTest::addColumn<QString>("code");
    QTest::addColumn<int>("status");
    const QList<QPair<const char*, int>> table{{"BadRequest", 400},
                                               {"InputInvalid", 400},
                                               {"SignInConnectionUnattended", 400},
                                               {"CredentialsIncorrect", 400},
                                               {"Unauthenticated", 401},
                                               {"MachineIdentityMismatch", 401},
                                               {"ClockSkew", 401},
                                               {"Forbidden", 403},
                                               {"NotFound", 404},
                                               {"MachineNameTaken", 409},
                                               {"GroupFull", 409},
                                               {"ModeConflict", 409},
                                               {"Conflict", 409},
                                               {"PayloadTooLarge", 413},
                                               {"InputTooLarge", 413},
                                               {"FlowTooLarge", 413},
                                               {"RateLimited", 429},
                                               {"TooManySignInAttempts", 429},
                                               {"InternalError", 500},
                                               {"SomethingUnknown", 500},
                                               {"badrequest", 500}};
    for (const auto& [code, status] : table) {
        QTest::newRow(code) << QString::fromLatin1(code) << status;
    }
}

void TestError::statusPerCode() {
    QFETCH(QString, code);
    QFETCH(int, status);
    QCOMPARE(httpStatusFor(code), status);
}

void TestError::codeListsAreComplete() {
    const QStringList http = httpErrorCodes();
    QCOMPARE(http.size(), 19);
    QCOMPARE(QSet<QString>(http.begin(), http.end()).size(), 19);
    QVERIFY(http.contains(ErrorCode::InternalError));
    for (const QString& code : http) {
        QVERIFY2(httpStatusFor(code) >= 400, qPrintable(code));
    }
    QCOMPARE(QString(ErrorCode::MachineNameTaken), QStringLiteral("MachineNameTaken"));
    const QStringList run = runErrorCodes();
    for (const char* code : {"QueueTimeout", "MachineLost", "FlowError", "Cancelled", "AttendedUserSessionNotActive",
                             "SessionExistsForTheUserWhenUnattended", "SignInConnectionUnattended",
                             "CredentialsIncorrect", "InputInvalid"}) {
        QVERIFY2(run.contains(QLatin1String(code)), code);
    }
    QCOMPARE(run.size(), 9);
}

void TestError::bodyWithDetails() {
    const ErrorBody body{ErrorCode::MachineNameTaken, QStringLiteral("A machine named 'pc-7' already exists in Sales."),
                         QJsonObject{{QStringLiteral("field"), QStringLiteral("name")}}};
    const QJsonObject expected{
        {QStringLiteral("error"),
         QJsonObject{{QStringLiteral("code"), QStringLiteral("MachineNameTaken")},
                     {QStringLiteral("message"), QStringLiteral("A machine named 'pc-7' already exists in Sales.")},
                     {QStringLiteral("details"), QJsonObject{{QStringLiteral("field"), QStringLiteral("name")}}}}}};
    QCOMPARE(body.toJson(), expected);
}

void TestError::bodyWithoutDetailsOmitsThem() {
    const ErrorBody body{ErrorCode::NotFound, QStringLiteral("No such run."), {}};
    const QJsonObject error = body.toJson().value(QStringLiteral("error")).toObject();
    QCOMPARE(sortedKeys(error), (QStringList{QStringLiteral("code"), QStringLiteral("message")}));
    QCOMPARE(body.toJson().size(), 1);
}

void TestError::bodyRoundTrip() {
    checkRoundTrip(ErrorBody{ErrorCode::Forbidden, QStringLiteral("You may not."),
                             QJsonObject{{QStringLiteral("needs"), QStringLiteral("MachineOwner")}}});
    checkRoundTrip(ErrorBody{ErrorCode::NotFound, QStringLiteral("No such run."), {}});
    // details: null reads as empty
    const QJsonObject json{
        {QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), QStringLiteral("NotFound")},
                                              {QStringLiteral("message"), QStringLiteral("x")},
                                              {QStringLiteral("details"), QJsonValue(QJsonValue::Null)}}}};
    QVERIFY(ErrorBody::fromJson(json).ok());
    QVERIFY(ErrorBody::fromJson(json).value().details.isEmpty());
}

void TestError::bodyDecodeErrors_data() {
    QTest::addColumn<QString>("field");
    QTest::addColumn<QJsonValue>("bad");
    QTest::addColumn<QString>("errorField");
    QTest::newRow("error not an object") << QStringLiteral("error") << QJsonValue(QStringLiteral("x"))
                                         << QStringLiteral("error");
    QTest::newRow("code number") << QStringLiteral("error.code") << QJsonValue(1) << QStringLiteral("error.code");
    QTest::newRow("code null") << QStringLiteral("error.code") << QJsonValue(QJsonValue::Null)
                               << QStringLiteral("error.code");
    QTest::newRow("message bool") << QStringLiteral("error.message") << QJsonValue(true)
                                  << QStringLiteral("error.message");
    QTest::newRow("details array") << QStringLiteral("error.details") << QJsonValue(QJsonArray{})
                                   << QStringLiteral("error.details");
}

void TestError::bodyDecodeErrors() {
    checkWrongType(ErrorBody{ErrorCode::Conflict, QStringLiteral("m"), {}});
    const Decoded<ErrorBody> missing = ErrorBody::fromJson(
        QJsonObject{{QStringLiteral("error"), QJsonObject{{QStringLiteral("message"), QStringLiteral("m")}}}});
    QCOMPARE(missing.error().field, QStringLiteral("error.code"));
    QCOMPARE(ErrorBody::fromJson(QJsonObject{}).error().field, QStringLiteral("error"));
}

QTEST_GUILESS_MAIN(TestError)
#include "tst_error.moc"
