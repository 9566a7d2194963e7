#pragma once

#include <QtGlobal>

/// The bounds and timings the contract (API.md, ARCHITECTURE.md) fixes, in one place so the
/// orchestrator, the agent and the tests agree on them.
namespace mr::protocol {

/// Version of the agent protocol, sent in `hello.protocolVersion`.
inline constexpr int kProtocolVersion = 1;

/// Largest run inputs object (encoded JSON), answered with 413 `InputTooLarge` beyond it.
inline constexpr qsizetype kMaxInputBytes = 2 * 1024 * 1024;
/// Largest flow (script plus manifest), answered with 413 `FlowTooLarge` beyond it.
inline constexpr qsizetype kMaxFlowBytes = 16 * 1024 * 1024;
/// Largest HTTP request body by default (routes that take flows or inputs raise it).
inline constexpr qsizetype kMaxRequestBodyBytes = 1 * 1024 * 1024;
/// Largest agent protocol frame: a `runOffer` carries a whole flow (16 MiB) plus its inputs
/// (2 MiB) and some envelope; 24 MiB leaves room for JSON escaping overhead.
inline constexpr qsizetype kMaxAgentMessageBytes = 24 * 1024 * 1024;

/// Longest connection password, in UTF-16 code units (QString::size()); longer ones are refused
/// when the connection is created.
inline constexpr qsizetype kMaxConnectionPasswordChars = 1024;
/// The same password as UTF-8, the bytes a sealed box carries (at most 3 bytes per UTF-16 unit).
inline constexpr qsizetype kMaxConnectionPasswordBytes = 3 * kMaxConnectionPasswordChars;
/// What libsodium's crypto_box_seal adds to a message (crypto_box_SEALBYTES: an ephemeral public
/// key and a MAC); the code that seals checks it against the library's value.
inline constexpr qsizetype kSealedBoxOverheadBytes = 32 + 16;
/// Longest `sealedPassword` on the wire: standard base64 (with padding) of a sealed box of the
/// longest password.
inline constexpr qsizetype kMaxSealedPasswordBase64 =
    4 * ((kMaxConnectionPasswordBytes + kSealedBoxOverheadBytes + 2) / 3);

/// `hello.features`: at most this many names, each at most kMaxFeatureNameChars long.
inline constexpr qsizetype kMaxHelloFeatures = 32;
inline constexpr qsizetype kMaxFeatureNameChars = 64;

/// At most this many runs accepted per connection in any sliding window of kRateWindowSeconds.
inline constexpr int kMaxRunsPerMinutePerConnection = 70;
inline constexpr int kRateWindowSeconds = 60;

/// A group holds at most this many machines (409 `GroupFull` beyond).
inline constexpr int kMaxMachinesPerGroup = 50;

/// A run still queued after this long fails with `QueueTimeout`.
inline constexpr int kQueueTimeoutSeconds = 12 * 60 * 60;
/// The same for runs on sign-in connections.
inline constexpr int kSignInQueueTimeoutSeconds = 60 * 60;

/// Default agent heartbeat period.
inline constexpr int kHeartbeatSeconds = 10;
/// A machine is offline after this much silence.
inline constexpr int kOfflineAfterSeconds = 30;
/// A running run on an offline machine fails with `MachineLost` after this grace period.
inline constexpr int kLostGraceSeconds = 300;
/// An offered run that is not accepted within this time goes back to the queue.
inline constexpr int kOfferTimeoutSeconds = 10;
/// How long a session recommendation stays valid.
inline constexpr int kRecommendationWindowSeconds = 600;

/// A machine assertion (RFC 7523) may live at most this long (`exp - iat`).
inline constexpr int kMaxAssertionLifetimeSeconds = 300;
/// Lifetime of the access tokens the orchestrator issues.
inline constexpr int kAccessTokenLifetimeSeconds = 900;

} // namespace mr::protocol
