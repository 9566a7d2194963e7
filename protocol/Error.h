#pragma once

#include "protocol/Json.h"

#include <QJsonObject>
#include <QLatin1String>
#include <QString>
#include <QStringList>

namespace mr::protocol {

/// The error codes of the contract (API.md): the `error.code` of HTTP answers and the
/// `errorCode` of failed runs.
namespace ErrorCode {
// 400
inline constexpr QLatin1String BadRequest{"BadRequest"};
inline constexpr QLatin1String InputInvalid{"InputInvalid"};
inline constexpr QLatin1String SignInConnectionUnattended{"SignInConnectionUnattended"};
inline constexpr QLatin1String CredentialsIncorrect{"CredentialsIncorrect"};
// 401
inline constexpr QLatin1String Unauthenticated{"Unauthenticated"};
inline constexpr QLatin1String MachineIdentityMismatch{"MachineIdentityMismatch"};
inline constexpr QLatin1String ClockSkew{"ClockSkew"};
// 403
inline constexpr QLatin1String Forbidden{"Forbidden"};
// 404
inline constexpr QLatin1String NotFound{"NotFound"};
// 409
inline constexpr QLatin1String MachineNameTaken{"MachineNameTaken"};
inline constexpr QLatin1String GroupFull{"GroupFull"};
inline constexpr QLatin1String ModeConflict{"ModeConflict"};
inline constexpr QLatin1String Conflict{"Conflict"};
// 413
inline constexpr QLatin1String PayloadTooLarge{"PayloadTooLarge"};
inline constexpr QLatin1String InputTooLarge{"InputTooLarge"};
inline constexpr QLatin1String FlowTooLarge{"FlowTooLarge"};
// 429
inline constexpr QLatin1String RateLimited{"RateLimited"};
inline constexpr QLatin1String TooManySignInAttempts{"TooManySignInAttempts"};
// 500 (not in the contract's table: anything the server did not foresee)
inline constexpr QLatin1String InternalError{"InternalError"};

// Run error codes (Run.errorCode, runResult.errorCode); besides these a run can fail with
// SignInConnectionUnattended, CredentialsIncorrect or InputInvalid.
inline constexpr QLatin1String QueueTimeout{"QueueTimeout"};
inline constexpr QLatin1String MachineLost{"MachineLost"};
inline constexpr QLatin1String FlowError{"FlowError"};
inline constexpr QLatin1String Cancelled{"Cancelled"};
inline constexpr QLatin1String AttendedUserSessionNotActive{"AttendedUserSessionNotActive"};
inline constexpr QLatin1String SessionExistsForTheUserWhenUnattended{"SessionExistsForTheUserWhenUnattended"};
} // namespace ErrorCode

/// Every code of the HTTP error table, plus InternalError.
QStringList httpErrorCodes();
/// Every code a run can end with.
QStringList runErrorCodes();

/// The HTTP status that goes with an error code, per API.md's table. InternalError, the
/// run-only codes and unknown codes give 500.
int httpStatusFor(const QString& code);

/// The body of every HTTP error: `{"error": {"code", "message", "details"?}}`; `details` is
/// written only when it has something in it.
struct ErrorBody {
    QString code;
    QString message;
    QJsonObject details;

    QJsonObject toJson() const;
    /// Decodes the whole answer body (the object holding "error"); "code" and "message" are
    /// required, "details" may be absent or null.
    static Decoded<ErrorBody> fromJson(const QJsonObject& json);

    bool operator==(const ErrorBody&) const = default;
};

} // namespace mr::protocol
