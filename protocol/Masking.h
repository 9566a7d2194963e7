#pragma once

#include "protocol/Var.h"

#include <QJsonObject>
#include <QList>

namespace mr::protocol {

/// What a sensitive value reads as in every answer and log.
inline constexpr QLatin1String kMaskedValue{"***"};

/// A copy of @p values (run inputs or outputs) in which the value of every variable that
/// @p declared marks sensitive reads "***". Values that are not present stay absent; values of
/// undeclared names are left as they are.
QJsonObject maskSensitive(const QJsonObject& values, const QList<Var>& declared);

} // namespace mr::protocol
