#include "ui/EnvironmentPage.h"

#include "ui/Models.h"

#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSysInfo>
#include <QTableView>
#include <QVBoxLayout>

namespace mr::ui {

EnvironmentPage::EnvironmentPage(QWidget* parent)
    : QWidget(parent) {
    auto* title = new QLabel(tr("Choose an environment"), this);
    QFont font = title->font();
    font.setPointSizeF(font.pointSizeF() * 1.3);
    font.setBold(true);
    title->setFont(font);

    m_message = new QLabel(this);
    m_message->setWordWrap(true);
    m_details = new QPushButton(tr("Details"), this);
    m_details->setFlat(true);
    m_details->hide();

    m_model = new EnvironmentModel(this);
    m_view = new QTableView(this);
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->horizontalHeader()->setMinimumSectionSize(180);
    m_view->setShowGrid(false);
    m_view->setAlternatingRowColors(true);

    m_empty = new QLabel(tr("You are not a member of any environment yet. Ask your administrator to add you, then "
                            "sign in again."),
                         this);
    m_empty->setWordWrap(true);

    m_name = new QLineEdit(QSysInfo::machineHostName(), this);
    auto* form = new QFormLayout;
    form->addRow(tr("Machine name"), m_name);

    m_register = new QPushButton(tr("Register this machine"), this);
    m_register->setDefault(true);
    m_anew = new QPushButton(tr("Register anew"), this);
    m_anew->hide();
    auto* signOut = new QPushButton(tr("Sign out"), this);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(signOut);
    buttons->addStretch();
    buttons->addWidget(m_anew);
    buttons->addWidget(m_register);

    auto* messageRow = new QHBoxLayout;
    messageRow->addWidget(m_message, 1);
    messageRow->addWidget(m_details, 0, Qt::AlignTop);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(32, 24, 32, 24);
    layout->setSpacing(12);
    layout->addWidget(title);
    layout->addLayout(messageRow);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_empty);
    layout->addLayout(form);
    layout->addLayout(buttons);

    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &EnvironmentPage::updateState);
    connect(m_name, &QLineEdit::textChanged, this, &EnvironmentPage::updateState);
    connect(m_register, &QPushButton::clicked, this, [this] {
        const QModelIndexList rows = m_view->selectionModel()->selectedRows();
        if (rows.isEmpty())
            return;
        Q_EMIT registerRequested(m_model->row(rows.first().row()).value(QStringLiteral("id")).toString(),
                                 m_name->text().trimmed());
    });
    connect(m_anew, &QPushButton::clicked, this, [this] {
        setBusy(true);
        Q_EMIT registerAnewRequested();
    });
    connect(signOut, &QPushButton::clicked, this, &EnvironmentPage::signOutRequested);
    connect(m_details, &QPushButton::clicked, this,
            [this] { showDetails(this, tr("Registration details"), m_detail); });
    updateState();
}

void EnvironmentPage::setEnvironments(const QJsonArray& environments) {
    m_model->setRows(environments);
    for (int row = 0; row < m_model->rowCount(); ++row) {
        if (EnvironmentModel::mayRegister(m_model->row(row))) {
            m_view->selectRow(row);
            break;
        }
    }
    updateState();
}

void EnvironmentPage::setMessage(const QString& message, const QString& detail, bool offerRegisterAnew) {
    m_message->setText(message);
    m_detail = detail;
    m_details->setVisible(!detail.isEmpty());
    m_anew->setVisible(offerRegisterAnew);
    setBusy(false);
}

void EnvironmentPage::setBusy(bool busy) {
    m_busy = busy;
    if (busy)
        m_message->setText(tr("Registering this machine…"));
    updateState();
}

void EnvironmentPage::updateState() {
    const bool any = m_model->rowCount() > 0;
    m_view->setVisible(any);
    m_empty->setVisible(!any);
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    const bool allowed = !rows.isEmpty() && EnvironmentModel::mayRegister(m_model->row(rows.first().row()));
    m_register->setEnabled(!m_busy && m_anew->isHidden() && allowed && !m_name->text().trimmed().isEmpty());
    m_anew->setEnabled(!m_busy);
}

} // namespace mr::ui
