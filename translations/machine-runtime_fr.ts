<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
<context>
    <name>QObject</name>
    <message>
        <source>Cannot remove %1.</source>
        <translation>Impossible de supprimer %1.</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Machine Runtime: runs your organisation&apos;s desktop flows on this PC.</source>
        <translation>Machine Runtime : exécute les flux de bureau de votre organisation sur ce PC.</translation>
    </message>
    <message>
        <source>The orchestrator&apos;s address.</source>
        <translation>L&apos;adresse de l&apos;orchestrateur.</translation>
    </message>
</context>
<context>
    <name>mr::agent::AgentWorker</name>
    <message>
        <source>You may not register machines in any environment yet. Ask your administrator for the Environment Maker or Desktop Flows Machine Owner role.</source>
        <translation>Vous ne pouvez encore inscrire de machine dans aucun environnement. Demandez à votre administrateur le rôle Environment Maker ou Desktop Flows Machine Owner.</translation>
    </message>
    <message>
        <source>Choose the environment this machine runs flows for.</source>
        <translation>Choisissez l&apos;environnement pour lequel cette machine exécute des flux.</translation>
    </message>
    <message>
        <source>Cannot keep this machine&apos;s identity on disk.</source>
        <translation>Impossible d&apos;enregistrer l&apos;identité de cette machine sur le disque.</translation>
    </message>
    <message>
        <source>This machine could not be registered in %1.</source>
        <translation>Cette machine n&apos;a pas pu être inscrite dans %1.</translation>
    </message>
    <message>
        <source>You need the Environment Maker or Desktop Flows Machine Owner role in %1 to register this machine.</source>
        <translation>Il vous faut le rôle Environment Maker ou Desktop Flows Machine Owner dans %1 pour inscrire cette machine.</translation>
    </message>
    <message>
        <source>A machine with this name already exists in %1. Choose another name.</source>
        <translation>Une machine portant ce nom existe déjà dans %1. Choisissez un autre nom.</translation>
    </message>
    <message>
        <source>This machine could not be registered.</source>
        <translation>Cette machine n&apos;a pas pu être inscrite.</translation>
    </message>
    <message>
        <source>This machine&apos;s key is missing from the keychain. Register this machine anew.</source>
        <translation>La clé de cette machine est absente du trousseau. Inscrivez de nouveau cette machine.</translation>
    </message>
    <message>
        <source>This PC no longer matches its registration (a cloned disk or a reset PC?), or the registration was deleted. Register this machine anew to go on.</source>
        <translation>Ce PC ne correspond plus à son inscription (disque cloné ou PC réinitialisé ?), ou l&apos;inscription a été supprimée. Inscrivez de nouveau cette machine pour continuer.</translation>
    </message>
    <message>
        <source>Choose the environment to register this machine in.</source>
        <translation>Choisissez l&apos;environnement dans lequel inscrire cette machine.</translation>
    </message>
    <message>
        <source>The changes could not be saved.</source>
        <translation>Les modifications n&apos;ont pas pu être enregistrées.</translation>
    </message>
    <message>
        <source>%1 on %2</source>
        <translation>%1 sur %2</translation>
    </message>
    <message>
        <source>The run is queued for this machine.</source>
        <translation>L&apos;exécution est en file d&apos;attente pour cette machine.</translation>
    </message>
    <message>
        <source>The server didn&apos;t answer (%1). Check your network; Machine Runtime keeps trying.</source>
        <translation>Le serveur n&apos;a pas répondu (%1). Vérifiez votre réseau ; Machine Runtime continue d&apos;essayer.</translation>
    </message>
    <message>
        <source>Cannot cancel the run: %1</source>
        <translation>Impossible d&apos;annuler l&apos;exécution : %1</translation>
    </message>
    <message>
        <source>Cannot show the run: %1</source>
        <translation>Impossible d&apos;afficher l&apos;exécution : %1</translation>
    </message>
</context>
<context>
    <name>mr::agent::SignInFlow</name>
    <message>
        <source>Signing in took too long. Try again.</source>
        <translation>La connexion a pris trop de temps. Réessayez.</translation>
    </message>
    <message>
        <source>That is not a server address. Enter one such as https://orchestrator.example.org.</source>
        <translation>Ce n&apos;est pas une adresse de serveur. Saisissez-en une comme https://orchestrator.example.org.</translation>
    </message>
    <message>
        <source>This address is not encrypted (http). Your password and tokens could be read on the way.</source>
        <translation>Cette adresse n&apos;est pas chiffrée (http). Votre mot de passe et vos jetons pourraient être lus en chemin.</translation>
    </message>
    <message>
        <source>Cannot wait for the browser on this PC.</source>
        <translation>Impossible d&apos;attendre le navigateur sur ce PC.</translation>
    </message>
    <message>
        <source>Signed in. You can close this tab and return to Machine Runtime.</source>
        <translation>Connecté. Vous pouvez fermer cet onglet et revenir à Machine Runtime.</translation>
    </message>
    <message>
        <source>The server refused the sign-in. Try again.</source>
        <translation>Le serveur a refusé la connexion. Réessayez.</translation>
    </message>
    <message>
        <source>The server didn&apos;t answer. Check the address and your network.</source>
        <translation>Le serveur n&apos;a pas répondu. Vérifiez l&apos;adresse et votre réseau.</translation>
    </message>
    <message>
        <source>Signed in, but the keychain cannot keep your session. Unlock or set up the keychain and try again.</source>
        <translation>Connecté, mais le trousseau ne peut pas conserver votre session. Déverrouillez ou configurez le trousseau et réessayez.</translation>
    </message>
    <message>
        <source>Sign in to continue.</source>
        <translation>Connectez-vous pour continuer.</translation>
    </message>
    <message>
        <source>Your session has ended. Sign in again.</source>
        <translation>Votre session a expiré. Reconnectez-vous.</translation>
    </message>
</context>
<context>
    <name>mr::ui::DashboardPage</name>
    <message>
        <source>Connection</source>
        <translation>Connexion</translation>
    </message>
    <message>
        <source>Sessions</source>
        <translation>Sessions</translation>
    </message>
    <message>
        <source>No user is signed in to this machine.</source>
        <translation>Aucun utilisateur n&apos;est connecté à cette machine.</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>Aujourd&apos;hui</translation>
    </message>
    <message>
        <source>Recommendations</source>
        <translation>Recommandations</translation>
    </message>
    <message>
        <source>Disconnect users</source>
        <translation>Déconnecter les utilisateurs</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Actualiser</translation>
    </message>
    <message>
        <source>Cancel run</source>
        <translation>Annuler l&apos;exécution</translation>
    </message>
    <message>
        <source>&lt;b&gt;Running now&lt;/b&gt;</source>
        <translation>&lt;b&gt;En cours&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Queued for this machine&lt;/b&gt;</source>
        <translation>&lt;b&gt;En file d&apos;attente pour cette machine&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Recent runs&lt;/b&gt;</source>
        <translation>&lt;b&gt;Exécutions récentes&lt;/b&gt;</translation>
    </message>
    <message>
        <source>No runs yet. Runs started from the orchestrator or from Flows appear here.</source>
        <translation>Aucune exécution pour l&apos;instant. Les exécutions lancées depuis l&apos;orchestrateur ou depuis Flux apparaissent ici.</translation>
    </message>
    <message>
        <source>since %1</source>
        <translation>depuis %1</translation>
    </message>
    <message numerus="yes">
        <source>%n run(s) succeeded</source>
        <translation>
            <numerusform>%n exécution réussie</numerusform>
            <numerusform>%n exécutions réussies</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n run(s) failed</source>
        <translation>
            <numerusform>%n exécution en échec</numerusform>
            <numerusform>%n exécutions en échec</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Desktop flows not running — %n run(s) wait because %1 has a session on this machine. %2 minutes left.</source>
        <translation>
            <numerusform>Flux de bureau à l&apos;arrêt — %n exécution attend car %1 a une session sur cette machine. Encore %2 minutes.</numerusform>
            <numerusform>Flux de bureau à l&apos;arrêt — %n exécutions attendent car %1 a une session sur cette machine. Encore %2 minutes.</numerusform>
        </translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Détails</translation>
    </message>
    <message>
        <source>Flow details</source>
        <translation>Détails du flux</translation>
    </message>
    <message>
        <source>Run details</source>
        <translation>Détails de l&apos;exécution</translation>
    </message>
    <message numerus="yes">
        <source>Desktop flows not running — %n run(s) wait because %1 has a locked session on this machine. %2 minutes left.</source>
        <translation>
            <numerusform>Flux de bureau à l&apos;arrêt — %n exécution attend car %1 a une session verrouillée sur cette machine. Encore %2 minutes.</numerusform>
            <numerusform>Flux de bureau à l&apos;arrêt — %n exécutions attendent car %1 a une session verrouillée sur cette machine. Encore %2 minutes.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Desktop flows not running — %n run(s) wait because %1 has a disconnected session on this machine. %2 minutes left.</source>
        <translation>
            <numerusform>Flux de bureau à l&apos;arrêt — %n exécution attend car %1 a une session déconnectée sur cette machine. Encore %2 minutes.</numerusform>
            <numerusform>Flux de bureau à l&apos;arrêt — %n exécutions attendent car %1 a une session déconnectée sur cette machine. Encore %2 minutes.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Desktop flows not running — %n run(s) wait because %1 has an active session on this machine. %2 minutes left.</source>
        <translation>
            <numerusform>Flux de bureau à l&apos;arrêt — %n exécution attend car %1 a une session active sur cette machine. Encore %2 minutes.</numerusform>
            <numerusform>Flux de bureau à l&apos;arrêt — %n exécutions attendent car %1 a une session active sur cette machine. Encore %2 minutes.</numerusform>
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
        <translation>Environnement</translation>
    </message>
    <message>
        <source>Your roles</source>
        <translation>Vos rôles</translation>
    </message>
    <message>
        <source>Needs Environment Maker or Desktop Flows Machine Owner</source>
        <translation>Nécessite Environment Maker ou Desktop Flows Machine Owner</translation>
    </message>
    <message>
        <source>no role</source>
        <translation>aucun rôle</translation>
    </message>
</context>
<context>
    <name>mr::ui::EnvironmentPage</name>
    <message>
        <source>Choose an environment</source>
        <translation>Choisir un environnement</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Détails</translation>
    </message>
    <message>
        <source>You are not a member of any environment yet. Ask your administrator to add you, then sign in again.</source>
        <translation>Vous n&apos;êtes encore membre d&apos;aucun environnement. Demandez à votre administrateur de vous ajouter, puis reconnectez-vous.</translation>
    </message>
    <message>
        <source>Machine name</source>
        <translation>Nom de la machine</translation>
    </message>
    <message>
        <source>Register this machine</source>
        <translation>Inscrire cette machine</translation>
    </message>
    <message>
        <source>Register anew</source>
        <translation>Inscrire de nouveau</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>Se déconnecter</translation>
    </message>
    <message>
        <source>Registration details</source>
        <translation>Détails de l&apos;inscription</translation>
    </message>
    <message>
        <source>Registering this machine…</source>
        <translation>Inscription de cette machine…</translation>
    </message>
</context>
<context>
    <name>mr::ui::FlowsModel</name>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Description</translation>
    </message>
    <message>
        <source>Last run</source>
        <translation>Dernière exécution</translation>
    </message>
    <message>
        <source>Never run here</source>
        <translation>Jamais exécuté ici</translation>
    </message>
</context>
<context>
    <name>mr::ui::FlowsPage</name>
    <message>
        <source>Search flows…</source>
        <translation>Rechercher des flux…</translation>
    </message>
    <message>
        <source>No flows in this environment yet. Flows made on the orchestrator appear here.</source>
        <translation>Aucun flux dans cet environnement pour l&apos;instant. Les flux créés sur l&apos;orchestrateur apparaissent ici.</translation>
    </message>
    <message>
        <source>Run…</source>
        <translation>Exécuter…</translation>
    </message>
    <message>
        <source>Starting %1…</source>
        <translation>Démarrage de %1…</translation>
    </message>
</context>
<context>
    <name>mr::ui::JsonTableModel</name>
    <message>
        <source>Queued</source>
        <translation>En file d&apos;attente</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>En cours</translation>
    </message>
    <message>
        <source>Cancelling</source>
        <translation>Annulation en cours</translation>
    </message>
    <message>
        <source>Succeeded</source>
        <translation>Réussi</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Échec</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Annulé</translation>
    </message>
    <message>
        <source>Signed out</source>
        <translation>Déconnecté</translation>
    </message>
    <message>
        <source>Registering…</source>
        <translation>Inscription…</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Connexion…</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>En ligne</translation>
    </message>
    <message numerus="yes">
        <source>Reconnecting in %n s</source>
        <translation>
            <numerusform>Reconnexion dans %n s</numerusform>
            <numerusform>Reconnexion dans %n s</numerusform>
        </translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Hors ligne</translation>
    </message>
    <message>
        <source>Maintenance</source>
        <translation>Maintenance</translation>
    </message>
</context>
<context>
    <name>mr::ui::MachinePage</name>
    <message>
        <source>Maintenance mode — no new runs are assigned to this machine; runs in progress continue.</source>
        <translation>Mode maintenance — aucune nouvelle exécution n&apos;est attribuée à cette machine ; les exécutions en cours continuent.</translation>
    </message>
    <message>
        <source>Loading this machine&apos;s settings…</source>
        <translation>Chargement des paramètres de cette machine…</translation>
    </message>
    <message>
        <source>Optional</source>
        <translation>Facultatif</translation>
    </message>
    <message>
        <source>Change…</source>
        <translation>Modifier…</translation>
    </message>
    <message>
        <source>Reuse the signed-in session for unattended runs</source>
        <translation>Réutiliser la session ouverte pour les exécutions sans surveillance</translation>
    </message>
    <message>
        <source>Show recommendations when sessions block runs</source>
        <translation>Afficher des recommandations quand des sessions bloquent des exécutions</translation>
    </message>
    <message>
        <source>Kept in this PC&apos;s keychain; the private key never leaves it.</source>
        <translation>Conservée dans le trousseau de ce PC ; la clé privée ne le quitte jamais.</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Description</translation>
    </message>
    <message>
        <source>Environment</source>
        <translation>Environnement</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>Groupe</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>État</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>Unattended bots</source>
        <translation>Robots sans surveillance</translation>
    </message>
    <message>
        <source>Reuse sessions</source>
        <translation>Réutiliser les sessions</translation>
    </message>
    <message>
        <source>Session recommendations</source>
        <translation>Recommandations de session</translation>
    </message>
    <message>
        <source>Machine key</source>
        <translation>Clé de la machine</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Enregistrer</translation>
    </message>
    <message>
        <source>Revert</source>
        <translation>Rétablir</translation>
    </message>
    <message>
        <source>Not in a group</source>
        <translation>Dans aucun groupe</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>En ligne</translation>
    </message>
    <message>
        <source>Maintenance</source>
        <translation>Maintenance</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Hors ligne</translation>
    </message>
    <message>
        <source>Only the machine&apos;s owner (%1) or its co-owners can change this.</source>
        <translation>Seul le propriétaire de la machine (%1) ou ses copropriétaires peuvent modifier ceci.</translation>
    </message>
    <message>
        <source>Set by the group %1; its co-owners change it there.</source>
        <translation>Défini par le groupe %1 ; ses copropriétaires le modifient là-bas.</translation>
    </message>
    <message>
        <source>Rotation requested — this PC makes a new key the next time it connects.</source>
        <translation>Rotation demandée — ce PC crée une nouvelle clé à sa prochaine connexion.</translation>
    </message>
    <message>
        <source>Created today.</source>
        <translation>Créée aujourd&apos;hui.</translation>
    </message>
    <message numerus="yes">
        <source>Created %n day(s) ago.</source>
        <translation>
            <numerusform>Créée il y a %n jour.</numerusform>
            <numerusform>Créée il y a %n jours.</numerusform>
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
        <translation>Tableau de bord</translation>
    </message>
    <message>
        <source>Flows</source>
        <translation>Flux</translation>
    </message>
    <message>
        <source>Machine</source>
        <translation>Machine</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Paramètres</translation>
    </message>
    <message>
        <source>Start at login</source>
        <translation>Lancer à l&apos;ouverture de session</translation>
    </message>
    <message>
        <source>Cannot change the start at login setting: %1</source>
        <translation>Impossible de modifier le lancement à l&apos;ouverture de session : %1</translation>
    </message>
    <message>
        <source>Signing in…</source>
        <translation>Connexion…</translation>
    </message>
    <message>
        <source>Unencrypted connection</source>
        <translation>Connexion non chiffrée</translation>
    </message>
    <message>
        <source>Sign in anyway?</source>
        <translation>Se connecter quand même ?</translation>
    </message>
    <message>
        <source>Sign in anyway</source>
        <translation>Se connecter quand même</translation>
    </message>
    <message>
        <source>Registering this machine…</source>
        <translation>Inscription de cette machine…</translation>
    </message>
    <message>
        <source>Change environment</source>
        <translation>Changer d&apos;environnement</translation>
    </message>
    <message>
        <source>There is no other environment where you may register machines.</source>
        <translation>Il n&apos;existe aucun autre environnement où vous pouvez inscrire des machines.</translation>
    </message>
    <message>
        <source>All connections to this machine will be removed.
Move this machine to:</source>
        <translation>Toutes les connexions à cette machine seront supprimées.
Déplacer cette machine vers :</translation>
    </message>
    <message>
        <source>Move machine</source>
        <translation>Déplacer la machine</translation>
    </message>
    <message>
        <source>Machine Runtime: %1</source>
        <translation>Machine Runtime : %1</translation>
    </message>
    <message>
        <source>Open Machine Runtime</source>
        <translation>Ouvrir Machine Runtime</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Quitter</translation>
    </message>
    <message>
        <source>A flow</source>
        <translation>Un flux</translation>
    </message>
    <message>
        <source>%1 started</source>
        <translation>%1 a démarré</translation>
    </message>
    <message>
        <source>%1 finished in %2</source>
        <translation>%1 terminé en %2</translation>
    </message>
    <message>
        <source>%1 failed: %2</source>
        <translation>%1 a échoué : %2</translation>
    </message>
    <message>
        <source>Machine Runtime keeps running in the tray so your flows can run. Quit it from the tray menu.</source>
        <translation>Machine Runtime continue de tourner dans la zone de notification pour que vos flux puissent s&apos;exécuter. Quittez-le depuis le menu de la zone de notification.</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>Fermer</translation>
    </message>
    <message>
        <source>The flow of this run is no longer in this environment.</source>
        <translation>Le flux de cette exécution n&apos;est plus dans cet environnement.</translation>
    </message>
    <message>
        <source>Not encrypted: anyone on the network can read this connection</source>
        <translation>Non chiffrée : toute personne sur le réseau peut lire cette connexion</translation>
    </message>
    <message>
        <source>Quit Machine Runtime</source>
        <translation>Quitter Machine Runtime</translation>
    </message>
    <message numerus="yes">
        <source>%n flow(s) running on this PC: %1.</source>
        <translation>
            <numerusform>Un flux s&apos;exécute sur ce PC : %1.</numerusform>
            <numerusform>%n flux s&apos;exécutent sur ce PC : %1.</numerusform>
        </translation>
    </message>
    <message>
        <source>If you quit, they get 10 seconds to finish and are then cancelled. No new runs start here until Machine Runtime runs again.</source>
        <translation>Si vous quittez, ils disposent de 10 secondes pour se terminer, puis sont annulés. Aucune nouvelle exécution ne démarre ici tant que Machine Runtime n&apos;est pas relancé.</translation>
    </message>
    <message>
        <source>Quit anyway</source>
        <translation>Quitter quand même</translation>
    </message>
    <message>
        <source>%1 was cancelled</source>
        <translation>%1 a été annulé</translation>
    </message>
    <message>
        <source>A flow asks</source>
        <translation>Un flux demande</translation>
    </message>
    <message>
        <source>%1 asks</source>
        <translation>%1 demande</translation>
    </message>
</context>
<context>
    <name>mr::ui::RunDetailsDialog</name>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Valeur</translation>
    </message>
    <message>
        <source>Run of %1</source>
        <translation>Exécution de %1</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; · version %2</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; · version %2</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>État</translation>
    </message>
    <message>
        <source>Machine</source>
        <translation>Machine</translation>
    </message>
    <message>
        <source>Triggered by</source>
        <translation>Déclenché par</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>En file d&apos;attente</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Démarré</translation>
    </message>
    <message>
        <source>Ended</source>
        <translation>Terminé</translation>
    </message>
    <message>
        <source>No inputs.</source>
        <translation>Aucune entrée.</translation>
    </message>
    <message>
        <source>Inputs</source>
        <translation>Entrées</translation>
    </message>
    <message>
        <source>No outputs.</source>
        <translation>Aucune sortie.</translation>
    </message>
    <message>
        <source>Outputs</source>
        <translation>Sorties</translation>
    </message>
    <message>
        <source>Filter the log…</source>
        <translation>Filtrer le journal…</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Copier</translation>
    </message>
    <message>
        <source>Loading the log…</source>
        <translation>Chargement du journal…</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>Journal</translation>
    </message>
    <message>
        <source>Script line %1</source>
        <translation>Ligne de script %1</translation>
    </message>
    <message>
        <source>Error code: %1</source>
        <translation>Code d&apos;erreur : %1</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Erreur</translation>
    </message>
    <message>
        <source>This run wrote nothing to its log.</source>
        <translation>Cette exécution n&apos;a rien écrit dans son journal.</translation>
    </message>
</context>
<context>
    <name>mr::ui::RunFlowDialog</name>
    <message>
        <source>Run %1</source>
        <translation>Exécuter %1</translation>
    </message>
    <message>
        <source>JSON list, e.g. [1, 2]</source>
        <translation>Liste JSON, par ex. [1, 2]</translation>
    </message>
    <message>
        <source>JSON object, e.g. {&quot;key&quot;: &quot;value&quot;}</source>
        <translation>Objet JSON, par ex. {&quot;key&quot;: &quot;value&quot;}</translation>
    </message>
    <message>
        <source>%1 (optional)</source>
        <translation>%1 (facultatif)</translation>
    </message>
    <message>
        <source>This flow needs no inputs.</source>
        <translation>Ce flux ne demande aucune entrée.</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Démarrer</translation>
    </message>
    <message>
        <source>Fill in: %1</source>
        <translation>À remplir : %1</translation>
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
        <translation>Flux</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Démarré</translation>
    </message>
    <message>
        <source>Elapsed</source>
        <translation>Écoulé</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Priorité</translation>
    </message>
    <message>
        <source>Queued since</source>
        <translation>En attente depuis</translation>
    </message>
    <message>
        <source>Times out in</source>
        <translation>Expire dans</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Durée</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Résultat</translation>
    </message>
    <message>
        <source>Flow %1</source>
        <translation>Flux %1</translation>
    </message>
    <message>
        <source>High</source>
        <translation>Haute</translation>
    </message>
    <message>
        <source>Normal</source>
        <translation>Normale</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>Échec : %1</translation>
    </message>
    <message>
        <source>Current action</source>
        <translation>Action en cours</translation>
    </message>
</context>
<context>
    <name>mr::ui::SessionsModel</name>
    <message>
        <source>User</source>
        <translation>Utilisateur</translation>
    </message>
    <message>
        <source>Signed in to the app</source>
        <translation>Connecté à l&apos;application</translation>
    </message>
    <message>
        <source>State</source>
        <translation>État</translation>
    </message>
    <message>
        <source>active</source>
        <translation>active</translation>
    </message>
    <message>
        <source>locked</source>
        <translation>verrouillée</translation>
    </message>
    <message>
        <source>disconnected</source>
        <translation>déconnectée</translation>
    </message>
</context>
<context>
    <name>mr::ui::SettingsPage</name>
    <message>
        <source>Follow the system</source>
        <translation>Comme le système</translation>
    </message>
    <message>
        <source>Start Machine Runtime when I sign in to this PC</source>
        <translation>Lancer Machine Runtime quand j&apos;ouvre une session sur ce PC</translation>
    </message>
    <message>
        <source>Sign out to sign in to another server.</source>
        <translation>Déconnectez-vous pour vous connecter à un autre serveur.</translation>
    </message>
    <message>
        <source>Sign out…</source>
        <translation>Se déconnecter…</translation>
    </message>
    <message>
        <source>Open log folder</source>
        <translation>Ouvrir le dossier des journaux</translation>
    </message>
    <message>
        <source>General</source>
        <translation>Général</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Langue</translation>
    </message>
    <message>
        <source>Start at login</source>
        <translation>Lancer à l&apos;ouverture de session</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Compte</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>Adresse du serveur</translation>
    </message>
    <message>
        <source>Signed in as</source>
        <translation>Connecté en tant que</translation>
    </message>
    <message>
        <source>About</source>
        <translation>À propos</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>Se déconnecter</translation>
    </message>
    <message>
        <source>Sign out of Machine Runtime? This PC stops running your flows until you sign in again, and your sign-in tokens are removed from the keychain.</source>
        <translation>Se déconnecter de Machine Runtime ? Ce PC n&apos;exécutera plus vos flux jusqu&apos;à votre prochaine connexion, et vos jetons de connexion seront supprimés du trousseau.</translation>
    </message>
    <message>
        <source>Machine Runtime %1 · Qt %2&lt;br&gt;Third-party licences: Qt (LGPL 3), QtKeychain (BSD), libsodium (ISC).</source>
        <translation>Machine Runtime %1 · Qt %2&lt;br&gt;Licences tierces : Qt (LGPL 3), QtKeychain (BSD), libsodium (ISC).</translation>
    </message>
</context>
<context>
    <name>mr::ui::SignInPage</name>
    <message>
        <source>Sign in to your organisation&apos;s orchestrator</source>
        <translation>Connectez-vous à l&apos;orchestrateur de votre organisation</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>Adresse du serveur</translation>
    </message>
    <message>
        <source>https://orchestrator.example.org</source>
        <translation>https://orchestrator.example.org</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Se connecter</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Détails</translation>
    </message>
    <message>
        <source>Finish signing in in your browser…</source>
        <translation>Terminez la connexion dans votre navigateur…</translation>
    </message>
    <message>
        <source>Browser didn&apos;t open? Copy the sign-in link</source>
        <translation>Le navigateur ne s&apos;est pas ouvert ? Copier le lien de connexion</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Link copied. Paste it into your browser&apos;s address bar.</source>
        <translation>Lien copié. Collez-le dans la barre d&apos;adresse de votre navigateur.</translation>
    </message>
    <message>
        <source>Sign-in details</source>
        <translation>Détails de la connexion</translation>
    </message>
    <message>
        <source>The address your administrator gave you.</source>
        <translation>L&apos;adresse que votre administrateur vous a donnée.</translation>
    </message>
    <message>
        <source>Enter an address such as https://orchestrator.example.org.</source>
        <translation>Saisissez une adresse comme https://orchestrator.example.org.</translation>
    </message>
    <message>
        <source>This address is not encrypted (http). Use https unless the server is on this PC.</source>
        <translation>Cette adresse n&apos;est pas chiffrée (http). Utilisez https, sauf si le serveur est sur ce PC.</translation>
    </message>
</context>
</TS>
