#pragma once

#include "agent/flow/ActionModules.h"

namespace mr::agent {

class X11Desktop;

/// Base of the modules that act on the desktop: they fail with "… needs a display; this machine
/// has none" when the run may not use the display or there is none.
class DesktopModule : public ActionModule {
    Q_OBJECT
public:
    /// @p desktop is null when the run must not touch the display.
    DesktopModule(FlowContext& context, QJSEngine& engine, X11Desktop* desktop);

protected:
    /// True when the display is usable; otherwise fails @p log and returns false.
    bool needDisplay(ActionLog& log, const QString& name);
    /// Fails @p log with @p error unless it is empty.
    QJSValue finish(ActionLog& log, const QString& error);

    X11Desktop* m_desktop;
};

/// `keyboard.type(text)` and `keyboard.press(keys)` to the focused window.
class KeyboardModule final : public DesktopModule {
    Q_OBJECT
public:
    using DesktopModule::DesktopModule;
    Q_INVOKABLE QJSValue type(const QString& text);
    Q_INVOKABLE QJSValue press(const QString& keys);
};

/// `mouse.move(x, y)` and `mouse.click(x, y, button)` in screen coordinates.
class MouseModule final : public DesktopModule {
    Q_OBJECT
public:
    using DesktopModule::DesktopModule;
    Q_INVOKABLE QJSValue move(int x, int y);
    Q_INVOKABLE QJSValue click(int x, int y, const QString& button = QStringLiteral("left"));
};

/// `window.find(titlePattern)`, `window.activate(id)` and `window.close(id)`.
class WindowModule final : public DesktopModule {
    Q_OBJECT
public:
    using DesktopModule::DesktopModule;
    Q_INVOKABLE QJSValue find(const QString& titlePattern);
    Q_INVOKABLE QJSValue activate(double id);
    Q_INVOKABLE QJSValue close(double id);
};

/// `screen.capture(path)`: a PNG of the whole screen.
class ScreenModule final : public DesktopModule {
    Q_OBJECT
public:
    using DesktopModule::DesktopModule;
    Q_INVOKABLE QJSValue capture(const QString& path);
};

/// `clipboard.getText()` and `clipboard.setText(text)`: through the application's clipboard,
/// on its GUI thread, so only where a QGuiApplication runs (the desktop app).
class ClipboardModule final : public DesktopModule {
    Q_OBJECT
public:
    using DesktopModule::DesktopModule;
    Q_INVOKABLE QJSValue getText();
    Q_INVOKABLE QJSValue setText(const QString& text);

private:
    QJSValue onGuiThread(ActionLog& log, const QString& name, std::function<QString()> work);
};

} // namespace mr::agent
