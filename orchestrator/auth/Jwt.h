#pragma once

#include <QByteArray>
#include <QJsonObject>

#include <optional>

namespace mr::orch {

/// The parts of a compact JWS (`header.claims.signature`), decoded but not verified.
struct JwtParts {
    QJsonObject header;
    QJsonObject claims;
    QByteArray signingInput; ///< `base64url(header).base64url(claims)`, what the signature covers
    QByteArray signature;    ///< raw bytes
};

/// Tokens longer than this are refused before any decoding.
inline constexpr qsizetype kMaxJwtBytes = 8 * 1024;

/// Signs a JWT with an Ed25519 secret key (libsodium's 64-byte form). The header is written as
/// given; callers put `alg: EdDSA` in it.
QByteArray signJwt(const QJsonObject& header, const QJsonObject& claims, const QByteArray& secretKey64);
/// Splits and decodes a compact JWT; std::nullopt when it is too long, malformed, or its header or
/// claims are not JSON objects.
std::optional<JwtParts> parseJwt(const QByteArray& token);
/// Ed25519 signature check; false for keys or signatures of the wrong size.
bool verifyEd25519(const QByteArray& publicKey32, const QByteArray& message, const QByteArray& signature);

} // namespace mr::orch
