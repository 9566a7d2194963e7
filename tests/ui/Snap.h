#pragma once
// Pictures for docs/images: with MR_SCREENSHOT_DIR set, a test saves what a widget shows.

#include <QGuiApplication>
#include <QScreen>
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

/// What the screen shows where @p window is, dialogs above it included (on a real display;
/// offscreen, the window alone).
inline void snapScreen(QWidget* window, const QString& name) {
    const QString dir = QString::fromLocal8Bit(qgetenv("MR_SCREENSHOT_DIR"));
    if (dir.isEmpty())
        return;
    QTest::qWait(300);
    QScreen* screen = window->screen();
    if (QGuiApplication::platformName() != QLatin1String("xcb") || !screen)
        return snap(window, name);
    const QRect area = window->frameGeometry();
    screen->grabWindow(0, area.x(), area.y(), area.width(), area.height()).save(dir + QLatin1Char('/') + name);
}

} // namespace mr::test
