#pragma once

#include "orchestrator/store/Database.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>

namespace mr::orch {

/// Checks a machine's client assertion (RFC 7523: a JWT signed by the machine's Ed25519 key) for
/// `client_credentials` at the token endpoint, and remembers its `jti` so it works once.
class MachineAssertion final {
public:
    static constexpr int kMaxLifetimeSeconds = 300;
    static constexpr int kClockLeewaySeconds = 60;

    /// Returns the machine id, or throws ApiError: Unauthenticated (unknown machine, bad
    /// signature, wrong claims, a repeated `jti`), ClockSkew (issued in the future or expired by
    /// the server's clock) or MachineIdentityMismatch (the `fingerprint` claim differs from the
    /// registration).
    static QString verify(Db& db, const QString& clientId, const QByteArray& assertion, const QString& audience,
                          const QDateTime& now);
};

} // namespace mr::orch
