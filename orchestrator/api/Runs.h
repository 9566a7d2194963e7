#pragma once

#include "protocol/Run.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>

namespace mr::orch {

class Db;
class Router;
struct Principal;

/// What starts a run: the body of `POST /environments/{env}/runs`, or a schedule.
struct TriggerRequest {
    QString environmentId;
    QString flowId;
    QString connectionId;
    protocol::RunMode runMode = protocol::RunMode::Attended;
    protocol::RunPriority priority = protocol::RunPriority::Normal;
    QJsonObject inputs;
};

/// Reads a trigger body: 400 `BadRequest` (details.field) for a missing or mistyped field, then
/// 413 `InputTooLarge` when `inputs` encodes to more than 2 MB. @p allowed lists the fields the
/// body may have (a trigger and a schedule take different ones).
TriggerRequest parseTriggerBody(const QJsonObject& body, const QString& environmentId, const QStringList& allowed);

/// Which checks createRun() makes besides the body's (always: rights, sign-in + unattended,
/// input types).
struct TriggerChecks {
    bool modeConflict = true; ///< 409 ModeConflict (R21)
    bool rate = true;         ///< 429 RateLimited (R26), recording the trigger in run_triggers
    bool insert = true;       ///< false: only validate (schedules at creation)
};

/// Validates @p request for @p caller in the order of API.md ("Trigger checks") and, unless
/// checks.insert is false, inserts the run (status Queued) in one transaction. Returns the run
/// id, or the empty string when nothing was inserted; throws ApiError for a refusal. The caller
/// wakes the run engine after the transaction committed. @p triggeredBy is the username, or
/// "schedule:<id>" with @p scheduleId for scheduled runs. @p filledInputs receives the inputs
/// with declared defaults filled in.
QString createRun(Db& db, const Principal& caller, const TriggerRequest& request, const QDateTime& now,
                  const QString& triggeredBy, const QString& scheduleId = {}, TriggerChecks checks = {},
                  QJsonObject* filledInputs = nullptr);

/// API.md `Run` for @p runId (status Offered reads Queued; sensitive inputs and outputs read
/// "***"); an empty object when there is no such run. No access check: for the engine and for
/// routes that checked already.
QJsonObject loadRunJson(Db& db, const QString& runId);

/// Every route of the run side: flows, connections, runs, schedules, recommendations and
/// `GET /metrics`.
void registerRunRoutes(Router& router);

} // namespace mr::orch
