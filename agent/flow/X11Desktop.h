#pragma once

#include <QList>
#include <QString>

struct _XDisplay;

namespace mr::agent {

/// The desktop actions of a flow done through Xlib and XTest on the flow thread's own display
/// connection (opened on first use, closed with the object). Each action returns an empty
/// string on success or a message a user understands.
class X11Desktop final {
public:
    struct Window {
        quint64 id = 0;
        QString title;
        qint64 pid = 0;
    };

    X11Desktop() = default;
    ~X11Desktop();
    X11Desktop(const X11Desktop&) = delete;
    X11Desktop& operator=(const X11Desktop&) = delete;

    /// Opens the connection to $DISPLAY if needed; false when there is no display.
    bool open();

    QString typeText(const QString& text);
    /// Presses a combination such as "ctrl+s", "alt+f4", "enter" or "shift+tab".
    QString pressKeys(const QString& keys);
    QString moveMouse(int x, int y);
    /// @p button is "left", "middle" or "right".
    QString click(int x, int y, const QString& button);
    /// Top-level windows whose title matches @p pattern: a case-insensitive substring, or a
    /// wildcard pattern when it holds '*' or '?'.
    QList<Window> findWindows(const QString& pattern, QString* error);
    QString activate(quint64 id);
    QString close(quint64 id);
    /// Saves the whole screen as a PNG.
    QString capture(const QString& path);

private:
    QString sendKeysym(unsigned long keysym, bool press);
    QString clientMessage(quint64 window, const char* type, long l0, long l1, long l2);

    _XDisplay* m_display = nullptr;
};

} // namespace mr::agent
