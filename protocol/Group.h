#pragma once

#include "protocol/Json.h"
#include "protocol/Machine.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace mr::protocol {

/// A machine group as the API shows it (API.md `Group`); every field is required when decoding.
struct Group {
    QString id;
    QString environmentId;
    QString name;
    QString description;
    bool maintenanceMode = false;
    bool reuseSessions = false;
    int unattendedBots = 1;
    bool sessionRecommendations = true;
    QStringList machineIds;
    QString owner; ///< Username of the owner.
    Access access = Access::Owner;

    QJsonObject toJson() const;
    static Decoded<Group> fromJson(const QJsonObject& json);

    bool operator==(const Group&) const = default;
};

} // namespace mr::protocol
