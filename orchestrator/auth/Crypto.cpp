#include "orchestrator/auth/Crypto.h"

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

} // namespace mr::orch::crypto
