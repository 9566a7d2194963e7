#include "agent/FileSecretStore.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>
#include <QTimer>

namespace mr::agent {

namespace {

constexpr QFileDevice::Permissions kOwnerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
constexpr QFileDevice::Permissions kOthers = QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ExeGroup |
                                             QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther;

} // namespace

FileSecretStore::FileSecretStore(const QString& stateDir, QObject* parent)
    : SecretStore(parent)
    , m_path(stateDir + QStringLiteral("/secrets.json")) {}

std::optional<QJsonObject> FileSecretStore::load(QString* error) const {
    QFile file(m_path);
    if (!file.exists())
        return QJsonObject{};
    if (file.permissions() & kOthers) {
        *error = tr("The secrets file %1 can be read or written by other users; refusing to use it. Restrict it "
                    "with 'chmod 600 %1' or register again.")
                     .arg(m_path);
        return std::nullopt;
    }
    if (!file.open(QIODevice::ReadOnly)) {
        *error = tr("Cannot read the secrets file %1: %2").arg(m_path, file.errorString());
        return std::nullopt;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.read(1024 * 1024), &parseError);
    if (!doc.isObject()) {
        *error = tr("The secrets file %1 is damaged.").arg(m_path);
        return std::nullopt;
    }
    return doc.object();
}

bool FileSecretStore::store(const QJsonObject& secrets, QString* error) const {
    QSaveFile file(m_path);
    // The permissions go on the temporary file before a byte of secret is written to it.
    if (!file.open(QIODevice::WriteOnly) || !file.setPermissions(kOwnerOnly) ||
        file.write(QJsonDocument(secrets).toJson(QJsonDocument::Compact)) < 0 || !file.commit()) {
        *error = tr("Cannot write the secrets file %1: %2").arg(m_path, file.errorString());
        return false;
    }
    return true;
}

void FileSecretStore::answer(Callback done, SecretResult result) {
    // Always later, from the event loop, as the interface promises.
    QTimer::singleShot(0, this, [done = std::move(done), result = std::move(result)] { done(result); });
}

void FileSecretStore::read(const QString& key, Callback done) {
    SecretResult result;
    if (const auto secrets = load(&result.error)) {
        if (secrets->contains(key)) {
            result.ok = true;
            result.value = QByteArray::fromBase64(secrets->value(key).toString().toLatin1());
        } else {
            result.notFound = true;
            result.error = tr("No secret '%1' is stored.").arg(key);
        }
    }
    answer(std::move(done), std::move(result));
}

void FileSecretStore::write(const QString& key, const QByteArray& value, Callback done) {
    SecretResult result;
    if (auto secrets = load(&result.error)) {
        secrets->insert(key, QString::fromLatin1(value.toBase64()));
        result.ok = store(*secrets, &result.error);
    }
    answer(std::move(done), std::move(result));
}

void FileSecretStore::remove(const QString& key, Callback done) {
    SecretResult result;
    if (auto secrets = load(&result.error)) {
        if (!secrets->contains(key)) {
            result.notFound = true;
        } else {
            secrets->remove(key);
            result.ok = store(*secrets, &result.error);
        }
    }
    answer(std::move(done), std::move(result));
}

bool FileSecretStore::removeFile() {
    QFile file(m_path);
    return !file.exists() || file.remove();
}

} // namespace mr::agent
