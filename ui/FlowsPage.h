#pragma once

#include <QDialog>
#include <QJsonArray>
#include <QJsonObject>
#include <QWidget>

class QDialogButtonBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace mr::ui {

class FlowsModel;

/// The form of a flow's declared inputs (UI.md "Flows" → Run…): text fields, number spin
/// boxes, check boxes, JSON for lists and objects, password fields for sensitive inputs,
/// optional ones marked, defaults filled. Start is enabled only when the form is valid.
class RunFlowDialog final : public QDialog {
    Q_OBJECT
public:
    explicit RunFlowDialog(const QJsonObject& flow, QWidget* parent = nullptr);
    /// The inputs as the run request expects them; valid only when isValid().
    QJsonObject inputs() const;
    bool isValid() const;

private:
    struct Field {
        QJsonObject declaration;
        QWidget* editor = nullptr;
    };
    void updateState();
    std::optional<QJsonValue> value(const Field& field) const;

    QList<Field> m_fields;
    QDialogButtonBox* m_buttons = nullptr;
    QLabel* m_problem = nullptr;
};

/// A searchable list of the environment's flows with Run… (an attended run on this machine).
class FlowsPage final : public QWidget {
    Q_OBJECT
public:
    explicit FlowsPage(QWidget* parent = nullptr);

    void setFlows(const QJsonArray& flows);
    void setRuns(const QJsonArray& runs);
    void showRunResult(bool ok, const QString& message);
    /// Selects the flow @p flowId (clearing the search); false when the list does not have it.
    bool selectFlow(const QString& flowId);
    FlowsModel* model() const { return m_model; }

Q_SIGNALS:
    void runRequested(const QString& flowId, const QJsonObject& inputs);

private:
    void runSelected();

    FlowsModel* m_model = nullptr;
    QSortFilterProxyModel* m_proxy = nullptr;
    QTableView* m_view = nullptr;
    QLineEdit* m_search = nullptr;
    QLabel* m_empty = nullptr;
    QLabel* m_result = nullptr;
    QPushButton* m_run = nullptr;
};

} // namespace mr::ui
