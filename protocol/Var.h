#pragma once

#include "protocol/Json.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>

namespace mr::protocol {

/// The type of a flow input or output.
enum class VarType { Text, Number, Boolean, List, Object };

template <>
struct EnumNames<VarType> {
    static constexpr std::array names{
        std::pair{VarType::Text, "text"}, std::pair{VarType::Number, "number"}, std::pair{VarType::Boolean, "boolean"},
        std::pair{VarType::List, "list"}, std::pair{VarType::Object, "object"},
    };
};

/// A declared input or output of a flow (API.md `Var`). Only `name` and `type` are required on
/// the wire; `name` must be an identifier ([A-Za-z_][A-Za-z0-9_]*) so a script can use it as a
/// property, and a non-null `default` must fit `type`.
struct Var {
    QString name;
    VarType type = VarType::Text;
    bool sensitive = false;
    bool optional = false;
    QJsonValue defaultValue = QJsonValue(QJsonValue::Null); ///< JSON key "default".
    QString description;

    QJsonObject toJson() const;
    static Decoded<Var> fromJson(const QJsonObject& json);

    bool operator==(const Var&) const = default;
};

/// True for a valid variable name: [A-Za-z_][A-Za-z0-9_]*.
bool isValidVarName(const QString& name);

/// Whether @p value has the JSON type @p var declares (text: string, number: number,
/// boolean: bool, list: array, object: object). Null fits no type: whether a missing value is
/// allowed is the caller's business (`optional`, `default`).
bool varAccepts(const Var& var, const QJsonValue& value);

} // namespace mr::protocol
