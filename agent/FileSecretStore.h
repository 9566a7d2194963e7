#pragma once

#include "agent/SecretStore.h"

#include <QJsonObject>

#include <optional>

namespace mr::agent {

/// The head-less agent's secrets in `secrets.json` (mode 0600) in its state folder: chosen
/// explicitly for servers without a keychain, never as a silent fallback. A file that others can
/// read or write is refused rather than used, and every write replaces the file atomically.
class FileSecretStore final : public SecretStore {
    Q_OBJECT
public:
    explicit FileSecretStore(const QString& stateDir, QObject* parent = nullptr);

    void read(const QString& key, Callback done) override;
    void write(const QString& key, const QByteArray& value, Callback done) override;
    void remove(const QString& key, Callback done) override;

    QString filePath() const { return m_path; }
    /// Deletes the whole file (unregister); true when it is gone.
    bool removeFile();

private:
    std::optional<QJsonObject> load(QString* error) const;
    bool store(const QJsonObject& secrets, QString* error) const;
    void answer(Callback done, SecretResult result);

    QString m_path;
};

} // namespace mr::agent
