#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

namespace mr::orch {

/// Small cryptographic helpers of the sign-in code: libsodium set-up, random tokens, hashes and
/// base64url (RFC 4648 §5, without padding) as JWT and PKCE use it.
namespace crypto {

/// Initialises libsodium once; safe from any thread.
void ensureSodium();
QByteArray randomBytes(int count);
/// @p count random bytes as base64url without padding.
QString randomBase64Url(int count);
QByteArray base64Url(const QByteArray& data);
/// Strict decoding: any character outside the base64url alphabet, or padding, fails.
std::optional<QByteArray> fromBase64Url(const QByteArray& text);
QByteArray sha256(const QByteArray& data);
/// How tokens, codes and refresh tokens are stored: SHA-256 of the UTF-8 text, lower-case hex.
QString tokenHash(const QString& token);
/// Comparison that takes the same time whatever the contents (for equal sizes).
bool constantTimeEquals(const QByteArray& a, const QByteArray& b);

/// A libsodium sealed box (crypto_box_seal) of @p message for the holder of the Ed25519 key
/// @p ed25519PublicKey (raw 32 bytes), whose X25519 form (crypto_sign_ed25519_pk_to_curve25519)
/// it is sealed to: only that key's secret half opens it. std::nullopt when the key is not a
/// usable Ed25519 public key.
std::optional<QByteArray> sealToEd25519(const QByteArray& ed25519PublicKey, const QByteArray& message);

} // namespace crypto
} // namespace mr::orch
