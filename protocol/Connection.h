#pragma once

#include "protocol/Json.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace mr::protocol {

/// How a connection signs in on the machine.
enum class ConnectionKind { Password, SignIn };

template <>
struct EnumNames<ConnectionKind> {
    static constexpr std::array names{
        std::pair{ConnectionKind::Password, "password"},
        std::pair{ConnectionKind::SignIn, "signIn"},
    };
};

/// Where a connection's runs go: one machine or one group. On the wire it is `{"machineId": id}`
/// or `{"groupId": id}` with exactly one of the two keys (a present key must hold a string;
/// both, neither, or a null one is refused).
struct ConnectionTarget {
    enum class Kind { Machine, Group };
    Kind kind = Kind::Machine;
    QString id;

    static ConnectionTarget machine(const QString& machineId) { return {Kind::Machine, machineId}; }
    static ConnectionTarget group(const QString& groupId) { return {Kind::Group, groupId}; }

    QJsonObject toJson() const;
    static Decoded<ConnectionTarget> fromJson(const QJsonObject& json);

    bool operator==(const ConnectionTarget&) const = default;
};

/// A connection as the API shows it (API.md `Connection`): never a password. `username` is
/// null for sign-in connections; every other field is required when decoding.
struct Connection {
    QString id;
    QString environmentId;
    QString name;
    ConnectionTarget target;
    ConnectionKind kind = ConnectionKind::Password;
    std::optional<QString> username;
    QString owner; ///< Username of the owner (the only user who sees or uses it).
    QDateTime createdAt;

    QJsonObject toJson() const;
    static Decoded<Connection> fromJson(const QJsonObject& json);

    bool operator==(const Connection&) const = default;
};

} // namespace mr::protocol
