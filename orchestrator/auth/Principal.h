#pragma once

#include "orchestrator/http/Http.h"

#include <QDateTime>
#include <QString>

#include <optional>

namespace mr::orch {

class Db;

/// Who is calling: a user (sign-in token or personal access token) or a machine (machine token).
struct Principal {
    enum class Kind { User, Machine };
    Kind kind = Kind::User;
    QString userId;
    QString username;
    QString displayName;
    bool isAdmin = false; ///< orchestrator administrator (`user add --admin`)
    QString machineId;    ///< for Kind::Machine
};

/// Resolves the bearer token of a request. Implemented by the token service (auth/).
class Authenticator {
public:
    virtual ~Authenticator() = default;
    /// Returns the principal, or std::nullopt for a missing/wrong/expired/forged/revoked token or
    /// a deactivated user.
    virtual std::optional<Principal> authenticate(Db& db, const HttpRequest& request, const QDateTime& now) const = 0;
};

} // namespace mr::orch
