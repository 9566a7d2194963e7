#include "protocol/Machine.h"

namespace mr::protocol {

QJsonObject MachineSession::toJson() const {
    return {
        {QStringLiteral("user"), user},
        {QStringLiteral("account"), jsonOrNull(account)},
        {QStringLiteral("state"), enumName(state)},
    };
}

Decoded<MachineSession> MachineSession::fromJson(const QJsonObject& json) {
    JsonReader r(json);
    MachineSession session;
    session.user = r.string(u"user");
    session.account = r.nullableString(u"account");
    session.state = r.enumeration<SessionState>(u"state");
    if (!r.ok()) {
        return r.error();
    }
    return session;
}

QJsonObject Machine::toJson() const {
    return {
        {QStringLiteral("id"), id},
        {QStringLiteral("environmentId"), environmentId},
        {QStringLiteral("name"), name},
        {QStringLiteral("description"), description},
        {QStringLiteral("version"), version},
        {QStringLiteral("os"), os},
        {QStringLiteral("groupId"), jsonOrNull(groupId)},
        {QStringLiteral("status"), enumName(status)},
        {QStringLiteral("maintenanceMode"), maintenanceMode},
        {QStringLiteral("runningCount"), runningCount},
        {QStringLiteral("queuedCount"), queuedCount},
        {QStringLiteral("access"), enumName(access)},
        {QStringLiteral("owner"), owner},
        {QStringLiteral("unattendedBots"), unattendedBots},
        {QStringLiteral("reuseSessions"), reuseSessions},
        {QStringLiteral("sessionRecommendations"), sessionRecommendations},
        {QStringLiteral("sessions"), toJsonArray(sessions)},
        {QStringLiteral("lastSeenAt"), jsonOrNull(lastSeenAt)},
    };
}

Decoded<Machine> Machine::fromJson(const QJsonObject& json) {
    JsonReader r(json);
    Machine m;
    m.id = r.string(u"id");
    m.environmentId = r.string(u"environmentId");
    m.name = r.string(u"name");
    m.description = r.string(u"description");
    m.version = r.string(u"version");
    m.os = r.string(u"os");
    m.groupId = r.nullableString(u"groupId");
    m.status = r.enumeration<MachineStatus>(u"status");
    m.maintenanceMode = r.boolean(u"maintenanceMode");
    m.runningCount = r.integer(u"runningCount");
    m.queuedCount = r.integer(u"queuedCount");
    m.access = r.enumeration<Access>(u"access");
    m.owner = r.string(u"owner");
    m.unattendedBots = r.integer(u"unattendedBots");
    m.reuseSessions = r.boolean(u"reuseSessions");
    m.sessionRecommendations = r.boolean(u"sessionRecommendations");
    m.sessions = r.list<MachineSession>(u"sessions");
    m.lastSeenAt = r.nullableDateTime(u"lastSeenAt");
    if (!r.ok()) {
        return r.error();
    }
    return m;
}

} // namespace mr::protocol
