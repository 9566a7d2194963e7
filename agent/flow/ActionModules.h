#pragma once

#include "agent/flow/FlowContext.h"

#include <QJSValue>
#include <QObject>
#include <QVariantList>

class QJSEngine;
class QNetworkAccessManager;

namespace mr::agent {

/// Converts JSON into a script value of @p engine (objects and arrays deeply).
QJSValue jsonToJs(QJSEngine& engine, const QJsonValue& value);
/// Converts a script value into JSON the way JSON.stringify does (functions and undefined drop).
QJsonValue jsToJson(QJSEngine& engine, const QJSValue& value);

/// Base of the objects that implement the flow script API (API.md "Flow script API"). They live
/// in the flow thread; every call is logged through ActionLog and failures are thrown into the
/// script as Error with a message a user understands.
class ActionModule : public QObject {
    Q_OBJECT
public:
    ActionModule(FlowContext& context, QJSEngine& engine);

protected:
    /// Records @p message as the outcome of @p log and throws it into the script.
    QJSValue fail(ActionLog& log, const QString& message);
    /// Fails with "cancelled" when the run was cancelled; true when it did.
    bool failIfCancelled(ActionLog& log);

    FlowContext& m_context;
    QJSEngine& m_engine;
};

/// The global functions `log` and `wait`, and the helper the script-side `retry` reports to.
class HostModule final : public ActionModule {
    Q_OBJECT
public:
    using ActionModule::ActionModule;

    Q_INVOKABLE void log(const QJSValue& text);
    Q_INVOKABLE void wait(double seconds);
    Q_INVOKABLE void retryFailed(int attempt, int times, const QString& error);
};

/// `fs.*`: text files in UTF-8 and folders.
class FsModule final : public ActionModule {
    Q_OBJECT
public:
    using ActionModule::ActionModule;

    Q_INVOKABLE QJSValue readText(const QString& path);
    Q_INVOKABLE void writeText(const QString& path, const QString& text);
    Q_INVOKABLE void appendText(const QString& path, const QString& text);
    Q_INVOKABLE bool exists(const QString& path);
    Q_INVOKABLE QJSValue list(const QString& dir);
    Q_INVOKABLE void remove(const QString& path);
    Q_INVOKABLE void copy(const QString& from, const QString& to);
    Q_INVOKABLE void move(const QString& from, const QString& to);
    Q_INVOKABLE void mkdir(const QString& path);

private:
    void write(const char* name, const QString& path, const QString& text, bool append);
};

/// `ui.*`: questions to the user of an attended run, through the UiPrompter.
class UiModule final : public ActionModule {
    Q_OBJECT
public:
    UiModule(FlowContext& context, QJSEngine& engine, UiPrompter* prompter);

    Q_INVOKABLE QJSValue message(const QString& text, const QString& title = QString());
    Q_INVOKABLE QJSValue input(const QString& prompt, const QString& defaultText = QString());
    Q_INVOKABLE QJSValue confirm(const QString& text);
    Q_INVOKABLE QJSValue choose(const QString& prompt, const QStringList& options);

private:
    QJSValue ask(const char* name, UiRequest request, const QJsonArray& args);
    UiPrompter* m_prompter; ///< Null when the run is unattended or head-less.
};

/// `process.run`: a program in its own process group, so a timeout or a cancel kills the tree.
class ProcessModule final : public ActionModule {
    Q_OBJECT
public:
    /// Each of stdout and stderr is kept up to this many bytes; the rest is dropped.
    static constexpr qsizetype kMaxOutputBytes = 16 * 1024 * 1024;

    using ActionModule::ActionModule;

    Q_INVOKABLE QJSValue run(const QString& program, const QStringList& args = {},
                             const QJSValue& options = QJSValue());
};

/// `http.*`: requests with a bounded response body, cancellable.
class HttpModule final : public ActionModule {
    Q_OBJECT
public:
    static constexpr qsizetype kMaxBodyBytes = 16 * 1024 * 1024;
    static constexpr int kDefaultTimeoutSeconds = 60;

    HttpModule(FlowContext& context, QJSEngine& engine);
    ~HttpModule() override;

    Q_INVOKABLE QJSValue request(const QJSValue& options);
    Q_INVOKABLE QJSValue get(const QString& url);
    Q_INVOKABLE QJSValue post(const QString& url, const QString& body = QString());

private:
    QJSValue send(const QString& name, const QString& method, const QString& url, const QJsonObject& headers,
                  const QByteArray& body, int timeoutSeconds, const QJsonArray& logArgs);
    QNetworkAccessManager* m_network = nullptr; ///< Made on first use, in the flow thread.
};

} // namespace mr::agent
