#include "agent/flow/FlowRun.h"

#include "agent/flow/ActionModules.h"
#include "agent/flow/DesktopModules.h"
#include "agent/flow/FlowContext.h"
#include "agent/flow/X11Desktop.h"
#include "protocol/Error.h"

#include <QJSEngine>
#include <QJsonArray>
#include <QLocale>
#include <QThread>

namespace mr::agent {

namespace {

using protocol::RunStatus;
using protocol::Var;
using protocol::VarType;

// Run once per engine with (global object, host module, inputs). Kept out of the flow's own
// source so that the script's line numbers stay its own.
constexpr const char* kPrelude = R"JS(
(function (g, host, inputs) {
    'use strict';
    function freeze(o) {
        if (o !== null && typeof o === 'object') {
            Object.getOwnPropertyNames(o).forEach(function (k) { freeze(o[k]); });
            Object.freeze(o);
        }
        return o;
    }
    Object.defineProperty(g, 'inputs', { value: freeze(inputs), writable: false, configurable: false });
    g.outputs = {};
    g.log = host.log;
    g.wait = host.wait;
    g.retry = function (times, delaySeconds, fn) {
        if (typeof fn !== 'function')
            throw new Error('retry: the third argument must be a function');
        if (!(times >= 1))
            throw new Error('retry: times must be 1 or more');
        var last;
        for (var attempt = 1; attempt <= times; ++attempt) {
            try {
                return fn(attempt);
            } catch (e) {
                last = e;
                host.retryFailed(attempt, times, String(e && e.message !== undefined ? e.message : e));
            }
            if (attempt < times)
                host.wait(delaySeconds);
        }
        throw last;
    };
})
)JS";

const QString kScriptName = QStringLiteral("flow.js");

QString typeName(const QJsonValue& value) {
    switch (value.type()) {
    case QJsonValue::String:
        return QStringLiteral("text");
    case QJsonValue::Double:
        return QStringLiteral("number");
    case QJsonValue::Bool:
        return QStringLiteral("boolean");
    case QJsonValue::Array:
        return QStringLiteral("list");
    case QJsonValue::Object:
        return QStringLiteral("object");
    default:
        return QStringLiteral("nothing");
    }
}

QString typeName(VarType type) {
    return protocol::enumName(type);
}

void collectSensitive(const QJsonValue& value, QStringList& out) {
    if (value.isString())
        out.append(value.toString());
    else if (value.isDouble())
        out.append(QString::number(value.toDouble(), 'g', QLocale::FloatingPointShortest));
    else if (value.isArray())
        for (const QJsonValue& item : value.toArray())
            collectSensitive(item, out);
    else if (value.isObject())
        for (const QJsonValue& item : value.toObject())
            collectSensitive(item, out);
}

QStringList sensitiveValues(const FlowJob& job) {
    QStringList values;
    for (const Var& var : job.declaredInputs) {
        if (var.sensitive) {
            collectSensitive(job.inputs.value(var.name), values);
            collectSensitive(var.defaultValue, values);
        }
    }
    return values;
}

/// Checks @p values against @p declared (filling defaults); an empty error means they fit.
QJsonObject checkValues(const QList<Var>& declared, const QJsonObject& values, const QString& what, QString* error) {
    QJsonObject typed;
    for (const Var& var : declared) {
        QJsonValue value = values.value(var.name);
        if (value.isUndefined() || value.isNull()) {
            if (!var.defaultValue.isNull()) {
                typed.insert(var.name, var.defaultValue);
            } else if (var.optional) {
                typed.insert(var.name, QJsonValue::Null);
            } else {
                *error = QStringLiteral("%1 '%2' is required but was not given").arg(what, var.name);
                return {};
            }
            continue;
        }
        if (!protocol::varAccepts(var, value)) {
            *error =
                QStringLiteral("%1 '%2' must be %3, got %4").arg(what, var.name, typeName(var.type), typeName(value));
            return {};
        }
        typed.insert(var.name, value);
    }
    return typed;
}

} // namespace

FlowRun::FlowRun(FlowJob job, QObject* parent)
    : QObject(parent)
    , m_job(std::move(job))
    , m_context(std::make_unique<FlowContext>(m_job.runId, sensitiveValues(m_job))) {
    registerFlowMetaTypes();
    m_flushTimer.setInterval(kFlushIntervalMs);
    connect(&m_flushTimer, &QTimer::timeout, this, &FlowRun::flushEvents);
    m_context->setBufferFullCallback(
        [this] { QMetaObject::invokeMethod(this, &FlowRun::flushEvents, Qt::QueuedConnection); });
}

FlowRun::~FlowRun() {
    if (m_thread) {
        cancel();
        m_thread->wait();
    }
}

void FlowRun::start() {
    if (m_started)
        return;
    m_started = true;
    m_thread = QThread::create([this] { runInThread(); });
    m_thread->setParent(this);
    m_thread->setObjectName(QStringLiteral("flow ") + m_job.runId);
    connect(m_thread, &QThread::finished, this, &FlowRun::onThreadFinished);
    m_flushTimer.start();
    m_thread->start();
}

QString FlowRun::currentAction() const {
    return m_context ? m_context->currentAction() : QString();
}

void FlowRun::cancel() {
    std::lock_guard lock(m_engineMutex);
    m_context->cancel();
    if (m_engine)
        m_engine->setInterrupted(true);
}

void FlowRun::flushEvents() {
    const QList<FlowEvent> batch = m_context->takeEvents();
    if (batch.isEmpty())
        return;
    for (const FlowEvent& item : batch)
        Q_EMIT event(item);
    Q_EMIT events(batch);
}

void FlowRun::onThreadFinished() {
    if (m_done)
        return;
    m_done = true;
    m_thread->wait();
    m_flushTimer.stop();
    flushEvents();
    Q_EMIT finished(m_result);
}

void FlowRun::runInThread() {
    FlowResult result;
    {
        QJSEngine engine;
        {
            std::lock_guard lock(m_engineMutex);
            m_engine = &engine;
            if (m_context->isCancelled())
                engine.setInterrupted(true);
        }
        result = execute(engine);
        std::lock_guard lock(m_engineMutex);
        m_engine = nullptr;
    }
    result.runId = m_job.runId;
    result.errorMessage = m_context->mask(result.errorMessage);
    const QString status = protocol::enumName(result.status);
    if (result.status == RunStatus::Succeeded)
        m_context->addEvent(
            QStringLiteral("progress"), QStringLiteral("info"), QStringLiteral("Flow succeeded"),
            {{QStringLiteral("phase"), QStringLiteral("finished")}, {QStringLiteral("status"), status}});
    else
        m_context->addEvent(QStringLiteral("progress"), QStringLiteral("error"),
                            result.errorLine > 0
                                ? QStringLiteral("Flow %1 at line %2: %3")
                                      .arg(status.toLower())
                                      .arg(result.errorLine)
                                      .arg(result.errorMessage)
                                : QStringLiteral("Flow %1: %2").arg(status.toLower(), result.errorMessage),
                            {{QStringLiteral("phase"), QStringLiteral("finished")},
                             {QStringLiteral("status"), status},
                             {QStringLiteral("errorCode"), result.errorCode}});
    m_result = result;
}

FlowResult FlowRun::execute(QJSEngine& engine) {
    FlowResult result;
    const auto failWith = [&result](RunStatus status, QLatin1String code, const QString& message, int line = -1) {
        result.status = status;
        result.errorCode = code;
        result.errorMessage = message;
        result.errorLine = line;
        return result;
    };
    const auto cancelled = [&] {
        return failWith(RunStatus::Cancelled, protocol::ErrorCode::Cancelled, QStringLiteral("The run was cancelled"));
    };

    QString inputError;
    const QJsonObject inputs = checkValues(m_job.declaredInputs, m_job.inputs, QStringLiteral("input"), &inputError);
    if (!inputError.isEmpty())
        return failWith(RunStatus::Failed, protocol::ErrorCode::InputInvalid, inputError);
    for (auto it = m_job.inputs.begin(); it != m_job.inputs.end(); ++it) {
        if (!inputs.contains(it.key()))
            m_context->log(QStringLiteral("warning"),
                           QStringLiteral("input '%1' is not declared; ignored").arg(it.key()));
    }
    if (m_context->isCancelled())
        return cancelled();

    const bool attended = m_job.runMode == protocol::RunMode::Attended;
    X11Desktop desktop;
    X11Desktop* display = m_job.displayAvailable ? &desktop : nullptr;
    HostModule host(*m_context, engine);
    FsModule fs(*m_context, engine);
    ProcessModule process(*m_context, engine);
    HttpModule http(*m_context, engine);
    UiModule ui(*m_context, engine, attended ? m_job.prompter : nullptr);
    KeyboardModule keyboard(*m_context, engine, display);
    MouseModule mouse(*m_context, engine, display);
    WindowModule window(*m_context, engine, display);
    ScreenModule screen(*m_context, engine, display);
    ClipboardModule clipboard(*m_context, engine, display);
    QJSValue global = engine.globalObject();
    const std::initializer_list<std::pair<const char*, QObject*>> modules{
        {"fs", &fs},         {"process", &process},   {"http", &http},
        {"ui", &ui},         {"keyboard", &keyboard}, {"mouse", &mouse},
        {"window", &window}, {"screen", &screen},     {"clipboard", &clipboard},
    };
    for (const auto& [name, module] : modules) {
        QJSEngine::setObjectOwnership(module, QJSEngine::CppOwnership);
        global.setProperty(QLatin1String(name), engine.newQObject(module));
    }
    QJSEngine::setObjectOwnership(&host, QJSEngine::CppOwnership);
    const QJSValue prelude = engine.evaluate(QLatin1String(kPrelude), QStringLiteral("prelude.js"));
    const QJSValue preluded = prelude.call({global, engine.newQObject(&host), jsonToJs(engine, inputs)});
    if (prelude.isError() || preluded.isError()) {
        if (m_context->isCancelled())
            return cancelled();
        qCWarning(lcFlow) << "flow prelude failed:" << prelude.toString() << preluded.toString();
        return failWith(RunStatus::Failed, protocol::ErrorCode::FlowError,
                        QStringLiteral("the flow engine could not start"));
    }

    m_context->addEvent(QStringLiteral("progress"), QStringLiteral("info"), QStringLiteral("Flow started"),
                        {{QStringLiteral("phase"), QStringLiteral("started")}});
    QStringList trace;
    const QJSValue value = engine.evaluate(m_job.script, kScriptName, 1, &trace);
    if (m_context->isCancelled())
        return cancelled();
    if (value.isError() || !trace.isEmpty()) {
        int line = -1;
        QString message = value.toString();
        if (value.isError()) {
            line = value.property(QStringLiteral("lineNumber")).toInt();
            const QString name = value.property(QStringLiteral("name")).toString();
            message = value.property(QStringLiteral("message")).toString();
            if (name != QLatin1String("Error"))
                message = name + QStringLiteral(": ") + message;
        }
        // Frames read "function:line:column:file"; the innermost one in the flow names the line.
        for (const QString& frame : std::as_const(trace)) {
            const QStringList parts = frame.split(u':');
            if ((line <= 0) && parts.size() >= 4 && frame.endsWith(kScriptName))
                line = parts.at(1).toInt();
        }
        return failWith(RunStatus::Failed, protocol::ErrorCode::FlowError, message, line > 0 ? line : -1);
    }

    const QJsonValue outputsValue = jsToJson(engine, global.property(QStringLiteral("outputs")));
    if (!outputsValue.isObject())
        return failWith(RunStatus::Failed, protocol::ErrorCode::FlowError, QStringLiteral("outputs must be an object"));
    const QJsonObject produced = outputsValue.toObject();
    QString outputError;
    QJsonObject outputs = checkValues(m_job.declaredOutputs, produced, QStringLiteral("output"), &outputError);
    if (!outputError.isEmpty())
        return failWith(RunStatus::Failed, protocol::ErrorCode::FlowError, outputError);
    for (auto it = produced.begin(); it != produced.end(); ++it) {
        if (!outputs.contains(it.key()))
            m_context->log(QStringLiteral("warning"),
                           QStringLiteral("output '%1' is not declared and was dropped").arg(it.key()));
    }
    for (auto it = outputs.begin(); it != outputs.end();) // optional outputs left unset stay absent
        it = it.value().isNull() && !produced.contains(it.key()) ? outputs.erase(it) : std::next(it);
    result.status = RunStatus::Succeeded;
    result.outputs = outputs;
    return result;
}

} // namespace mr::agent
