#pragma once

#include "protocol/Run.h"
#include "protocol/Var.h"

#include <QDateTime>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <future>

namespace mr::agent {

/// A question a flow asks the user through `ui.*`. `kind` says which of the four it is; the
/// fields that do not apply to that kind stay empty.
struct UiRequest {
    enum class Kind { Message, Input, Confirm, Choose };
    Kind kind = Kind::Message;
    QString runId;
    QString text; ///< The message, the prompt or the question.
    QString title;
    QString defaultText;
    QStringList options;
};

/// Asks the user something on behalf of an attended flow. Implemented by the desktop app, which
/// marshals the request to its GUI thread. `ask()` is called from a flow thread and must be
/// thread-safe and must not block; the flow waits on the future (and stops waiting when the run
/// is cancelled). The answer is: null for `message`, a bool for `confirm`, the text for `input`,
/// the chosen option for `choose`, or null when the user dismissed `input`/`choose`.
class UiPrompter {
public:
    virtual ~UiPrompter() = default;
    virtual std::future<QJsonValue> ask(const UiRequest& request) = 0;
};

/// Everything needed to run one flow.
struct FlowJob {
    QString runId;
    QString script;
    QList<protocol::Var> declaredInputs;
    QList<protocol::Var> declaredOutputs;
    QJsonObject inputs;
    protocol::RunMode runMode = protocol::RunMode::Unattended;
    /// False when the run must not touch the desktop (no session, locked screen).
    bool displayAvailable = true;
    /// Null for a head-less agent; must outlive the run.
    UiPrompter* prompter = nullptr;
};

/// One line of a run's log or a progress note. `eventSeq` counts 1, 2, 3… per run. Texts and
/// data never hold the value of a sensitive input (it reads "***").
struct FlowEvent {
    QString runId;
    qint64 eventSeq = 0;
    QString kind;  ///< "log" or "progress".
    QDateTime at;  ///< UTC.
    QString level; ///< "info", "warning" or "error".
    QString text;
    QJsonObject data;

    /// The event as API.md's log entry: {eventSeq, kind, at, level, text, data}.
    QJsonObject toJson() const;
};

/// How a run ended. `errorCode` is empty on success, else FlowError, Cancelled or InputInvalid;
/// `errorLine` is the script line of a FlowError, or -1.
struct FlowResult {
    QString runId;
    protocol::RunStatus status = protocol::RunStatus::Failed;
    QJsonObject outputs;
    QString errorCode;
    QString errorMessage;
    int errorLine = -1;
};

/// Registers FlowEvent, FlowResult and QList<FlowEvent> for queued connections; call once before
/// connecting across threads (FlowRun does it itself).
void registerFlowMetaTypes();

} // namespace mr::agent

Q_DECLARE_METATYPE(mr::agent::FlowEvent)
Q_DECLARE_METATYPE(mr::agent::FlowResult)
