#include "ui/SignInPage.h"

#include "ui/Models.h"

#include <QClipboard>
#include <QFrame>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QIcon>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QUrl>
#include <QVBoxLayout>

namespace mr::ui {

SignInPage::SignInPage(QWidget* parent)
    : QWidget(parent) {
    auto* card = new QFrame(this);
    m_card = card;
    card->setFrameShape(QFrame::StyledPanel);
    card->setFixedWidth(kCardWidth); // a fixed width lets the wrapped title claim its full height

    auto* logo = new QLabel(card);
    logo->setPixmap(QIcon(QStringLiteral(":/icons/machine-runtime.svg")).pixmap(QSize(48, 48)));
    logo->setAccessibleName(QStringLiteral("Machine Runtime"));
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

    m_error = new QLabel(card);
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #b3261e;"));
    m_details = new QPushButton(tr("Details"), card);
    m_details->setFlat(true);

    m_waitText = new QLabel(tr("Finish signing in in your browser…"), card);
    m_waitText->setWordWrap(true);
    m_spinner = new QProgressBar(card);
    m_spinner->setRange(0, 0); // busy indicator
    m_spinner->setTextVisible(false);
    m_copyLink = new QLabel(card);
    m_copyLink->setTextInteractionFlags(Qt::LinksAccessibleByMouse | Qt::LinksAccessibleByKeyboard);
    m_cancel = new QPushButton(tr("Cancel"), card);

    // The form and the waiting state share the card's one layout (wrapped labels only get their
    // height there); showPanel() shows one set of widgets.
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_details);
    buttons->addStretch();
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_signIn);

    auto* cardLayout = new QVBoxLayout(card);
    cardLayout->setContentsMargins(24, 24, 24, 24);
    cardLayout->setSpacing(10);
    cardLayout->addWidget(logo);
    cardLayout->addWidget(title);
    cardLayout->addSpacing(8);
    cardLayout->addWidget(serverLabel);
    cardLayout->addWidget(m_server);
    cardLayout->addWidget(m_hint);
    cardLayout->addWidget(m_error);
    cardLayout->addWidget(m_waitText);
    cardLayout->addWidget(m_spinner);
    cardLayout->addWidget(m_copyLink);
    cardLayout->addSpacing(8);
    cardLayout->addLayout(buttons);
    m_formWidgets = {serverLabel, m_server, m_signIn};
    m_waitWidgets = {m_waitText, m_spinner, m_cancel};

    auto* outer = new QVBoxLayout(this);
    outer->addStretch();
    outer->addWidget(card, 0, Qt::AlignHCenter);
    outer->addStretch();

    connect(m_server, &QLineEdit::textChanged, this, &SignInPage::updateState);
    connect(m_signIn, &QPushButton::clicked, this, [this] { Q_EMIT signInRequested(serverAddress()); });
    connect(m_server, &QLineEdit::returnPressed, m_signIn, &QPushButton::click);
    connect(m_cancel, &QPushButton::clicked, this, &SignInPage::cancelRequested);
    connect(m_copyLink, &QLabel::linkActivated, this, [this] {
        QGuiApplication::clipboard()->setText(m_link.toString(QUrl::FullyEncoded));
        m_copyLink->setText(tr("Link copied. Paste it into your browser's address bar."));
    });
    connect(m_details, &QPushButton::clicked, this, [this] { showDetails(this, tr("Sign-in details"), m_detailText); });
    showForm();
}

void SignInPage::showWaiting(const QUrl& link) {
    m_link = link;
    m_waitText->setText(tr("Finish signing in in your browser…"));
    m_copyLink->setText(
        QStringLiteral("<a href=\"copy\">%1</a>").arg(tr("Browser didn't open? Copy the sign-in link")));
    m_copyLink->setVisible(link.isValid());
    m_cancel->setVisible(true);
    showPanel(true);
}

void SignInPage::fitCard() {
    // A box layout gives an aligned widget its sizeHint height, which ignores how tall wrapped
    // labels become at the card's fixed width: size the card for its width instead.
    QLayout* layout = m_card->layout();
    const int forWidth = layout->hasHeightForWidth() ? layout->totalHeightForWidth(kCardWidth) : -1;
    m_card->setFixedHeight(std::max(forWidth, layout->totalMinimumSize().height()));
}

void SignInPage::showPanel(bool waiting) {
    for (QWidget* w : std::as_const(m_formWidgets))
        w->setVisible(!waiting);
    for (QWidget* w : std::as_const(m_waitWidgets))
        w->setVisible(waiting);
    if (waiting) {
        m_hint->hide();
        m_error->hide();
        m_details->hide();
    } else {
        m_copyLink->hide();
    }
    fitCard();
}

void SignInPage::showBusy(const QString& text) {
    m_waitText->setText(text);
    m_copyLink->setVisible(false);
    showPanel(true);
}

void SignInPage::showError(const QString& message, const QString& detail) {
    showForm();
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
    m_detailText = detail;
    m_details->setVisible(!detail.isEmpty());
    fitCard();
}

void SignInPage::showForm() {
    m_link = QUrl();
    m_error->clear();
    m_error->hide();
    m_details->hide();
    showPanel(false);
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
    fitCard();
}

} // namespace mr::ui
