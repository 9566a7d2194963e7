#pragma once

#include "protocol/Json.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace mr::protocol {

/// State of a user session on a machine (logind mapping in API.md).
enum class SessionState { Active, Locked, Disconnected };

template <>
struct EnumNames<SessionState> {
    static constexpr std::array names{
        std::pair{SessionState::Active, "active"},
        std::pair{SessionState::Locked, "locked"},
        std::pair{SessionState::Disconnected, "disconnected"},
    };
};

/// Whether a machine can take runs.
enum class MachineStatus { Online, Offline, Maintenance };

template <>
struct EnumNames<MachineStatus> {
    static constexpr std::array names{
        std::pair{MachineStatus::Online, "online"},
        std::pair{MachineStatus::Offline, "offline"},
        std::pair{MachineStatus::Maintenance, "maintenance"},
    };
};

/// The caller's access to a machine or group.
enum class Access { Owner, CoOwner, User };

template <>
struct EnumNames<Access> {
    static constexpr std::array names{
        std::pair{Access::Owner, "owner"},
        std::pair{Access::CoOwner, "coOwner"},
        std::pair{Access::User, "user"},
    };
};

/// A user session on a machine: `user` is the OS user, `account` the orchestrator user signed
/// in to the desktop app in that session (null when none).
struct MachineSession {
    QString user;
    std::optional<QString> account;
    SessionState state = SessionState::Active;

    QJsonObject toJson() const;
    static Decoded<MachineSession> fromJson(const QJsonObject& json);

    bool operator==(const MachineSession&) const = default;
};

/// A registered machine as the API shows it (API.md `Machine`). `groupId` and `lastSeenAt` are
/// nullable; every other field is required when decoding.
struct Machine {
    QString id;
    QString environmentId;
    QString name;
    QString description;
    QString version;
    QString os;
    std::optional<QString> groupId;
    MachineStatus status = MachineStatus::Offline;
    bool maintenanceMode = false;
    int runningCount = 0;
    int queuedCount = 0;
    Access access = Access::Owner;
    QString owner; ///< Username of the owner.
    int unattendedBots = 1;
    bool reuseSessions = false;
    bool sessionRecommendations = true;
    QList<MachineSession> sessions;
    std::optional<QDateTime> lastSeenAt;

    QJsonObject toJson() const;
    static Decoded<Machine> fromJson(const QJsonObject& json);

    bool operator==(const Machine&) const = default;
};

} // namespace mr::protocol
