#include "ui/MachinePage.h"

#include <QCheckBox>
#include <QDateTime>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace mr::ui {

namespace {

QString text(const QJsonObject& o, const char* field) {
    return o.value(QLatin1String(field)).toString();
}

} // namespace

MachinePage::MachinePage(QWidget* parent)
    : QWidget(parent) {
    m_banner =
        new QLabel(tr("Maintenance mode — no new runs are assigned to this machine; runs in progress continue."), this);
    m_banner->setWordWrap(true);
    m_banner->setStyleSheet(QStringLiteral("background: #c62828; color: white; padding: 8px; border-radius: 4px;"));
    m_banner->hide();

    m_empty = new QLabel(tr("Loading this machine's settings…"), this);
    m_empty->setAlignment(Qt::AlignCenter);

    m_form = new QWidget(this);
    m_name = new QLineEdit(m_form);
    m_name->setMaxLength(64);
    m_nameError = new QLabel(m_form);
    m_nameError->setStyleSheet(QStringLiteral("color: #b3261e;"));
    m_nameError->setWordWrap(true);
    m_nameError->hide();
    m_description = new QLineEdit(m_form);
    m_description->setPlaceholderText(tr("Optional"));
    m_environment = new QLabel(m_form);
    m_changeEnvironment = new QPushButton(tr("Change…"), m_form);
    m_group = new QLabel(m_form);
    m_status = new QLabel(m_form);
    m_version = new QLabel(m_form);
    m_bots = new QSpinBox(m_form);
    m_bots->setRange(1, 10);
    m_bots->setMaximumWidth(120);
    m_reuse = new QCheckBox(tr("Reuse the signed-in session for unattended runs"), m_form);
    m_recommendations = new QCheckBox(tr("Show recommendations when sessions block runs"), m_form);
    m_key = new QLabel(tr("Kept in this PC's keychain; the private key never leaves it."), m_form);
    m_key->setWordWrap(true);

    auto* nameBox = new QVBoxLayout;
    nameBox->setSpacing(2);
    nameBox->addWidget(m_name);
    nameBox->addWidget(m_nameError);
    auto* environmentRow = new QHBoxLayout;
    environmentRow->addWidget(m_environment, 1);
    environmentRow->addWidget(m_changeEnvironment);

    auto* form = new QFormLayout(m_form);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->addRow(tr("Name"), nameBox);
    form->addRow(tr("Description"), m_description);
    form->addRow(tr("Environment"), environmentRow);
    form->addRow(tr("Group"), m_group);
    form->addRow(tr("Status"), m_status);
    form->addRow(tr("Version"), m_version);
    form->addRow(tr("Unattended bots"), m_bots);
    form->addRow(tr("Reuse sessions"), m_reuse);
    form->addRow(tr("Session recommendations"), m_recommendations);
    form->addRow(tr("Machine key"), m_key);

    m_error = new QLabel(this);
    m_error->setStyleSheet(QStringLiteral("color: #b3261e;"));
    m_error->setWordWrap(true);
    m_error->hide();
    m_save = new QPushButton(tr("Save"), this);
    m_save->setDefault(true);
    m_revert = new QPushButton(tr("Revert"), this);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_error, 1);
    buttons->addStretch();
    buttons->addWidget(m_revert);
    buttons->addWidget(m_save);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(24, 16, 24, 16);
    layout->addWidget(m_banner);
    layout->addWidget(m_empty, 1);
    layout->addWidget(m_form);
    layout->addStretch();
    layout->addLayout(buttons);
    m_form->hide();

    for (auto* edit : {m_name, m_description})
        connect(edit, &QLineEdit::textChanged, this, &MachinePage::updateState);
    connect(m_bots, &QSpinBox::valueChanged, this, &MachinePage::updateState);
    for (auto* box : {m_reuse, m_recommendations})
        connect(box, &QCheckBox::toggled, this, &MachinePage::updateState);
    connect(m_save, &QPushButton::clicked, this, [this] {
        m_error->hide();
        m_nameError->hide();
        m_saving = true;
        Q_EMIT saveRequested(changes());
    });
    connect(m_revert, &QPushButton::clicked, this, &MachinePage::load);
    connect(m_changeEnvironment, &QPushButton::clicked, this, &MachinePage::changeEnvironmentRequested);
    updateState();
}

void MachinePage::setMachine(const QJsonObject& machine, const QString& environmentName) {
    const bool edited = !changes().isEmpty();
    const bool first = m_machine.isEmpty();
    m_machine = machine;
    m_empty->hide();
    m_form->show();
    m_environment->setText(environmentName);
    const bool inGroup = !machine.value(QStringLiteral("groupId")).isNull();
    const QString group = text(machine, "groupName");
    m_group->setText(!inGroup ? tr("Not in a group") : group.isEmpty() ? text(machine, "groupId") : group);
    m_key->setText(keyText(machine, QDateTime::currentDateTimeUtc()));
    const QString status = text(machine, "status");
    m_status->setText(status == QLatin1String("online")        ? tr("Online")
                      : status == QLatin1String("maintenance") ? tr("Maintenance")
                                                               : tr("Offline"));
    m_version->setText(text(machine, "version"));
    m_banner->setVisible(machine.value(QStringLiteral("maintenanceMode")).toBool());

    const QString access = text(machine, "access");
    const bool canEdit = access == QLatin1String("owner") || access == QLatin1String("coOwner");
    const QString who =
        canEdit ? QString()
                : tr("Only the machine's owner (%1) or its co-owners can change this.").arg(text(machine, "owner"));
    for (QWidget* w : std::initializer_list<QWidget*>{m_name, m_description, m_changeEnvironment}) {
        w->setEnabled(canEdit);
        w->setToolTip(who);
    }
    // In a group, the group decides these settings (R7, R14); they are changed there.
    const QString byGroup =
        inGroup ? tr("Set by the group %1; its co-owners change it there.").arg(m_group->text()) : QString();
    for (QWidget* w : std::initializer_list<QWidget*>{m_bots, m_reuse, m_recommendations}) {
        w->setEnabled(canEdit && !inGroup);
        w->setToolTip(!canEdit ? who : byGroup);
    }
    // A poll must not overwrite what the user is typing.
    if (first || !edited || m_saving) {
        m_saving = false;
        load();
    }
    updateState();
}

QString MachinePage::keyText(const QJsonObject& machine, const QDateTime& now) {
    if (machine.value(QStringLiteral("keyRotationRequested")).toBool())
        return tr("Rotation requested — this PC makes a new key the next time it connects.");
    const QDateTime created = QDateTime::fromString(text(machine, "keyCreatedAt"), Qt::ISODateWithMs);
    const QString kept = tr("Kept in this PC's keychain; the private key never leaves it.");
    if (!created.isValid())
        return kept;
    const qint64 days = created.toLocalTime().date().daysTo(now.toLocalTime().date());
    const QString age = days <= 0 ? tr("Created today.") : tr("Created %n day(s) ago.", nullptr, int(days));
    return age + QLatin1Char(' ') + kept;
}

void MachinePage::load() {
    m_name->setText(text(m_machine, "name"));
    m_description->setText(text(m_machine, "description"));
    m_bots->setValue(m_machine.value(QStringLiteral("unattendedBots")).toInt(1));
    m_reuse->setChecked(m_machine.value(QStringLiteral("reuseSessions")).toBool());
    m_recommendations->setChecked(m_machine.value(QStringLiteral("sessionRecommendations")).toBool(true));
    m_nameError->hide();
    m_error->hide();
    updateState();
}

QJsonObject MachinePage::changes() const {
    QJsonObject patch;
    if (m_machine.isEmpty())
        return patch;
    if (m_name->text().trimmed() != text(m_machine, "name"))
        patch.insert(QStringLiteral("name"), m_name->text().trimmed());
    if (m_description->text() != text(m_machine, "description"))
        patch.insert(QStringLiteral("description"), m_description->text());
    if (m_bots->value() != m_machine.value(QStringLiteral("unattendedBots")).toInt(1))
        patch.insert(QStringLiteral("unattendedBots"), m_bots->value());
    if (m_reuse->isChecked() != m_machine.value(QStringLiteral("reuseSessions")).toBool())
        patch.insert(QStringLiteral("reuseSessions"), m_reuse->isChecked());
    if (m_recommendations->isChecked() != m_machine.value(QStringLiteral("sessionRecommendations")).toBool(true))
        patch.insert(QStringLiteral("sessionRecommendations"), m_recommendations->isChecked());
    return patch;
}

void MachinePage::showSaveError(const QString& field, const QString& message) {
    m_saving = false;
    if (field == QLatin1String("name")) {
        m_nameError->setText(message);
        m_nameError->show();
        m_name->setFocus();
    } else {
        m_error->setText(message);
        m_error->show();
    }
}

void MachinePage::updateState() {
    const bool changed = !changes().isEmpty();
    m_save->setEnabled(changed && !m_name->text().trimmed().isEmpty());
    m_revert->setEnabled(changed);
}

} // namespace mr::ui
