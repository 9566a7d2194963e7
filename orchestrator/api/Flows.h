#pragma once

#include "protocol/Var.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace mr::orch {

class Db;
class Router;

/// One stored flow version (a row of `flows`) with its maker's username.
struct FlowRow {
    QString id, environmentId, name, description, script, createdAt, createdBy;
    int version = 1;
    QList<protocol::Var> inputs, outputs;
};

/// Loads one flow version; std::nullopt when there is no such id.
std::optional<FlowRow> findFlow(Db& db, const QString& id);
/// Declared variables as stored in `flows.inputs`/`flows.outputs` (a JSON array of Var).
QList<protocol::Var> varsFromColumn(const QString& column);
/// API.md `Flow`.
QJsonObject flowJson(const FlowRow& flow);

/// `POST/GET /api/v1/environments/{env}/flows`, `GET /api/v1/flows/{id}`.
void registerFlowRoutes(Router& router);

} // namespace mr::orch
