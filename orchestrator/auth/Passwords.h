#pragma once

#include <QString>

namespace mr::orch {

/// Argon2id password hashes (libsodium's encoded string form, which carries its own parameters).
/// MR_FAST_PASSWORD_HASH=1 picks the minimum cost, for tests and benchmarks only.
QString hashPassword(const QString& password);
/// True when @p password matches @p storedHash. An empty or malformed hash never matches.
bool verifyPassword(const QString& storedHash, const QString& password);
/// Spends the time of one verification against a hash no password matches, so that an unknown
/// username answers as slowly as a wrong password for a known one.
void verifyDummyPassword(const QString& password);

} // namespace mr::orch
