#pragma once
// Pictures for docs/images: with MR_SCREENSHOT_DIR set, a test saves what a widget shows.

#include <QTest>
#include <QWidget>

namespace mr::test {

inline void snap(QWidget* widget, const QString& name) {
    const QString dir = QString::fromLocal8Bit(qgetenv("MR_SCREENSHOT_DIR"));
    if (dir.isEmpty())
        return;
    QTest::qWait(300);
    widget->grab().save(dir + QLatin1Char('/') + name);
}

} // namespace mr::test
