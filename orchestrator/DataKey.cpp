#include "orchestrator/DataKey.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <sodium.h>

namespace mr::orch {

namespace {
constexpr int kKeyBytes = 32;

QByteArray readKeyFile(const QString& path, QString* error) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read the data key file %1: %2").arg(path, f.errorString());
        return {};
    }
    const QByteArray key = QByteArray::fromBase64(f.read(1024).trimmed());
    if (key.size() != kKeyBytes) {
        *error = QStringLiteral("the data key file %1 does not hold a base64 key of 32 bytes").arg(path);
        return {};
    }
    return key;
}
} // namespace

QByteArray loadDataKey(const QString& keyFile, const QString& dataFolder, QString* error) {
    if (sodium_init() < 0) {
        *error = QStringLiteral("libsodium could not start");
        return {};
    }
    if (!keyFile.isEmpty())
        return readKeyFile(keyFile, error);
    const QByteArray fromEnv = qgetenv("MR_DATA_KEY");
    if (!fromEnv.isEmpty()) {
        const QByteArray key = QByteArray::fromBase64(fromEnv.trimmed());
        if (key.size() != kKeyBytes) {
            *error = QStringLiteral("MR_DATA_KEY is not a base64 key of 32 bytes");
            return {};
        }
        return key;
    }
    const QString path = dataFolder + QStringLiteral("/data.key");
    if (QFileInfo::exists(path))
        return readKeyFile(path, error);
    QDir().mkpath(dataFolder);
    QByteArray key(kKeyBytes, Qt::Uninitialized);
    randombytes_buf(key.data(), size_t(key.size()));
    QFile f(path);
    // NewOnly: two processes starting at once never overwrite each other's key.
    if (!f.open(QIODevice::WriteOnly | QIODevice::NewOnly, QFileDevice::ReadOwner | QFileDevice::WriteOwner)) {
        if (QFileInfo::exists(path))
            return readKeyFile(path, error);
        *error = QStringLiteral("cannot create the data key file %1: %2").arg(path, f.errorString());
        return {};
    }
    f.write(key.toBase64() + '\n');
    f.close();
    return key;
}

} // namespace mr::orch
