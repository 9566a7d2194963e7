#include "agent/flow/QueuedPrompter.h"

namespace mr::agent {

QueuedPrompter::~QueuedPrompter() {
    // A flow still waiting gets "dismissed" rather than a broken promise.
    const std::lock_guard lock(m_mutex);
    for (const Open& open : std::as_const(m_open))
        open.promise->set_value(QJsonValue(QJsonValue::Null));
}

std::future<QJsonValue> QueuedPrompter::ask(const UiRequest& request) {
    auto promise = std::make_shared<std::promise<QJsonValue>>();
    std::future<QJsonValue> future = promise->get_future();
    quint64 id = 0;
    {
        const std::lock_guard lock(m_mutex);
        id = m_next++;
        m_open.insert(id, Open{request.runId, promise});
    }
    Q_EMIT questionAsked(id, request); // thread-safe; queued to the receivers' threads
    return future;
}

void QueuedPrompter::answer(quint64 id, const QJsonValue& value) {
    const std::lock_guard lock(m_mutex);
    const auto it = m_open.find(id);
    if (it == m_open.end())
        return;
    it->promise->set_value(value);
    m_open.erase(it);
}

void QueuedPrompter::withdraw(const QString& runId) {
    QList<quint64> withdrawn;
    {
        const std::lock_guard lock(m_mutex);
        for (auto it = m_open.begin(); it != m_open.end();) {
            if (it->runId != runId) {
                ++it;
                continue;
            }
            it->promise->set_value(QJsonValue(QJsonValue::Null));
            withdrawn.append(it.key());
            it = m_open.erase(it);
        }
    }
    for (quint64 id : withdrawn)
        Q_EMIT questionWithdrawn(id);
}

} // namespace mr::agent
