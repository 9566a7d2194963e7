<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>QObject</name>
    <message>
        <source>Cannot remove %1.</source>
        <translation>%1 kann nicht entfernt werden.</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Machine Runtime: runs your organisation&apos;s desktop flows on this PC.</source>
        <translation>Machine Runtime: führt die Desktop-Flows Ihrer Organisation auf diesem PC aus.</translation>
    </message>
    <message>
        <source>The orchestrator&apos;s address.</source>
        <translation>Die Adresse des Orchestrators.</translation>
    </message>
</context>
<context>
    <name>mr::agent::AgentWorker</name>
    <message>
        <source>You may not register machines in any environment yet. Ask your administrator for the Environment Maker or Desktop Flows Machine Owner role.</source>
        <translation>Sie dürfen noch in keiner Umgebung Maschinen registrieren. Bitten Sie Ihre Administration um die Rolle „Environment Maker“ oder „Desktop Flows Machine Owner“.</translation>
    </message>
    <message>
        <source>Choose the environment this machine runs flows for.</source>
        <translation>Wählen Sie die Umgebung, für die diese Maschine Flows ausführt.</translation>
    </message>
    <message>
        <source>Cannot keep this machine&apos;s identity on disk.</source>
        <translation>Die Identität dieser Maschine kann nicht auf dem Datenträger gespeichert werden.</translation>
    </message>
    <message>
        <source>This machine could not be registered in %1.</source>
        <translation>Diese Maschine konnte nicht in %1 registriert werden.</translation>
    </message>
    <message>
        <source>You need the Environment Maker or Desktop Flows Machine Owner role in %1 to register this machine.</source>
        <translation>Sie benötigen in %1 die Rolle „Environment Maker“ oder „Desktop Flows Machine Owner“, um diese Maschine zu registrieren.</translation>
    </message>
    <message>
        <source>A machine with this name already exists in %1. Choose another name.</source>
        <translation>In %1 gibt es bereits eine Maschine mit diesem Namen. Wählen Sie einen anderen Namen.</translation>
    </message>
    <message>
        <source>This machine could not be registered.</source>
        <translation>Diese Maschine konnte nicht registriert werden.</translation>
    </message>
    <message>
        <source>This machine&apos;s key is missing from the keychain. Register this machine anew.</source>
        <translation>Der Schlüssel dieser Maschine fehlt im Schlüsselbund. Registrieren Sie diese Maschine neu.</translation>
    </message>
    <message>
        <source>This PC no longer matches its registration (a cloned disk or a reset PC?), or the registration was deleted. Register this machine anew to go on.</source>
        <translation>Dieser PC passt nicht mehr zu seiner Registrierung (geklonter Datenträger oder zurückgesetzter PC?), oder die Registrierung wurde gelöscht. Registrieren Sie diese Maschine neu, um fortzufahren.</translation>
    </message>
    <message>
        <source>Choose the environment to register this machine in.</source>
        <translation>Wählen Sie die Umgebung, in der diese Maschine registriert werden soll.</translation>
    </message>
    <message>
        <source>The changes could not be saved.</source>
        <translation>Die Änderungen konnten nicht gespeichert werden.</translation>
    </message>
    <message>
        <source>%1 on %2</source>
        <translation>%1 auf %2</translation>
    </message>
    <message>
        <source>The run is queued for this machine.</source>
        <translation>Die Ausführung steht für diese Maschine in der Warteschlange.</translation>
    </message>
    <message>
        <source>The server didn&apos;t answer (%1). Check your network; Machine Runtime keeps trying.</source>
        <translation>Der Server hat nicht geantwortet (%1). Prüfen Sie Ihr Netzwerk; Machine Runtime versucht es weiter.</translation>
    </message>
    <message>
        <source>Cannot cancel the run: %1</source>
        <translation>Der Lauf kann nicht abgebrochen werden: %1</translation>
    </message>
    <message>
        <source>Cannot show the run: %1</source>
        <translation>Der Lauf kann nicht angezeigt werden: %1</translation>
    </message>
</context>
<context>
    <name>mr::agent::SignInFlow</name>
    <message>
        <source>Signing in took too long. Try again.</source>
        <translation>Die Anmeldung hat zu lange gedauert. Versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>That is not a server address. Enter one such as https://orchestrator.example.org.</source>
        <translation>Das ist keine Serveradresse. Geben Sie eine Adresse wie https://orchestrator.example.org ein.</translation>
    </message>
    <message>
        <source>This address is not encrypted (http). Your password and tokens could be read on the way.</source>
        <translation>Diese Adresse ist nicht verschlüsselt (http). Ihr Passwort und Ihre Tokens könnten unterwegs mitgelesen werden.</translation>
    </message>
    <message>
        <source>Cannot wait for the browser on this PC.</source>
        <translation>Auf diesem PC kann nicht auf den Browser gewartet werden.</translation>
    </message>
    <message>
        <source>Signed in. You can close this tab and return to Machine Runtime.</source>
        <translation>Angemeldet. Sie können diesen Tab schließen und zu Machine Runtime zurückkehren.</translation>
    </message>
    <message>
        <source>The server refused the sign-in. Try again.</source>
        <translation>Der Server hat die Anmeldung abgelehnt. Versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>The server didn&apos;t answer. Check the address and your network.</source>
        <translation>Der Server hat nicht geantwortet. Prüfen Sie die Adresse und Ihr Netzwerk.</translation>
    </message>
    <message>
        <source>Signed in, but the keychain cannot keep your session. Unlock or set up the keychain and try again.</source>
        <translation>Angemeldet, aber der Schlüsselbund kann Ihre Sitzung nicht speichern. Entsperren oder richten Sie den Schlüsselbund ein und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>Sign in to continue.</source>
        <translation>Melden Sie sich an, um fortzufahren.</translation>
    </message>
    <message>
        <source>Your session has ended. Sign in again.</source>
        <translation>Ihre Sitzung ist abgelaufen. Melden Sie sich erneut an.</translation>
    </message>
</context>
<context>
    <name>mr::ui::DashboardPage</name>
    <message>
        <source>Connection</source>
        <translation>Verbindung</translation>
    </message>
    <message>
        <source>Sessions</source>
        <translation>Sitzungen</translation>
    </message>
    <message>
        <source>No user is signed in to this machine.</source>
        <translation>An dieser Maschine ist niemand angemeldet.</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>Heute</translation>
    </message>
    <message>
        <source>Recommendations</source>
        <translation>Empfehlungen</translation>
    </message>
    <message>
        <source>Disconnect users</source>
        <translation>Benutzer trennen</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Cancel run</source>
        <translation>Ausführung abbrechen</translation>
    </message>
    <message>
        <source>&lt;b&gt;Running now&lt;/b&gt;</source>
        <translation>&lt;b&gt;Läuft gerade&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Queued for this machine&lt;/b&gt;</source>
        <translation>&lt;b&gt;Für diese Maschine in der Warteschlange&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Recent runs&lt;/b&gt;</source>
        <translation>&lt;b&gt;Letzte Ausführungen&lt;/b&gt;</translation>
    </message>
    <message>
        <source>No runs yet. Runs started from the orchestrator or from Flows appear here.</source>
        <translation>Noch keine Ausführungen. Ausführungen, die im Orchestrator oder unter „Flows“ gestartet werden, erscheinen hier.</translation>
    </message>
    <message>
        <source>since %1</source>
        <translation>seit %1</translation>
    </message>
    <message numerus="yes">
        <source>%n run(s) succeeded</source>
        <translation>
            <numerusform>%n Ausführung erfolgreich</numerusform>
            <numerusform>%n Ausführungen erfolgreich</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n run(s) failed</source>
        <translation>
            <numerusform>%n Ausführung fehlgeschlagen</numerusform>
            <numerusform>%n Ausführungen fehlgeschlagen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Desktop flows not running — %n run(s) wait because %1 has a session on this machine. %2 minutes left.</source>
        <translation>
            <numerusform>Desktop-Flows laufen nicht — %n Ausführung wartet, weil %1 eine Sitzung auf dieser Maschine hat. Noch %2 Minuten.</numerusform>
            <numerusform>Desktop-Flows laufen nicht — %n Ausführungen warten, weil %1 eine Sitzung auf dieser Maschine hat. Noch %2 Minuten.</numerusform>
        </translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>Flow details</source>
        <translation>Flow-Details</translation>
    </message>
    <message>
        <source>Run details</source>
        <translation>Laufdetails</translation>
    </message>
    <message numerus="yes">
        <source>Desktop flows not running — %n run(s) wait because %1 has a locked session on this machine. %2 minutes left.</source>
        <translation>
            <numerusform>Desktop-Flows laufen nicht — %n Ausführung wartet, weil %1 eine gesperrte Sitzung auf dieser Maschine hat. Noch %2 Minuten.</numerusform>
            <numerusform>Desktop-Flows laufen nicht — %n Ausführungen warten, weil %1 eine gesperrte Sitzung auf dieser Maschine hat. Noch %2 Minuten.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Desktop flows not running — %n run(s) wait because %1 has a disconnected session on this machine. %2 minutes left.</source>
        <translation>
            <numerusform>Desktop-Flows laufen nicht — %n Ausführung wartet, weil %1 eine getrennte Sitzung auf dieser Maschine hat. Noch %2 Minuten.</numerusform>
            <numerusform>Desktop-Flows laufen nicht — %n Ausführungen warten, weil %1 eine getrennte Sitzung auf dieser Maschine hat. Noch %2 Minuten.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Desktop flows not running — %n run(s) wait because %1 has an active session on this machine. %2 minutes left.</source>
        <translation>
            <numerusform>Desktop-Flows laufen nicht — %n Ausführung wartet, weil %1 eine aktive Sitzung auf dieser Maschine hat. Noch %2 Minuten.</numerusform>
            <numerusform>Desktop-Flows laufen nicht — %n Ausführungen warten, weil %1 eine aktive Sitzung auf dieser Maschine hat. Noch %2 Minuten.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>mr::ui::EnvironmentModel</name>
    <message>
        <source>Environment Admin</source>
        <translation>Environment Admin</translation>
    </message>
    <message>
        <source>Environment Maker</source>
        <translation>Environment Maker</translation>
    </message>
    <message>
        <source>Desktop Flows Machine Owner</source>
        <translation>Desktop Flows Machine Owner</translation>
    </message>
    <message>
        <source>Desktop Flows Machine User</source>
        <translation>Desktop Flows Machine User</translation>
    </message>
    <message>
        <source>Desktop Flows Machine User Can Share</source>
        <translation>Desktop Flows Machine User Can Share</translation>
    </message>
    <message>
        <source>Environment</source>
        <translation>Umgebung</translation>
    </message>
    <message>
        <source>Your roles</source>
        <translation>Ihre Rollen</translation>
    </message>
    <message>
        <source>Needs Environment Maker or Desktop Flows Machine Owner</source>
        <translation>Erfordert „Environment Maker“ oder „Desktop Flows Machine Owner“</translation>
    </message>
    <message>
        <source>no role</source>
        <translation>keine Rolle</translation>
    </message>
</context>
<context>
    <name>mr::ui::EnvironmentPage</name>
    <message>
        <source>Choose an environment</source>
        <translation>Umgebung wählen</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>You are not a member of any environment yet. Ask your administrator to add you, then sign in again.</source>
        <translation>Sie sind noch in keiner Umgebung Mitglied. Bitten Sie Ihre Administration, Sie hinzuzufügen, und melden Sie sich dann erneut an.</translation>
    </message>
    <message>
        <source>Machine name</source>
        <translation>Maschinenname</translation>
    </message>
    <message>
        <source>Register this machine</source>
        <translation>Diese Maschine registrieren</translation>
    </message>
    <message>
        <source>Register anew</source>
        <translation>Neu registrieren</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>Abmelden</translation>
    </message>
    <message>
        <source>Registration details</source>
        <translation>Details zur Registrierung</translation>
    </message>
    <message>
        <source>Registering this machine…</source>
        <translation>Diese Maschine wird registriert…</translation>
    </message>
</context>
<context>
    <name>mr::ui::FlowsModel</name>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Beschreibung</translation>
    </message>
    <message>
        <source>Last run</source>
        <translation>Letzte Ausführung</translation>
    </message>
    <message>
        <source>Never run here</source>
        <translation>Hier noch nie ausgeführt</translation>
    </message>
</context>
<context>
    <name>mr::ui::FlowsPage</name>
    <message>
        <source>Search flows…</source>
        <translation>Flows durchsuchen…</translation>
    </message>
    <message>
        <source>No flows in this environment yet. Flows made on the orchestrator appear here.</source>
        <translation>Noch keine Flows in dieser Umgebung. Im Orchestrator erstellte Flows erscheinen hier.</translation>
    </message>
    <message>
        <source>Run…</source>
        <translation>Ausführen…</translation>
    </message>
    <message>
        <source>Starting %1…</source>
        <translation>%1 wird gestartet…</translation>
    </message>
</context>
<context>
    <name>mr::ui::JsonTableModel</name>
    <message>
        <source>Queued</source>
        <translation>In der Warteschlange</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>Läuft</translation>
    </message>
    <message>
        <source>Cancelling</source>
        <translation>Wird abgebrochen</translation>
    </message>
    <message>
        <source>Succeeded</source>
        <translation>Erfolgreich</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <source>Signed out</source>
        <translation>Abgemeldet</translation>
    </message>
    <message>
        <source>Registering…</source>
        <translation>Registrierung…</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Verbindung wird hergestellt…</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>Online</translation>
    </message>
    <message numerus="yes">
        <source>Reconnecting in %n s</source>
        <translation>
            <numerusform>Neuer Versuch in %n s</numerusform>
            <numerusform>Neuer Versuch in %n s</numerusform>
        </translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Offline</translation>
    </message>
    <message>
        <source>Maintenance</source>
        <translation>Wartung</translation>
    </message>
</context>
<context>
    <name>mr::ui::MachinePage</name>
    <message>
        <source>Maintenance mode — no new runs are assigned to this machine; runs in progress continue.</source>
        <translation>Wartungsmodus — dieser Maschine werden keine neuen Ausführungen zugewiesen; laufende Ausführungen werden fortgesetzt.</translation>
    </message>
    <message>
        <source>Loading this machine&apos;s settings…</source>
        <translation>Einstellungen dieser Maschine werden geladen…</translation>
    </message>
    <message>
        <source>Optional</source>
        <translation>Optional</translation>
    </message>
    <message>
        <source>Change…</source>
        <translation>Ändern…</translation>
    </message>
    <message>
        <source>Reuse the signed-in session for unattended runs</source>
        <translation>Angemeldete Sitzung für unbeaufsichtigte Ausführungen wiederverwenden</translation>
    </message>
    <message>
        <source>Show recommendations when sessions block runs</source>
        <translation>Empfehlungen anzeigen, wenn Sitzungen Ausführungen blockieren</translation>
    </message>
    <message>
        <source>Kept in this PC&apos;s keychain; the private key never leaves it.</source>
        <translation>Im Schlüsselbund dieses PCs gespeichert; der private Schlüssel verlässt ihn nie.</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Beschreibung</translation>
    </message>
    <message>
        <source>Environment</source>
        <translation>Umgebung</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>Gruppe</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>Unattended bots</source>
        <translation>Unbeaufsichtigte Bots</translation>
    </message>
    <message>
        <source>Reuse sessions</source>
        <translation>Sitzungen wiederverwenden</translation>
    </message>
    <message>
        <source>Session recommendations</source>
        <translation>Sitzungsempfehlungen</translation>
    </message>
    <message>
        <source>Machine key</source>
        <translation>Maschinenschlüssel</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Speichern</translation>
    </message>
    <message>
        <source>Revert</source>
        <translation>Zurücksetzen</translation>
    </message>
    <message>
        <source>Not in a group</source>
        <translation>In keiner Gruppe</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>Online</translation>
    </message>
    <message>
        <source>Maintenance</source>
        <translation>Wartung</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Offline</translation>
    </message>
    <message>
        <source>Only the machine&apos;s owner (%1) or its co-owners can change this.</source>
        <translation>Nur die Eigentümerin bzw. der Eigentümer der Maschine (%1) oder ihre Miteigentümer können das ändern.</translation>
    </message>
    <message>
        <source>Set by the group %1; its co-owners change it there.</source>
        <translation>Von der Gruppe %1 festgelegt; deren Mitbesitzer ändern es dort.</translation>
    </message>
    <message>
        <source>Rotation requested — this PC makes a new key the next time it connects.</source>
        <translation>Rotation angefordert — dieser PC erzeugt beim nächsten Verbinden einen neuen Schlüssel.</translation>
    </message>
    <message>
        <source>Created today.</source>
        <translation>Heute erstellt.</translation>
    </message>
    <message numerus="yes">
        <source>Created %n day(s) ago.</source>
        <translation>
            <numerusform>Vor %n Tag erstellt.</numerusform>
            <numerusform>Vor %n Tagen erstellt.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>mr::ui::MainWindow</name>
    <message>
        <source>Machine Runtime</source>
        <translation>Machine Runtime</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>Übersicht</translation>
    </message>
    <message>
        <source>Flows</source>
        <translation>Flows</translation>
    </message>
    <message>
        <source>Machine</source>
        <translation>Maschine</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Start at login</source>
        <translation>Beim Anmelden starten</translation>
    </message>
    <message>
        <source>Cannot change the start at login setting: %1</source>
        <translation>Die Einstellung „Beim Anmelden starten“ kann nicht geändert werden: %1</translation>
    </message>
    <message>
        <source>Signing in…</source>
        <translation>Anmeldung…</translation>
    </message>
    <message>
        <source>Unencrypted connection</source>
        <translation>Unverschlüsselte Verbindung</translation>
    </message>
    <message>
        <source>Sign in anyway?</source>
        <translation>Trotzdem anmelden?</translation>
    </message>
    <message>
        <source>Sign in anyway</source>
        <translation>Trotzdem anmelden</translation>
    </message>
    <message>
        <source>Registering this machine…</source>
        <translation>Diese Maschine wird registriert…</translation>
    </message>
    <message>
        <source>Change environment</source>
        <translation>Umgebung ändern</translation>
    </message>
    <message>
        <source>There is no other environment where you may register machines.</source>
        <translation>Es gibt keine andere Umgebung, in der Sie Maschinen registrieren dürfen.</translation>
    </message>
    <message>
        <source>All connections to this machine will be removed.
Move this machine to:</source>
        <translation>Alle Verbindungen zu dieser Maschine werden entfernt.
Maschine verschieben nach:</translation>
    </message>
    <message>
        <source>Move machine</source>
        <translation>Maschine verschieben</translation>
    </message>
    <message>
        <source>Machine Runtime: %1</source>
        <translation>Machine Runtime: %1</translation>
    </message>
    <message>
        <source>Open Machine Runtime</source>
        <translation>Machine Runtime öffnen</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Beenden</translation>
    </message>
    <message>
        <source>A flow</source>
        <translation>Ein Flow</translation>
    </message>
    <message>
        <source>%1 started</source>
        <translation>%1 gestartet</translation>
    </message>
    <message>
        <source>%1 finished in %2</source>
        <translation>%1 in %2 abgeschlossen</translation>
    </message>
    <message>
        <source>%1 failed: %2</source>
        <translation>%1 fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>Machine Runtime keeps running in the tray so your flows can run. Quit it from the tray menu.</source>
        <translation>Machine Runtime läuft im Infobereich weiter, damit Ihre Flows ausgeführt werden können. Beenden Sie es über das Menü im Infobereich.</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>The flow of this run is no longer in this environment.</source>
        <translation>Der Flow dieses Laufs ist nicht mehr in dieser Umgebung.</translation>
    </message>
    <message>
        <source>Not encrypted: anyone on the network can read this connection</source>
        <translation>Nicht verschlüsselt: Jeder im Netzwerk kann diese Verbindung mitlesen</translation>
    </message>
    <message>
        <source>Quit Machine Runtime</source>
        <translation>Machine Runtime beenden</translation>
    </message>
    <message numerus="yes">
        <source>%n flow(s) running on this PC: %1.</source>
        <translation>
            <numerusform>Auf diesem PC läuft ein Flow: %1.</numerusform>
            <numerusform>Auf diesem PC laufen %n Flows: %1.</numerusform>
        </translation>
    </message>
    <message>
        <source>If you quit, they get 10 seconds to finish and are then cancelled. No new runs start here until Machine Runtime runs again.</source>
        <translation>Wenn Sie beenden, haben sie 10 Sekunden, um fertig zu werden, und werden dann abgebrochen. Bis Machine Runtime wieder läuft, starten hier keine neuen Läufe.</translation>
    </message>
    <message>
        <source>Quit anyway</source>
        <translation>Trotzdem beenden</translation>
    </message>
    <message>
        <source>%1 was cancelled</source>
        <translation>%1 wurde abgebrochen</translation>
    </message>
    <message>
        <source>A flow asks</source>
        <translation>Ein Flow fragt</translation>
    </message>
    <message>
        <source>%1 asks</source>
        <translation>%1 fragt</translation>
    </message>
</context>
<context>
    <name>mr::ui::RunDetailsDialog</name>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Run of %1</source>
        <translation>Ausführung von %1</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; · version %2</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; · Version %2</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Machine</source>
        <translation>Maschine</translation>
    </message>
    <message>
        <source>Triggered by</source>
        <translation>Ausgelöst von</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>In der Warteschlange</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Gestartet</translation>
    </message>
    <message>
        <source>Ended</source>
        <translation>Beendet</translation>
    </message>
    <message>
        <source>No inputs.</source>
        <translation>Keine Eingaben.</translation>
    </message>
    <message>
        <source>Inputs</source>
        <translation>Eingaben</translation>
    </message>
    <message>
        <source>No outputs.</source>
        <translation>Keine Ausgaben.</translation>
    </message>
    <message>
        <source>Outputs</source>
        <translation>Ausgaben</translation>
    </message>
    <message>
        <source>Filter the log…</source>
        <translation>Protokoll filtern…</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Loading the log…</source>
        <translation>Protokoll wird geladen…</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>Protokoll</translation>
    </message>
    <message>
        <source>Script line %1</source>
        <translation>Skriptzeile %1</translation>
    </message>
    <message>
        <source>Error code: %1</source>
        <translation>Fehlercode: %1</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>This run wrote nothing to its log.</source>
        <translation>Diese Ausführung hat nichts protokolliert.</translation>
    </message>
</context>
<context>
    <name>mr::ui::RunFlowDialog</name>
    <message>
        <source>Run %1</source>
        <translation>%1 ausführen</translation>
    </message>
    <message>
        <source>JSON list, e.g. [1, 2]</source>
        <translation>JSON-Liste, z. B. [1, 2]</translation>
    </message>
    <message>
        <source>JSON object, e.g. {&quot;key&quot;: &quot;value&quot;}</source>
        <translation>JSON-Objekt, z. B. {&quot;key&quot;: &quot;value&quot;}</translation>
    </message>
    <message>
        <source>%1 (optional)</source>
        <translation>%1 (optional)</translation>
    </message>
    <message>
        <source>This flow needs no inputs.</source>
        <translation>Dieser Flow benötigt keine Eingaben.</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Starten</translation>
    </message>
    <message>
        <source>Fill in: %1</source>
        <translation>Bitte ausfüllen: %1</translation>
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
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <source>Flow</source>
        <translation>Flow</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Gestartet</translation>
    </message>
    <message>
        <source>Elapsed</source>
        <translation>Dauer bisher</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Priorität</translation>
    </message>
    <message>
        <source>Queued since</source>
        <translation>Wartet seit</translation>
    </message>
    <message>
        <source>Times out in</source>
        <translation>Zeitüberschreitung in</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>Flow %1</source>
        <translation>Flow %1</translation>
    </message>
    <message>
        <source>High</source>
        <translation>Hoch</translation>
    </message>
    <message>
        <source>Normal</source>
        <translation>Normal</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>Fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Current action</source>
        <translation>Aktuelle Aktion</translation>
    </message>
</context>
<context>
    <name>mr::ui::SessionsModel</name>
    <message>
        <source>User</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>Signed in to the app</source>
        <translation>In der App angemeldet</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>active</source>
        <translation>aktiv</translation>
    </message>
    <message>
        <source>locked</source>
        <translation>gesperrt</translation>
    </message>
    <message>
        <source>disconnected</source>
        <translation>getrennt</translation>
    </message>
</context>
<context>
    <name>mr::ui::SettingsPage</name>
    <message>
        <source>Follow the system</source>
        <translation>Wie das System</translation>
    </message>
    <message>
        <source>Start Machine Runtime when I sign in to this PC</source>
        <translation>Machine Runtime starten, wenn ich mich an diesem PC anmelde</translation>
    </message>
    <message>
        <source>Sign out to sign in to another server.</source>
        <translation>Melden Sie sich ab, um sich an einem anderen Server anzumelden.</translation>
    </message>
    <message>
        <source>Sign out…</source>
        <translation>Abmelden…</translation>
    </message>
    <message>
        <source>Open log folder</source>
        <translation>Protokollordner öffnen</translation>
    </message>
    <message>
        <source>General</source>
        <translation>Allgemein</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <source>Start at login</source>
        <translation>Beim Anmelden starten</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Konto</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>Serveradresse</translation>
    </message>
    <message>
        <source>Signed in as</source>
        <translation>Angemeldet als</translation>
    </message>
    <message>
        <source>About</source>
        <translation>Über</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>Abmelden</translation>
    </message>
    <message>
        <source>Sign out of Machine Runtime? This PC stops running your flows until you sign in again, and your sign-in tokens are removed from the keychain.</source>
        <translation>Von Machine Runtime abmelden? Dieser PC führt Ihre Flows erst nach der nächsten Anmeldung wieder aus, und Ihre Anmelde-Tokens werden aus dem Schlüsselbund entfernt.</translation>
    </message>
    <message>
        <source>Machine Runtime %1 · Qt %2&lt;br&gt;Third-party licences: Qt (LGPL 3), QtKeychain (BSD), libsodium (ISC).</source>
        <translation>Machine Runtime %1 · Qt %2&lt;br&gt;Lizenzen von Drittanbietern: Qt (LGPL 3), QtKeychain (BSD), libsodium (ISC).</translation>
    </message>
</context>
<context>
    <name>mr::ui::SignInPage</name>
    <message>
        <source>Sign in to your organisation&apos;s orchestrator</source>
        <translation>Am Orchestrator Ihrer Organisation anmelden</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>Serveradresse</translation>
    </message>
    <message>
        <source>https://orchestrator.example.org</source>
        <translation>https://orchestrator.example.org</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Anmelden</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>Finish signing in in your browser…</source>
        <translation>Schließen Sie die Anmeldung im Browser ab…</translation>
    </message>
    <message>
        <source>Browser didn&apos;t open? Copy the sign-in link</source>
        <translation>Browser nicht geöffnet? Anmeldelink kopieren</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Link copied. Paste it into your browser&apos;s address bar.</source>
        <translation>Link kopiert. Fügen Sie ihn in die Adressleiste Ihres Browsers ein.</translation>
    </message>
    <message>
        <source>Sign-in details</source>
        <translation>Details zur Anmeldung</translation>
    </message>
    <message>
        <source>The address your administrator gave you.</source>
        <translation>Die Adresse, die Sie von Ihrer Administration erhalten haben.</translation>
    </message>
    <message>
        <source>Enter an address such as https://orchestrator.example.org.</source>
        <translation>Geben Sie eine Adresse wie https://orchestrator.example.org ein.</translation>
    </message>
    <message>
        <source>This address is not encrypted (http). Use https unless the server is on this PC.</source>
        <translation>Diese Adresse ist nicht verschlüsselt (http). Verwenden Sie https, außer der Server läuft auf diesem PC.</translation>
    </message>
</context>
</TS>
