#include "protocol/Connection.h"

namespace mr::protocol {

namespace {
const QString kMachineIdKey = QStringLiteral("machineId");
const QString kGroupIdKey = QStringLiteral("groupId");
} // namespace

QJsonObject ConnectionTarget::toJson() const {
    return {{kind == Kind::Machine ? kMachineIdKey : kGroupIdKey, id}};
}

Decoded<ConnectionTarget> ConnectionTarget::fromJson(const QJsonObject& json) {
    const bool hasMachine = json.contains(kMachineIdKey);
    const bool hasGroup = json.contains(kGroupIdKey);
    if (hasMachine == hasGroup) {
        return DecodeError{QString(), QStringLiteral("expected exactly one of 'machineId' and 'groupId'")};
    }
    JsonReader r(json);
    ConnectionTarget target;
    target.kind = hasMachine ? Kind::Machine : Kind::Group;
    target.id = r.string(hasMachine ? kMachineIdKey : kGroupIdKey);
    if (!r.ok()) {
        return r.error();
    }
    return target;
}

QJsonObject Connection::toJson() const {
    return {
        {QStringLiteral("id"), id},
        {QStringLiteral("environmentId"), environmentId},
        {QStringLiteral("name"), name},
        {QStringLiteral("target"), target.toJson()},
        {QStringLiteral("kind"), enumName(kind)},
        {QStringLiteral("username"), jsonOrNull(username)},
        {QStringLiteral("owner"), owner},
        {QStringLiteral("createdAt"), jsonTime(createdAt)},
    };
}

Decoded<Connection> Connection::fromJson(const QJsonObject& json) {
    JsonReader r(json);
    Connection c;
    c.id = r.string(u"id");
    c.environmentId = r.string(u"environmentId");
    c.name = r.string(u"name");
    c.target = r.nested<ConnectionTarget>(u"target");
    c.kind = r.enumeration<ConnectionKind>(u"kind");
    c.username = r.nullableString(u"username");
    c.owner = r.string(u"owner");
    c.createdAt = r.dateTime(u"createdAt");
    if (!r.ok()) {
        return r.error();
    }
    return c;
}

} // namespace mr::protocol
