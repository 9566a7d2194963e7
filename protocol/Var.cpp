#include "protocol/Var.h"

#include <QRegularExpression>

namespace mr::protocol {

bool isValidVarName(const QString& name) {
    static const QRegularExpression pattern(
        QRegularExpression::anchoredPattern(QStringLiteral("[A-Za-z_][A-Za-z0-9_]*")));
    return pattern.match(name).hasMatch();
}

bool varAccepts(const Var& var, const QJsonValue& value) {
    switch (var.type) {
    case VarType::Text:
        return value.isString();
    case VarType::Number:
        return value.isDouble();
    case VarType::Boolean:
        return value.isBool();
    case VarType::List:
        return value.isArray();
    case VarType::Object:
        return value.isObject();
    }
    return false;
}

QJsonObject Var::toJson() const {
    return {
        {QStringLiteral("name"), name},
        {QStringLiteral("type"), enumName(type)},
        {QStringLiteral("sensitive"), sensitive},
        {QStringLiteral("optional"), optional},
        {QStringLiteral("default"), defaultValue.isUndefined() ? QJsonValue(QJsonValue::Null) : defaultValue},
        {QStringLiteral("description"), description},
    };
}

Decoded<Var> Var::fromJson(const QJsonObject& json) {
    JsonReader r(json);
    Var var;
    var.name = r.string(u"name");
    if (r.ok() && !isValidVarName(var.name)) {
        r.fail(u"name", QStringLiteral("expected an identifier ([A-Za-z_][A-Za-z0-9_]*)"));
    }
    var.type = r.enumeration<VarType>(u"type");
    var.sensitive = r.boolean(u"sensitive", false);
    var.optional = r.boolean(u"optional", false);
    var.defaultValue = r.value(u"default");
    if (r.ok() && !var.defaultValue.isNull() && !varAccepts(var, var.defaultValue)) {
        r.fail(u"default", QStringLiteral("does not fit type '") + enumName(var.type) + QStringLiteral("'"));
    }
    var.description = r.string(u"description", QString());
    if (!r.ok()) {
        return r.error();
    }
    return var;
}

} // namespace mr::protocol
