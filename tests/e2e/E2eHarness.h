#pragma once
// End-to-end harness: the real `orchestrator` and `machine-runtime-agent` programs, started as
// processes on loopback with scratch state, driven through their command lines and the HTTP API.

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>
#include <QUuid>

#include <csignal>
#include <memory>

namespace mr::e2e {

inline QString scratch() {
    return QString::fromLocal8Bit(qgetenv("MR_TEST_SCRATCH"));
}

inline QString bin(const char* variable) {
    return QString::fromLocal8Bit(qgetenv(variable));
}

struct CliResult {
    int exitCode = -1;
    QString out;
    QString err;
};

inline CliResult runCli(const QString& program, const QStringList& args, const QByteArray& stdinData = {},
                        int timeoutMs = 60000) {
    QProcess p;
    p.start(program, args);
    if (!p.waitForStarted(10000))
        return {};
    if (!stdinData.isEmpty())
        p.write(stdinData);
    p.closeWriteChannel();
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        return {};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

struct HttpAnswer {
    int status = 0;
    QByteArray body;
    QJsonObject object() const { return QJsonDocument::fromJson(body).object(); }
    QJsonArray array() const { return QJsonDocument::fromJson(body).array(); }
    QString errorCode() const {
        return object().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString();
    }
};

/// An orchestrator process on a scratch SQLite database (or MR_E2E_DATABASE).
class OrchestratorProcess {
public:
    explicit OrchestratorProcess(QString name = QStringLiteral("orch"))
        : m_dir(scratch() + QLatin1Char('/') + name) {
        QDir().mkpath(m_dir);
        m_database = m_dir + QStringLiteral("/orchestrator.db");
    }
    ~OrchestratorProcess() { stop(); }

    QString database() const { return m_database; }
    QString url() const { return m_url; }
    QString logText() const { return m_log; }

    CliResult cli(const QStringList& args, const QByteArray& stdinData = {}) const {
        return runCli(bin("MR_ORCHESTRATOR_BIN"), args + QStringList{QStringLiteral("--database"), m_database},
                      stdinData);
    }

    /// Adds a user with @p roles in @p environment (made when missing) and returns a personal
    /// access token for them.
    QString userWithRoles(const QString& username, const QString& environment, const QStringList& roles) const {
        cli({QStringLiteral("user"), QStringLiteral("add"), username}, "e2e-password-1\n");
        cli({QStringLiteral("env"), QStringLiteral("add"), environment});
        if (!roles.isEmpty())
            cli(QStringList{QStringLiteral("env"), QStringLiteral("grant"), environment, username} + roles);
        const CliResult r = cli({QStringLiteral("user"), QStringLiteral("token"), username});
        const QStringList lines = r.out.trimmed().split(QLatin1Char('\n'));
        return lines.isEmpty() ? QString() : lines.last().trimmed();
    }

    /// Starts `serve` on a free port (or @p port to come back on the same address).
    bool start(const QStringList& extra = {}, quint16 port = 0) {
        m_process = std::make_unique<QProcess>();
        m_process->setProcessChannelMode(QProcess::SeparateChannels);
        QObject::connect(m_process.get(), &QProcess::readyReadStandardError,
                         [this] { m_log += QString::fromUtf8(m_process->readAllStandardError()); });
        m_process->start(bin("MR_ORCHESTRATOR_BIN"),
                         QStringList{QStringLiteral("serve"), QStringLiteral("--database"), m_database,
                                     QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(port)} +
                             extra);
        if (!m_process->waitForStarted(10000))
            return false;
        QElapsedTimer t;
        t.start();
        while (!m_process->canReadLine() && t.elapsed() < 30000)
            QTest::qWait(20);
        const QString line = QString::fromUtf8(m_process->readLine()).trimmed();
        const auto m = QRegularExpression(QStringLiteral("^listening on (http://\\S+)$")).match(line);
        if (!m.hasMatch())
            return false;
        m_url = m.captured(1);
        return true;
    }

    quint16 port() const { return quint16(QUrl(m_url).port()); }

    int stop(int signal = SIGTERM) {
        if (!m_process || m_process->state() == QProcess::NotRunning)
            return m_process ? m_process->exitCode() : 0;
        ::kill(pid_t(m_process->processId()), signal);
        if (!m_process->waitForFinished(20000)) {
            m_process->kill();
            m_process->waitForFinished();
        }
        return m_process->exitCode();
    }

    HttpAnswer request(const QByteArray& method, const QString& path, const QString& token,
                       const QJsonDocument& body = {}) const {
        QNetworkAccessManager nam;
        QNetworkRequest rq(QUrl(m_url + path));
        if (!token.isEmpty())
            rq.setRawHeader("Authorization", "Bearer " + token.toUtf8());
        QByteArray data;
        if (!body.isNull()) {
            data = body.toJson(QJsonDocument::Compact);
            rq.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        }
        QNetworkReply* reply = nam.sendCustomRequest(rq, method, data);
        QSignalSpy done(reply, &QNetworkReply::finished);
        if (!done.wait(30000))
            return {};
        HttpAnswer a{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll()};
        reply->deleteLater();
        return a;
    }

private:
    QString m_dir;
    QString m_database;
    QString m_url;
    QString m_log;
    std::unique_ptr<QProcess> m_process;
};

/// A `machine-runtime-agent` with its own state folder.
class AgentProcess {
public:
    explicit AgentProcess(QString name)
        : m_stateDir(scratch() + QStringLiteral("/agent-") + name) {}
    ~AgentProcess() { stop(); }

    QString stateDir() const { return m_stateDir; }
    QString logText() const { return m_log; }

    CliResult registerWith(const QString& server, const QString& environment, const QString& name,
                           const QString& token) const {
        return runCli(bin("MR_AGENT_BIN"),
                      {QStringLiteral("register"), QStringLiteral("--server"), server, QStringLiteral("--environment"),
                       environment, QStringLiteral("--name"), name, QStringLiteral("--token-stdin"),
                       QStringLiteral("--state-dir"), m_stateDir},
                      token.toUtf8() + '\n');
    }

    bool start(const QStringList& extra = {}) {
        m_process = std::make_unique<QProcess>();
        QObject::connect(m_process.get(), &QProcess::readyReadStandardError,
                         [this] { m_log += QString::fromUtf8(m_process->readAllStandardError()); });
        m_process->start(bin("MR_AGENT_BIN"),
                         QStringList{QStringLiteral("run"), QStringLiteral("--state-dir"), m_stateDir} + extra);
        return m_process->waitForStarted(10000);
    }

    bool running() const { return m_process && m_process->state() == QProcess::Running; }

    int stop(int signal = SIGTERM) {
        if (!m_process || m_process->state() == QProcess::NotRunning)
            return m_process ? m_process->exitCode() : 0;
        ::kill(pid_t(m_process->processId()), signal);
        if (!m_process->waitForFinished(30000)) {
            m_process->kill();
            m_process->waitForFinished();
        }
        return m_process->exitStatus() == QProcess::NormalExit ? m_process->exitCode() : -1;
    }

private:
    QString m_stateDir;
    QString m_log;
    std::unique_ptr<QProcess> m_process;
};

} // namespace mr::e2e
