#pragma once

#include <QString>

namespace mr::agent {

/// Where the head-less agent keeps its identity, secrets and journal: `--state-dir`, or its
/// folder under the user's data directory. Created with mode 0700 so no other user reads it.
class StateDir final {
public:
    /// @p explicitPath may be empty for the default.
    explicit StateDir(const QString& explicitPath);

    QString path() const { return m_path; }
    /// Creates the folder (0700) when missing; false with @p error when it can't.
    bool ensure(QString* error) const;

    static QString defaultPath();

private:
    QString m_path;
};

} // namespace mr::agent
