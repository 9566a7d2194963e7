#include "agent/Identity.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QSaveFile>
#include <QUuid>

#include <sodium.h>

Q_LOGGING_CATEGORY(lcIdentity, "mr.agent.identity")

namespace mr::agent {

namespace {

void ensureSodium() {
    static const int initialised = sodium_init();
    Q_UNUSED(initialised);
}

QByteArray base64Url(const QByteArray& bytes) {
    return bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

const unsigned char* bytes(const QByteArray& a) {
    return reinterpret_cast<const unsigned char*>(a.constData());
}

} // namespace

QJsonObject IdentityRecord::toJson() const {
    return {{QStringLiteral("serverUrl"), serverUrl},
            {QStringLiteral("machineId"), machineId},
            {QStringLiteral("environmentId"), environmentId},
            {QStringLiteral("environmentName"), environmentName},
            {QStringLiteral("name"), name},
            {QStringLiteral("installId"), installId}};
}

std::optional<IdentityRecord> IdentityRecord::fromJson(const QJsonObject& json) {
    IdentityRecord r;
    r.serverUrl = json.value(QStringLiteral("serverUrl")).toString();
    r.machineId = json.value(QStringLiteral("machineId")).toString();
    r.environmentId = json.value(QStringLiteral("environmentId")).toString();
    r.environmentName = json.value(QStringLiteral("environmentName")).toString();
    r.name = json.value(QStringLiteral("name")).toString();
    r.installId = json.value(QStringLiteral("installId")).toString();
    if (r.serverUrl.isEmpty() || r.machineId.isEmpty() || r.installId.isEmpty())
        return std::nullopt;
    return r;
}

QString IdentityRecord::filePath(const QString& stateDir) {
    return stateDir + QStringLiteral("/identity.json");
}

std::optional<IdentityRecord> IdentityRecord::load(const QString& stateDir, QString* error) {
    QFile file(filePath(stateDir));
    if (!file.exists())
        return std::nullopt;
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(file.fileName(), file.errorString());
        return std::nullopt;
    }
    const auto record = fromJson(QJsonDocument::fromJson(file.read(64 * 1024)).object());
    if (!record)
        *error = QStringLiteral("%1 is damaged; unregister and register again").arg(file.fileName());
    return record;
}

bool IdentityRecord::save(const QString& stateDir, QString* error) const {
    QSaveFile file(filePath(stateDir));
    if (!file.open(QIODevice::WriteOnly) || !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner) ||
        file.write(QJsonDocument(toJson()).toJson()) < 0 || !file.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(file.fileName(), file.errorString());
        return false;
    }
    return true;
}

bool IdentityRecord::remove(const QString& stateDir) {
    QFile file(filePath(stateDir));
    return !file.exists() || file.remove();
}

Identity Identity::generate(const QString& fingerprint) {
    ensureSodium();
    Identity id;
    id.m_publicKey.resize(crypto_sign_PUBLICKEYBYTES);
    id.m_secretKey.resize(crypto_sign_SECRETKEYBYTES);
    crypto_sign_keypair(reinterpret_cast<unsigned char*>(id.m_publicKey.data()),
                        reinterpret_cast<unsigned char*>(id.m_secretKey.data()));
    id.m_fingerprint = fingerprint;
    return id;
}

std::optional<Identity> Identity::fromSecretKey(const QByteArray& secretKey, const QString& fingerprint) {
    ensureSodium();
    if (secretKey.size() != crypto_sign_SECRETKEYBYTES)
        return std::nullopt;
    Identity id;
    id.m_secretKey = secretKey;
    id.m_publicKey.resize(crypto_sign_PUBLICKEYBYTES);
    crypto_sign_ed25519_sk_to_pk(reinterpret_cast<unsigned char*>(id.m_publicKey.data()), bytes(secretKey));
    id.m_fingerprint = fingerprint;
    return id;
}

QString Identity::fingerprint(const QString& installId, const QString& machineIdPath) {
    QFile file(machineIdPath);
    QByteArray osId;
    if (file.open(QIODevice::ReadOnly))
        osId = file.read(4096).trimmed();
    else
        qCWarning(lcIdentity) << "cannot read" << machineIdPath << "- the fingerprint rests on the install id alone";
    return QString::fromLatin1(
        QCryptographicHash::hash(QByteArray(osId + ':' + installId.toUtf8()), QCryptographicHash::Sha256).toHex());
}

QString Identity::newInstallId() {
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

QByteArray Identity::sign(const QByteArray& message) const {
    QByteArray signature(crypto_sign_BYTES, '\0');
    crypto_sign_detached(reinterpret_cast<unsigned char*>(signature.data()), nullptr, bytes(message),
                         static_cast<unsigned long long>(message.size()), bytes(m_secretKey));
    return signature;
}

bool Identity::verify(const QByteArray& publicKey, const QByteArray& message, const QByteArray& signature) {
    ensureSodium();
    if (publicKey.size() != crypto_sign_PUBLICKEYBYTES || signature.size() != crypto_sign_BYTES)
        return false;
    return crypto_sign_verify_detached(bytes(signature), bytes(message),
                                       static_cast<unsigned long long>(message.size()), bytes(publicKey)) == 0;
}

std::optional<QByteArray> Identity::openSealed(const QByteArray& sealed) const {
    ensureSodium();
    if (sealed.size() < qsizetype(crypto_box_SEALBYTES) || m_secretKey.size() != crypto_sign_SECRETKEYBYTES)
        return std::nullopt;
    unsigned char curvePublicKey[crypto_box_PUBLICKEYBYTES];
    unsigned char curveSecretKey[crypto_box_SECRETKEYBYTES];
    if (crypto_sign_ed25519_pk_to_curve25519(curvePublicKey, bytes(m_publicKey)) != 0)
        return std::nullopt;
    crypto_sign_ed25519_sk_to_curve25519(curveSecretKey, bytes(m_secretKey));
    QByteArray opened(sealed.size() - qsizetype(crypto_box_SEALBYTES), Qt::Uninitialized);
    const bool ok =
        crypto_box_seal_open(reinterpret_cast<unsigned char*>(opened.data()), bytes(sealed),
                             static_cast<unsigned long long>(sealed.size()), curvePublicKey, curveSecretKey) == 0;
    sodium_memzero(curveSecretKey, sizeof curveSecretKey);
    if (!ok)
        return std::nullopt;
    return opened;
}

QByteArray Identity::signAssertion(const QString& machineId, const QString& tokenEndpointUrl,
                                   const QDateTime& now) const {
    const qint64 iat = now.toSecsSinceEpoch();
    const QJsonObject header{{QStringLiteral("alg"), QStringLiteral("EdDSA")},
                             {QStringLiteral("typ"), QStringLiteral("JWT")}};
    const QJsonObject claims{{QStringLiteral("iss"), machineId},
                             {QStringLiteral("sub"), machineId},
                             {QStringLiteral("aud"), tokenEndpointUrl},
                             {QStringLiteral("iat"), double(iat)},
                             {QStringLiteral("exp"), double(iat + kAssertionLifetimeSeconds)},
                             {QStringLiteral("jti"), QUuid::createUuid().toString(QUuid::WithoutBraces)},
                             {QStringLiteral("fingerprint"), m_fingerprint}};
    const QByteArray signingInput = base64Url(QJsonDocument(header).toJson(QJsonDocument::Compact)) + '.' +
                                    base64Url(QJsonDocument(claims).toJson(QJsonDocument::Compact));
    return signingInput + '.' + base64Url(sign(signingInput));
}

Identity::Rotation Identity::rotate() const {
    Identity next = generate(m_fingerprint);
    const QByteArray signature = sign(next.publicKey());
    return Rotation{std::move(next), signature};
}

} // namespace mr::agent
