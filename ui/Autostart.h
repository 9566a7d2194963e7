#pragma once

#include <QString>

namespace mr::ui {

/// "Start at login": the XDG autostart entry ~/.config/autostart/machine-runtime.desktop.
class Autostart final {
public:
    /// @p configDir: the XDG config folder; empty for the user's (QStandardPaths).
    explicit Autostart(QString configDir = {});

    QString filePath() const;
    bool isEnabled() const;
    /// Writes or removes the entry; false with @p error when it can't.
    bool setEnabled(bool enabled, const QString& program, QString* error) const;

private:
    QString m_configDir;
};

} // namespace mr::ui
