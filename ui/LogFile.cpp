#include "ui/LogFile.h"

#include <QDir>
#include <QStandardPaths>

#include <atomic>
#include <cstdio>

namespace mr::ui {

namespace {

std::atomic<LogFile*> g_installed{nullptr};
QtMessageHandler g_previous = nullptr;

void handler(QtMsgType type, const QMessageLogContext& context, const QString& message) {
    const QString line = qFormatLogMessage(type, context, message);
    if (LogFile* log = g_installed.load())
        log->write(line);
    std::fprintf(stderr, "%s\n", line.toLocal8Bit().constData());
    std::fflush(stderr);
}

} // namespace

LogFile::LogFile(QString folder, qint64 maxBytes)
    : m_folder(std::move(folder))
    , m_maxBytes(maxBytes) {
    QDir().mkpath(m_folder);
    QFile::setPermissions(m_folder, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    m_file.setFileName(path());
    if (m_file.open(QIODevice::Append | QIODevice::Text))
        m_file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
}

LogFile::~LogFile() {
    uninstall();
}

QString LogFile::defaultFolder() {
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
           QStringLiteral("/machine-runtime/logs");
}

QString LogFile::path() const {
    return m_folder + QStringLiteral("/machine-runtime.log");
}

void LogFile::write(const QString& line) {
    const std::lock_guard lock(m_mutex);
    if (!m_file.isOpen())
        return;
    const QByteArray bytes = line.toUtf8() + '\n';
    if (m_file.size() + bytes.size() > m_maxBytes)
        rotateLocked();
    m_file.write(bytes);
    m_file.flush();
}

void LogFile::rotateLocked() {
    m_file.close();
    const QString previous = path() + QStringLiteral(".1");
    QFile::remove(previous);
    QFile::rename(path(), previous);
    m_file.setFileName(path());
    if (m_file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text))
        m_file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
}

void LogFile::install() {
    LogFile* expected = nullptr;
    if (g_installed.compare_exchange_strong(expected, this)) {
        g_previous = qInstallMessageHandler(handler);
        m_installed = true;
    }
}

void LogFile::uninstall() {
    if (!m_installed)
        return;
    qInstallMessageHandler(g_previous);
    LogFile* self = this;
    g_installed.compare_exchange_strong(self, nullptr);
    m_installed = false;
}

} // namespace mr::ui
