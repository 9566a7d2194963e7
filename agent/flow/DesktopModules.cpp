#include "agent/flow/DesktopModules.h"

#include "agent/flow/X11Desktop.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QJSEngine>
#include <QJsonArray>
#include <QPointer>

#include <future>
#include <memory>

namespace mr::agent {

DesktopModule::DesktopModule(FlowContext& context, QJSEngine& engine, X11Desktop* desktop)
    : ActionModule(context, engine)
    , m_desktop(desktop) {}

bool DesktopModule::needDisplay(ActionLog& log, const QString& name) {
    if (failIfCancelled(log))
        return false;
    if (m_desktop && m_desktop->open())
        return true;
    fail(log, QStringLiteral("%1 needs a display; this machine has none").arg(name));
    return false;
}

QJSValue DesktopModule::finish(ActionLog& log, const QString& error) {
    return error.isEmpty() ? QJSValue() : fail(log, error);
}

QJSValue KeyboardModule::type(const QString& text) {
    ActionLog log(m_context, QStringLiteral("keyboard.type"), {text});
    if (!needDisplay(log, QStringLiteral("keyboard.type")))
        return {};
    return finish(log, m_desktop->typeText(text));
}

QJSValue KeyboardModule::press(const QString& keys) {
    ActionLog log(m_context, QStringLiteral("keyboard.press"), {keys});
    if (!needDisplay(log, QStringLiteral("keyboard.press")))
        return {};
    return finish(log, m_desktop->pressKeys(keys));
}

QJSValue MouseModule::move(int x, int y) {
    ActionLog log(m_context, QStringLiteral("mouse.move"), {x, y});
    if (!needDisplay(log, QStringLiteral("mouse.move")))
        return {};
    return finish(log, m_desktop->moveMouse(x, y));
}

QJSValue MouseModule::click(int x, int y, const QString& button) {
    ActionLog log(m_context, QStringLiteral("mouse.click"), {x, y, button});
    if (!needDisplay(log, QStringLiteral("mouse.click")))
        return {};
    return finish(log, m_desktop->click(x, y, button));
}

QJSValue WindowModule::find(const QString& titlePattern) {
    ActionLog log(m_context, QStringLiteral("window.find"), {titlePattern});
    if (!needDisplay(log, QStringLiteral("window.find")))
        return {};
    QString error;
    const QList<X11Desktop::Window> windows = m_desktop->findWindows(titlePattern, &error);
    if (!error.isEmpty())
        return fail(log, error);
    QJsonArray result;
    for (const X11Desktop::Window& window : windows) {
        result.append(QJsonObject{{QStringLiteral("id"), double(window.id)},
                                  {QStringLiteral("title"), window.title},
                                  {QStringLiteral("pid"), window.pid}});
    }
    return jsonToJs(m_engine, result);
}

QJSValue WindowModule::activate(double id) {
    ActionLog log(m_context, QStringLiteral("window.activate"), {id});
    if (!needDisplay(log, QStringLiteral("window.activate")))
        return {};
    return finish(log, m_desktop->activate(quint64(id)));
}

QJSValue WindowModule::close(double id) {
    ActionLog log(m_context, QStringLiteral("window.close"), {id});
    if (!needDisplay(log, QStringLiteral("window.close")))
        return {};
    return finish(log, m_desktop->close(quint64(id)));
}

QJSValue ScreenModule::capture(const QString& path) {
    ActionLog log(m_context, QStringLiteral("screen.capture"), {path});
    if (!needDisplay(log, QStringLiteral("screen.capture")))
        return {};
    return finish(log, m_desktop->capture(path));
}

QJSValue ClipboardModule::onGuiThread(ActionLog& log, const QString& name, std::function<QString()> work) {
    if (!needDisplay(log, name))
        return {};
    auto* app = qobject_cast<QGuiApplication*>(QCoreApplication::instance());
    if (!app)
        return fail(log, QStringLiteral("%1 needs the desktop app; the head-less agent has no clipboard").arg(name));
    auto promise = std::make_shared<std::promise<QString>>();
    std::future<QString> result = promise->get_future();
    QMetaObject::invokeMethod(
        app, [promise, work = std::move(work)] { promise->set_value(work()); }, Qt::QueuedConnection);
    while (result.wait_for(std::chrono::milliseconds(50)) != std::future_status::ready) {
        if (failIfCancelled(log))
            return {};
    }
    return QJSValue(result.get());
}

QJSValue ClipboardModule::getText() {
    ActionLog log(m_context, QStringLiteral("clipboard.getText"), {});
    return onGuiThread(log, QStringLiteral("clipboard.getText"), [] { return QGuiApplication::clipboard()->text(); });
}

QJSValue ClipboardModule::setText(const QString& text) {
    ActionLog log(m_context, QStringLiteral("clipboard.setText"), {text});
    onGuiThread(log, QStringLiteral("clipboard.setText"), [text] {
        QGuiApplication::clipboard()->setText(text);
        return QString();
    });
    return {};
}

} // namespace mr::agent
