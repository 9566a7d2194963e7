#include "ui/DashboardPage.h"

#include "ui/Models.h"

#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QTableView>
#include <QVBoxLayout>

namespace mr::ui {

namespace {

QTableView* makeTable(QAbstractItemModel* model, QWidget* parent) {
    auto* view = new QTableView(parent);
    view->setModel(model);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->verticalHeader()->hide();
    view->horizontalHeader()->setStretchLastSection(true);
    view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    view->setShowGrid(false);
    view->setAlternatingRowColors(true);
    return view;
}

QGroupBox* card(const QString& title, QWidget* parent) {
    auto* box = new QGroupBox(title, parent);
    box->setMinimumWidth(180);
    return box;
}

} // namespace

DashboardPage::DashboardPage(QWidget* parent)
    : QWidget(parent) {
    m_running = new RunsModel(RunsModel::View::Running, this);
    m_queued = new RunsModel(RunsModel::View::Queued, this);
    m_recent = new RunsModel(RunsModel::View::Recent, this);
    m_sessions = new SessionsModel(this);

    // Three small cards.
    auto* connectionCard = card(tr("Connection"), this);
    m_connection = new QLabel(connectionCard);
    m_connectionSince = new QLabel(connectionCard);
    m_connectionSince->setStyleSheet(QStringLiteral("color: palette(mid);"));
    auto* connectionLayout = new QVBoxLayout(connectionCard);
    connectionLayout->addWidget(m_connection);
    connectionLayout->addWidget(m_connectionSince);
    connectionLayout->addStretch();

    auto* sessionsCard = card(tr("Sessions"), this);
    m_sessionsView = makeTable(m_sessions, sessionsCard);
    m_sessionsView->setMaximumHeight(90);
    m_noSessions = new QLabel(tr("No user is signed in to this machine."), sessionsCard);
    m_noSessions->setWordWrap(true);
    auto* sessionsLayout = new QVBoxLayout(sessionsCard);
    sessionsLayout->addWidget(m_sessionsView);
    sessionsLayout->addWidget(m_noSessions);
    sessionsLayout->addStretch();

    auto* todayCard = card(tr("Today"), this);
    m_today = new QLabel(todayCard);
    auto* todayLayout = new QVBoxLayout(todayCard);
    todayLayout->addWidget(m_today);
    todayLayout->addStretch();

    auto* cards = new QHBoxLayout;
    cards->addWidget(connectionCard, 1);
    cards->addWidget(sessionsCard, 2);
    cards->addWidget(todayCard, 1);

    // Recommendations, only when there are some.
    m_recommendationBox = new QGroupBox(tr("Recommendations"), this);
    m_recommendation = new QLabel(m_recommendationBox);
    m_recommendation->setWordWrap(true);
    auto* disconnect = new QPushButton(tr("Disconnect users"), m_recommendationBox);
    auto* flowDetails = new QPushButton(tr("Flow details"), m_recommendationBox);
    auto* runDetails = new QPushButton(tr("Run details"), m_recommendationBox);
    auto* refresh = new QPushButton(tr("Refresh"), m_recommendationBox);
    auto* recommendationButtons = new QHBoxLayout;
    recommendationButtons->addStretch();
    recommendationButtons->addWidget(refresh);
    recommendationButtons->addWidget(flowDetails);
    recommendationButtons->addWidget(runDetails);
    recommendationButtons->addWidget(disconnect);
    auto* recommendationLayout = new QVBoxLayout(m_recommendationBox);
    recommendationLayout->addWidget(m_recommendation);
    recommendationLayout->addLayout(recommendationButtons);
    m_recommendationBox->hide();

    // Runs.
    m_runsArea = new QWidget(this);
    m_runningView = makeTable(m_running, m_runsArea);
    m_queuedView = makeTable(m_queued, m_runsArea);
    m_recentView = makeTable(m_recent, m_runsArea);
    m_cancel = new QPushButton(tr("Cancel run"), m_runsArea);
    auto* runningHeader = new QHBoxLayout;
    runningHeader->addWidget(new QLabel(tr("<b>Running now</b>"), m_runsArea), 1);
    runningHeader->addWidget(m_cancel);
    auto* runsLayout = new QVBoxLayout(m_runsArea);
    runsLayout->setContentsMargins(0, 0, 0, 0);
    runsLayout->addLayout(runningHeader);
    runsLayout->addWidget(m_runningView, 1);
    runsLayout->addWidget(new QLabel(tr("<b>Queued for this machine</b>"), m_runsArea));
    runsLayout->addWidget(m_queuedView, 1);
    auto* details = new QPushButton(tr("Details"), m_runsArea);
    details->setEnabled(false);
    auto* recentHeader = new QHBoxLayout;
    recentHeader->addWidget(new QLabel(tr("<b>Recent runs</b>"), m_runsArea), 1);
    recentHeader->addWidget(details);
    runsLayout->addLayout(recentHeader);
    runsLayout->addWidget(m_recentView, 2);

    m_empty = new QLabel(tr("No runs yet. Runs started from the orchestrator or from Flows appear here."), this);
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 12, 16, 12);
    layout->addLayout(cards);
    layout->addWidget(m_recommendationBox);
    layout->addWidget(m_runsArea, 1);
    layout->addWidget(m_empty, 1);

    connect(refresh, &QPushButton::clicked, this, &DashboardPage::refreshRequested);
    connect(disconnect, &QPushButton::clicked, this, [this] { Q_EMIT disconnectUsersRequested(m_recommendationId); });
    connect(flowDetails, &QPushButton::clicked, this, [this] {
        if (!m_recommendationRunId.isEmpty())
            Q_EMIT flowOfRunRequested(m_recommendationRunId);
    });
    connect(runDetails, &QPushButton::clicked, this, [this] {
        if (!m_recommendationRunId.isEmpty())
            Q_EMIT runDetailsByIdRequested(m_recommendationRunId);
    });
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        const QModelIndexList rows = m_runningView->selectionModel()->selectedRows();
        if (!rows.isEmpty())
            Q_EMIT cancelRunRequested(m_running->row(rows.first().row()).value(QStringLiteral("id")).toString());
    });
    connect(m_runningView->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            [this] { m_cancel->setEnabled(m_runningView->selectionModel()->hasSelection()); });
    connect(m_recentView->selectionModel(), &QItemSelectionModel::selectionChanged, details,
            [this, details] { details->setEnabled(m_recentView->selectionModel()->hasSelection()); });
    connect(details, &QPushButton::clicked, this, [this] {
        const QModelIndexList rows = m_recentView->selectionModel()->selectedRows();
        if (!rows.isEmpty())
            Q_EMIT runDetailsRequested(m_recent->row(rows.first().row()));
    });
    connect(m_recentView, &QTableView::doubleClicked, this,
            [this](const QModelIndex& index) { Q_EMIT runDetailsRequested(m_recent->row(index.row())); });
    m_cancel->setEnabled(false);
    // Elapsed times tick only while a run runs and the page shows.
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, [this] { m_running->setNow(QDateTime::currentDateTimeUtc()); });
    setConnection({});
    setMachine({});
    setRuns({});
}

void DashboardPage::setConnection(const mr::agent::ConnectionStatus& status) {
    m_connection->setText(QStringLiteral("<span style=\"color:%1\">●</span> %2")
                              .arg(connectionColour(status), connectionText(status).toHtmlEscaped()));
    m_connection->setToolTip(status.reason);
    m_connectionSince->setText(
        status.since.isValid()
            ? tr("since %1").arg(QLocale().toString(status.since.toLocalTime().time(), QLocale::ShortFormat))
            : QString());
}

void DashboardPage::setMachine(const QJsonObject& machine) {
    const QJsonArray sessions = machine.value(QStringLiteral("sessions")).toArray();
    m_sessions->setRows(sessions);
    m_sessionsView->setVisible(!sessions.isEmpty());
    m_noSessions->setVisible(sessions.isEmpty());
}

void DashboardPage::setRuns(const QJsonArray& runs) {
    const QDateTime now = QDateTime::currentDateTimeUtc();
    m_running->setNow(now);
    m_queued->setNow(now);
    m_running->setRows(runs);
    m_queued->setRows(runs);
    m_recent->setRows(runs);
    int succeeded = 0;
    int failed = 0;
    const QDate today = QDate::currentDate();
    for (const QJsonValue& v : runs) {
        const QJsonObject run = v.toObject();
        const QDateTime ended =
            QDateTime::fromString(run.value(QStringLiteral("endedAt")).toString(), Qt::ISODateWithMs);
        if (!ended.isValid() || ended.toLocalTime().date() != today)
            continue;
        const QString status = run.value(QStringLiteral("status")).toString();
        succeeded += status == QLatin1String("Succeeded");
        failed += status == QLatin1String("Failed");
    }
    m_today->setText(tr("%n run(s) succeeded", nullptr, succeeded) + QLatin1Char('\n') +
                     tr("%n run(s) failed", nullptr, failed));
    updateEmpty();
    updateTick();
}

void DashboardPage::setFlows(const QJsonArray& flows) {
    QHash<QString, QString> names;
    for (const QJsonValue& v : flows)
        names.insert(v.toObject().value(QStringLiteral("id")).toString(),
                     v.toObject().value(QStringLiteral("name")).toString());
    for (RunsModel* model : {m_running, m_queued, m_recent})
        model->setFlowNames(names);
}

void DashboardPage::setCurrentActions(const QJsonObject& actions) {
    m_running->setCurrentActions(actions);
}

void DashboardPage::setConnections(const QJsonArray& connections) {
    QSet<QString> signIn;
    for (const QJsonValue& v : connections)
        if (v.toObject().value(QStringLiteral("kind")).toString() == QLatin1String("signIn"))
            signIn.insert(v.toObject().value(QStringLiteral("id")).toString());
    m_queued->setSignInConnections(signIn);
}

void DashboardPage::setRecommendations(const QJsonArray& recommendations) {
    m_recommendationBox->setVisible(!recommendations.isEmpty());
    if (recommendations.isEmpty())
        return;
    const QJsonObject first = recommendations.first().toObject();
    m_recommendationId = first.value(QStringLiteral("id")).toString();
    // Flow details and Run details show the first run that waits.
    m_recommendationRunId = first.value(QStringLiteral("runIds")).toArray().first().toString();
    QStringList users;
    for (const QJsonValue& u : first.value(QStringLiteral("users")).toArray())
        users.append(u.toString());
    const int waiting = int(first.value(QStringLiteral("runIds")).toArray().size());
    const QDateTime expires =
        QDateTime::fromString(first.value(QStringLiteral("expiresAt")).toString(), Qt::ISODateWithMs);
    const qint64 minutes = std::max<qint64>(0, QDateTime::currentDateTimeUtc().secsTo(expires) / 60);
    // Say what kind of session blocks the runs when the blocking users' sessions agree on it.
    QSet<QString> states;
    for (int row = 0; row < m_sessions->rowCount(); ++row)
        if (users.contains(m_sessions->row(row).value(QStringLiteral("user")).toString()))
            states.insert(m_sessions->row(row).value(QStringLiteral("state")).toString());
    const QString state = states.size() == 1 ? *states.begin() : QString();
    QString text;
    if (state == QLatin1String("locked"))
        text = tr("Desktop flows not running — %n run(s) wait because %1 has a locked session on this machine. %2 "
                  "minutes left.",
                  nullptr, waiting);
    else if (state == QLatin1String("disconnected"))
        text = tr("Desktop flows not running — %n run(s) wait because %1 has a disconnected session on this machine. "
                  "%2 minutes left.",
                  nullptr, waiting);
    else if (state == QLatin1String("active"))
        text = tr("Desktop flows not running — %n run(s) wait because %1 has an active session on this machine. %2 "
                  "minutes left.",
                  nullptr, waiting);
    else
        text = tr("Desktop flows not running — %n run(s) wait because %1 has a session on this machine. %2 minutes "
                  "left.",
                  nullptr, waiting);
    m_recommendation->setText(text.arg(users.join(QStringLiteral(", "))).arg(minutes));
}

void DashboardPage::updateTick() {
    const bool needed = isVisible() && m_running->rowCount() > 0;
    if (needed && !m_tick.isActive()) {
        m_running->setNow(QDateTime::currentDateTimeUtc());
        m_tick.start();
    } else if (!needed) {
        m_tick.stop();
    }
}

void DashboardPage::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    updateTick();
}

void DashboardPage::hideEvent(QHideEvent* event) {
    QWidget::hideEvent(event);
    updateTick();
}

void DashboardPage::updateEmpty() {
    const bool any = m_running->rowCount() + m_queued->rowCount() + m_recent->rowCount() > 0;
    m_runsArea->setVisible(any);
    m_empty->setVisible(!any);
}

} // namespace mr::ui
