#pragma once

#include <QByteArray>
#include <QString>

namespace mr::orch {

/// The orchestrator's data key (32 bytes) that encrypts secrets at rest: from @p keyFile when
/// given, else the environment variable MR_DATA_KEY (base64), else a 0600 file `data.key` in
/// @p dataFolder, made on first use. Returns an empty array and sets @p error on failure.
QByteArray loadDataKey(const QString& keyFile, const QString& dataFolder, QString* error);

} // namespace mr::orch
