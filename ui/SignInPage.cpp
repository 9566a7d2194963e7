#include "ui/SignInPage.h"

#include <QFrame>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QUrl>
#include <QVBoxLayout>

namespace mr::ui {

SignInPage::SignInPage(QWidget* parent)
    : QWidget(parent) {
    auto* card = new QFrame(this);
    card->setFrameShape(QFrame::StyledPanel);
    card->setFixedWidth(460); // a fixed width lets the wrapped title claim its full height

    auto* title = new QLabel(tr("Sign in to your organisation's orchestrator"), card);
    QFont titleFont = title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.3);
    titleFont.setBold(true);
    title->setFont(titleFont);
    title->setWordWrap(true);
    title->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Minimum);

    auto* serverLabel = new QLabel(tr("Server address"), card);
    m_server = new QLineEdit(card);
    m_server->setPlaceholderText(tr("https://orchestrator.example.org"));
    serverLabel->setBuddy(m_server);

    m_hint = new QLabel(card);
    m_hint->setWordWrap(true);

    m_signIn = new QPushButton(tr("Sign in"), card);
    m_signIn->setDefault(true);

    auto* cardLayout = new QVBoxLayout(card);
    cardLayout->setContentsMargins(24, 24, 24, 24);
    cardLayout->setSpacing(10);
    cardLayout->addWidget(title);
    cardLayout->addSpacing(8);
    cardLayout->addWidget(serverLabel);
    cardLayout->addWidget(m_server);
    cardLayout->addWidget(m_hint);
    cardLayout->addSpacing(8);
    cardLayout->addWidget(m_signIn, 0, Qt::AlignRight);

    auto* outer = new QVBoxLayout(this);
    outer->addStretch();
    outer->addWidget(card, 0, Qt::AlignHCenter);
    outer->addStretch();

    connect(m_server, &QLineEdit::textChanged, this, &SignInPage::updateState);
    connect(m_signIn, &QPushButton::clicked, this, [this] { Q_EMIT signInRequested(serverAddress()); });
    updateState();
}

QString SignInPage::serverAddress() const {
    return m_server->text().trimmed();
}

void SignInPage::setServerAddress(const QString& address) {
    m_server->setText(address);
}

void SignInPage::updateState() {
    const QUrl url(serverAddress(), QUrl::StrictMode);
    const bool valid = url.isValid() && !url.host().isEmpty() &&
                       (url.scheme() == QLatin1String("https") || url.scheme() == QLatin1String("http"));
    const bool loopback = url.host() == QLatin1String("127.0.0.1") || url.host() == QLatin1String("::1") ||
                          url.host() == QLatin1String("localhost");
    if (serverAddress().isEmpty())
        m_hint->setText(tr("The address your administrator gave you."));
    else if (!valid)
        m_hint->setText(tr("Enter an address such as https://orchestrator.example.org."));
    else if (url.scheme() == QLatin1String("http") && !loopback)
        m_hint->setText(tr("This address is not encrypted (http). Use https unless the server is on this PC."));
    else
        m_hint->clear();
    m_hint->setVisible(!m_hint->text().isEmpty());
    m_signIn->setEnabled(valid);
}

} // namespace mr::ui
