#include "agent/flow/ActionModules.h"

#include <QEventLoop>
#include <QJSEngine>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QProcess>
#include <QTimer>
#include <QUrl>

#include <csignal>
#include <sys/types.h>
#include <unistd.h>

namespace mr::agent {

namespace {

// How often a blocking wait in the flow thread looks at the cancel flag.
constexpr int kCancelPollMs = 50;

void appendBounded(QByteArray& buffer, const QByteArray& chunk, qsizetype limit, bool& truncated) {
    const qsizetype room = limit - buffer.size();
    if (chunk.size() > room)
        truncated = true;
    if (room > 0)
        buffer.append(chunk.left(room));
}

} // namespace

QJSValue ProcessModule::run(const QString& program, const QStringList& args, const QJSValue& options) {
    QJsonArray logArgs{program, QJsonArray::fromStringList(args)};
    const QJsonValue optionsJson = jsToJson(m_engine, options);
    if (optionsJson.isObject())
        logArgs.append(optionsJson);
    ActionLog log(m_context, QStringLiteral("process.run"), logArgs);
    if (failIfCancelled(log))
        return QJSValue();

    const QJsonObject opts = optionsJson.toObject();
    const double timeoutSeconds = opts.value(QStringLiteral("timeoutSeconds")).toDouble(0);
    QProcess process;
    process.setProgram(program);
    process.setArguments(args);
    if (opts.contains(QStringLiteral("cwd")))
        process.setWorkingDirectory(opts.value(QStringLiteral("cwd")).toString());
    if (opts.value(QStringLiteral("env")).isObject()) {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        const QJsonObject env = opts.value(QStringLiteral("env")).toObject();
        for (auto it = env.begin(); it != env.end(); ++it)
            environment.insert(it.key(),
                               it.value().isString() ? it.value().toString() : it.value().toVariant().toString());
        process.setProcessEnvironment(environment);
    }
    // Its own session and process group, so one kill(-pgid) reaches every descendant that
    // did not leave the group itself.
    process.setChildProcessModifier([] { ::setsid(); });

    QByteArray out;
    QByteArray err;
    bool outTruncated = false;
    bool errTruncated = false;
    QEventLoop loop;
    QObject::connect(&process, &QProcess::readyReadStandardOutput, &loop,
                     [&] { appendBounded(out, process.readAllStandardOutput(), kMaxOutputBytes, outTruncated); });
    QObject::connect(&process, &QProcess::readyReadStandardError, &loop,
                     [&] { appendBounded(err, process.readAllStandardError(), kMaxOutputBytes, errTruncated); });
    QObject::connect(&process, &QProcess::finished, &loop, &QEventLoop::quit);
    QObject::connect(&process, &QProcess::errorOccurred, &loop, [&](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            loop.quit();
    });

    enum class Stop { None, Timeout, Cancel } stop = Stop::None;
    const auto killTree = [&](Stop why) {
        stop = why;
        const qint64 pid = process.processId();
        if (pid > 0)
            ::kill(-static_cast<pid_t>(pid), SIGKILL);
        process.kill();
    };
    QTimer timeout;
    timeout.setSingleShot(true);
    QObject::connect(&timeout, &QTimer::timeout, &loop, [&] { killTree(Stop::Timeout); });
    QTimer cancelPoll;
    QObject::connect(&cancelPoll, &QTimer::timeout, &loop, [&] {
        if (m_context.isCancelled() && stop == Stop::None)
            killTree(Stop::Cancel);
    });

    process.start();
    if (!process.waitForStarted(-1) && process.error() == QProcess::FailedToStart)
        return fail(log, QStringLiteral("process.run: cannot start %1: %2").arg(program, process.errorString()));
    if (timeoutSeconds > 0)
        timeout.start(static_cast<int>(std::min(timeoutSeconds * 1000.0, 2.0e9)));
    cancelPoll.start(kCancelPollMs);
    if (process.state() != QProcess::NotRunning)
        loop.exec();
    appendBounded(out, process.readAllStandardOutput(), kMaxOutputBytes, outTruncated);
    appendBounded(err, process.readAllStandardError(), kMaxOutputBytes, errTruncated);

    if (stop == Stop::Cancel)
        return fail(log, QStringLiteral("cancelled"));
    if (stop == Stop::Timeout)
        return fail(log, QStringLiteral("process.run: %1 did not finish within %2 s and was stopped")
                             .arg(program)
                             .arg(timeoutSeconds));
    if (process.exitStatus() == QProcess::CrashExit)
        return fail(log, QStringLiteral("process.run: %1 crashed").arg(program));
    if (outTruncated || errTruncated)
        m_context.log(QStringLiteral("warning"),
                      QStringLiteral("process.run: output of %1 beyond 16 MiB was dropped").arg(program));

    QJSValue result = m_engine.newObject();
    result.setProperty(QStringLiteral("exitCode"), process.exitCode());
    result.setProperty(QStringLiteral("stdout"), QString::fromUtf8(out));
    result.setProperty(QStringLiteral("stderr"), QString::fromUtf8(err));
    return result;
}

HttpModule::HttpModule(FlowContext& context, QJSEngine& engine)
    : ActionModule(context, engine) {}

HttpModule::~HttpModule() = default;

QJSValue HttpModule::get(const QString& url) {
    return send(QStringLiteral("http.get"), QStringLiteral("GET"), url, {}, {}, kDefaultTimeoutSeconds, {url});
}

QJSValue HttpModule::post(const QString& url, const QString& body) {
    return send(QStringLiteral("http.post"), QStringLiteral("POST"), url, {}, body.toUtf8(), kDefaultTimeoutSeconds,
                {url, body});
}

QJSValue HttpModule::request(const QJSValue& options) {
    const QJsonObject opts = jsToJson(m_engine, options).toObject();
    const QString method = opts.value(QStringLiteral("method")).toString(QStringLiteral("GET")).toUpper();
    const QJsonValue body = opts.value(QStringLiteral("body"));
    QByteArray bytes;
    if (body.isString())
        bytes = body.toString().toUtf8();
    else if (body.isObject() || body.isArray())
        bytes = QJsonDocument::fromVariant(body.toVariant()).toJson(QJsonDocument::Compact);
    const double timeout = opts.value(QStringLiteral("timeoutSeconds")).toDouble(kDefaultTimeoutSeconds);
    return send(QStringLiteral("http.request"), method, opts.value(QStringLiteral("url")).toString(),
                opts.value(QStringLiteral("headers")).toObject(), bytes,
                timeout > 0 ? static_cast<int>(std::min(timeout, 86400.0)) : kDefaultTimeoutSeconds, {opts});
}

QJSValue HttpModule::send(const QString& name, const QString& method, const QString& url, const QJsonObject& headers,
                          const QByteArray& body, int timeoutSeconds, const QJsonArray& logArgs) {
    ActionLog log(m_context, name, logArgs);
    if (failIfCancelled(log))
        return QJSValue();
    const QUrl target(url);
    if (!target.isValid() || (target.scheme() != QLatin1String("http") && target.scheme() != QLatin1String("https")))
        return fail(log, QStringLiteral("%1: %2 is not an http or https address").arg(name, url));
    if (!m_network)
        m_network = new QNetworkAccessManager(this);

    QNetworkRequest request(target);
    for (auto it = headers.begin(); it != headers.end(); ++it)
        request.setRawHeader(it.key().toUtf8(), it.value().toString().toUtf8());
    if (!body.isEmpty() && !request.hasRawHeader("Content-Type"))
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("text/plain; charset=utf-8"));
    QNetworkReply* reply = m_network->sendCustomRequest(request, method.toUtf8(), body);

    QByteArray received;
    enum class Stop { None, Timeout, Cancel, TooLarge } stop = Stop::None;
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QObject::connect(reply, &QNetworkReply::readyRead, &loop, [&] {
        received.append(reply->readAll());
        if (received.size() > kMaxBodyBytes) {
            stop = Stop::TooLarge;
            reply->abort();
        }
    });
    QTimer timeout;
    timeout.setSingleShot(true);
    QObject::connect(&timeout, &QTimer::timeout, &loop, [&] {
        stop = Stop::Timeout;
        reply->abort();
    });
    QTimer cancelPoll;
    QObject::connect(&cancelPoll, &QTimer::timeout, &loop, [&] {
        if (m_context.isCancelled() && stop == Stop::None) {
            stop = Stop::Cancel;
            reply->abort();
        }
    });
    timeout.start(timeoutSeconds * 1000);
    cancelPoll.start(kCancelPollMs);
    if (!reply->isFinished())
        loop.exec();
    if (stop == Stop::None)
        received.append(reply->readAll());
    reply->deleteLater();

    switch (stop) {
    case Stop::Cancel:
        return fail(log, QStringLiteral("cancelled"));
    case Stop::Timeout:
        return fail(log, QStringLiteral("%1: %2 did not answer within %3 s").arg(name, url).arg(timeoutSeconds));
    case Stop::TooLarge:
        return fail(log, QStringLiteral("%1: the answer from %2 is larger than 16 MiB").arg(name, url));
    case Stop::None:
        break;
    }
    const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (!status.isValid())
        return fail(log, QStringLiteral("%1: cannot reach %2: %3").arg(name, url, reply->errorString()));

    QJSValue responseHeaders = m_engine.newObject();
    for (const auto& [key, value] : reply->rawHeaderPairs())
        responseHeaders.setProperty(QString::fromUtf8(key).toLower(), QString::fromUtf8(value));
    QJSValue result = m_engine.newObject();
    result.setProperty(QStringLiteral("status"), status.toInt());
    result.setProperty(QStringLiteral("headers"), responseHeaders);
    result.setProperty(QStringLiteral("body"), QString::fromUtf8(received));
    return result;
}

} // namespace mr::agent
