#include "protocol/Group.h"

#include <QJsonArray>

namespace mr::protocol {

QJsonObject Group::toJson() const {
    return {
        {QStringLiteral("id"), id},
        {QStringLiteral("environmentId"), environmentId},
        {QStringLiteral("name"), name},
        {QStringLiteral("description"), description},
        {QStringLiteral("maintenanceMode"), maintenanceMode},
        {QStringLiteral("reuseSessions"), reuseSessions},
        {QStringLiteral("unattendedBots"), unattendedBots},
        {QStringLiteral("sessionRecommendations"), sessionRecommendations},
        {QStringLiteral("machineIds"), QJsonArray::fromStringList(machineIds)},
        {QStringLiteral("owner"), owner},
        {QStringLiteral("access"), enumName(access)},
    };
}

Decoded<Group> Group::fromJson(const QJsonObject& json) {
    JsonReader r(json);
    Group g;
    g.id = r.string(u"id");
    g.environmentId = r.string(u"environmentId");
    g.name = r.string(u"name");
    g.description = r.string(u"description");
    g.maintenanceMode = r.boolean(u"maintenanceMode");
    g.reuseSessions = r.boolean(u"reuseSessions");
    g.unattendedBots = r.integer(u"unattendedBots");
    g.sessionRecommendations = r.boolean(u"sessionRecommendations");
    g.machineIds = r.stringList(u"machineIds");
    g.owner = r.string(u"owner");
    g.access = r.enumeration<Access>(u"access");
    if (!r.ok()) {
        return r.error();
    }
    return g;
}

} // namespace mr::protocol
