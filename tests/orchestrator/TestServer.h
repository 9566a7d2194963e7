#pragma once

// Helpers for orchestrator tests that talk real HTTP to a real in-process server, on SQLite or on
// the shared PostgreSQL of MR_TEST_POSTGRES_URL.
//
//   void initTestCase_data() { mr::test::addEngineRows(); }   // or call it in each *_data()
//   void someTest() {
//       mr::test::TestServer server;
//       MR_START_TEST_SERVER(server);                // QFETCH(engine); QSKIP/QFAIL as fitting
//       const auto user = server.addUser(QStringLiteral("alice"));   // unique name, password kPassword
//       const auto tokens = server.signIn(user.username, mr::test::kPassword);
//       const auto r = server.get(QStringLiteral("/api/v1/me/tokens"), tokens.accessToken);
//       QCOMPARE(r.status, 200);
//   }
//
// Each test program has its own PostgreSQL database (processPostgresUrl), shared by all the
// tests of the program: use the unique names uniqueName()/addUser() make, and never assume an
// empty table.

#include "orchestrator/Orchestrator.h"
#include "orchestrator/auth/Crypto.h"
#include "orchestrator/auth/UserDirectory.h"
#include "orchestrator/store/DbPool.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

#include <functional>
#include <memory>

namespace mr::test {

inline const QString kPassword = QStringLiteral("correct horse battery");

/// Adds the data rows "sqlite" and "postgres" with the column `engine`.
inline void addEngineRows() {
    QTest::addColumn<QString>("engine");
    QTest::newRow("sqlite") << QStringLiteral("sqlite");
    QTest::newRow("postgres") << QStringLiteral("postgres");
}

/// A name no other test uses: PREFIX-<random>.
inline QString uniqueName(const QString& prefix) {
    return prefix + QLatin1Char('-') +
           orch::crypto::randomBase64Url(6).toLower().replace(QLatin1Char('_'), QLatin1Char('x'));
}

/// This test program's own PostgreSQL database, made once per process on the server of
/// MR_TEST_POSTGRES_URL (the test role may create databases): `<db>_p<pid>`. Test programs run
/// in parallel and move their servers' clocks; sharing one database let one program's timer
/// mark another's machines offline. Every server of this process shares this database (two
/// servers on one database is how the cluster test works). Empty with @p error set on failure.
inline QString processPostgresUrl(const QString& baseUrl, QString* error) {
    static QString url;
    static QString failure;
    static bool done = false;
    if (!done) {
        done = true;
        QUrl base(baseUrl);
        const QString name =
            base.path().mid(1) + QStringLiteral("_p") + QString::number(QCoreApplication::applicationPid());
        {
            QSqlDatabase admin = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("mr-test-admin"));
            admin.setHostName(base.host());
            admin.setPort(base.port(5432));
            admin.setUserName(base.userName(QUrl::FullyDecoded));
            admin.setPassword(base.password(QUrl::FullyDecoded));
            admin.setDatabaseName(base.path().mid(1));
            if (!admin.open()) {
                failure = admin.lastError().text();
            } else {
                QSqlQuery q(admin);
                if (!q.exec(QStringLiteral("DROP DATABASE IF EXISTS ") + name + QStringLiteral(" WITH (FORCE)")) ||
                    !q.exec(QStringLiteral("CREATE DATABASE ") + name))
                    failure = q.lastError().text();
                admin.close();
            }
        }
        QSqlDatabase::removeDatabase(QStringLiteral("mr-test-admin"));
        if (failure.isEmpty()) {
            base.setPath(QLatin1Char('/') + name);
            url = base.toString();
        }
    }
    if (!failure.isEmpty() && error)
        *error = QStringLiteral("cannot make this test program's database: ") + failure;
    return url;
}

/// One HTTP answer.
struct HttpResult {
    int status = 0; ///< 0 when there was no answer at all
    QByteArray body;
    QHash<QByteArray, QByteArray> headers; ///< lower-case names
    QString networkError;

    QByteArray header(const QByteArray& lowerName) const { return headers.value(lowerName); }
    QJsonObject object() const { return QJsonDocument::fromJson(body).object(); }
    QJsonArray array() const { return QJsonDocument::fromJson(body).array(); }
    /// `error.code` of an API error body.
    QString errorCode() const {
        return object().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString();
    }
};

/// The outcome of TestServer::signIn().
struct SignInResult {
    QString accessToken, refreshToken;
    QString error; ///< empty on success: which step failed
};

/// An Orchestrator on 127.0.0.1:0 for one engine, plus a QNetworkAccessManager that never follows
/// redirects and never stores cookies (tests see every 302 and send cookies themselves).
class TestServer final {
public:
    enum class Start { Started, Skip, Failed };

    TestServer() { qputenv("MR_FAST_PASSWORD_HASH", "1"); }
    ~TestServer() {
        if (m_server)
            m_server->stop();
    }

    /// Starts on "sqlite" (a fresh file) or "postgres" (MR_TEST_POSTGRES_URL). Skip: no
    /// PostgreSQL and MR_REQUIRE_SERVICES unset.
    Start start(const QString& engine) {
        if (!m_dir.isValid())
            return fail(QStringLiteral("no temporary folder"));
        orch::Orchestrator::Options o;
        if (engine == QLatin1String("postgres")) {
            const QString url = qEnvironmentVariable("MR_TEST_POSTGRES_URL");
            if (url.isEmpty()) {
                m_error = QStringLiteral("MR_TEST_POSTGRES_URL is not set (scripts/test --services-only starts one)");
                return qEnvironmentVariableIsSet("MR_REQUIRE_SERVICES") ? Start::Failed : Start::Skip;
            }
            const QString own = processPostgresUrl(url, &m_error);
            if (own.isEmpty())
                return Start::Failed;
            const auto location = orch::DatabaseLocation::parse(own, &m_error);
            if (!location)
                return Start::Failed;
            o.database = *location;
        } else {
            o.database = *orch::DatabaseLocation::parse(m_dir.filePath(QStringLiteral("orchestrator.db")), nullptr);
        }
        // The servers of a test program share its PostgreSQL database and with it the signing key
        // sealed by the data key: all of them must use this one fixed test key.
        QFile key(m_dir.filePath(QStringLiteral("data.key")));
        if (!key.open(QIODevice::WriteOnly) || key.write("bXItdGVzdC1kYXRhLWtleS0wMTIzNDU2Nzg5YWJjZGU=\n") < 0)
            return fail(QStringLiteral("cannot write the data key"));
        key.close();
        o.dataKeyFile = key.fileName();
        o.listen = QStringLiteral("127.0.0.1:0");
        if (configure)
            configure(o);
        m_server = std::make_unique<orch::Orchestrator>(o);
        if (!m_server->start(&m_error))
            return Start::Failed;
        return Start::Started;
    }
    QString error() const { return m_error; }

    /// Called with the options just before the server is made (e.g. a slower hub timer). Two
    /// TestServers started on "postgres" share one database: two instances of one orchestrator.
    std::function<void(orch::Orchestrator::Options&)> configure;

    orch::Orchestrator& server() { return *m_server; }
    QUrl url() const { return m_server->url(); }
    orch::OffsetClock& clock() { return *m_server->clock(); }
    /// Runs @p work on a database worker and waits; exceptions propagate.
    void db(const std::function<void(orch::Db&)>& work) { m_server->pool().runAndWait(work); }

    /// A new user with a unique name starting with @p prefix and the password kPassword.
    orch::UserRecord addUser(const QString& prefix, bool admin = false) {
        orch::UserRecord user;
        const QString name = uniqueName(prefix);
        db([&](orch::Db& db) { user = orch::createUser(db, name, name, kPassword, admin, clock().now()); });
        return user;
    }

    /// Any request. @p headers are sent as given (e.g. "cookie", "content-type").
    HttpResult request(const QByteArray& method, const QString& path, const QByteArray& body = {},
                       const QList<QPair<QByteArray, QByteArray>>& headers = {}, const QString& token = {}) {
        QNetworkRequest request(path.startsWith(QLatin1String("http")) ? QUrl(path) : url().resolved(QUrl(path)));
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
        request.setAttribute(QNetworkRequest::CookieLoadControlAttribute, QNetworkRequest::Manual);
        request.setAttribute(QNetworkRequest::CookieSaveControlAttribute, QNetworkRequest::Manual);
        request.setTransferTimeout(30'000);
        for (const auto& [name, value] : headers)
            request.setRawHeader(name, value);
        if (!token.isEmpty())
            request.setRawHeader("Authorization", "Bearer " + token.toLatin1());
        QNetworkReply* reply = m_nam.sendCustomRequest(request, method, body);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        if (!reply->isFinished())
            finished.wait(30'000);
        HttpResult r;
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        r.body = reply->readAll();
        for (const auto& [name, value] : reply->rawHeaderPairs())
            r.headers.insert(name.toLower(), value);
        if (reply->error() != QNetworkReply::NoError && r.status == 0)
            r.networkError = reply->errorString();
        reply->deleteLater();
        return r;
    }
    HttpResult get(const QString& path, const QString& token = {}) { return request("GET", path, {}, {}, token); }
    HttpResult del(const QString& path, const QString& token = {}) { return request("DELETE", path, {}, {}, token); }
    HttpResult postJson(const QString& path, const QJsonObject& body, const QString& token = {}) {
        return request("POST", path, QJsonDocument(body).toJson(QJsonDocument::Compact),
                       {{"Content-Type", "application/json"}}, token);
    }
    /// An HTML-form POST; @p cookie is sent as the Cookie header when not empty.
    HttpResult postForm(const QString& path, const QList<QPair<QString, QString>>& fields,
                        const QByteArray& cookie = {}) {
        QList<QPair<QByteArray, QByteArray>> headers{{"Content-Type", "application/x-www-form-urlencoded"}};
        if (!cookie.isEmpty())
            headers.append({"Cookie", cookie});
        return request("POST", path, formBody(fields), headers);
    }

    static QByteArray formBody(const QList<QPair<QString, QString>>& fields) {
        QByteArray body;
        for (const auto& [name, value] : fields) {
            if (!body.isEmpty())
                body += '&';
            body += QUrl::toPercentEncoding(name) + '=' + QUrl::toPercentEncoding(value);
        }
        return body;
    }
    /// The hidden inputs of a page's form, decoded from HTML.
    static QList<QPair<QString, QString>> hiddenFields(const QByteArray& html) {
        static const QRegularExpression input(
            QStringLiteral("<input type=\"hidden\" name=\"([^\"]*)\" value=\"([^\"]*)\">"));
        QList<QPair<QString, QString>> fields;
        auto it = input.globalMatch(QString::fromUtf8(html));
        while (it.hasNext()) {
            const auto m = it.next();
            fields.append({unescape(m.captured(1)), unescape(m.captured(2))});
        }
        return fields;
    }
    /// "name=value" of a Set-Cookie header, ready for a Cookie header.
    static QByteArray cookiePair(const QByteArray& setCookie) { return setCookie.split(';').value(0).trimmed(); }

    /// PKCE pieces: a random verifier and its S256 challenge.
    static QPair<QString, QString> pkce() {
        const QString verifier = orch::crypto::randomBase64Url(32);
        return {verifier, QString::fromLatin1(orch::crypto::base64Url(orch::crypto::sha256(verifier.toLatin1())))};
    }
    static QString redirectUri() { return QStringLiteral("http://127.0.0.1:53682/callback"); }
    QString authorizePath(const QString& challenge, const QString& state,
                          const QString& method = QStringLiteral("S256"),
                          const QString& redirect = redirectUri()) const {
        const QByteArray query = formBody({{QStringLiteral("response_type"), QStringLiteral("code")},
                                           {QStringLiteral("client_id"), QStringLiteral("machine-runtime")},
                                           {QStringLiteral("redirect_uri"), redirect},
                                           {QStringLiteral("code_challenge"), challenge},
                                           {QStringLiteral("code_challenge_method"), method},
                                           {QStringLiteral("state"), state}});
        return QStringLiteral("/oauth/authorize?") + QString::fromLatin1(query);
    }

    /// GET the sign-in page and POST it with @p username/@p password like a browser would.
    /// Returns the POST's answer (302 on success).
    HttpResult submitSignIn(const QString& username, const QString& password, const QString& challenge,
                            const QString& state) {
        const HttpResult page = get(authorizePath(challenge, state));
        if (page.status != 200)
            return page;
        QList<QPair<QString, QString>> fields = hiddenFields(page.body);
        fields.append({QStringLiteral("username"), username});
        fields.append({QStringLiteral("password"), password});
        return postForm(QStringLiteral("/oauth/authorize"), fields, cookiePair(page.header("set-cookie")));
    }

    /// The code of a successful sign-in's redirect, or empty.
    static QString codeFrom(const HttpResult& redirect, QString* state = nullptr) {
        const QUrlQuery q(QUrl(QString::fromUtf8(redirect.header("location"))));
        if (state)
            *state = q.queryItemValue(QStringLiteral("state"), QUrl::FullyDecoded);
        return q.queryItemValue(QStringLiteral("code"), QUrl::FullyDecoded);
    }

    HttpResult exchangeCode(const QString& code, const QString& verifier, const QString& redirect = redirectUri()) {
        return postForm(QStringLiteral("/oauth/token"),
                        {{QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
                         {QStringLiteral("code"), code},
                         {QStringLiteral("code_verifier"), verifier},
                         {QStringLiteral("redirect_uri"), redirect},
                         {QStringLiteral("client_id"), QStringLiteral("machine-runtime")}});
    }
    HttpResult refresh(const QString& refreshToken) {
        return postForm(QStringLiteral("/oauth/token"),
                        {{QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
                         {QStringLiteral("refresh_token"), refreshToken},
                         {QStringLiteral("client_id"), QStringLiteral("machine-runtime")}});
    }

    /// The whole browser-less sign-in: page, form, code, tokens.
    SignInResult signIn(const QString& username, const QString& password = kPassword) {
        SignInResult result;
        const auto [verifier, challenge] = pkce();
        const HttpResult posted = submitSignIn(username, password, challenge, QStringLiteral("s1"));
        if (posted.status != 302) {
            result.error = QStringLiteral("POST /oauth/authorize answered %1").arg(posted.status);
            return result;
        }
        const HttpResult tokens = exchangeCode(codeFrom(posted), verifier);
        if (tokens.status != 200) {
            result.error = QStringLiteral("POST /oauth/token answered %1: %2")
                               .arg(tokens.status)
                               .arg(QString::fromUtf8(tokens.body));
            return result;
        }
        result.accessToken = tokens.object().value(QStringLiteral("access_token")).toString();
        result.refreshToken = tokens.object().value(QStringLiteral("refresh_token")).toString();
        return result;
    }

private:
    Start fail(const QString& why) {
        m_error = why;
        return Start::Failed;
    }
    static QString unescape(QString s) {
        s.replace(QLatin1String("&quot;"), QLatin1String("\""));
        s.replace(QLatin1String("&lt;"), QLatin1String("<"));
        s.replace(QLatin1String("&gt;"), QLatin1String(">"));
        s.replace(QLatin1String("&#39;"), QLatin1String("'"));
        s.replace(QLatin1String("&amp;"), QLatin1String("&"));
        return s;
    }

    QTemporaryDir m_dir;
    std::unique_ptr<orch::Orchestrator> m_server;
    QNetworkAccessManager m_nam;
    QString m_error;
};

} // namespace mr::test

/// QFETCH_GLOBALs `engine` (rows of addEngineRows() in initTestCase_data()) and starts @p server on it: QSKIP without
/// PostgreSQL, else QVERIFY2.
#define MR_START_TEST_SERVER(server)                                                                                   \
    do {                                                                                                               \
        QFETCH_GLOBAL(QString, engine);                                                                                \
        const auto started_ = (server).start(engine);                                                                  \
        if (started_ == mr::test::TestServer::Start::Skip)                                                             \
            QSKIP(qPrintable((server).error()));                                                                       \
        QVERIFY2(started_ == mr::test::TestServer::Start::Started, qPrintable((server).error()));                      \
    } while (false)
