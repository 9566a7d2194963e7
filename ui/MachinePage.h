#pragma once

#include <QJsonObject>
#include <QWidget>

class QCheckBox;
class QDateTime;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace mr::ui {

/// The machine's settings (UI.md "Machine", R3): editable where the user's access allows,
/// Save enabled only when something changed, a taken name reported next to the field, and a
/// red banner while the machine is in maintenance.
class MachinePage final : public QWidget {
    Q_OBJECT
public:
    explicit MachinePage(QWidget* parent = nullptr);

    /// The machine as GET /machines/{id} answers; fields being edited keep the user's text.
    void setMachine(const QJsonObject& machine, const QString& environmentName);
    void showSaveError(const QString& field, const QString& message);
    /// Only the fields that differ from the machine, as PATCH expects them.
    QJsonObject changes() const;
    /// The "Machine key" line (UI.md): its age, or that a rotation was requested.
    static QString keyText(const QJsonObject& machine, const QDateTime& now);

Q_SIGNALS:
    void saveRequested(const QJsonObject& changes);
    void changeEnvironmentRequested();

private:
    void updateState();
    void load();

    QJsonObject m_machine;
    bool m_saving = false;
    QLabel* m_banner = nullptr;
    QLabel* m_empty = nullptr;
    QWidget* m_form = nullptr;
    QLineEdit* m_name = nullptr;
    QLabel* m_nameError = nullptr;
    QLineEdit* m_description = nullptr;
    QLabel* m_environment = nullptr;
    QPushButton* m_changeEnvironment = nullptr;
    QLabel* m_group = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_version = nullptr;
    QSpinBox* m_bots = nullptr;
    QCheckBox* m_reuse = nullptr;
    QCheckBox* m_recommendations = nullptr;
    QLabel* m_key = nullptr;
    QLabel* m_error = nullptr;
    QPushButton* m_save = nullptr;
    QPushButton* m_revert = nullptr;
};

} // namespace mr::ui
