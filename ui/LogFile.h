#pragma once

#include <QFile>
#include <QString>

#include <mutex>

namespace mr::ui {

/// The desktop app's log on disk, what Settings → "Open log folder" shows: every Qt message
/// (formatted by qFormatLogMessage, so never more than the code logs: no secret ever is) goes
/// to `<folder>/machine-runtime.log` as well as to stderr. Bounded: past kMaxBytes the file
/// becomes `machine-runtime.log.1` (the one before is dropped) and a new one starts. Thread-safe.
class LogFile final {
public:
    static constexpr qint64 kMaxBytes = 1024 * 1024;

    explicit LogFile(QString folder, qint64 maxBytes = kMaxBytes);
    ~LogFile();
    LogFile(const LogFile&) = delete;
    LogFile& operator=(const LogFile&) = delete;

    /// ~/.local/share/machine-runtime/logs (next to the agent's state).
    static QString defaultFolder();
    QString folder() const { return m_folder; }
    QString path() const;

    /// Appends one line (a line break is added).
    void write(const QString& line);
    /// Routes every Qt message through this file (and on to stderr) until uninstall() or the
    /// destructor; one LogFile at a time.
    void install();
    void uninstall();

private:
    void rotateLocked();

    QString m_folder;
    qint64 m_maxBytes;
    std::mutex m_mutex;
    QFile m_file;
    bool m_installed = false;
};

} // namespace mr::ui
