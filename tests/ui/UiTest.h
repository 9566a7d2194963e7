#pragma once
// What the window tests share: finding a shown button by its text, and pictures for
// docs/images (with MR_SCREENSHOT_DIR set, a test saves what a widget shows).

#include <QApplication>
#include <QGuiApplication>
#include <QPushButton>
#include <QScreen>
#include <QStyleFactory>
#include <QTest>
#include <QTranslator>
#include <QWidget>

namespace mr::test {

/// The app's look and its English (with the plural forms), as machine-runtime shows them;
/// @p english must outlive the test. Empty, or why not.
inline QString useTheAppsLookAndEnglish(QTranslator& english) {
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    if (!english.load(QStringLiteral(":/i18n/machine-runtime_en.qm")))
        return QStringLiteral("the app's English translation is not in the resources");
    QApplication::installTranslator(&english);
    return {};
}

/// The visible push button of @p parent reading @p text, or null.
inline QPushButton* button(QWidget* parent, const QString& text) {
    const auto buttons = parent->findChildren<QPushButton*>();
    for (QPushButton* b : buttons)
        if (b->text() == text && b->isVisible())
            return b;
    return nullptr;
}

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
