#include "orchestrator/auth/Jwt.h"

#include "orchestrator/auth/Crypto.h"

#include <QJsonDocument>

#include <sodium.h>

#include <stdexcept>

namespace mr::orch {

namespace {

std::optional<QJsonObject> decodeObject(const QByteArray& part) {
    const std::optional<QByteArray> json = crypto::fromBase64Url(part);
    if (!json)
        return std::nullopt;
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(*json, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    return doc.object();
}

} // namespace

QByteArray signJwt(const QJsonObject& header, const QJsonObject& claims, const QByteArray& secretKey64) {
    if (secretKey64.size() != crypto_sign_SECRETKEYBYTES)
        throw std::invalid_argument("signJwt needs a 64-byte Ed25519 secret key");
    crypto::ensureSodium();
    const QByteArray input = crypto::base64Url(QJsonDocument(header).toJson(QJsonDocument::Compact)) + '.' +
                             crypto::base64Url(QJsonDocument(claims).toJson(QJsonDocument::Compact));
    QByteArray signature(crypto_sign_BYTES, Qt::Uninitialized);
    crypto_sign_detached(reinterpret_cast<unsigned char*>(signature.data()), nullptr,
                         reinterpret_cast<const unsigned char*>(input.constData()), size_t(input.size()),
                         reinterpret_cast<const unsigned char*>(secretKey64.constData()));
    return input + '.' + crypto::base64Url(signature);
}

std::optional<JwtParts> parseJwt(const QByteArray& token) {
    if (token.isEmpty() || token.size() > kMaxJwtBytes)
        return std::nullopt;
    const QList<QByteArray> parts = token.split('.');
    if (parts.size() != 3 || parts.at(0).isEmpty() || parts.at(1).isEmpty() || parts.at(2).isEmpty())
        return std::nullopt;
    const std::optional<QJsonObject> header = decodeObject(parts.at(0));
    const std::optional<QJsonObject> claims = decodeObject(parts.at(1));
    const std::optional<QByteArray> signature = crypto::fromBase64Url(parts.at(2));
    if (!header || !claims || !signature)
        return std::nullopt;
    return JwtParts{*header, *claims, parts.at(0) + '.' + parts.at(1), *signature};
}

bool verifyEd25519(const QByteArray& publicKey32, const QByteArray& message, const QByteArray& signature) {
    if (publicKey32.size() != crypto_sign_PUBLICKEYBYTES || signature.size() != crypto_sign_BYTES)
        return false;
    crypto::ensureSodium();
    return crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(signature.constData()),
                                       reinterpret_cast<const unsigned char*>(message.constData()),
                                       size_t(message.size()),
                                       reinterpret_cast<const unsigned char*>(publicKey32.constData())) == 0;
}

} // namespace mr::orch
