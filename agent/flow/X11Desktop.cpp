#include "agent/flow/X11Desktop.h"

#include <QImage>
#include <QRegularExpression>
#include <QStringList>

#include <mutex>

// Xlib last: its macros (None, Bool, Status…) would clash with Qt's headers.
#include <X11/XKBlib.h>
#include <X11/Xatom.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/XTest.h>
#include <X11/keysym.h>

namespace mr::agent {

namespace {

// Xlib's default handler exits the process on any protocol error (a window that went away
// between find and activate); flows must get an error message instead.
thread_local int t_lastError = 0;

int recordError(Display*, XErrorEvent* event) {
    t_lastError = event->error_code;
    return 0;
}

void installErrorHandler() {
    static std::once_flag once;
    std::call_once(once, [] { XSetErrorHandler(&recordError); });
}

KeySym keysymForName(QString name) {
    name = name.trimmed();
    const QString lower = name.toLower();
    static const QList<std::pair<const char*, KeySym>> aliases{
        {"ctrl", XK_Control_L}, {"control", XK_Control_L},   {"shift", XK_Shift_L},
        {"alt", XK_Alt_L},      {"meta", XK_Super_L},        {"super", XK_Super_L},
        {"win", XK_Super_L},    {"enter", XK_Return},        {"return", XK_Return},
        {"esc", XK_Escape},     {"escape", XK_Escape},       {"tab", XK_Tab},
        {"space", XK_space},    {"backspace", XK_BackSpace}, {"delete", XK_Delete},
        {"del", XK_Delete},     {"insert", XK_Insert},       {"home", XK_Home},
        {"end", XK_End},        {"pageup", XK_Prior},        {"pagedown", XK_Next},
        {"up", XK_Up},          {"down", XK_Down},           {"left", XK_Left},
        {"right", XK_Right},    {"plus", XK_plus},
    };
    for (const auto& [alias, keysym] : aliases) {
        if (lower == QLatin1String(alias))
            return keysym;
    }
    if (name.size() == 1) {
        const char32_t c = name.toLower().at(0).unicode();
        return c < 0x100 ? KeySym(c) : KeySym(0x01000000 | c);
    }
    KeySym keysym = XStringToKeysym(name.toLatin1().constData());
    if (keysym == NoSymbol)
        keysym = XStringToKeysym(name.toUpper().toLatin1().constData()); // "f5" → "F5"
    return keysym;
}

} // namespace

X11Desktop::~X11Desktop() {
    if (m_display)
        XCloseDisplay(m_display);
}

bool X11Desktop::open() {
    if (m_display)
        return true;
    if (qEnvironmentVariableIsEmpty("DISPLAY"))
        return false;
    installErrorHandler();
    m_display = XOpenDisplay(nullptr);
    return m_display != nullptr;
}

QString X11Desktop::sendKeysym(unsigned long keysym, bool press) {
    KeyCode code = XKeysymToKeycode(m_display, keysym);
    if (code == 0)
        return QStringLiteral("the key is not on this keyboard layout");
    XTestFakeKeyEvent(m_display, code, press ? True : False, CurrentTime);
    return {};
}

QString X11Desktop::typeText(const QString& text) {
    for (const char32_t c : text.toUcs4()) {
        KeySym keysym = c == U'\n' ? XK_Return : c == U'\t' ? XK_Tab : c < 0x100 ? KeySym(c) : KeySym(0x01000000 | c);
        const KeyCode code = XKeysymToKeycode(m_display, keysym);
        if (code == 0)
            return QStringLiteral("keyboard.type: cannot type '%1' with this keyboard layout")
                .arg(QString::fromUcs4(&c, 1));
        // The keysym is either the key's plain or its shifted symbol.
        const bool shifted =
            XkbKeycodeToKeysym(m_display, code, 0, 0) != keysym && XkbKeycodeToKeysym(m_display, code, 0, 1) == keysym;
        const KeyCode shift = XKeysymToKeycode(m_display, XK_Shift_L);
        if (shifted)
            XTestFakeKeyEvent(m_display, shift, True, CurrentTime);
        XTestFakeKeyEvent(m_display, code, True, CurrentTime);
        XTestFakeKeyEvent(m_display, code, False, CurrentTime);
        if (shifted)
            XTestFakeKeyEvent(m_display, shift, False, CurrentTime);
        XSync(m_display, False);
    }
    return {};
}

QString X11Desktop::pressKeys(const QString& keys) {
    QStringList parts = keys.split(u'+');
    if (keys.endsWith(QLatin1String("++")) || keys == QLatin1String("+")) { // "ctrl++" means ctrl and plus
        parts.removeAll(QString());
        parts.append(QStringLiteral("plus"));
    }
    QList<KeySym> keysyms;
    for (const QString& part : parts) {
        const KeySym keysym = keysymForName(part);
        if (keysym == NoSymbol || XKeysymToKeycode(m_display, keysym) == 0)
            return QStringLiteral("keyboard.press: unknown key '%1' in '%2'").arg(part.trimmed(), keys);
        keysyms.append(keysym);
    }
    if (keysyms.isEmpty())
        return QStringLiteral("keyboard.press: no key given");
    for (const KeySym keysym : keysyms)
        sendKeysym(keysym, true);
    for (auto it = keysyms.crbegin(); it != keysyms.crend(); ++it)
        sendKeysym(*it, false);
    XSync(m_display, False);
    return {};
}

QString X11Desktop::moveMouse(int x, int y) {
    XTestFakeMotionEvent(m_display, -1, x, y, CurrentTime);
    XSync(m_display, False);
    return {};
}

QString X11Desktop::click(int x, int y, const QString& button) {
    const QString name = button.isEmpty() ? QStringLiteral("left") : button.toLower();
    unsigned int number = 0;
    if (name == QLatin1String("left"))
        number = Button1;
    else if (name == QLatin1String("middle"))
        number = Button2;
    else if (name == QLatin1String("right"))
        number = Button3;
    else
        return QStringLiteral("mouse.click: button must be \"left\", \"middle\" or \"right\", not \"%1\"").arg(button);
    XTestFakeMotionEvent(m_display, -1, x, y, CurrentTime);
    XTestFakeButtonEvent(m_display, number, True, CurrentTime);
    XTestFakeButtonEvent(m_display, number, False, CurrentTime);
    XSync(m_display, False);
    return {};
}

QList<X11Desktop::Window> X11Desktop::findWindows(const QString& pattern, QString* error) {
    const bool wildcard = pattern.contains(u'*') || pattern.contains(u'?');
    const QRegularExpression expression(wildcard ? QRegularExpression::wildcardToRegularExpression(
                                                       pattern, QRegularExpression::UnanchoredWildcardConversion)
                                                 : QRegularExpression::escape(pattern),
                                        QRegularExpression::CaseInsensitiveOption);

    const ::Window root = DefaultRootWindow(m_display);
    const Atom clientList = XInternAtom(m_display, "_NET_CLIENT_LIST", False);
    const Atom netWmName = XInternAtom(m_display, "_NET_WM_NAME", False);
    const Atom utf8 = XInternAtom(m_display, "UTF8_STRING", False);
    const Atom netWmPid = XInternAtom(m_display, "_NET_WM_PID", False);

    const auto property = [this](::Window window, Atom name, Atom type, QByteArray* bytes, unsigned long* count) {
        Atom actualType = 0;
        int format = 0;
        unsigned long items = 0;
        unsigned long after = 0;
        unsigned char* data = nullptr;
        const int status = XGetWindowProperty(m_display, window, name, 0, 1 << 20, False, type, &actualType, &format,
                                              &items, &after, &data);
        if (status != Success || !data || actualType == 0) {
            if (data)
                XFree(data);
            return false;
        }
        const int unit = format == 32 ? int(sizeof(long)) : format / 8;
        *bytes = QByteArray(reinterpret_cast<const char*>(data), qsizetype(items) * unit);
        *count = items;
        XFree(data);
        return true;
    };

    QByteArray listBytes;
    unsigned long count = 0;
    if (!property(root, clientList, XA_WINDOW, &listBytes, &count)) {
        *error = QStringLiteral("window.find: the window manager does not list its windows (_NET_CLIENT_LIST)");
        return {};
    }
    QList<Window> found;
    const auto* ids = reinterpret_cast<const long*>(listBytes.constData());
    for (unsigned long i = 0; i < count; ++i) {
        const ::Window id = ::Window(ids[i]);
        Window window{quint64(id), {}, 0};
        QByteArray bytes;
        unsigned long n = 0;
        if (property(id, netWmName, utf8, &bytes, &n)) {
            window.title = QString::fromUtf8(bytes);
        } else {
            char* name = nullptr;
            if (XFetchName(m_display, id, &name) && name) {
                window.title = QString::fromLocal8Bit(name);
                XFree(name);
            }
        }
        if (property(id, netWmPid, XA_CARDINAL, &bytes, &n) && n > 0)
            window.pid = *reinterpret_cast<const long*>(bytes.constData());
        if (expression.match(window.title).hasMatch())
            found.append(window);
    }
    return found;
}

QString X11Desktop::clientMessage(quint64 window, const char* type, long l0, long l1, long l2) {
    XEvent event{};
    event.xclient.type = ClientMessage;
    event.xclient.window = ::Window(window);
    event.xclient.message_type = XInternAtom(m_display, type, False);
    event.xclient.format = 32;
    event.xclient.data.l[0] = l0;
    event.xclient.data.l[1] = l1;
    event.xclient.data.l[2] = l2;
    t_lastError = 0;
    XSendEvent(m_display, DefaultRootWindow(m_display), False, SubstructureRedirectMask | SubstructureNotifyMask,
               &event);
    XSync(m_display, False);
    return t_lastError ? QStringLiteral("no window with id %1").arg(window) : QString();
}

QString X11Desktop::activate(quint64 id) {
    t_lastError = 0;
    XWindowAttributes attributes;
    if (!XGetWindowAttributes(m_display, ::Window(id), &attributes) || t_lastError)
        return QStringLiteral("window.activate: no window with id %1").arg(id);
    // 2 = the request comes from a pager-like tool acting for the user, which window managers honour.
    const QString error = clientMessage(id, "_NET_ACTIVE_WINDOW", 2, CurrentTime, 0);
    XRaiseWindow(m_display, ::Window(id));
    XSync(m_display, False);
    return error.isEmpty() ? QString() : QStringLiteral("window.activate: ") + error;
}

QString X11Desktop::close(quint64 id) {
    t_lastError = 0;
    XWindowAttributes attributes;
    if (!XGetWindowAttributes(m_display, ::Window(id), &attributes) || t_lastError)
        return QStringLiteral("window.close: no window with id %1").arg(id);
    const QString error = clientMessage(id, "_NET_CLOSE_WINDOW", CurrentTime, 2, 0);
    return error.isEmpty() ? QString() : QStringLiteral("window.close: ") + error;
}

QString X11Desktop::capture(const QString& path) {
    const ::Window root = DefaultRootWindow(m_display);
    XWindowAttributes attributes;
    XGetWindowAttributes(m_display, root, &attributes);
    XImage* image =
        XGetImage(m_display, root, 0, 0, unsigned(attributes.width), unsigned(attributes.height), AllPlanes, ZPixmap);
    if (!image)
        return QStringLiteral("screen.capture: cannot read the screen");
    QImage result;
    if (image->bits_per_pixel == 32) {
        result = QImage(reinterpret_cast<const uchar*>(image->data), image->width, image->height, image->bytes_per_line,
                        QImage::Format_RGB32)
                     .copy();
    } else {
        result = QImage(image->width, image->height, QImage::Format_RGB32);
        for (int y = 0; y < image->height; ++y) {
            for (int x = 0; x < image->width; ++x) {
                const unsigned long pixel = XGetPixel(image, x, y);
                result.setPixel(x, y,
                                qRgb(int((pixel & image->red_mask) * 255 / std::max(image->red_mask, 1ul)),
                                     int((pixel & image->green_mask) * 255 / std::max(image->green_mask, 1ul)),
                                     int((pixel & image->blue_mask) * 255 / std::max(image->blue_mask, 1ul))));
            }
        }
    }
    XDestroyImage(image);
    if (!result.save(path, "PNG"))
        return QStringLiteral("screen.capture: cannot write %1").arg(path);
    return {};
}

} // namespace mr::agent
