#pragma once

#include "protocol/Limits.h"

#include <QString>

namespace mr::protocol {

/// The product version every program reports with --version (the MR_VERSION definition that
/// mr_common sets from the CMake project version).
inline QString productVersion() {
    return QStringLiteral(MR_VERSION);
}

} // namespace mr::protocol
