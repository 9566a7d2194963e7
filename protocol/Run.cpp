#include "protocol/Run.h"

namespace mr::protocol {

bool isTerminal(RunStatus status) {
    return status == RunStatus::Succeeded || status == RunStatus::Failed || status == RunStatus::Cancelled;
}

QJsonObject Run::toJson() const {
    return {
        {QStringLiteral("id"), id},
        {QStringLiteral("environmentId"), environmentId},
        {QStringLiteral("flowId"), flowId},
        {QStringLiteral("flowVersion"), flowVersion},
        {QStringLiteral("connectionId"), connectionId},
        {QStringLiteral("machineId"), jsonOrNull(machineId)},
        {QStringLiteral("runMode"), enumName(runMode)},
        {QStringLiteral("priority"), enumName(priority)},
        {QStringLiteral("status"), enumName(status)},
        {QStringLiteral("errorCode"), jsonOrNull(errorCode)},
        {QStringLiteral("errorMessage"), jsonOrNull(errorMessage)},
        {QStringLiteral("errorLine"), jsonOrNull(errorLine)},
        {QStringLiteral("inputs"), inputs},
        {QStringLiteral("outputs"), outputs},
        {QStringLiteral("queuedAt"), jsonTime(queuedAt)},
        {QStringLiteral("startedAt"), jsonOrNull(startedAt)},
        {QStringLiteral("endedAt"), jsonOrNull(endedAt)},
        {QStringLiteral("triggeredBy"), triggeredBy},
    };
}

Decoded<Run> Run::fromJson(const QJsonObject& json) {
    JsonReader r(json);
    Run run;
    run.id = r.string(u"id");
    run.environmentId = r.string(u"environmentId");
    run.flowId = r.string(u"flowId");
    run.flowVersion = r.integer(u"flowVersion");
    run.connectionId = r.string(u"connectionId");
    run.machineId = r.nullableString(u"machineId");
    run.runMode = r.enumeration<RunMode>(u"runMode");
    run.priority = r.enumeration<RunPriority>(u"priority");
    run.status = r.enumeration<RunStatus>(u"status");
    run.errorCode = r.nullableString(u"errorCode");
    run.errorMessage = r.nullableString(u"errorMessage");
    run.errorLine = r.nullableInteger(u"errorLine");
    run.inputs = r.object(u"inputs");
    run.outputs = r.object(u"outputs", QJsonObject());
    run.queuedAt = r.dateTime(u"queuedAt");
    run.startedAt = r.nullableDateTime(u"startedAt");
    run.endedAt = r.nullableDateTime(u"endedAt");
    run.triggeredBy = r.string(u"triggeredBy");
    if (!r.ok()) {
        return r.error();
    }
    return run;
}

QJsonObject LogLine::toJson() const {
    return {
        {QStringLiteral("seq"), seq},
        {QStringLiteral("at"), jsonTime(at)},
        {QStringLiteral("level"), level},
        {QStringLiteral("text"), text},
    };
}

Decoded<LogLine> LogLine::fromJson(const QJsonObject& json) {
    JsonReader r(json);
    LogLine line;
    line.seq = r.integer64(u"seq");
    line.at = r.dateTime(u"at");
    line.level = r.string(u"level");
    line.text = r.string(u"text");
    if (!r.ok()) {
        return r.error();
    }
    return line;
}

} // namespace mr::protocol
