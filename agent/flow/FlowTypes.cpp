#include "agent/flow/FlowTypes.h"

#include "protocol/Json.h"

namespace mr::agent {

QJsonObject FlowEvent::toJson() const {
    return QJsonObject{
        {QStringLiteral("eventSeq"), eventSeq},
        {QStringLiteral("kind"), kind},
        {QStringLiteral("at"), protocol::toIsoUtc(at)},
        {QStringLiteral("level"), level},
        {QStringLiteral("text"), text},
        {QStringLiteral("data"), data},
    };
}

void registerFlowMetaTypes() {
    qRegisterMetaType<FlowEvent>();
    qRegisterMetaType<FlowResult>();
    qRegisterMetaType<QList<FlowEvent>>();
}

} // namespace mr::agent
