#include "protocol/Masking.h"

namespace mr::protocol {

QJsonObject maskSensitive(const QJsonObject& values, const QList<Var>& declared) {
    QJsonObject masked = values;
    for (const Var& var : declared) {
        if (var.sensitive && masked.contains(var.name)) {
            masked.insert(var.name, QString(kMaskedValue));
        }
    }
    return masked;
}

} // namespace mr::protocol
