#include "orchestrator/auth/OAuthRoutes.h"

#include "orchestrator/Services.h"
#include "orchestrator/auth/Crypto.h"
#include "orchestrator/auth/KeyRing.h"
#include "orchestrator/auth/MachineAssertion.h"
#include "orchestrator/auth/SignInPage.h"
#include "orchestrator/auth/SignInThrottle.h"
#include "orchestrator/auth/TokenService.h"
#include "orchestrator/auth/UserDirectory.h"
#include "orchestrator/http/Router.h"

#include <QHostAddress>
#include <QJsonArray>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QUrl>

#include <functional>

Q_LOGGING_CATEGORY(lcAuth, "mr.orchestrator.auth")

namespace mr::orch {

namespace {

const QString kClientId = QStringLiteral("machine-runtime");
const QString kJwtBearer = QStringLiteral("urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
const QByteArray kCsrfCookie = "mr_csrf";
constexpr int kCodeSeconds = 60;
constexpr qint64 kFormBodyLimit = 64 * 1024;
constexpr int kMaxFieldLength = 2048;

/// Qt binds a null QString as SQL NULL; NOT NULL text columns need "".
QString notNull(const QString& text) {
    return text.isNull() ? QStringLiteral("") : text;
}

TokenService& tokens(Context& ctx) {
    if (!ctx.services.tokens)
        throw std::logic_error("the token service is not set up");
    return *ctx.services.tokens;
}

// ---- authorization request -------------------------------------------------------------------

/// The query fields of an authorization request (from the GET query or the POSTed form).
struct AuthorizeRequest {
    QString responseType, clientId, redirectUri, codeChallenge, codeChallengeMethod, state, scope;

    static AuthorizeRequest from(const std::function<QString(const QString&)>& field) {
        return {field(QStringLiteral("response_type")),
                field(QStringLiteral("client_id")),
                field(QStringLiteral("redirect_uri")),
                field(QStringLiteral("code_challenge")),
                field(QStringLiteral("code_challenge_method")),
                field(QStringLiteral("state")),
                field(QStringLiteral("scope"))};
    }

    QList<QPair<QString, QString>> hiddenFields(const QString& csrf) const {
        QList<QPair<QString, QString>> f{{QStringLiteral("response_type"), responseType},
                                         {QStringLiteral("client_id"), clientId},
                                         {QStringLiteral("redirect_uri"), redirectUri},
                                         {QStringLiteral("code_challenge"), codeChallenge},
                                         {QStringLiteral("code_challenge_method"), codeChallengeMethod}};
        if (!state.isEmpty())
            f.append({QStringLiteral("state"), state});
        if (!scope.isEmpty())
            f.append({QStringLiteral("scope"), scope});
        f.append({QStringLiteral("csrf"), csrf});
        return f;
    }
};

/// RFC 8252 §7.3: loopback IP literals with any port; not "localhost".
bool isLoopbackRedirect(const QString& text) {
    if (text.isEmpty() || text.size() > kMaxFieldLength)
        return false;
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || url.scheme() != QLatin1String("http") || !url.userInfo().isEmpty() || url.hasFragment() ||
        url.port() <= 0)
        return false;
    const QString host = url.host();
    return host == QLatin1String("127.0.0.1") || host == QLatin1String("::1");
}

bool isPkceValue(const QString& value) {
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9._~-]{43,128}$"));
    return pattern.match(value).hasMatch();
}

/// A failure that the page itself must show: the client or the redirect can't be trusted, so
/// sending the browser anywhere would be wrong (RFC 6749 §4.1.2.1).
std::optional<HttpResponse> clientProblem(const AuthorizeRequest& r) {
    if (r.clientId != kClientId)
        return HttpResponse::html(400, signInPage::problem(QStringLiteral("Unknown application"),
                                                           QStringLiteral("This sign-in link is not from the Machine "
                                                                          "Runtime app (unknown client_id).")));
    if (!isLoopbackRedirect(r.redirectUri))
        return HttpResponse::html(
            400, signInPage::problem(QStringLiteral("Sign-in link not accepted"),
                                     QStringLiteral("The sign-in link must return to the app on this computer "
                                                    "(http://127.0.0.1:PORT/… or http://[::1]:PORT/…).")));
    return std::nullopt;
}

HttpResponse redirectWith(const AuthorizeRequest& r, const QList<QPair<QString, QString>>& params) {
    QString location = r.redirectUri + (r.redirectUri.contains(QLatin1Char('?')) ? QLatin1Char('&') : QLatin1Char('?'));
    QList<QPair<QString, QString>> all = params;
    if (!r.state.isEmpty())
        all.append({QStringLiteral("state"), r.state});
    for (qsizetype i = 0; i < all.size(); ++i) {
        if (i > 0)
            location += QLatin1Char('&');
        location += all.at(i).first + QLatin1Char('=') + QString::fromLatin1(QUrl::toPercentEncoding(all.at(i).second));
    }
    return HttpResponse::redirect(location);
}

/// A request error the app should hear about: redirect with `error` (the client and the redirect
/// are known good by now).
std::optional<HttpResponse> requestProblem(const AuthorizeRequest& r) {
    QString description;
    if (r.responseType != QLatin1String("code"))
        description = QStringLiteral("response_type must be code");
    else if (r.codeChallengeMethod != QLatin1String("S256"))
        description = QStringLiteral("code_challenge_method must be S256");
    else if (!isPkceValue(r.codeChallenge))
        description = QStringLiteral("code_challenge must be 43 to 128 characters");
    else if (r.state.size() > kMaxFieldLength || r.scope.size() > 512)
        description = QStringLiteral("state or scope is too long");
    if (description.isEmpty())
        return std::nullopt;
    return redirectWith(r, {{QStringLiteral("error"), QStringLiteral("invalid_request")},
                            {QStringLiteral("error_description"), description}});
}

QString cookieValue(const HttpRequest& request, const QByteArray& name) {
    const QList<QByteArray> cookies = request.header("cookie").split(';');
    for (const QByteArray& cookie : cookies) {
        const QByteArray c = cookie.trimmed();
        if (c.startsWith(QByteArray(name + '=')))
            return QString::fromLatin1(c.mid(name.size() + 1));
    }
    return {};
}

/// The sign-in page with the CSP that lets its form lead back to the app's loopback address
/// (browsers apply form-action to the redirect after the POST too).
HttpResponse formPage(Context& ctx, int status, const AuthorizeRequest& r, const QString& csrf, bool setCookie,
                      const QString& username, const QString& error) {
    HttpResponse response = HttpResponse::html(status, signInPage::form(r.hiddenFields(csrf), username, error));
    const QUrl redirect(r.redirectUri);
    QByteArray csp = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";
    if (redirect.host() == QLatin1String("127.0.0.1")) // CSP has no syntax for IPv6 literals
        csp += "; form-action 'self' http://127.0.0.1:" + QByteArray::number(redirect.port());
    for (auto& header : response.headers) {
        if (header.first == "Content-Security-Policy")
            header.second = csp;
    }
    if (setCookie) {
        QByteArray cookie = kCsrfCookie + '=' + csrf.toLatin1() + "; HttpOnly; SameSite=Lax; Path=/oauth";
        if (ctx.services.config.publicUrl.startsWith(QLatin1String("https://")))
            cookie += "; Secure";
        response.withHeader("Set-Cookie", cookie);
    }
    return response;
}

QString peerAddress(const HttpRequest& request) {
    bool ok = false;
    const quint32 v4 = request.peer.toIPv4Address(&ok);
    return ok ? QHostAddress(v4).toString() : request.peer.toString();
}

HttpResponse lockedPage(Context& ctx, const AuthorizeRequest& r, const QString& csrf, const QString& username,
                        int seconds) {
    HttpResponse response = formPage(ctx, 429, r, csrf, false, username,
                                     QStringLiteral("Too many failed sign-ins. Try again in %1 seconds.").arg(seconds));
    response.withHeader("Retry-After", QByteArray::number(seconds));
    return response;
}

HttpResponse getAuthorize(Context& ctx) {
    const AuthorizeRequest r = AuthorizeRequest::from([&](const QString& n) { return ctx.request.queryValue(n); });
    if (auto problem = clientProblem(r))
        return *problem;
    if (auto problem = requestProblem(r))
        return *problem;
    return formPage(ctx, 200, r, crypto::randomBase64Url(24), true, {}, {});
}

HttpResponse postAuthorize(Context& ctx) {
    const QHash<QString, QString> form = ctx.request.formFields();
    const AuthorizeRequest r = AuthorizeRequest::from([&](const QString& n) { return form.value(n); });
    if (auto problem = clientProblem(r))
        return *problem;
    if (auto problem = requestProblem(r))
        return *problem;

    const QString csrf = form.value(QStringLiteral("csrf"));
    const QString cookie = cookieValue(ctx.request, kCsrfCookie);
    if (csrf.isEmpty() || !crypto::constantTimeEquals(csrf.toLatin1(), cookie.toLatin1())) {
        // An old tab, cookies blocked, or a forged post: start the form afresh.
        return formPage(ctx, 400, r, crypto::randomBase64Url(24), true, {},
                        QStringLiteral("This sign-in form expired. Enter your username and password again."));
    }

    const QString username = form.value(QStringLiteral("username")).trimmed().left(64);
    const QString password = form.value(QStringLiteral("password"));
    const QDateTime now = ctx.now();
    const QString userKey = SignInThrottle::userKey(username);
    const QString addressKey = SignInThrottle::addressKey(peerAddress(ctx.request));
    if (const int locked = SignInThrottle::lockedSeconds(ctx.db, {userKey, addressKey}, now); locked > 0)
        return lockedPage(ctx, r, csrf, username, locked);

    const std::optional<UserRecord> user = checkPassword(ctx.db, username, password);
    if (!user) {
        const int lockUser = SignInThrottle::recordFailure(ctx.db, userKey, SignInThrottle::kUserLimit, now);
        const int lockAddress = SignInThrottle::recordFailure(ctx.db, addressKey, SignInThrottle::kAddressLimit, now);
        qCInfo(lcAuth) << "failed sign-in from" << peerAddress(ctx.request);
        if (const int locked = std::max(lockUser, lockAddress); locked > 0)
            return lockedPage(ctx, r, csrf, username, locked);
        return formPage(ctx, 200, r, csrf, false, username, QStringLiteral("The username or password is wrong."));
    }
    SignInThrottle::clear(ctx.db, userKey);

    const QString code = crypto::randomBase64Url(32);
    ctx.db.exec(QStringLiteral("INSERT INTO auth_codes (code_hash, user_id, client_id, redirect_uri, code_challenge, "
                               "scope, expires_at, used) VALUES (?, ?, ?, ?, ?, ?, ?, FALSE)"),
                {crypto::tokenHash(code), user->id, r.clientId, r.redirectUri, r.codeChallenge, notNull(r.scope),
                 isoUtc(now.addSecs(kCodeSeconds))});
    qCInfo(lcAuth) << "user" << user->username << "signed in";
    return redirectWith(r, {{QStringLiteral("code"), code}});
}

// ---- token endpoint --------------------------------------------------------------------------

HttpResponse oauthError(int status, const QString& error, const QString& description) {
    HttpResponse r = HttpResponse::json(
        status, QJsonObject{{QStringLiteral("error"), error}, {QStringLiteral("error_description"), description}});
    r.withHeader("Cache-Control", "no-store").withHeader("Pragma", "no-cache");
    return r;
}

HttpResponse tokenAnswer(QJsonObject body) {
    body.insert(QStringLiteral("token_type"), QStringLiteral("Bearer"));
    body.insert(QStringLiteral("expires_in"), TokenService::kAccessTokenSeconds);
    HttpResponse r = HttpResponse::json(200, body);
    r.withHeader("Cache-Control", "no-store").withHeader("Pragma", "no-cache");
    return r;
}

HttpResponse authorizationCodeGrant(Context& ctx, const QHash<QString, QString>& form) {
    if (form.value(QStringLiteral("client_id")) != kClientId)
        return oauthError(401, QStringLiteral("invalid_client"), QStringLiteral("unknown client_id"));
    const QString code = form.value(QStringLiteral("code"));
    const QString verifier = form.value(QStringLiteral("code_verifier"));
    if (code.isEmpty() || code.size() > 256 || verifier.isEmpty())
        return oauthError(400, QStringLiteral("invalid_request"),
                          QStringLiteral("code and code_verifier are required"));
    const QDateTime now = ctx.now();
    const QString hash = crypto::tokenHash(code);
    HttpResponse answer;
    ctx.db.transaction([&] {
        // Spend the code first: whatever follows, it never works twice.
        if (ctx.db.execAffected(QStringLiteral("UPDATE auth_codes SET used = TRUE WHERE code_hash = ? AND used = FALSE "
                                               "AND expires_at > ?"),
                                {hash, isoUtc(now)}) != 1) {
            answer = oauthError(400, QStringLiteral("invalid_grant"),
                                QStringLiteral("The code is unknown, expired or used already."));
            return;
        }
        QSqlQuery q =
            ctx.db.exec(QStringLiteral("SELECT user_id, client_id, redirect_uri, code_challenge, scope FROM auth_codes "
                                       "WHERE code_hash = ?"),
                        {hash});
        q.next();
        const QString expected = QString::fromLatin1(crypto::base64Url(crypto::sha256(verifier.toLatin1())));
        if (q.value(1).toString() != kClientId || q.value(2).toString() != form.value(QStringLiteral("redirect_uri"))) {
            answer = oauthError(400, QStringLiteral("invalid_grant"),
                                QStringLiteral("redirect_uri differs from the authorization request"));
            return;
        }
        if (!isPkceValue(verifier) ||
            !crypto::constantTimeEquals(expected.toLatin1(), q.value(3).toString().toLatin1())) {
            answer = oauthError(400, QStringLiteral("invalid_grant"),
                                QStringLiteral("code_verifier does not match code_challenge"));
            return;
        }
        const std::optional<UserRecord> user = findUserById(ctx.db, q.value(0).toString());
        if (!user || user->deactivated) {
            answer = oauthError(400, QStringLiteral("invalid_grant"), QStringLiteral("the user is deactivated"));
            return;
        }
        TokenService& t = tokens(ctx);
        answer =
            tokenAnswer({{QStringLiteral("access_token"), t.userAccessToken(user->id, user->username, now)},
                         {QStringLiteral("refresh_token"), t.createRefreshToken(ctx.db, user->id, kClientId, {}, now)},
                         {QStringLiteral("scope"), q.value(4).toString()}});
    });
    return answer;
}

HttpResponse refreshTokenGrant(Context& ctx, const QHash<QString, QString>& form) {
    if (form.value(QStringLiteral("client_id")) != kClientId)
        return oauthError(401, QStringLiteral("invalid_client"), QStringLiteral("unknown client_id"));
    const QDateTime now = ctx.now();
    TokenService& t = tokens(ctx);
    const auto rotation = t.rotateRefreshToken(ctx.db, form.value(QStringLiteral("refresh_token")), kClientId, now);
    if (!rotation)
        return oauthError(400, QStringLiteral("invalid_grant"),
                          QStringLiteral("The refresh token is unknown, expired, used already or revoked. Sign in "
                                         "again."));
    return tokenAnswer({{QStringLiteral("access_token"), t.userAccessToken(rotation->userId, rotation->username, now)},
                        {QStringLiteral("refresh_token"), rotation->refreshToken}});
}

HttpResponse clientCredentialsGrant(Context& ctx, const QHash<QString, QString>& form) {
    if (form.value(QStringLiteral("client_assertion_type")) != kJwtBearer)
        return oauthError(400, QStringLiteral("invalid_request"),
                          QStringLiteral("client_assertion_type must be ") + kJwtBearer);
    TokenService& t = tokens(ctx);
    const QDateTime now = ctx.now();
    // Failures here use the API's error body (MachineIdentityMismatch, ClockSkew, Unauthenticated)
    // so the agent can tell the user what to do.
    const QString machineId =
        MachineAssertion::verify(ctx.db, form.value(QStringLiteral("client_id")),
                                 form.value(QStringLiteral("client_assertion")).toLatin1(), t.tokenEndpoint(), now);
    return tokenAnswer({{QStringLiteral("access_token"), t.machineAccessToken(machineId, now)}});
}

HttpResponse postToken(Context& ctx) {
    const QHash<QString, QString> form = ctx.request.formFields();
    const QString grant = form.value(QStringLiteral("grant_type"));
    if (grant == QLatin1String("authorization_code"))
        return authorizationCodeGrant(ctx, form);
    if (grant == QLatin1String("refresh_token"))
        return refreshTokenGrant(ctx, form);
    if (grant == QLatin1String("client_credentials"))
        return clientCredentialsGrant(ctx, form);
    return oauthError(400, QStringLiteral("unsupported_grant_type"),
                      QStringLiteral("grant_type must be authorization_code, refresh_token or client_credentials"));
}

// ---- discovery and personal access tokens ----------------------------------------------------

HttpResponse discovery(Context& ctx) {
    const QString base = ctx.services.config.publicUrl;
    const auto list = [](std::initializer_list<const char*> items) {
        QJsonArray a;
        for (const char* item : items)
            a.append(QString::fromLatin1(item));
        return a;
    };
    return HttpResponse::json(
        200, QJsonObject{{QStringLiteral("issuer"), base},
                         {QStringLiteral("authorization_endpoint"), QString(base + QStringLiteral("/oauth/authorize"))},
                         {QStringLiteral("token_endpoint"), QString(base + QStringLiteral("/oauth/token"))},
                         {QStringLiteral("jwks_uri"), QString(base + QStringLiteral("/oauth/jwks"))},
                         {QStringLiteral("response_types_supported"), list({"code"})},
                         {QStringLiteral("grant_types_supported"),
                          list({"authorization_code", "refresh_token", "client_credentials"})},
                         {QStringLiteral("code_challenge_methods_supported"), list({"S256"})},
                         {QStringLiteral("token_endpoint_auth_methods_supported"), list({"none", "private_key_jwt"})},
                         {QStringLiteral("token_endpoint_auth_signing_alg_values_supported"), list({"EdDSA"})},
                         {QStringLiteral("id_token_signing_alg_values_supported"), list({"EdDSA"})},
                         {QStringLiteral("subject_types_supported"), list({"public"})}});
}

QJsonValue nullable(const QVariant& v) {
    return v.isNull() || v.toString().isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(v.toString());
}

HttpResponse createToken(Context& ctx) {
    const Principal& me = ctx.user();
    const QJsonObject body = requireJsonObject(ctx.request);
    const QString name = optionalString(body, QStringLiteral("name"), {}, 100).trimmed();
    const QDateTime now = ctx.now();
    QString id;
    const QString token = createPersonalToken(ctx.db, me.userId, name, now, &id);
    return HttpResponse::json(201, QJsonObject{{QStringLiteral("id"), id},
                                               {QStringLiteral("name"), name},
                                               {QStringLiteral("token"), token},
                                               {QStringLiteral("createdAt"), isoUtc(now)}});
}

HttpResponse listTokens(Context& ctx) {
    const Principal& me = ctx.user();
    QSqlQuery q = ctx.db.exec(QStringLiteral("SELECT id, name, created_at, last_used_at FROM personal_tokens "
                                             "WHERE user_id = ? AND revoked_at IS NULL ORDER BY created_at, id"),
                              {me.userId});
    QJsonArray list;
    while (q.next())
        list.append(QJsonObject{{QStringLiteral("id"), q.value(0).toString()},
                                {QStringLiteral("name"), q.value(1).toString()},
                                {QStringLiteral("createdAt"), q.value(2).toString()},
                                {QStringLiteral("lastUsedAt"), nullable(q.value(3))}});
    return HttpResponse::json(200, list);
}

HttpResponse deleteToken(Context& ctx) {
    const Principal& me = ctx.user();
    if (ctx.db.execAffected(QStringLiteral("UPDATE personal_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? "
                                           "AND revoked_at IS NULL"),
                            {isoUtc(ctx.now()), ctx.request.param(QStringLiteral("id")), me.userId}) != 1)
        throw ApiError::notFound(QStringLiteral("The token"));
    return HttpResponse::noContent();
}

} // namespace

void registerAuthRoutes(Router& router) {
    const Router::BodyLimit formLimit{kFormBodyLimit, QStringLiteral("PayloadTooLarge")};
    router.add("GET", QStringLiteral("/.well-known/openid-configuration"), discovery);
    router.add("GET", QStringLiteral("/oauth/jwks"), [](Context& ctx) {
        if (!ctx.services.keys)
            throw std::logic_error("the key ring is not set up");
        return HttpResponse::json(200, ctx.services.keys->jwks());
    });
    router.add("GET", QStringLiteral("/oauth/authorize"), getAuthorize);
    router.add("POST", QStringLiteral("/oauth/authorize"), postAuthorize, formLimit);
    router.add("POST", QStringLiteral("/oauth/token"), postToken, formLimit);
    router.add("POST", QStringLiteral("/api/v1/me/tokens"), createToken);
    router.add("GET", QStringLiteral("/api/v1/me/tokens"), listTokens);
    router.add("DELETE", QStringLiteral("/api/v1/me/tokens/{id}"), deleteToken);
}

} // namespace mr::orch
