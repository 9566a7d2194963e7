#include "agent/flow/ActionModules.h"

#include "protocol/Error.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJSEngine>
#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>

namespace mr::agent {

namespace {

// Larger text files are refused rather than read into the engine's memory.
constexpr qint64 kMaxReadBytes = 64 * 1024 * 1024;

QString cancelledMessage() {
    return QStringLiteral("cancelled");
}

} // namespace

QJSValue jsonToJs(QJSEngine& engine, const QJsonValue& value) {
    switch (value.type()) {
    case QJsonValue::Bool:
        return QJSValue(value.toBool());
    case QJsonValue::Double:
        return QJSValue(value.toDouble());
    case QJsonValue::String:
        return QJSValue(value.toString());
    case QJsonValue::Array: {
        const QJsonArray array = value.toArray();
        QJSValue result = engine.newArray(static_cast<uint>(array.size()));
        for (qsizetype i = 0; i < array.size(); ++i)
            result.setProperty(static_cast<quint32>(i), jsonToJs(engine, array.at(i)));
        return result;
    }
    case QJsonValue::Object: {
        const QJsonObject object = value.toObject();
        QJSValue result = engine.newObject();
        for (auto it = object.begin(); it != object.end(); ++it)
            result.setProperty(it.key(), jsonToJs(engine, it.value()));
        return result;
    }
    case QJsonValue::Null:
        return QJSValue(QJSValue::NullValue);
    case QJsonValue::Undefined:
        break;
    }
    return QJSValue(QJSValue::UndefinedValue);
}

QJsonValue jsToJson(QJSEngine& engine, const QJSValue& value) {
    if (value.isUndefined())
        return QJsonValue(QJsonValue::Undefined);
    const QJSValue text =
        engine.globalObject().property(QStringLiteral("JSON")).property(QStringLiteral("stringify")).call({value});
    if (!text.isString())
        return QJsonValue(QJsonValue::Undefined);
    // Wrapped in an array so scalars parse too.
    const QJsonDocument document =
        QJsonDocument::fromJson(QByteArray("[") + text.toString().toUtf8() + QByteArray("]"));
    return document.array().isEmpty() ? QJsonValue(QJsonValue::Undefined) : document.array().first();
}

ActionModule::ActionModule(FlowContext& context, QJSEngine& engine)
    : m_context(context)
    , m_engine(engine) {}

QJSValue ActionModule::fail(ActionLog& log, const QString& message) {
    log.fail(message);
    m_engine.throwError(message);
    return QJSValue();
}

bool ActionModule::failIfCancelled(ActionLog& log) {
    if (!m_context.isCancelled())
        return false;
    fail(log, cancelledMessage());
    return true;
}

void HostModule::log(const QJSValue& text) {
    m_context.log(QStringLiteral("info"), text.toString());
}

void HostModule::wait(double seconds) {
    ActionLog log(m_context, QStringLiteral("wait"), {seconds});
    if (!std::isfinite(seconds) || seconds < 0) {
        fail(log, QStringLiteral("wait: seconds must be a number of 0 or more"));
        return;
    }
    const auto duration = std::chrono::milliseconds(static_cast<qint64>(seconds * 1000.0));
    if (!m_context.sleepFor(duration))
        fail(log, cancelledMessage());
}

void HostModule::retryFailed(int attempt, int times, const QString& error) {
    m_context.log(QStringLiteral("warning"),
                  QStringLiteral("retry: attempt %1 of %2 failed: %3").arg(attempt).arg(times).arg(error));
}

QJSValue FsModule::readText(const QString& path) {
    ActionLog log(m_context, QStringLiteral("fs.readText"), {path});
    QFile file(path);
    if (QFileInfo(path).isDir())
        return fail(log, QStringLiteral("fs.readText: %1 is a folder, not a file").arg(path));
    if (!file.open(QIODevice::ReadOnly))
        return fail(log, QStringLiteral("fs.readText: cannot open %1: %2").arg(path, file.errorString()));
    if (file.size() > kMaxReadBytes)
        return fail(log, QStringLiteral("fs.readText: %1 is larger than 64 MiB").arg(path));
    return QJSValue(QString::fromUtf8(file.readAll()));
}

void FsModule::write(const char* name, const QString& path, const QString& text, bool append) {
    ActionLog log(m_context, QLatin1String(name), {path, text});
    QFile file(path);
    const QIODevice::OpenMode mode = QIODevice::WriteOnly | (append ? QIODevice::Append : QIODevice::Truncate);
    if (!file.open(mode)) {
        fail(log, QStringLiteral("%1: cannot open %2: %3").arg(QLatin1String(name), path, file.errorString()));
        return;
    }
    const QByteArray bytes = text.toUtf8();
    if (file.write(bytes) != bytes.size() || !file.flush())
        fail(log, QStringLiteral("%1: cannot write %2: %3").arg(QLatin1String(name), path, file.errorString()));
}

void FsModule::writeText(const QString& path, const QString& text) {
    write("fs.writeText", path, text, false);
}

void FsModule::appendText(const QString& path, const QString& text) {
    write("fs.appendText", path, text, true);
}

bool FsModule::exists(const QString& path) {
    ActionLog log(m_context, QStringLiteral("fs.exists"), {path});
    return QFileInfo::exists(path);
}

QJSValue FsModule::list(const QString& dir) {
    ActionLog log(m_context, QStringLiteral("fs.list"), {dir});
    const QFileInfo info(dir);
    if (!info.exists())
        return fail(log, QStringLiteral("fs.list: %1 does not exist").arg(dir));
    if (!info.isDir())
        return fail(log, QStringLiteral("fs.list: %1 is not a folder").arg(dir));
    const QStringList names =
        QDir(dir).entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDir::Name);
    return jsonToJs(m_engine, QJsonArray::fromStringList(names));
}

void FsModule::remove(const QString& path) {
    ActionLog log(m_context, QStringLiteral("fs.remove"), {path});
    const QFileInfo info(path);
    if (!info.exists() && !info.isSymLink()) {
        fail(log, QStringLiteral("fs.remove: %1 does not exist").arg(path));
        return;
    }
    if (info.isDir() && !info.isSymLink()) {
        if (!QDir(path).removeRecursively())
            fail(log, QStringLiteral("fs.remove: cannot remove the folder %1").arg(path));
        return;
    }
    QFile file(path);
    if (!file.remove())
        fail(log, QStringLiteral("fs.remove: cannot remove %1: %2").arg(path, file.errorString()));
}

void FsModule::copy(const QString& from, const QString& to) {
    ActionLog log(m_context, QStringLiteral("fs.copy"), {from, to});
    const QFileInfo source(from);
    if (!source.exists()) {
        fail(log, QStringLiteral("fs.copy: %1 does not exist").arg(from));
        return;
    }
    if (source.isDir()) {
        fail(log, QStringLiteral("fs.copy: %1 is a folder; only files can be copied").arg(from));
        return;
    }
    const QString target = QFileInfo(to).isDir() ? QDir(to).filePath(source.fileName()) : to;
    if (QFileInfo::exists(target) && !QFile::remove(target)) {
        fail(log, QStringLiteral("fs.copy: cannot replace %1").arg(target));
        return;
    }
    QFile file(from);
    if (!file.copy(target))
        fail(log, QStringLiteral("fs.copy: cannot copy %1 to %2: %3").arg(from, target, file.errorString()));
}

void FsModule::move(const QString& from, const QString& to) {
    ActionLog log(m_context, QStringLiteral("fs.move"), {from, to});
    const QFileInfo source(from);
    if (!source.exists()) {
        fail(log, QStringLiteral("fs.move: %1 does not exist").arg(from));
        return;
    }
    const QFileInfo target(to);
    if (target.exists() && !target.isDir() && !source.isDir() && !QFile::remove(to)) {
        fail(log, QStringLiteral("fs.move: cannot replace %1").arg(to));
        return;
    }
    if (!QDir().rename(from, to))
        fail(log, QStringLiteral("fs.move: cannot move %1 to %2").arg(from, to));
}

void FsModule::mkdir(const QString& path) {
    ActionLog log(m_context, QStringLiteral("fs.mkdir"), {path});
    if (QFileInfo(path).isFile()) {
        fail(log, QStringLiteral("fs.mkdir: %1 exists and is a file").arg(path));
        return;
    }
    if (!QDir().mkpath(path))
        fail(log, QStringLiteral("fs.mkdir: cannot create %1").arg(path));
}

UiModule::UiModule(FlowContext& context, QJSEngine& engine, UiPrompter* prompter)
    : ActionModule(context, engine)
    , m_prompter(prompter) {}

QJSValue UiModule::ask(const char* name, UiRequest request, const QJsonArray& args) {
    ActionLog log(m_context, QLatin1String(name), args);
    if (!m_prompter)
        return fail(log, QStringLiteral("%1 is only available in attended runs").arg(QLatin1String(name)));
    request.runId = m_context.runId();
    std::future<QJsonValue> answer = m_prompter->ask(request);
    // Polled so that a cancel stops the wait even when the user never answers.
    while (answer.wait_for(std::chrono::milliseconds(50)) != std::future_status::ready) {
        if (failIfCancelled(log))
            return QJSValue();
    }
    try {
        return jsonToJs(m_engine, answer.get());
    } catch (const std::exception& error) {
        return fail(log, QStringLiteral("%1: the question could not be shown: %2")
                             .arg(QLatin1String(name), QString::fromLocal8Bit(error.what())));
    }
}

QJSValue UiModule::message(const QString& text, const QString& title) {
    return ask("ui.message", {UiRequest::Kind::Message, {}, text, title, {}, {}}, {text, title});
}

QJSValue UiModule::input(const QString& prompt, const QString& defaultText) {
    return ask("ui.input", {UiRequest::Kind::Input, {}, prompt, {}, defaultText, {}}, {prompt, defaultText});
}

QJSValue UiModule::confirm(const QString& text) {
    return ask("ui.confirm", {UiRequest::Kind::Confirm, {}, text, {}, {}, {}}, {text});
}

QJSValue UiModule::choose(const QString& prompt, const QStringList& options) {
    return ask("ui.choose", {UiRequest::Kind::Choose, {}, prompt, {}, {}, options},
               {prompt, QJsonArray::fromStringList(options)});
}

} // namespace mr::agent
