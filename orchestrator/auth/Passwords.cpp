#include "orchestrator/auth/Passwords.h"

#include "orchestrator/auth/Crypto.h"

#include <sodium.h>

#include <stdexcept>

namespace mr::orch {

namespace {

bool fastHashing() {
    return qEnvironmentVariableIntValue("MR_FAST_PASSWORD_HASH") == 1;
}

} // namespace

QString hashPassword(const QString& password) {
    crypto::ensureSodium();
    const QByteArray utf8 = password.toUtf8();
    const unsigned long long ops = fastHashing() ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE;
    const size_t mem = fastHashing() ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE;
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(out, utf8.constData(), size_t(utf8.size()), ops, mem, crypto_pwhash_ALG_ARGON2ID13) != 0)
        throw std::runtime_error("password hashing ran out of memory");
    return QString::fromLatin1(out);
}

bool verifyPassword(const QString& storedHash, const QString& password) {
    crypto::ensureSodium();
    const QByteArray hash = storedHash.toLatin1();
    if (hash.isEmpty() || hash.size() >= crypto_pwhash_STRBYTES)
        return false;
    const QByteArray utf8 = password.toUtf8();
    return crypto_pwhash_str_verify(hash.constData(), utf8.constData(), size_t(utf8.size())) == 0;
}

void verifyDummyPassword(const QString& password) {
    // Made once with the current cost settings from a random password nobody knows.
    static const QString dummy = hashPassword(crypto::randomBase64Url(24));
    (void)verifyPassword(dummy, password);
}

} // namespace mr::orch
