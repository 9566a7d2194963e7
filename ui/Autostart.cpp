#include "ui/Autostart.h"

#include <QDir>
#include <QFile>
#include <QSaveFile>
#include <QStandardPaths>

namespace mr::ui {

Autostart::Autostart(QString configDir)
    : m_configDir(configDir.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation)
                                      : std::move(configDir)) {}

QString Autostart::filePath() const {
    return m_configDir + QStringLiteral("/autostart/machine-runtime.desktop");
}

bool Autostart::isEnabled() const {
    return QFile::exists(filePath());
}

bool Autostart::setEnabled(bool enabled, const QString& program, QString* error) const {
    if (!enabled) {
        if (!QFile::exists(filePath()) || QFile::remove(filePath()))
            return true;
        *error = QObject::tr("Cannot remove %1.").arg(filePath());
        return false;
    }
    QDir().mkpath(m_configDir + QStringLiteral("/autostart"));
    QSaveFile file(filePath());
    if (!file.open(QIODevice::WriteOnly)) {
        *error = file.errorString();
        return false;
    }
    QString quoted = program;
    quoted.replace(QLatin1Char('"'), QLatin1String("\\\""));
    const QString entry = QStringLiteral("[Desktop Entry]\nType=Application\nName=Machine Runtime\n"
                                         "Comment=Runs your organisation's desktop flows on this PC\n"
                                         "Exec=\"%1\"\nIcon=machine-runtime\nX-GNOME-Autostart-enabled=true\n")
                              .arg(quoted);
    file.write(entry.toUtf8());
    if (!file.commit()) {
        *error = file.errorString();
        return false;
    }
    return true;
}

} // namespace mr::ui
