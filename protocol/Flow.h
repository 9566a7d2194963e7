#pragma once

#include "protocol/Json.h"
#include "protocol/Var.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace mr::protocol {

/// One version of a flow as the API shows it (API.md `Flow`): a script plus its declared
/// inputs and outputs. Every field is required when decoding.
struct Flow {
    QString id;
    QString environmentId;
    QString name;
    QString description;
    int version = 1;
    QString script;
    QList<Var> inputs;
    QList<Var> outputs;
    QDateTime createdAt;
    QString createdBy; ///< Username of the maker.

    QJsonObject toJson() const;
    static Decoded<Flow> fromJson(const QJsonObject& json);

    bool operator==(const Flow&) const = default;
};

/// Decodes a list of declared variables ("inputs"/"outputs") and refuses duplicate names.
/// Errors read "<key>[i].field".
QList<Var> readVars(JsonReader& reader, QStringView key);

} // namespace mr::protocol
