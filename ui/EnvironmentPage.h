#pragma once

#include <QJsonArray>
#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;

namespace mr::ui {

class EnvironmentModel;

/// "Choose an environment" (UI.md): the user's environments with their roles; where they may
/// not register the row is greyed with the reason. Also says why registration failed, and
/// offers to register anew when this PC no longer matches its registration (R5).
class EnvironmentPage final : public QWidget {
    Q_OBJECT
public:
    explicit EnvironmentPage(QWidget* parent = nullptr);

    void setEnvironments(const QJsonArray& environments);
    void setMessage(const QString& message, const QString& detail, bool offerRegisterAnew);
    void setBusy(bool busy);
    EnvironmentModel* model() const { return m_model; }

Q_SIGNALS:
    void registerRequested(const QString& environmentId, const QString& machineName);
    void registerAnewRequested();
    void signOutRequested();

private:
    void updateState();

    EnvironmentModel* m_model = nullptr;
    QTableView* m_view = nullptr;
    QLabel* m_message = nullptr;
    QLabel* m_empty = nullptr;
    QLineEdit* m_name = nullptr;
    QPushButton* m_register = nullptr;
    QPushButton* m_anew = nullptr;
    QPushButton* m_details = nullptr;
    QString m_detail;
    bool m_busy = false;
};

} // namespace mr::ui
