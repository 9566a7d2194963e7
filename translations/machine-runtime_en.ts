<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>mr::ui::DashboardPage</name>
    <message numerus="yes">
        <source>%n run(s) succeeded</source>
        <translation>
            <numerusform>%n run succeeded</numerusform>
            <numerusform>%n runs succeeded</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n run(s) failed</source>
        <translation>
            <numerusform>%n run failed</numerusform>
            <numerusform>%n runs failed</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Desktop flows not running — %n run(s) wait because %1 has a session on this machine. %2 minutes left.</source>
        <translation>
            <numerusform>Desktop flows not running — %n run waits because %1 has a session on this machine. %2 minutes left.</numerusform>
            <numerusform>Desktop flows not running — %n runs wait because %1 has a session on this machine. %2 minutes left.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Desktop flows not running — %n run(s) wait because %1 has a locked session on this machine. %2 minutes left.</source>
        <translation>
            <numerusform>Desktop flows not running — %n run waits because %1 has a locked session on this machine. %2 minutes left.</numerusform>
            <numerusform>Desktop flows not running — %n runs wait because %1 has a locked session on this machine. %2 minutes left.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Desktop flows not running — %n run(s) wait because %1 has a disconnected session on this machine. %2 minutes left.</source>
        <translation>
            <numerusform>Desktop flows not running — %n run waits because %1 has a disconnected session on this machine. %2 minutes left.</numerusform>
            <numerusform>Desktop flows not running — %n runs wait because %1 has a disconnected session on this machine. %2 minutes left.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Desktop flows not running — %n run(s) wait because %1 has an active session on this machine. %2 minutes left.</source>
        <translation>
            <numerusform>Desktop flows not running — %n run waits because %1 has an active session on this machine. %2 minutes left.</numerusform>
            <numerusform>Desktop flows not running — %n runs wait because %1 has an active session on this machine. %2 minutes left.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>mr::ui::JsonTableModel</name>
    <message numerus="yes">
        <source>Reconnecting in %n s</source>
        <translation>
            <numerusform>Reconnecting in %n s</numerusform>
            <numerusform>Reconnecting in %n s</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>mr::ui::MachinePage</name>
    <message numerus="yes">
        <source>Created %n day(s) ago.</source>
        <translation>
            <numerusform>Created %n day ago.</numerusform>
            <numerusform>Created %n days ago.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>mr::ui::MainWindow</name>
    <message numerus="yes">
        <source>%n flow(s) running on this PC: %1.</source>
        <translation>
            <numerusform>A flow is running on this PC: %1.</numerusform>
            <numerusform>%n flows are running on this PC: %1.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>mr::ui::RunsModel</name>
    <message numerus="yes">
        <source>%n s</source>
        <translation>
            <numerusform>%n s</numerusform>
            <numerusform>%n s</numerusform>
        </translation>
    </message>
</context>
</TS>
