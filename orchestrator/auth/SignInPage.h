#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

namespace mr::orch {

/// The HTML of the built-in sign-in: a small accessible page that works without JavaScript.
/// Every value is HTML-escaped here, so callers pass raw text.
namespace signInPage {

/// The sign-in form posting to /oauth/authorize with @p hiddenFields, @p username pre-filled,
/// and @p error (if any) announced as an alert.
QByteArray form(const QList<QPair<QString, QString>>& hiddenFields, const QString& username, const QString& error);
/// A page that explains why the sign-in cannot go on (no form, no redirect).
QByteArray problem(const QString& title, const QString& message);

} // namespace signInPage
} // namespace mr::orch
