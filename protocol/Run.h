#pragma once

#include "protocol/Json.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace mr::protocol {

/// Where a run stands. `Queued` also covers a run being offered to a machine.
enum class RunStatus { Queued, Running, Cancelling, Succeeded, Failed, Cancelled };

template <>
struct EnumNames<RunStatus> {
    static constexpr std::array names{
        std::pair{RunStatus::Queued, "Queued"},         std::pair{RunStatus::Running, "Running"},
        std::pair{RunStatus::Cancelling, "Cancelling"}, std::pair{RunStatus::Succeeded, "Succeeded"},
        std::pair{RunStatus::Failed, "Failed"},         std::pair{RunStatus::Cancelled, "Cancelled"},
    };
};

/// True for Succeeded, Failed and Cancelled.
bool isTerminal(RunStatus status);

/// Attended runs use the signed-in user's desktop; unattended runs open their own session.
enum class RunMode { Attended, Unattended };

template <>
struct EnumNames<RunMode> {
    static constexpr std::array names{
        std::pair{RunMode::Attended, "attended"},
        std::pair{RunMode::Unattended, "unattended"},
    };
};

/// High priority runs are taken before normal ones.
enum class RunPriority { Normal, High };

template <>
struct EnumNames<RunPriority> {
    static constexpr std::array names{
        std::pair{RunPriority::Normal, "normal"},
        std::pair{RunPriority::High, "high"},
    };
};

/// A run as the API shows it (API.md `Run`). Nullable: machineId, errorCode, errorMessage,
/// errorLine, startedAt, endedAt (null or absent when decoding); `outputs` reads an absent or
/// null value as {}. Everything else is required. Sensitive values are masked by whoever
/// builds the answer (see Masking.h), not here.
struct Run {
    QString id;
    QString environmentId;
    QString flowId;
    int flowVersion = 1;
    QString connectionId;
    std::optional<QString> machineId;
    RunMode runMode = RunMode::Attended;
    RunPriority priority = RunPriority::Normal;
    RunStatus status = RunStatus::Queued;
    std::optional<QString> errorCode;
    std::optional<QString> errorMessage;
    std::optional<int> errorLine;
    QJsonObject inputs;
    QJsonObject outputs;
    QDateTime queuedAt;
    std::optional<QDateTime> startedAt;
    std::optional<QDateTime> endedAt;
    QString triggeredBy; ///< Username of whoever started it (the schedule's owner for scheduled runs).

    QJsonObject toJson() const;
    static Decoded<Run> fromJson(const QJsonObject& json);

    bool operator==(const Run&) const = default;
};

/// One line of a run's log (`GET /runs/{id}/log`). `level` is free text ("info", "warning",
/// "error", ...); `seq` counts from 1 per run.
struct LogLine {
    qint64 seq = 0;
    QDateTime at;
    QString level;
    QString text;

    QJsonObject toJson() const;
    static Decoded<LogLine> fromJson(const QJsonObject& json);

    bool operator==(const LogLine&) const = default;
};

} // namespace mr::protocol
