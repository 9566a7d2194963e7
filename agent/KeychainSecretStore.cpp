#include "agent/KeychainSecretStore.h"

#include <QLoggingCategory>
#include <QPointer>
#include <QTimer>

#include <qt6keychain/keychain.h>

Q_DECLARE_LOGGING_CATEGORY(lcIdentity)

namespace mr::agent {

namespace {

const QString kService = QStringLiteral("machine-runtime");

} // namespace

KeychainSecretStore::KeychainSecretStore(const QString& server, const QString& account, QObject* parent)
    : SecretStore(parent)
    , m_server(server)
    , m_account(account) {}

QString KeychainSecretStore::entryName(const QString& key) const {
    return kService + QLatin1Char('/') + m_server + QLatin1Char('/') + m_account + QLatin1Char('/') + key;
}

void KeychainSecretStore::read(const QString& key, Callback done) {
    run(Op::Read, key, {}, std::move(done), false);
}

void KeychainSecretStore::write(const QString& key, const QByteArray& value, Callback done) {
    run(Op::Write, key, value, std::move(done), false);
}

void KeychainSecretStore::remove(const QString& key, Callback done) {
    run(Op::Remove, key, {}, std::move(done), false);
}

void KeychainSecretStore::run(Op op, const QString& key, const QByteArray& value, Callback done, bool retried) {
    QKeychain::Job* job = nullptr;
    switch (op) {
    case Op::Read:
        job = new QKeychain::ReadPasswordJob(kService, this);
        break;
    case Op::Write: {
        auto* write = new QKeychain::WritePasswordJob(kService, this);
        write->setBinaryData(value);
        job = write;
        break;
    }
    case Op::Remove:
        job = new QKeychain::DeletePasswordJob(kService, this);
        break;
    }
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(entryName(key));
    connect(job, &QKeychain::Job::finished, this,
            [this, op, key, value, done = std::move(done), retried](QKeychain::Job* finished) mutable {
                const QKeychain::Error error = finished->error();
                SecretResult result;
                if (error == QKeychain::NoError) {
                    result.ok = true;
                    if (op == Op::Read)
                        result.value = static_cast<QKeychain::ReadPasswordJob*>(finished)->binaryData();
                    done(result);
                    return;
                }
                if ((error == QKeychain::NoBackendAvailable || error == QKeychain::OtherError) && !retried) {
                    // The Secret Service may not be up yet right after log-in: one more try.
                    qCInfo(lcIdentity) << "keychain not ready, retrying once:" << finished->errorString();
                    QTimer::singleShot(kRetryDelayMs, this, [this, op, key, value, done = std::move(done)]() mutable {
                        run(op, key, value, std::move(done), true);
                    });
                    return;
                }
                if (error == QKeychain::EntryNotFound) {
                    result.notFound = true;
                    result.error = tr("No secret '%1' is stored in the keychain.").arg(key);
                } else if (error == QKeychain::NoBackendAvailable || error == QKeychain::OtherError) {
                    result.error = tr("No keychain is available (%1). Machine Runtime keeps its secrets only in "
                                      "the system keychain; start or unlock it and try again.")
                                       .arg(finished->errorString());
                } else if (error == QKeychain::AccessDenied || error == QKeychain::AccessDeniedByUser) {
                    result.error = tr("Access to the keychain was denied (%1).").arg(finished->errorString());
                } else {
                    result.error = tr("The keychain failed: %1").arg(finished->errorString());
                }
                done(result);
            });
    job->start();
}

} // namespace mr::agent
