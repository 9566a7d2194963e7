// The desktop app's log on disk: every message lands there, the file stays bounded and
// private, and the one before survives a rotation.
#include "ui/LogFile.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using mr::ui::LogFile;

class TestLogFile : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void messagesLandInTheFile() {
        QTemporaryDir dir;
        LogFile log(dir.filePath(QStringLiteral("logs")));
        log.install();
        qInfo("the app started");
        qWarning("something odd: %d", 42);
        log.uninstall();
        qInfo("not in the file");
        QFile file(log.path());
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray text = file.readAll();
        QVERIFY(text.contains("the app started"));
        QVERIFY(text.contains("something odd: 42"));
        QVERIFY(!text.contains("not in the file"));
        QCOMPARE(file.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther), QFileDevice::Permissions());
    }

    void staysBoundedAndKeepsThePreviousFile() {
        QTemporaryDir dir;
        constexpr qint64 kMax = 4096;
        LogFile log(dir.filePath(QStringLiteral("logs")), kMax);
        for (int i = 0; i < 500; ++i)
            log.write(QStringLiteral("line %1 of a chatty day").arg(i));
        QVERIFY(QFileInfo(log.path()).size() <= kMax);
        QVERIFY(QFileInfo(log.path() + QStringLiteral(".1")).size() <= kMax);
        QVERIFY(!QFile::exists(log.path() + QStringLiteral(".2")));
        QFile file(log.path());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.readAll().endsWith("line 499 of a chatty day\n"));
    }
};

QTEST_GUILESS_MAIN(TestLogFile)
#include "tst_log_file.moc"
