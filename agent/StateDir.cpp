#include "agent/StateDir.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

namespace mr::agent {

StateDir::StateDir(const QString& explicitPath)
    : m_path(explicitPath.isEmpty() ? defaultPath() : QFileInfo(explicitPath).absoluteFilePath()) {}

QString StateDir::defaultPath() {
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
           QStringLiteral("/machine-runtime/agent");
}

bool StateDir::ensure(QString* error) const {
    if (!QDir().mkpath(m_path)) {
        *error = QStringLiteral("cannot create the state folder %1").arg(m_path);
        return false;
    }
    if (!QFile::setPermissions(m_path, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner)) {
        *error = QStringLiteral("cannot restrict the state folder %1 to its owner").arg(m_path);
        return false;
    }
    return true;
}

} // namespace mr::agent
