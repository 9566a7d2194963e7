#pragma once

#include "agent/flow/FlowTypes.h"

#include <QHash>
#include <QObject>

#include <memory>
#include <mutex>

namespace mr::agent {

/// The desktop app's UiPrompter: ask() (on a flow's thread) files the question under a number
/// and announces it with questionAsked(), which a queued connection carries to the GUI thread;
/// the GUI answers with answer(). When a run ends or is cancelled, withdraw() answers its open
/// questions with null and announces questionWithdrawn() so their dialogs close.
class QueuedPrompter final
    : public QObject
    , public UiPrompter {
    Q_OBJECT
public:
    using QObject::QObject;
    ~QueuedPrompter() override;

    std::future<QJsonValue> ask(const UiRequest& request) override;
    /// The user's answer to question @p id (see UiPrompter for its shape); later answers and
    /// answers to withdrawn questions are ignored.
    void answer(quint64 id, const QJsonValue& value);
    /// Closes every open question of @p runId.
    void withdraw(const QString& runId);

Q_SIGNALS:
    void questionAsked(quint64 id, const mr::agent::UiRequest& request);
    void questionWithdrawn(quint64 id);

private:
    struct Open {
        QString runId;
        std::shared_ptr<std::promise<QJsonValue>> promise;
    };
    std::mutex m_mutex;
    quint64 m_next = 1;
    QHash<quint64, Open> m_open;
};

} // namespace mr::agent

Q_DECLARE_METATYPE(mr::agent::UiRequest)
