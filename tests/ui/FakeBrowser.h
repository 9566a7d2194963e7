#pragma once
// What a browser does with the orchestrator's sign-in page, for tests without a browser.

#include <QNetworkAccessManager>
#include <QNetworkCookie>
#include <QNetworkCookieJar>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QUrlQuery>

#include <algorithm>

namespace mr::test {

struct Page {
    int status = 0;
    QByteArray body;
    QUrl redirect;
};

/// A browser just good enough for the orchestrator's sign-in page: one cookie jar, no redirects
/// followed automatically (the test follows the one to the loopback handler itself).
class Browser {
public:
    Page send(const QUrl& url, const QByteArray& form = {}) {
        QNetworkRequest request(url);
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
        QNetworkReply* reply = nullptr;
        if (form.isNull()) {
            reply = m_nam.get(request);
        } else {
            request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/x-www-form-urlencoded"));
            reply = m_nam.post(request, form);
        }
        QSignalSpy done(reply, &QNetworkReply::finished);
        done.wait(30000);
        Page page{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll(), {}};
        const QVariant location = reply->attribute(QNetworkRequest::RedirectionTargetAttribute);
        if (location.isValid())
            page.redirect = url.resolved(location.toUrl());
        reply->deleteLater();
        return page;
    }

    /// The hidden inputs of the page's form plus username and password, form-encoded.
    static QByteArray fillForm(const QByteArray& html, const QString& username, const QString& password) {
        QUrlQuery form;
        static const QRegularExpression input(QStringLiteral("<input[^>]*type=\"hidden\"[^>]*>"));
        static const QRegularExpression name(QStringLiteral("name=\"([^\"]*)\""));
        static const QRegularExpression value(QStringLiteral("value=\"([^\"]*)\""));
        auto it = input.globalMatch(QString::fromUtf8(html));
        while (it.hasNext()) {
            const QString tag = it.next().captured(0);
            QString v = value.match(tag).captured(1);
            v.replace(QLatin1String("&amp;"), QLatin1String("&"))
                .replace(QLatin1String("&quot;"), QLatin1String("\""))
                .replace(QLatin1String("&#39;"), QLatin1String("'"))
                .replace(QLatin1String("&lt;"), QLatin1String("<"))
                .replace(QLatin1String("&gt;"), QLatin1String(">"));
            form.addQueryItem(name.match(tag).captured(1), QString::fromLatin1(QUrl::toPercentEncoding(v)));
        }
        form.addQueryItem(QStringLiteral("username"), QString::fromLatin1(QUrl::toPercentEncoding(username)));
        form.addQueryItem(QStringLiteral("password"), QString::fromLatin1(QUrl::toPercentEncoding(password)));
        return form.toString(QUrl::FullyEncoded).toLatin1();
    }

    bool hasCsrfCookie(const QUrl& url) const {
        const auto cookies = m_nam.cookieJar()->cookiesForUrl(url);
        return std::any_of(cookies.begin(), cookies.end(),
                           [](const QNetworkCookie& c) { return c.name() == "mr_csrf"; });
    }

private:
    QNetworkAccessManager m_nam;
};

/// Signs @p username in at @p authorize like a user in the browser: the page, the form, the
/// redirect to the app's loopback address. True when the app's handler answered.
inline bool completeSignIn(const QUrl& authorize, const QString& username, const QString& password) {
    Browser browser;
    const Page page = browser.send(authorize);
    if (page.status != 200)
        return false;
    const Page posted =
        browser.send(authorize.adjusted(QUrl::RemoveQuery), Browser::fillForm(page.body, username, password));
    if (posted.status != 302 || posted.redirect.isEmpty())
        return false;
    return browser.send(posted.redirect).status == 200;
}

} // namespace mr::test
