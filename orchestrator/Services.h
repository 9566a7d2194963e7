#pragma once

#include "orchestrator/Clock.h"
#include "orchestrator/auth/Principal.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>

#include <functional>
#include <memory>

namespace mr::orch {

class KeyRing;
class TokenService;
class RunEngine;
class Metrics;

/// Settings of a running server (`orchestrator serve` options).
struct ServerConfig {
    QString publicUrl; ///< e.g. http://127.0.0.1:8680 — the issuer and the base of every link
    int heartbeatSeconds = 10;
    int offlineAfterSeconds = 30;
    int lostGraceSeconds = 300;
    /// When this server started. Silence is counted from here at the earliest: while the
    /// orchestrator itself was down, no machine could reach it, and that must not count against
    /// them (a restart loses nothing).
    QDateTime startedAt;
};

/// What every handler may use besides its database connection. Read-only after start-up, or
/// thread-safe where noted.
struct Services {
    Clock* clock = nullptr;
    Authenticator* authenticator = nullptr;
    KeyRing* keys = nullptr; ///< the server's signing keys (thread-safe)
    TokenService* tokens = nullptr;
    QByteArray dataKey; ///< 32 bytes; encrypts secrets at rest
    ServerConfig config;
    /// Called on a database worker thread after a change to a machine's settings (its own, its
    /// group's, its group membership or its environment) is committed, so the agent hub can send
    /// `settingsChanged`. Set once at start-up; may be empty.
    std::function<void(const QString& machineId)> onMachineSettingsChanged;
    /// The agent hub and run timers (thread-safe); null in tools that run no server.
    RunEngine* engine = nullptr;
    /// Counters and histograms for GET /metrics (thread-safe).
    Metrics* metrics = nullptr;
};

} // namespace mr::orch
