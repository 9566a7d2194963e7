#include "protocol/Flow.h"

#include <QSet>

namespace mr::protocol {

QList<Var> readVars(JsonReader& reader, QStringView key) {
    QList<Var> vars = reader.list<Var>(key);
    QSet<QString> seen;
    for (qsizetype i = 0; i < vars.size() && reader.ok(); ++i) {
        if (seen.contains(vars.at(i).name)) {
            const QString field = key.toString() + QLatin1Char('[') + QString::number(i) + QStringLiteral("].name");
            reader.fail(field, QStringLiteral("duplicate name '") + vars.at(i).name + QLatin1Char('\''));
        }
        seen.insert(vars.at(i).name);
    }
    return reader.ok() ? vars : QList<Var>();
}

QJsonObject Flow::toJson() const {
    return {
        {QStringLiteral("id"), id},
        {QStringLiteral("environmentId"), environmentId},
        {QStringLiteral("name"), name},
        {QStringLiteral("description"), description},
        {QStringLiteral("version"), version},
        {QStringLiteral("script"), script},
        {QStringLiteral("inputs"), toJsonArray(inputs)},
        {QStringLiteral("outputs"), toJsonArray(outputs)},
        {QStringLiteral("createdAt"), jsonTime(createdAt)},
        {QStringLiteral("createdBy"), createdBy},
    };
}

Decoded<Flow> Flow::fromJson(const QJsonObject& json) {
    JsonReader r(json);
    Flow f;
    f.id = r.string(u"id");
    f.environmentId = r.string(u"environmentId");
    f.name = r.string(u"name");
    f.description = r.string(u"description");
    f.version = r.integer(u"version");
    f.script = r.string(u"script");
    f.inputs = readVars(r, u"inputs");
    f.outputs = readVars(r, u"outputs");
    f.createdAt = r.dateTime(u"createdAt");
    f.createdBy = r.string(u"createdBy");
    if (!r.ok()) {
        return r.error();
    }
    return f;
}

} // namespace mr::protocol
