#pragma once

#include <QDialog>
#include <QJsonArray>
#include <QJsonObject>

class QLineEdit;
class QPlainTextEdit;
class QTabWidget;

namespace mr::ui {

/// One run (UI.md "Run details"): flow, status, machine, trigger and times; tabs for inputs,
/// outputs (sensitive values arrive as ***), the log (monospace, filter, copy) and, for a
/// failed run, the error with the script line. The log comes from the controller later.
class RunDetailsDialog final : public QDialog {
    Q_OBJECT
public:
    RunDetailsDialog(const QJsonObject& run, const QString& flowName, const QString& machineName,
                     QWidget* parent = nullptr);

    QString runId() const { return m_runId; }
    /// Lines of GET /runs/{id}/log: [{seq, at, level, text}].
    void setLog(const QJsonArray& lines);

private:
    void applyFilter();

    QString m_runId;
    QStringList m_lines;
    QTabWidget* m_tabs = nullptr;
    QLineEdit* m_filter = nullptr;
    QPlainTextEdit* m_log = nullptr;
};

} // namespace mr::ui
