#include "orchestrator/auth/Crypto.h"

#include "protocol/Limits.h"

#include <QCryptographicHash>

#include <sodium.h>

#include <stdexcept>

namespace mr::orch::crypto {

void ensureSodium() {
    // sodium_init() is thread-safe and returns 1 once initialised.
    if (sodium_init() < 0)
        throw std::runtime_error("libsodium could not be initialised");
}

QByteArray randomBytes(int count) {
    ensureSodium();
    QByteArray bytes(count, Qt::Uninitialized);
    randombytes_buf(bytes.data(), size_t(bytes.size()));
    return bytes;
}

QString randomBase64Url(int count) {
    return QString::fromLatin1(base64Url(randomBytes(count)));
}

QByteArray base64Url(const QByteArray& data) {
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

std::optional<QByteArray> fromBase64Url(const QByteArray& text) {
    if (text.contains('='))
        return std::nullopt;
    auto result = QByteArray::fromBase64Encoding(text, QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals |
                                                           QByteArray::AbortOnBase64DecodingErrors);
    if (!result)
        return std::nullopt;
    return result.decoded;
}

QByteArray sha256(const QByteArray& data) {
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256);
}

QString tokenHash(const QString& token) {
    return QString::fromLatin1(sha256(token.toUtf8()).toHex());
}

bool constantTimeEquals(const QByteArray& a, const QByteArray& b) {
    if (a.size() != b.size())
        return false;
    if (a.isEmpty())
        return true;
    return sodium_memcmp(a.constData(), b.constData(), size_t(a.size())) == 0;
}

std::optional<QByteArray> sealToEd25519(const QByteArray& ed25519PublicKey, const QByteArray& message) {
    static_assert(protocol::kSealedBoxOverheadBytes == crypto_box_SEALBYTES);
    ensureSodium();
    if (ed25519PublicKey.size() != crypto_sign_PUBLICKEYBYTES)
        return std::nullopt;
    unsigned char curvePublicKey[crypto_box_PUBLICKEYBYTES];
    if (crypto_sign_ed25519_pk_to_curve25519(curvePublicKey,
                                             reinterpret_cast<const unsigned char*>(ed25519PublicKey.constData())) != 0)
        return std::nullopt;
    QByteArray sealed(message.size() + qsizetype(crypto_box_SEALBYTES), Qt::Uninitialized);
    if (crypto_box_seal(reinterpret_cast<unsigned char*>(sealed.data()),
                        reinterpret_cast<const unsigned char*>(message.constData()),
                        static_cast<unsigned long long>(message.size()), curvePublicKey) != 0)
        return std::nullopt;
    return sealed;
}

} // namespace mr::orch::crypto
