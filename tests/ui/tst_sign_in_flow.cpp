// The desktop sign-in (OAuth 2.0 + PKCE, loopback redirect) against a real orchestrator process,
// with this test doing what the browser does.
#include "../e2e/E2eHarness.h"
#include "FakeBrowser.h"
#include "agent/KeychainSecretStore.h"
#include "agent/SignInFlow.h"

#include <QUrlQuery>

using mr::agent::SecretResult;
using mr::agent::SecretStore;
using mr::agent::SignInFlow;
using mr::e2e::OrchestratorProcess;

namespace {

using mr::test::Browser;
using mr::test::Page;

QStringList g_log;
QtMessageHandler g_previousHandler = nullptr;

void captureLog(QtMsgType type, const QMessageLogContext& context, const QString& message) {
    g_log.append(message);
    if (g_previousHandler)
        g_previousHandler(type, context, message);
}

bool haveKeychain() {
    return !qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS");
}

} // namespace

class TestSignInFlow : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        if (mr::e2e::scratch().isEmpty())
            QSKIP("needs MR_TEST_SCRATCH (run through ctest)");
        QVERIFY(m_orch.start());
        g_previousHandler = qInstallMessageHandler(captureLog);
        m_orch.userWithRoles(QStringLiteral("alice"), QStringLiteral("Sales"), {QStringLiteral("EnvironmentMaker")});
        m_server = QUrl(m_orch.url());
    }

    void signsInThroughTheBrowserForm() {
        const bool keychain = haveKeychain();
        if (!keychain && qEnvironmentVariableIsSet("MR_REQUIRE_SERVICES"))
            QFAIL("MR_REQUIRE_SERVICES is set but there is no D-Bus session for the keychain");
        SignInFlow flow([keychain](const QString& server, const QString& account) -> std::unique_ptr<SecretStore> {
            if (!keychain)
                return nullptr;
            return std::make_unique<mr::agent::KeychainSecretStore>(server, account);
        });
        QSignalSpy urls(&flow, &SignInFlow::authorizationUrlReady);
        QSignalSpy signedIn(&flow, &SignInFlow::signedIn);
        QSignalSpy failed(&flow, &SignInFlow::failed);
        flow.start(m_server);
        QTRY_COMPARE_WITH_TIMEOUT(urls.size(), 1, 10000);
        QCOMPARE(flow.state(), SignInFlow::State::WaitingForBrowser);
        const QUrl authorize = urls.first().first().toUrl();
        const QUrlQuery query(authorize);
        QCOMPARE(query.queryItemValue(QStringLiteral("code_challenge_method")), QStringLiteral("S256"));
        QVERIFY(!query.queryItemValue(QStringLiteral("code_challenge")).isEmpty());
        QVERIFY(query.queryItemValue(QStringLiteral("redirect_uri"), QUrl::FullyDecoded)
                    .startsWith(QStringLiteral("http://127.0.0.1:")));

        Browser browser;
        const Page page = browser.send(authorize);
        QCOMPARE(page.status, 200);
        QVERIFY(browser.hasCsrfCookie(authorize));

        // A wrong password shows the page again; the flow keeps waiting.
        const Page wrong = browser.send(authorize.adjusted(QUrl::RemoveQuery),
                                        Browser::fillForm(page.body, QStringLiteral("alice"), QStringLiteral("nope")));
        QCOMPARE(wrong.status, 200);
        QVERIFY(wrong.redirect.isEmpty());
        QTest::qWait(200);
        QCOMPARE(flow.state(), SignInFlow::State::WaitingForBrowser);

        const Page right =
            browser.send(authorize.adjusted(QUrl::RemoveQuery),
                         Browser::fillForm(wrong.body, QStringLiteral("alice"), QStringLiteral("e2e-password-1")));
        QCOMPARE(right.status, 302);
        QCOMPARE(right.redirect.host(), QStringLiteral("127.0.0.1"));
        const Page landed = browser.send(right.redirect);
        QCOMPARE(landed.status, 200);

        QVERIFY2(signedIn.wait(20000) || !signedIn.isEmpty(),
                 qPrintable(failed.isEmpty() ? QStringLiteral("no answer")
                                             : failed.first().first().value<mr::agent::SignInError>().detail));
        QCOMPARE(flow.state(), SignInFlow::State::SignedIn);
        const auto session = flow.session();
        QCOMPARE(session.username, QStringLiteral("alice"));
        QVERIFY(!session.accessToken.isEmpty());
        QVERIFY(!session.refreshToken.isEmpty());
        QCOMPARE(session.environments.size(), 1);
        // No token and no password ever reaches a log line.
        for (const QString& line : std::as_const(g_log)) {
            QVERIFY2(!line.contains(session.accessToken), qPrintable(line));
            QVERIFY2(!line.contains(session.refreshToken), qPrintable(line));
            QVERIFY2(!line.contains(QLatin1String("e2e-password-1")), qPrintable(line));
        }

        if (!keychain)
            QSKIP("no D-Bus session: the keychain part is skipped");
        mr::agent::KeychainSecretStore store(session.server.toString(), QStringLiteral("alice"));
        std::optional<SecretResult> stored;
        store.read(SignInFlow::refreshTokenKey(), [&](const SecretResult& r) { stored = r; });
        QTRY_VERIFY_WITH_TIMEOUT(stored.has_value(), 20000);
        QVERIFY2(stored->ok, qPrintable(stored->error));
        QCOMPARE(QString::fromUtf8(stored->value), session.refreshToken);

        // The next start: the kept session signs alice in again without a browser, and the
        // refresh token rotates (the keychain holds the new one).
        SignInFlow again([](const QString& server, const QString& account) -> std::unique_ptr<SecretStore> {
            return std::make_unique<mr::agent::KeychainSecretStore>(server, account);
        });
        QSignalSpy resumed(&again, &SignInFlow::signedIn);
        again.resume(m_server, QStringLiteral("alice"));
        QTRY_COMPARE_WITH_TIMEOUT(resumed.size(), 1, 20000);
        QCOMPARE(again.session().username, QStringLiteral("alice"));
        QVERIFY(again.session().refreshToken != session.refreshToken);
        stored.reset();
        store.read(SignInFlow::refreshTokenKey(), [&](const SecretResult& r) { stored = r; });
        QTRY_VERIFY_WITH_TIMEOUT(stored.has_value(), 20000);
        QCOMPARE(QString::fromUtf8(stored->value), again.session().refreshToken);
    }

    void resumeWithoutASavedSessionAsksToSignIn() {
        SignInFlow flow(nullptr);
        QSignalSpy failed(&flow, &SignInFlow::failed);
        flow.resume(m_server, QStringLiteral("nobody"));
        QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 10000);
        QCOMPARE(flow.lastError().code, mr::agent::SignInError::Code::NoSavedSession);
    }

    void cancelReturnsToIdle() {
        SignInFlow flow(nullptr);
        QSignalSpy urls(&flow, &SignInFlow::authorizationUrlReady);
        flow.start(m_server);
        QTRY_COMPARE_WITH_TIMEOUT(urls.size(), 1, 10000);
        const QUrl redirect(
            QUrlQuery(urls.first().first().toUrl()).queryItemValue(QStringLiteral("redirect_uri"), QUrl::FullyDecoded));
        flow.cancel();
        QCOMPARE(flow.state(), SignInFlow::State::Idle);
        QCOMPARE(flow.session().accessToken, QString());
        // The loopback listener is gone with the state.
        QTest::qWait(100);
        Browser browser;
        const Page after = browser.send(redirect);
        QCOMPARE(after.status, 0);
    }

    void refusesPlainHttpToAnotherHost() {
        SignInFlow flow(nullptr);
        QSignalSpy failed(&flow, &SignInFlow::failed);
        flow.start(QUrl(QStringLiteral("http://orchestrator.example.org")));
        QCOMPARE(flow.state(), SignInFlow::State::Failed);
        QCOMPARE(failed.size(), 1);
        QCOMPARE(flow.lastError().code, mr::agent::SignInError::Code::InsecureServer);
        QVERIFY(!flow.lastError().message.isEmpty());
    }

    void loopbackHostsAreRecognised() {
        QVERIFY(SignInFlow::isLoopback(QUrl(QStringLiteral("http://127.0.0.1:8080"))));
        QVERIFY(SignInFlow::isLoopback(QUrl(QStringLiteral("http://[::1]:8080"))));
        QVERIFY(SignInFlow::isLoopback(QUrl(QStringLiteral("http://localhost"))));
        QVERIFY(!SignInFlow::isLoopback(QUrl(QStringLiteral("http://10.0.0.1"))));
    }

private:
    OrchestratorProcess m_orch;
    QUrl m_server;
};

QTEST_GUILESS_MAIN(TestSignInFlow)
#include "tst_sign_in_flow.moc"
