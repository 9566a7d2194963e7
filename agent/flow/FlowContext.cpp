#include "agent/flow/FlowContext.h"

#include "protocol/Masking.h"

#include <QJsonDocument>

#include <algorithm>

Q_LOGGING_CATEGORY(lcFlow, "mr.agent.flow")

namespace mr::agent {

FlowContext::FlowContext(QString runId, QStringList sensitiveValues)
    : m_runId(std::move(runId)) {
    sensitiveValues.removeAll(QString());
    sensitiveValues.removeDuplicates();
    std::sort(sensitiveValues.begin(), sensitiveValues.end(),
              [](const QString& a, const QString& b) { return a.size() > b.size(); });
    m_sensitive = std::move(sensitiveValues);
}

void FlowContext::cancel() {
    {
        std::lock_guard lock(m_waitMutex);
        m_cancelled = true;
    }
    m_waitCondition.notify_all();
}

bool FlowContext::sleepFor(std::chrono::milliseconds duration) {
    std::unique_lock lock(m_waitMutex);
    return !m_waitCondition.wait_for(lock, duration, [this] { return m_cancelled.load(); });
}

QString FlowContext::mask(const QString& text) const {
    QString masked = text;
    for (const QString& value : m_sensitive)
        masked.replace(value, protocol::kMaskedValue);
    return masked;
}

QJsonValue FlowContext::mask(const QJsonValue& value) const {
    switch (value.type()) {
    case QJsonValue::String:
        return mask(value.toString());
    case QJsonValue::Double: {
        // A sensitive number is masked as a whole; the value is compared as the text it logs as.
        const QString text = QString::number(value.toDouble(), 'g', 17);
        return m_sensitive.contains(text) ? QJsonValue(protocol::kMaskedValue) : value;
    }
    case QJsonValue::Array: {
        QJsonArray array;
        for (const QJsonValue& item : value.toArray())
            array.append(mask(item));
        return array;
    }
    case QJsonValue::Object: {
        QJsonObject object;
        const QJsonObject source = value.toObject();
        for (auto it = source.begin(); it != source.end(); ++it)
            object.insert(mask(it.key()), mask(it.value()));
        return object;
    }
    default:
        return value;
    }
}

void FlowContext::addEvent(const QString& kind, const QString& level, const QString& text, const QJsonObject& data) {
    bool full = false;
    {
        std::lock_guard lock(m_eventMutex);
        FlowEvent event;
        event.runId = m_runId;
        event.eventSeq = m_nextSeq++;
        event.kind = kind;
        event.at = QDateTime::currentDateTimeUtc();
        event.level = level;
        event.text = mask(text);
        event.data = mask(QJsonValue(data)).toObject();
        m_buffer.append(std::move(event));
        full = m_buffer.size() >= kFlushEvents;
    }
    if (full && m_bufferFull)
        m_bufferFull();
}

QList<FlowEvent> FlowContext::takeEvents() {
    std::lock_guard lock(m_eventMutex);
    return std::exchange(m_buffer, {});
}

void FlowContext::setCurrentAction(const QString& action) {
    const std::lock_guard lock(m_actionMutex);
    m_currentAction = action;
}

QString FlowContext::currentAction() const {
    const std::lock_guard lock(m_actionMutex);
    return m_currentAction;
}

ActionLog::ActionLog(FlowContext& context, QString name, QJsonArray args)
    : m_context(context)
    , m_name(std::move(name))
    , m_args(context.mask(QJsonValue(args)).toArray()) {
    // Masked before it is shortened, so a cut never leaves part of a secret in the log.
    constexpr qsizetype kMaxArgText = 1000;
    for (qsizetype i = 0; i < m_args.size(); ++i) {
        if (m_args.at(i).isString() && m_args.at(i).toString().size() > kMaxArgText)
            m_args[i] = QString(m_args.at(i).toString().left(kMaxArgText) + QStringLiteral("…"));
    }
    m_timer.start();
    QString shown = QString::fromUtf8(QJsonDocument(m_args).toJson(QJsonDocument::Compact));
    shown = shown.mid(1, shown.size() - 2);
    constexpr qsizetype kMaxShown = 80;
    if (shown.size() > kMaxShown)
        shown = shown.left(kMaxShown) + QStringLiteral("…");
    m_context.setCurrentAction(QStringLiteral("%1(%2)").arg(m_name, shown));
}

ActionLog::~ActionLog() {
    m_context.setCurrentAction({});
    const qint64 ms = m_timer.elapsed();
    QString args = QString::fromUtf8(QJsonDocument(m_args).toJson(QJsonDocument::Compact));
    args = args.mid(1, args.size() - 2); // drop the brackets: name("a", 1)
    constexpr qsizetype kMaxArgsText = 300;
    if (args.size() > kMaxArgsText)
        args = args.left(kMaxArgsText) + QStringLiteral("…");
    const bool ok = m_error.isNull();
    const QString text = ok ? QStringLiteral("%1(%2) ok in %3 ms").arg(m_name, args).arg(ms)
                            : QStringLiteral("%1(%2) failed in %3 ms: %4").arg(m_name, args).arg(ms).arg(m_error);
    QJsonObject data{{QStringLiteral("action"), m_name},
                     {QStringLiteral("args"), m_args},
                     {QStringLiteral("durationMs"), ms},
                     {QStringLiteral("outcome"), ok ? QStringLiteral("ok") : QStringLiteral("error")}};
    if (!ok)
        data.insert(QStringLiteral("error"), m_error);
    m_context.addEvent(QStringLiteral("log"), ok ? QStringLiteral("info") : QStringLiteral("error"), text, data);
}

} // namespace mr::agent
