#include "protocol/Error.h"

#include <array>
#include <utility>

namespace mr::protocol {

namespace {

struct CodeStatus {
    QLatin1String code;
    int status;
};

constexpr std::array kHttpStatuses{
    CodeStatus{ErrorCode::BadRequest, 400},
    CodeStatus{ErrorCode::InputInvalid, 400},
    CodeStatus{ErrorCode::SignInConnectionUnattended, 400},
    CodeStatus{ErrorCode::CredentialsIncorrect, 400},
    CodeStatus{ErrorCode::Unauthenticated, 401},
    CodeStatus{ErrorCode::MachineIdentityMismatch, 401},
    CodeStatus{ErrorCode::ClockSkew, 401},
    CodeStatus{ErrorCode::Forbidden, 403},
    CodeStatus{ErrorCode::NotFound, 404},
    CodeStatus{ErrorCode::MachineNameTaken, 409},
    CodeStatus{ErrorCode::GroupFull, 409},
    CodeStatus{ErrorCode::ModeConflict, 409},
    CodeStatus{ErrorCode::Conflict, 409},
    CodeStatus{ErrorCode::PayloadTooLarge, 413},
    CodeStatus{ErrorCode::InputTooLarge, 413},
    CodeStatus{ErrorCode::FlowTooLarge, 413},
    CodeStatus{ErrorCode::RateLimited, 429},
    CodeStatus{ErrorCode::TooManySignInAttempts, 429},
    CodeStatus{ErrorCode::InternalError, 500},
};

} // namespace

QStringList httpErrorCodes() {
    QStringList codes;
    for (const CodeStatus& entry : kHttpStatuses) {
        codes.append(entry.code);
    }
    return codes;
}

QStringList runErrorCodes() {
    return {ErrorCode::QueueTimeout,
            ErrorCode::MachineLost,
            ErrorCode::FlowError,
            ErrorCode::Cancelled,
            ErrorCode::AttendedUserSessionNotActive,
            ErrorCode::SessionExistsForTheUserWhenUnattended,
            ErrorCode::SignInConnectionUnattended,
            ErrorCode::CredentialsIncorrect,
            ErrorCode::InputInvalid};
}

int httpStatusFor(const QString& code) {
    for (const CodeStatus& entry : kHttpStatuses) {
        if (code == entry.code) {
            return entry.status;
        }
    }
    return 500;
}

QJsonObject ErrorBody::toJson() const {
    QJsonObject error{{QStringLiteral("code"), code}, {QStringLiteral("message"), message}};
    if (!details.isEmpty()) {
        error.insert(QStringLiteral("details"), details);
    }
    return QJsonObject{{QStringLiteral("error"), error}};
}

Decoded<ErrorBody> ErrorBody::fromJson(const QJsonObject& json) {
    JsonReader outer(json);
    const QJsonObject error = outer.object(u"error");
    if (!outer.ok()) {
        return outer.error();
    }
    JsonReader r(error, QStringLiteral("error"));
    ErrorBody body;
    body.code = r.string(u"code");
    body.message = r.string(u"message");
    body.details = r.object(u"details", QJsonObject());
    if (!r.ok()) {
        return r.error();
    }
    return body;
}

} // namespace mr::protocol
