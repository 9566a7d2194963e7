// Sign-in over real HTTP against an in-process orchestrator, on SQLite and PostgreSQL: the
// browser-less PKCE flow, what the authorization endpoint refuses, code and refresh token
// rules, throttling, deactivation, expiry, forgery and personal access tokens.

#include "TestServer.h"

#include "orchestrator/auth/Jwt.h"
#include "orchestrator/auth/SignInThrottle.h"

#include <QtTest>

using namespace mr::test;
using mr::orch::Db;

class TestAuthSignIn : public QObject {
    Q_OBJECT

private:
    static void forgetAddressFailures(TestServer& server) {
        // The address key is shared by every test on this host; leave it clean for the others.
        server.db([](Db& db) { mr::orch::SignInThrottle::clear(db, QStringLiteral("addr:127.0.0.1")); });
    }

private Q_SLOTS:
    void initTestCase_data() { addEngineRows(); }

    void discoveryAndJwksDescribeTheIssuer() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        const HttpResult d = server.get(QStringLiteral("/.well-known/openid-configuration"));
        QCOMPARE(d.status, 200);
        const QString issuer = d.object().value(QStringLiteral("issuer")).toString();
        QCOMPARE(issuer, server.url().toString());
        QCOMPARE(d.object().value(QStringLiteral("token_endpoint")).toString(),
                 issuer + QStringLiteral("/oauth/token"));
        QCOMPARE(d.object().value(QStringLiteral("code_challenge_methods_supported")).toArray(),
                 QJsonArray{QStringLiteral("S256")});

        const HttpResult jwks = server.get(QStringLiteral("/oauth/jwks"));
        QCOMPARE(jwks.status, 200);
        const QJsonArray keys = jwks.object().value(QStringLiteral("keys")).toArray();
        QVERIFY(!keys.isEmpty());

        // An access token verifies with the published key of its kid.
        const auto user = server.addUser(QStringLiteral("jwks"));
        const SignInResult s = server.signIn(user.username);
        QVERIFY2(s.error.isEmpty(), qPrintable(s.error));
        const auto parts = mr::orch::parseJwt(s.accessToken.toLatin1());
        QVERIFY(parts);
        QCOMPARE(parts->header.value(QStringLiteral("alg")).toString(), QStringLiteral("EdDSA"));
        QCOMPARE(parts->claims.value(QStringLiteral("iss")).toString(), issuer);
        QCOMPARE(parts->claims.value(QStringLiteral("sub")).toString(), user.id);
        bool verified = false;
        for (const QJsonValue& k : keys) {
            const QJsonObject key = k.toObject();
            QCOMPARE(key.value(QStringLiteral("kty")).toString(), QStringLiteral("OKP"));
            if (key.value(QStringLiteral("kid")) == parts->header.value(QStringLiteral("kid")))
                verified = mr::orch::verifyEd25519(
                    *mr::orch::crypto::fromBase64Url(key.value(QStringLiteral("x")).toString().toLatin1()),
                    parts->signingInput, parts->signature);
        }
        QVERIFY(verified);
    }

    void pkceSignInGivesWorkingTokens() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        const auto user = server.addUser(QStringLiteral("alice"));
        const auto [verifier, challenge] = TestServer::pkce();
        const QString state = QStringLiteral("st<\"&'>ate");

        const HttpResult page = server.get(server.authorizePath(challenge, state));
        QCOMPARE(page.status, 200);
        QVERIFY(page.header("content-type").startsWith("text/html"));
        const QString html = QString::fromUtf8(page.body);
        QVERIFY(html.contains(QLatin1String("<html lang=\"en\">")));
        QVERIFY(html.contains(QLatin1String("Sign in to Machine Runtime")));
        QVERIFY(html.contains(QLatin1String("<label for=\"username\">")));
        QVERIFY(html.contains(QLatin1String("autocomplete=\"current-password\"")));
        QVERIFY(html.contains(QLatin1String("<form method=\"post\" action=\"/oauth/authorize\">")));
        QVERIFY2(!html.contains(state), "the state must be HTML-escaped");
        const QByteArray setCookie = page.header("set-cookie");
        QVERIFY(setCookie.startsWith("mr_csrf="));
        QVERIFY(setCookie.contains("HttpOnly"));
        QVERIFY(setCookie.contains("SameSite=Lax"));

        auto fields = TestServer::hiddenFields(page.body);
        QVERIFY(fields.contains(qMakePair(QStringLiteral("state"), state)));
        fields.append({QStringLiteral("username"), user.username.toUpper()}); // names ignore case
        fields.append({QStringLiteral("password"), kPassword});

        // Without the cookie the page set, the form is not accepted.
        const HttpResult noCookie = server.postForm(QStringLiteral("/oauth/authorize"), fields);
        QCOMPARE(noCookie.status, 400);
        QVERIFY(noCookie.header("location").isEmpty());

        const HttpResult posted =
            server.postForm(QStringLiteral("/oauth/authorize"), fields, TestServer::cookiePair(setCookie));
        QCOMPARE(posted.status, 302);
        QVERIFY(posted.header("location").startsWith(QByteArray(TestServer::redirectUri().toLatin1() + "?code=")));
        QString echoed;
        const QString code = TestServer::codeFrom(posted, &echoed);
        QVERIFY(!code.isEmpty());
        QCOMPARE(echoed, state);

        const HttpResult tokens = server.exchangeCode(code, verifier);
        QCOMPARE(tokens.status, 200);
        const QJsonObject t = tokens.object();
        QCOMPARE(t.value(QStringLiteral("token_type")).toString(), QStringLiteral("Bearer"));
        QCOMPARE(t.value(QStringLiteral("expires_in")).toInt(), 900);
        QVERIFY(!t.value(QStringLiteral("refresh_token")).toString().isEmpty());
        const QString access = t.value(QStringLiteral("access_token")).toString();

        QCOMPARE(server.get(QStringLiteral("/api/v1/me/tokens"), access).status, 200);
        const HttpResult anonymous = server.get(QStringLiteral("/api/v1/me/tokens"));
        QCOMPARE(anonymous.status, 401);
        QCOMPARE(anonymous.errorCode(), QStringLiteral("Unauthenticated"));
    }

    void wrongPasswordShowsThePageAgain() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        const auto user = server.addUser(QStringLiteral("bob"));
        const auto [verifier, challenge] = TestServer::pkce();
        for (const QString& name : QStringList{user.username, QStringLiteral("nobody-") + user.username}) {
            const HttpResult r = server.submitSignIn(name, QStringLiteral("not the password"), challenge, {});
            QCOMPARE(r.status, 200);
            QVERIFY(r.header("location").isEmpty());
            const QString html = QString::fromUtf8(r.body);
            QVERIFY(html.contains(QLatin1String("role=\"alert\"")));
            QVERIFY(html.contains(QLatin1String("The username or password is wrong.")));
            QVERIFY2(!html.contains(QLatin1String("not the password")), "the password must not come back");
        }
        forgetAddressFailures(server);
    }

    void authorizeRefusesBadRequests() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        const auto [verifier, challenge] = TestServer::pkce();

        // plain PKCE: told to the app by a redirect with error, never a sign-in form.
        const HttpResult plain =
            server.get(server.authorizePath(verifier, QStringLiteral("x"), QStringLiteral("plain")));
        QCOMPARE(plain.status, 302);
        QVERIFY(plain.header("location").contains("error=invalid_request"));
        QVERIFY(plain.header("location").contains("state=x"));
        const HttpResult noChallenge = server.get(server.authorizePath(QString(), QStringLiteral("x")));
        QCOMPARE(noChallenge.status, 302);
        QVERIFY(noChallenge.header("location").contains("error=invalid_request"));

        // Redirects that are not loopback IP literals: an error page, never a redirect.
        for (const QString& redirect :
             {QStringLiteral("http://localhost:5000/cb"), QStringLiteral("https://evil.example/cb"),
              QStringLiteral("http://127.0.0.1/cb"), QStringLiteral("http://127.0.0.1.evil.example:80/cb"),
              QStringLiteral("http://user@127.0.0.1:80/cb")}) {
            const HttpResult r =
                server.get(server.authorizePath(challenge, QStringLiteral("x"), QStringLiteral("S256"), redirect));
            QVERIFY2(r.status == 400, qPrintable(redirect));
            QVERIFY(r.header("location").isEmpty());
            QVERIFY(!r.body.contains("<form"));
        }
        QCOMPARE(server
                     .get(server.authorizePath(challenge, QStringLiteral("x"), QStringLiteral("S256"),
                                               QStringLiteral("http://[::1]:5000/cb")))
                     .status,
                 200);
        QString path = server.authorizePath(challenge, QStringLiteral("x"));
        path.replace(QLatin1String("client_id=machine-runtime"), QLatin1String("client_id=other"));
        QCOMPARE(server.get(path).status, 400);
    }

    void codesAreSingleUseAndBoundToTheVerifier() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        const auto user = server.addUser(QStringLiteral("carol"));
        const auto [verifier, challenge] = TestServer::pkce();

        QString code = TestServer::codeFrom(server.submitSignIn(user.username, kPassword, challenge, {}));
        QVERIFY(!code.isEmpty());
        QCOMPARE(server.exchangeCode(code, verifier).status, 200);
        const HttpResult reused = server.exchangeCode(code, verifier);
        QCOMPARE(reused.status, 400);
        QCOMPARE(reused.object().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_grant"));

        code = TestServer::codeFrom(server.submitSignIn(user.username, kPassword, challenge, {}));
        const HttpResult wrongVerifier = server.exchangeCode(code, TestServer::pkce().first);
        QCOMPARE(wrongVerifier.status, 400);
        QCOMPARE(wrongVerifier.object().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_grant"));

        code = TestServer::codeFrom(server.submitSignIn(user.username, kPassword, challenge, {}));
        QCOMPARE(server.exchangeCode(code, verifier, QStringLiteral("http://127.0.0.1:1/other")).status, 400);

        code = TestServer::codeFrom(server.submitSignIn(user.username, kPassword, challenge, {}));
        server.clock().advance(61'000); // codes live 60 s
        QCOMPARE(server.exchangeCode(code, verifier).status, 400);
    }

    void refreshTokensRotateAndReuseRevokesTheFamily() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        const auto user = server.addUser(QStringLiteral("dave"));
        const SignInResult s = server.signIn(user.username);
        QVERIFY2(s.error.isEmpty(), qPrintable(s.error));

        const HttpResult first = server.refresh(s.refreshToken);
        QCOMPARE(first.status, 200);
        const QString second = first.object().value(QStringLiteral("refresh_token")).toString();
        QVERIFY(!second.isEmpty());
        QVERIFY(second != s.refreshToken);
        QCOMPARE(server
                     .get(QStringLiteral("/api/v1/me/tokens"),
                          first.object().value(QStringLiteral("access_token")).toString())
                     .status,
                 200);

        const HttpResult replay = server.refresh(s.refreshToken);
        QCOMPARE(replay.status, 400);
        QCOMPARE(replay.object().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_grant"));
        // The replay ended the family: the legitimate successor no longer works either.
        QCOMPARE(server.refresh(second).status, 400);

        // Another sign-in starts a family of its own.
        const SignInResult again = server.signIn(user.username);
        QCOMPARE(server.refresh(again.refreshToken).status, 200);
        QCOMPARE(server.refresh(QStringLiteral("made-up")).status, 400);
    }

    void wrongPasswordsAreThrottled() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        forgetAddressFailures(server);
        const auto user = server.addUser(QStringLiteral("erin"));
        const auto [verifier, challenge] = TestServer::pkce();
        for (int i = 1; i < mr::orch::SignInThrottle::kUserLimit; ++i)
            QCOMPARE(server.submitSignIn(user.username, QStringLiteral("wrong-password"), challenge, {}).status, 200);
        const HttpResult locked = server.submitSignIn(user.username, QStringLiteral("wrong-password"), challenge, {});
        QCOMPARE(locked.status, 429);
        QCOMPARE(locked.header("retry-after"), QByteArray("60"));
        QVERIFY(locked.body.contains("Too many failed sign-ins. Try again in 60 seconds."));

        // While locked, even the right password is refused, and says so.
        const HttpResult stillLocked = server.submitSignIn(user.username, kPassword, challenge, {});
        QCOMPARE(stillLocked.status, 429);
        QVERIFY(stillLocked.header("retry-after").toInt() > 0);
        QVERIFY(stillLocked.header("location").isEmpty());

        server.clock().advance(61'000);
        QCOMPARE(server.submitSignIn(user.username, kPassword, challenge, {}).status, 302);
        // Success cleared the count: one more typo is just a typo.
        QCOMPARE(server.submitSignIn(user.username, QStringLiteral("wrong-password"), challenge, {}).status, 200);
        forgetAddressFailures(server);
    }

    void deactivationTakesEffectOnTheNextRequest() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        const auto user = server.addUser(QStringLiteral("frank"));
        const SignInResult s = server.signIn(user.username);
        QVERIFY2(s.error.isEmpty(), qPrintable(s.error));
        const QString pat = server
                                .postJson(QStringLiteral("/api/v1/me/tokens"),
                                          {{QStringLiteral("name"), QStringLiteral("ci")}}, s.accessToken)
                                .object()
                                .value(QStringLiteral("token"))
                                .toString();
        QCOMPARE(server.get(QStringLiteral("/api/v1/me/tokens"), s.accessToken).status, 200);
        QCOMPARE(server.get(QStringLiteral("/api/v1/me/tokens"), pat).status, 200);

        bool found = false;
        server.db([&](Db& db) { found = mr::orch::deactivateUser(db, user.username); });
        QVERIFY(found);
        QCOMPARE(server.get(QStringLiteral("/api/v1/me/tokens"), s.accessToken).status, 401);
        QCOMPARE(server.get(QStringLiteral("/api/v1/me/tokens"), pat).status, 401);
        QCOMPARE(server.refresh(s.refreshToken).status, 400);
        QCOMPARE(server.signIn(user.username).error.isEmpty(), false);
        forgetAddressFailures(server);
    }

    void expiredAndForgedTokensAreRefused() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        const auto user = server.addUser(QStringLiteral("grace"));
        const SignInResult s = server.signIn(user.username);
        QVERIFY2(s.error.isEmpty(), qPrintable(s.error));

        QByteArray forged = s.accessToken.toLatin1();
        const qsizetype dot = forged.lastIndexOf('.');
        auto signature = *mr::orch::crypto::fromBase64Url(forged.mid(dot + 1));
        signature[5] = char(signature[5] ^ 0x01);
        forged = forged.left(dot + 1) + mr::orch::crypto::base64Url(signature);
        QCOMPARE(server.get(QStringLiteral("/api/v1/me/tokens"), QString::fromLatin1(forged)).status, 401);

        // Claims changed (another user's id), signature kept.
        auto parts = *mr::orch::parseJwt(s.accessToken.toLatin1());
        parts.claims.insert(QStringLiteral("sub"), QStringLiteral("someone-else"));
        const QByteArray swapped =
            parts.signingInput.left(parts.signingInput.indexOf('.') + 1) +
            mr::orch::crypto::base64Url(QJsonDocument(parts.claims).toJson(QJsonDocument::Compact)) + '.' +
            mr::orch::crypto::base64Url(parts.signature);
        QCOMPARE(server.get(QStringLiteral("/api/v1/me/tokens"), QString::fromLatin1(swapped)).status, 401);
        QCOMPARE(server.get(QStringLiteral("/api/v1/me/tokens"), QStringLiteral("mrp_not-a-token")).status, 401);

        QCOMPARE(server.get(QStringLiteral("/api/v1/me/tokens"), s.accessToken).status, 200);
        server.clock().advance(16 * 60 * 1000);
        const HttpResult expired = server.get(QStringLiteral("/api/v1/me/tokens"), s.accessToken);
        QCOMPARE(expired.status, 401);
        QCOMPARE(expired.errorCode(), QStringLiteral("Unauthenticated"));
        // The refresh token still gets a fresh access token.
        const HttpResult refreshed = server.refresh(s.refreshToken);
        QCOMPARE(refreshed.status, 200);
        QCOMPARE(server
                     .get(QStringLiteral("/api/v1/me/tokens"),
                          refreshed.object().value(QStringLiteral("access_token")).toString())
                     .status,
                 200);
    }

    void personalAccessTokens() {
        TestServer server;
        MR_START_TEST_SERVER(server);
        const auto alice = server.addUser(QStringLiteral("pat-alice"));
        const auto bob = server.addUser(QStringLiteral("pat-bob"));
        const SignInResult a = server.signIn(alice.username);
        const SignInResult b = server.signIn(bob.username);
        QVERIFY2(a.error.isEmpty() && b.error.isEmpty(), qPrintable(a.error + b.error));

        const HttpResult created =
            server.postJson(QStringLiteral("/api/v1/me/tokens"),
                            {{QStringLiteral("name"), QStringLiteral("build server")}}, a.accessToken);
        QCOMPARE(created.status, 201);
        const QString id = created.object().value(QStringLiteral("id")).toString();
        const QString token = created.object().value(QStringLiteral("token")).toString();
        QVERIFY(token.startsWith(QLatin1String("mrp_")));
        QCOMPARE(created.object().value(QStringLiteral("name")).toString(), QStringLiteral("build server"));
        QVERIFY(!created.object().value(QStringLiteral("createdAt")).toString().isEmpty());

        const HttpResult list = server.get(QStringLiteral("/api/v1/me/tokens"), token); // the PAT works
        QCOMPARE(list.status, 200);
        QCOMPARE(list.array().size(), 1);
        const QJsonObject listed = list.array().at(0).toObject();
        QCOMPARE(listed.value(QStringLiteral("id")).toString(), id);
        QVERIFY(!listed.contains(QStringLiteral("token")));
        QVERIFY(!list.body.contains(token.toLatin1()));
        QVERIFY(listed.contains(QStringLiteral("lastUsedAt")));
        QCOMPARE(server.get(QStringLiteral("/api/v1/me/tokens"), b.accessToken).array().size(), 0);

        QCOMPARE(server.del(QStringLiteral("/api/v1/me/tokens/") + id, b.accessToken).status, 404);
        QCOMPARE(server.del(QStringLiteral("/api/v1/me/tokens/") + id, a.accessToken).status, 204);
        QCOMPARE(server.get(QStringLiteral("/api/v1/me/tokens"), token).status, 401);
        QCOMPARE(server.del(QStringLiteral("/api/v1/me/tokens/") + id, a.accessToken).status, 404);
    }
};

QTEST_GUILESS_MAIN(TestAuthSignIn)
#include "tst_auth_signin.moc"
