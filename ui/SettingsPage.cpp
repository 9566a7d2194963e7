#include "ui/SettingsPage.h"

#include <QAbstractButton>
#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QVBoxLayout>

namespace mr::ui {

SettingsPage::SettingsPage(QWidget* parent)
    : QWidget(parent) {
    m_language = new QComboBox(this);
    m_language->addItem(tr("Follow the system"), QString());
    m_language->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_language->addItem(QStringLiteral("English"), QStringLiteral("en"));
    m_language->addItem(QStringLiteral("Deutsch"), QStringLiteral("de"));
    m_language->addItem(QStringLiteral("Français"), QStringLiteral("fr"));
    m_startAtLogin = new QCheckBox(tr("Start Machine Runtime when I sign in to this PC"), this);
    m_server = new QLineEdit(this);
    m_server->setReadOnly(true);
    m_server->setToolTip(tr("Sign out to sign in to another server."));
    m_account = new QLabel(this);
    auto* signOut = new QPushButton(tr("Sign out…"), this);
    auto* logs = new QPushButton(tr("Open log folder"), this);

    auto* general = new QGroupBox(tr("General"), this);
    auto* generalForm = new QFormLayout(general);
    generalForm->setFieldGrowthPolicy(QFormLayout::FieldsStayAtSizeHint);
    generalForm->addRow(tr("Language"), m_language);
    generalForm->addRow(tr("Start at login"), m_startAtLogin);

    auto* account = new QGroupBox(tr("Account"), this);
    auto* accountForm = new QFormLayout(account);
    accountForm->addRow(tr("Server address"), m_server);
    accountForm->addRow(tr("Signed in as"), m_account);
    auto* accountButtons = new QHBoxLayout;
    accountButtons->addWidget(logs);
    accountButtons->addStretch();
    accountButtons->addWidget(signOut);
    accountForm->addRow(accountButtons);

    auto* about = new QGroupBox(tr("About"), this);
    auto* aboutText =
        new QLabel(tr("Machine Runtime %1 · Qt %2<br>Third-party licences: Qt (LGPL 3), QtKeychain (BSD), "
                      "libsodium (ISC).")
                       .arg(QStringLiteral(MR_VERSION), QString::fromLatin1(qVersion())),
                   about);
    aboutText->setWordWrap(true);
    auto* aboutLayout = new QVBoxLayout(about);
    aboutLayout->addWidget(aboutText);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(24, 16, 24, 16);
    layout->addWidget(general);
    layout->addWidget(account);
    layout->addWidget(about);
    layout->addStretch();

    connect(m_language, &QComboBox::activated, this,
            [this] { Q_EMIT languageChanged(m_language->currentData().toString()); });
    connect(m_startAtLogin, &QCheckBox::toggled, this, &SettingsPage::startAtLoginChanged);
    connect(logs, &QPushButton::clicked, this, &SettingsPage::openLogFolderRequested);
    connect(signOut, &QPushButton::clicked, this, [this] {
        auto* box = new QMessageBox(QMessageBox::Question, tr("Sign out"),
                                    tr("Sign out of Machine Runtime? This PC stops running your flows until you sign "
                                       "in again, and your sign-in tokens are removed from the keychain."),
                                    QMessageBox::Cancel, this);
        QPushButton* confirm = box->addButton(tr("Sign out"), QMessageBox::AcceptRole);
        box->setAttribute(Qt::WA_DeleteOnClose);
        connect(box, &QMessageBox::buttonClicked, this, [this, confirm](QAbstractButton* clicked) {
            if (clicked == static_cast<QAbstractButton*>(confirm))
                Q_EMIT signOutRequested();
        });
        box->open();
    });
}

void SettingsPage::setLanguage(const QString& code) {
    const int index = m_language->findData(code);
    m_language->setCurrentIndex(index < 0 ? 0 : index);
}

void SettingsPage::setStartAtLogin(bool enabled) {
    const QSignalBlocker blocker(m_startAtLogin);
    m_startAtLogin->setChecked(enabled);
}

void SettingsPage::setServerAddress(const QString& address) {
    m_server->setText(address);
}

void SettingsPage::setAccount(const QString& text) {
    m_account->setText(text);
}

} // namespace mr::ui
