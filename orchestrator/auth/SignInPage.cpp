#include "orchestrator/auth/SignInPage.h"

namespace mr::orch::signInPage {

namespace {

const char kStyle[] = R"CSS(
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;
font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Ubuntu,sans-serif;background:#f3f4f6;color:#1f2933}
main{background:#fff;width:100%;max-width:24rem;margin:1rem;padding:2rem;border-radius:12px;
box-shadow:0 4px 24px rgba(0,0,0,.08)}
h1{font-size:1.35rem;margin:0 0 1.25rem}
label{display:block;font-weight:600;margin:.75rem 0 .25rem}
input[type=text],input[type=password]{width:100%;padding:.6rem .7rem;font:inherit;border:1px solid #9aa5b1;
border-radius:6px}
input:focus,button:focus{outline:3px solid #2563eb;outline-offset:1px}
button{margin-top:1.25rem;width:100%;padding:.7rem;font:inherit;font-weight:600;color:#fff;background:#1d4ed8;
border:0;border-radius:6px;cursor:pointer}
button:hover{background:#1e40af}
.error{background:#fdecea;color:#8a1c1c;border:1px solid #f5c2c0;border-radius:6px;padding:.6rem .8rem;margin:0 0 1rem}
@media (prefers-color-scheme:dark){body{background:#111827;color:#e5e7eb}main{background:#1f2937}
input[type=text],input[type=password]{background:#111827;color:#e5e7eb;border-color:#4b5563}
.error{background:#3b1212;color:#fecaca;border-color:#7f1d1d}}
)CSS";

QString page(const QString& title, const QString& content) {
    return QStringLiteral("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                          "<meta name=\"referrer\" content=\"no-referrer\">\n<title>") +
           title.toHtmlEscaped() + QStringLiteral("</title>\n<style>") + QString::fromLatin1(kStyle) +
           QStringLiteral("</style>\n</head>\n<body>\n<main>\n") + content +
           QStringLiteral("</main>\n</body>\n</html>\n");
}

QString attribute(const QString& value) {
    // toHtmlEscaped() covers < > & and "; attributes here are always double-quoted.
    return value.toHtmlEscaped();
}

} // namespace

QByteArray form(const QList<QPair<QString, QString>>& hiddenFields, const QString& username, const QString& error) {
    QString content = QStringLiteral("<h1>Sign in to Machine Runtime</h1>\n");
    if (!error.isEmpty())
        content +=
            QStringLiteral("<p class=\"error\" role=\"alert\">") + error.toHtmlEscaped() + QStringLiteral("</p>\n");
    content += QStringLiteral("<form method=\"post\" action=\"/oauth/authorize\">\n");
    for (const auto& [name, value] : hiddenFields)
        content += QStringLiteral("<input type=\"hidden\" name=\"") + attribute(name) + QStringLiteral("\" value=\"") +
                   attribute(value) + QStringLiteral("\">\n");
    content += QStringLiteral("<label for=\"username\">Username</label>\n"
                              "<input type=\"text\" id=\"username\" name=\"username\" autocomplete=\"username\" "
                              "autocapitalize=\"none\" spellcheck=\"false\" maxlength=\"64\" required") +
               (username.isEmpty() ? QStringLiteral(" autofocus") : QString()) + QStringLiteral(" value=\"") +
               attribute(username) +
               QStringLiteral("\">\n"
                              "<label for=\"password\">Password</label>\n"
                              "<input type=\"password\" id=\"password\" name=\"password\" "
                              "autocomplete=\"current-password\" maxlength=\"1024\" required") +
               (username.isEmpty() ? QString() : QStringLiteral(" autofocus")) +
               QStringLiteral(">\n<button type=\"submit\">Sign in</button>\n</form>\n");
    return page(QStringLiteral("Sign in to Machine Runtime"), content).toUtf8();
}

QByteArray problem(const QString& title, const QString& message) {
    const QString content = QStringLiteral("<h1>") + title.toHtmlEscaped() +
                            QStringLiteral("</h1>\n<p class=\"error\" role=\"alert\">") + message.toHtmlEscaped() +
                            QStringLiteral("</p>\n<p>Close this page and start the sign-in again from the "
                                           "Machine Runtime app.</p>\n");
    return page(title, content).toUtf8();
}

} // namespace mr::orch::signInPage
