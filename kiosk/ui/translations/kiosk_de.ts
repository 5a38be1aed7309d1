<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
<context>
    <name>Conflicts</name>
    <message>
        <source>Mark as seen</source>
        <translation>Als gesehen markieren</translation>
    </message>
    <message>
        <source>Mark all as seen</source>
        <translation>Alle als gesehen markieren</translation>
    </message>
    <message>
        <source>No conflicts: every check-in of this station reached the server as made.</source>
        <translation>Keine Konflikte: Jeder Check-in dieser Station kam so beim Server an.</translation>
    </message>
    <message>
        <source>Guest {id}</source>
        <translation>Gast {id}</translation>
    </message>
</context>
<context>
    <name>Controller</name>
    <message>
        <source>printed</source>
        <translation>gedruckt</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <source>dropped</source>
        <translation>verworfen</translation>
    </message>
    <message>
        <source>sending</source>
        <translation>wird gesendet</translation>
    </message>
    <message>
        <source>auto</source>
        <translation>automatisch</translation>
    </message>
    <message>
        <source>staff</source>
        <translation>Mitarbeiter</translation>
    </message>
    <message>
        <source>badge station</source>
        <translation>Badge-Station</translation>
    </message>
    <message>
        <source>command line</source>
        <translation>Kommandozeile</translation>
    </message>
    <message>
        <source>This scan could not be saved</source>
        <translation>Dieser Scan konnte nicht gespeichert werden</translation>
    </message>
    <message>
        <source>Unknown mode {mode}.</source>
        <translation>Unbekannter Modus {mode}.</translation>
    </message>
    <message>
        <source>This could not be saved</source>
        <translation>Das konnte nicht gespeichert werden</translation>
    </message>
    <message>
        <source>The undo could not be saved</source>
        <translation>Das Rückgängigmachen konnte nicht gespeichert werden</translation>
    </message>
    <message>
        <source>The companions could not be recorded: {error}</source>
        <translation>Die Begleitpersonen konnten nicht erfasst werden: {error}</translation>
    </message>
    <message>
        <source>The attendance list could not be written to {path}: {error}</source>
        <translation>Die Anwesenheitsliste konnte nicht nach {path} geschrieben werden: {error}</translation>
    </message>
    <message>
        <source>{failure}: {error}. Please try again.</source>
        <translation>{failure}: {error}. Bitte noch einmal versuchen.</translation>
    </message>
    <message>
        <source>Badges printed: {count}</source>
        <translation>Badges gedruckt: {count}</translation>
    </message>
    <message>
        <source>; last {state} {time} at {station} ({by})</source>
        <translation>; zuletzt {state} {time} an {station} ({by})</translation>
    </message>
    <message>
        <source>The print settings could not be saved: {error}</source>
        <translation>Die Druckeinstellungen konnten nicht gespeichert werden: {error}</translation>
    </message>
    <message>
        <source>The badge could not be queued: {error}</source>
        <translation>Der Badge konnte nicht in die Warteschlange: {error}</translation>
    </message>
    <message>
        <source>No badge for this code</source>
        <translation>Kein Badge für diesen Code</translation>
    </message>
    <message>
        <source>Please ask at the desk: this code is not on the guest list.</source>
        <translation>Bitte am Empfang fragen: Dieser Code steht nicht auf der Gästeliste.</translation>
    </message>
    <message>
        <source>Your badge is printing</source>
        <translation>Ihr Badge wird gedruckt</translation>
    </message>
    <message>
        <source> ({count} badges wait: retry or drop them in the staff tools)</source>
        <translation> ({count} Badges warten: in den Mitarbeiter-Werkzeugen neu drucken oder verwerfen)</translation>
    </message>
    <message>
        <source> (retry or drop it in the staff tools)</source>
        <translation> (in den Mitarbeiter-Werkzeugen neu drucken oder verwerfen)</translation>
    </message>
    <message>
        <source>⚠ Badge of {name} not printed: {error}</source>
        <translation>⚠ Badge von {name} nicht gedruckt: {error}</translation>
    </message>
    <message>
        <source>⚠ Badge not printed: {reason}</source>
        <translation>⚠ Badge nicht gedruckt: {reason}</translation>
    </message>
    <message>
        <source>The language could not be saved: {error}</source>
        <translation>Die Sprache konnte nicht gespeichert werden: {error}</translation>
    </message>
    <message>
        <source>Unknown mode {mode}: choose check-in, check-out or toggle.</source>
        <translation>Unbekannter Modus {mode}: Check-in, Check-out oder Rein/Raus wählen.</translation>
    </message>
</context>
<context>
    <name>Counted</name>
    <message numerus="yes">
        <source>%n guest(s)</source>
        <translation>
            <numerusform>%n Gast</numerusform>
            <numerusform>%n Gäste</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n companion(s)</source>
        <translation>
            <numerusform>%n Begleitperson</numerusform>
            <numerusform>%n Begleitpersonen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>✔ %n companion(s) checked in</source>
        <translation>
            <numerusform>✔ %n Begleitperson eingecheckt</numerusform>
            <numerusform>✔ %n Begleitpersonen eingecheckt</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>+%n companion(s), not in yet: check in too?</source>
        <translation>
            <numerusform>+%n Begleitperson, noch nicht drin: auch einchecken?</numerusform>
            <numerusform>+%n Begleitpersonen, noch nicht drin: auch einchecken?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n conflict(s)</source>
        <translation>
            <numerusform>%n Konflikt</numerusform>
            <numerusform>%n Konflikte</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n check-in(s) of this station lost to a later change made at another station. Check the guest at the door if it matters.</source>
        <translation>
            <numerusform>%n Check-in dieser Station wurde von einer späteren Änderung an einer anderen Station überholt. Bei Bedarf den Gast am Eingang prüfen.</numerusform>
            <numerusform>%n Check-ins dieser Station wurden von späteren Änderungen an anderen Stationen überholt. Bei Bedarf die Gäste am Eingang prüfen.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n badge(s) sent again.</source>
        <translation>
            <numerusform>%n Badge erneut gesendet.</numerusform>
            <numerusform>%n Badges erneut gesendet.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n badge(s) dropped.</source>
        <translation>
            <numerusform>%n Badge verworfen.</numerusform>
            <numerusform>%n Badges verworfen.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n badge(s) not printed</source>
        <translation>
            <numerusform>%n Badge nicht gedruckt</numerusform>
            <numerusform>%n Badges nicht gedruckt</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n reprint(s)</source>
        <translation>
            <numerusform>%n Nachdruck</numerusform>
            <numerusform>%n Nachdrucke</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n attendee(s) written to {path}.</source>
        <translation>
            <numerusform>%n Gast nach {path} geschrieben.</numerusform>
            <numerusform>%n Gäste nach {path} geschrieben.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Demo</name>
    <message>
        <source>Demo: scan one of these codes, tap a card, or type a code and press Enter</source>
        <translation>Demo: Code scannen, Karte antippen oder Code tippen + Enter</translation>
    </message>
    <message>
        <source>Scan {code}</source>
        <translation>{code} scannen</translation>
    </message>
    <message>
        <source>Type an access code or badge number, then Enter</source>
        <translation>Zugangscode oder Badge-Nummer tippen, dann Enter</translation>
    </message>
    <message>
        <source>Demo server: switching…</source>
        <translation>Demo-Server: wird umgeschaltet…</translation>
    </message>
    <message>
        <source>Demo server: online</source>
        <translation>Demo-Server: online</translation>
    </message>
    <message>
        <source>Demo server: OFFLINE. Scans still work and queue up.</source>
        <translation>Demo-Server: OFFLINE. Scans gehen weiter und werden gesammelt.</translation>
    </message>
    <message>
        <source>Take demo server offline</source>
        <translation>Demo-Server offline nehmen</translation>
    </message>
    <message>
        <source>Bring it back</source>
        <translation>Wieder online bringen</translation>
    </message>
    <message>
        <source>The demo server could not be switched: {error}</source>
        <translation>Der Demo-Server konnte nicht umgeschaltet werden: {error}</translation>
    </message>
</context>
<context>
    <name>Detail</name>
    <message>
        <source>Check in</source>
        <translation>Einchecken</translation>
    </message>
    <message>
        <source>Print badge</source>
        <translation>Badge drucken</translation>
    </message>
    <message>
        <source>Companions</source>
        <translation>Begleitpersonen</translation>
    </message>
    <message>
        <source>Pick a guest from the list.</source>
        <translation>Einen Gast aus der Liste wählen.</translation>
    </message>
    <message>
        <source>{label}:</source>
        <translation>{label}:</translation>
    </message>
    <message>
        <source>No badge printed at this station</source>
        <translation>An dieser Station kein Badge gedruckt</translation>
    </message>
    <message>
        <source>Reprint badge</source>
        <translation>Badge neu drucken</translation>
    </message>
</context>
<context>
    <name>Door</name>
    <message>
        <source>+{guests} on this registration: how many came in?</source>
        <translation>+{guests} auf dieser Anmeldung: Wie viele sind mitgekommen?</translation>
    </message>
    <message>
        <source>Press 0–{last}, Enter for all {counted}, Esc for none</source>
        <translation>0–{last} drücken, Enter für alle {counted}, Esc für keine</translation>
    </message>
    <message>
        <source>All {counted}</source>
        <translation>Alle {counted}</translation>
    </message>
    <message>
        <source>★ Highlighted guest</source>
        <translation>★ Hervorgehobener Gast</translation>
    </message>
    <message>
        <source>Hold your badge or ticket under the scanner</source>
        <translation>Badge oder Ticket unter den Scanner halten</translation>
    </message>
    <message>
        <source>Leaving? Scan your badge to check out</source>
        <translation>Sie gehen? Badge scannen zum Auschecken</translation>
    </message>
    <message>
        <source>Scan your badge to check in or out</source>
        <translation>Badge scannen zum Ein- oder Auschecken</translation>
    </message>
    <message>
        <source>➜  CHECK-OUT mode: scanning lets guests out</source>
        <translation>➜  AUSCHECK-Modus: Ein Scan checkt Gäste aus</translation>
    </message>
    <message>
        <source>⇄  IN / OUT mode: a scan checks in, or out if inside</source>
        <translation>⇄  REIN/RAUS-Modus: Ein Scan checkt ein, oder aus, wenn drin</translation>
    </message>
    <message>
        <source>Scan your badge</source>
        <translation>Badge scannen</translation>
    </message>
    <message>
        <source>Mode: {mode}</source>
        <translation>Modus: {mode}</translation>
    </message>
    <message>
        <source>Yes, check in too (Y)</source>
        <translation>Ja, auch einchecken (Y)</translation>
    </message>
    <message>
        <source>No (N)</source>
        <translation>Nein (N)</translation>
    </message>
    <message>
        <source>Not saved</source>
        <translation>Nicht gespeichert</translation>
    </message>
    <message>
        <source>Companions not checked in</source>
        <translation>Begleitpersonen nicht eingecheckt</translation>
    </message>
    <message>
        <source>+{count} not in</source>
        <translation>+{count} nicht drin</translation>
    </message>
    <message>
        <source>✔ +{companions} in with {name}</source>
        <translation>✔ +{companions} mit {name} drin</translation>
    </message>
    <message>
        <source>No companions came in</source>
        <translation>Keine Begleitpersonen mitgekommen</translation>
    </message>
    <message>
        <source>+{came} of {counted}</source>
        <translation>+{came} von {counted}</translation>
    </message>
    <message>
        <source>The companions could not be recorded: see the status bar</source>
        <translation>Die Begleitpersonen konnten nicht erfasst werden: siehe Statuszeile</translation>
    </message>
    <message>
        <source> and {count} more</source>
        <translation> und {count} weitere</translation>
    </message>
    <message>
        <source>+{count} not counted</source>
        <translation>+{count} nicht gezählt</translation>
    </message>
    <message>
        <source>Companions: waiting for an answer</source>
        <translation>Begleitpersonen: Antwort fehlt noch</translation>
    </message>
</context>
<context>
    <name>Export</name>
    <message>
        <source>Export attendance</source>
        <translation>Anwesenheit exportieren</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
        <source>An export is already being written.</source>
        <translation>Ein Export wird gerade geschrieben.</translation>
    </message>
    <message>
        <source>Writing the attendance list to {path}…</source>
        <translation>Anwesenheitsliste wird nach {path} geschrieben…</translation>
    </message>
    <message>
        <source>The attendance list could not be written to {path}: see the log.</source>
        <translation>Die Anwesenheitsliste konnte nicht nach {path} geschrieben werden: siehe Log.</translation>
    </message>
</context>
<context>
    <name>Fields</name>
    <message>
        <source>Position</source>
        <translation>Position</translation>
    </message>
    <message>
        <source>Badge number</source>
        <translation>Badge-Nummer</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>Notizen</translation>
    </message>
    <message>
        <source>Custom field {number}</source>
        <translation>Zusatzfeld {number}</translation>
    </message>
</context>
<context>
    <name>Guests</name>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Company</source>
        <translation>Firma</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Access code</source>
        <translation>Zugangscode</translation>
    </message>
    <message>
        <source>Type a name, company or email</source>
        <translation>Name, Firma oder E-Mail tippen</translation>
    </message>
    <message>
        <source>Check in</source>
        <translation>Einchecken</translation>
    </message>
    <message>
        <source>Check out</source>
        <translation>Auschecken</translation>
    </message>
    <message>
        <source>Admit…</source>
        <translation>Einlassen…</translation>
    </message>
    <message>
        <source>The registration is not confirmed: staff may admit the guest all the same</source>
        <translation>Die Anmeldung ist nicht bestätigt: Mitarbeiter können den Gast trotzdem einlassen</translation>
    </message>
    <message>
        <source>The guest list is still being indexed: search ready in about {seconds} s</source>
        <translation>Die Gästeliste wird noch für die Suche aufbereitet: Suche bereit in etwa {seconds} s</translation>
    </message>
    <message>
        <source>Pick a guest from the list first.</source>
        <translation>Zuerst einen Gast aus der Liste wählen.</translation>
    </message>
</context>
<context>
    <name>Pin</name>
    <message>
        <source>Too many wrong PINs. Try again in {seconds} s.</source>
        <translation>Zu viele falsche PINs. Neuer Versuch in {seconds} s.</translation>
    </message>
    <message>
        <source>The PIN must be 4 to 12 digits.</source>
        <translation>Die PIN muss 4 bis 12 Ziffern haben.</translation>
    </message>
    <message>
        <source>The stored staff PIN cannot be read ({file} in the data folder). Delete that file and set a new PIN.</source>
        <translation>Die gespeicherte Mitarbeiter-PIN ist nicht lesbar ({file} im Datenordner). Datei löschen und neue PIN setzen.</translation>
    </message>
    <message>
        <source>Wrong PIN. Try again in {seconds} s.</source>
        <translation>Falsche PIN. Neuer Versuch in {seconds} s.</translation>
    </message>
    <message>
        <source>Wrong PIN.</source>
        <translation>Falsche PIN.</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Staff PIN</source>
        <translation>Mitarbeiter-PIN</translation>
    </message>
    <message>
        <source>Enter the staff PIN.</source>
        <translation>Mitarbeiter-PIN eingeben.</translation>
    </message>
    <message>
        <source>Type the PIN first.</source>
        <translation>Zuerst die PIN tippen.</translation>
    </message>
    <message>
        <source>The PIN could not be checked: {error}</source>
        <translation>Die PIN konnte nicht geprüft werden: {error}</translation>
    </message>
    <message>
        <source>Try the PIN again.</source>
        <translation>PIN noch einmal versuchen.</translation>
    </message>
    <message>
        <source>Choose a new staff PIN: 4 to 12 digits.</source>
        <translation>Neue Mitarbeiter-PIN wählen: 4 bis 12 Ziffern.</translation>
    </message>
    <message>
        <source>Type the same PIN again.</source>
        <translation>Dieselbe PIN noch einmal tippen.</translation>
    </message>
    <message>
        <source>New staff PIN</source>
        <translation>Neue Mitarbeiter-PIN</translation>
    </message>
    <message>
        <source>The two PINs were not the same. Start again.</source>
        <translation>Die beiden PINs waren nicht gleich. Von vorn beginnen.</translation>
    </message>
    <message>
        <source>The PIN was not changed: {error}</source>
        <translation>Die PIN wurde nicht geändert: {error}</translation>
    </message>
</context>
<context>
    <name>Printing</name>
    <message>
        <source>(the system&apos;s default printer)</source>
        <translation>(Standarddrucker des Systems)</translation>
    </message>
    <message>
        <source>Badge printing</source>
        <translation>Badge-Druck</translation>
    </message>
    <message>
        <source>{printer} (not found)</source>
        <translation>{printer} (nicht gefunden)</translation>
    </message>
    <message>
        <source>Print the badge when a guest is first admitted</source>
        <translation>Badge drucken, wenn ein Gast zum ersten Mal eingelassen wird</translation>
    </message>
    <message>
        <source>Badge station: a scan prints the badge and checks no one in</source>
        <translation>Badge-Station: Ein Scan druckt den Badge und checkt niemanden ein</translation>
    </message>
    <message>
        <source>Printer:</source>
        <translation>Drucker:</translation>
    </message>
    <message>
        <source>Labels:</source>
        <translation>Etiketten:</translation>
    </message>
    <message>
        <source>Retry failed badges</source>
        <translation>Fehlgeschlagene neu drucken</translation>
    </message>
    <message>
        <source>Drop failed badges</source>
        <translation>Fehlgeschlagene verwerfen</translation>
    </message>
    <message>
        <source>No badge waits.</source>
        <translation>Kein Badge wartet.</translation>
    </message>
</context>
<context>
    <name>SessionPicker</name>
    <message>
        <source>Session at this door</source>
        <translation>Session an dieser Tür</translation>
    </message>
    <message>
        <source>Which session does this door serve?</source>
        <translation>Welche Session betreut diese Tür?</translation>
    </message>
    <message>
        <source>Check-ins made here for the current session stay on this station and in its export.</source>
        <translation>Check-ins, die hier für die aktuelle Session gemacht wurden, bleiben auf dieser Station und in ihrem Export.</translation>
    </message>
    <message>
        <source>Loading the sessions…</source>
        <translation>Sessions werden geladen…</translation>
    </message>
    <message>
        <source>Serve this session</source>
        <translation>Diese Session betreuen</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>The sessions could not be loaded: {error}</source>
        <translation>Die Sessions konnten nicht geladen werden: {error}</translation>
    </message>
    <message>
        <source>The platform lists no sessions for this event.</source>
        <translation>Die Plattform nennt für diese Veranstaltung keine Sessions.</translation>
    </message>
    <message>
        <source>This door now: {session}</source>
        <translation>Diese Tür jetzt: {session}</translation>
    </message>
    <message>
        <source>Choose a session, then Serve this session.</source>
        <translation>Session wählen, dann „Diese Session betreuen“.</translation>
    </message>
    <message>
        <source>Checking session {session} with the server…</source>
        <translation>Session {session} wird beim Server geprüft…</translation>
    </message>
    <message>
        <source>This door still serves its session: {error}</source>
        <translation>Diese Tür betreut weiter ihre Session: {error}</translation>
    </message>
</context>
<context>
    <name>Setup</name>
    <message>
        <source>Write it like https://checkin.example.org</source>
        <translation>Schreibweise: https://checkin.example.org</translation>
    </message>
    <message>
        <source>Enter the server address. {example}</source>
        <translation>Serveradresse eingeben. {example}</translation>
    </message>
    <message>
        <source>The server address must not contain spaces. {example}</source>
        <translation>Die Serveradresse darf keine Leerzeichen enthalten. {example}</translation>
    </message>
    <message>
        <source>The server address is not written correctly. {example}</source>
        <translation>Die Serveradresse ist nicht richtig geschrieben. {example}</translation>
    </message>
    <message>
        <source>The server address must start with https:// (or http:// on a local network). {example}</source>
        <translation>Die Serveradresse muss mit https:// beginnen (im lokalen Netz auch http://). {example}</translation>
    </message>
    <message>
        <source>The port in the server address is not a number from 1 to 65535. {example}</source>
        <translation>Der Port in der Serveradresse ist keine Zahl von 1 bis 65535. {example}</translation>
    </message>
    <message>
        <source>The server address has no host name. {example}</source>
        <translation>Die Serveradresse hat keinen Hostnamen. {example}</translation>
    </message>
    <message>
        <source>The server address must not contain &apos;?&apos; or &apos;#&apos;. {example}</source>
        <translation>Die Serveradresse darf weder &apos;?&apos; noch &apos;#&apos; enthalten. {example}</translation>
    </message>
    <message>
        <source>The server does not know the event ID {event}. Copy it from the address of the event in the back office (…/admin/event/ID).</source>
        <translation>Der Server kennt die Event-ID {event} nicht. Aus der Adresse des Events im Backoffice kopieren (…/admin/event/ID).</translation>
    </message>
    <message>
        <source>The server did not accept this app code. Copy it again from the Check-in menu of the back office.</source>
        <translation>Der Server hat diesen App-Code nicht angenommen. Noch einmal aus dem Check-in-Menü des Backoffice kopieren.</translation>
    </message>
    <message>
        <source>Cannot reach the server at {url}. Check the address and the network.
({error})</source>
        <translation>Der Server unter {url} ist nicht erreichbar. Adresse und Netzwerk prüfen.
({error})</translation>
    </message>
    <message>
        <source>The server at {url} did not answer like a check-in server. Check the address.
({error})</source>
        <translation>Der Server unter {url} antwortet nicht wie ein Check-in-Server. Adresse prüfen.
({error})</translation>
    </message>
    <message>
        <source>The server at {url} refused the login: {error}</source>
        <translation>Der Server unter {url} hat die Anmeldung abgelehnt: {error}</translation>
    </message>
    <message>
        <source>The settings could not be saved: {error}</source>
        <translation>Die Einstellungen konnten nicht gespeichert werden: {error}</translation>
    </message>
    <message>
        <source>The settings could not be checked ({kind}: {error}).</source>
        <translation>Die Einstellungen konnten nicht geprüft werden ({kind}: {error}).</translation>
    </message>
    <message>
        <source>Set up this station</source>
        <translation>Diese Station einrichten</translation>
    </message>
    <message>
        <source>Copy these values from the Check-in menu of the event&apos;s back office.</source>
        <translation>Diese Werte aus dem Check-in-Menü im Backoffice des Events kopieren.</translation>
    </message>
    <message>
        <source>https://checkin.example.org</source>
        <translation>https://checkin.example.org</translation>
    </message>
    <message>
        <source>e.g. 123</source>
        <translation>z. B. 123</translation>
    </message>
    <message>
        <source>App code</source>
        <translation>App-Code</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Zeigen</translation>
    </message>
    <message>
        <source>e.g. Main entrance</source>
        <translation>z. B. Haupteingang</translation>
    </message>
    <message>
        <source>optional: the platform&apos;s usual field ({field} on Invitario)</source>
        <translation>optional: das übliche Feld der Plattform ({field} bei Invitario)</translation>
    </message>
    <message>
        <source>the session ID this door serves (Connect lists them)</source>
        <translation>die Session-ID dieses Eingangs (Verbinden listet sie auf)</translation>
    </message>
    <message>
        <source>Platform:</source>
        <translation>Plattform:</translation>
    </message>
    <message>
        <source>Server address:</source>
        <translation>Serveradresse:</translation>
    </message>
    <message>
        <source>Event ID:</source>
        <translation>Event-ID:</translation>
    </message>
    <message>
        <source>App code:</source>
        <translation>App-Code:</translation>
    </message>
    <message>
        <source>Station name:</source>
        <translation>Stationsname:</translation>
    </message>
    <message>
        <source>Badge number field:</source>
        <translation>Feld der Badge-Nummer:</translation>
    </message>
    <message>
        <source>Session:</source>
        <translation>Session:</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>Verbinden</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Check-in list:</source>
        <translation>Check-in-Liste:</translation>
    </message>
    <message>
        <source>optional when the event has one (Connect lists them)</source>
        <translation>optional, wenn die Veranstaltung nur eine hat („Verbinden“ zeigt sie)</translation>
    </message>
    <message>
        <source>optional: the app&apos;s address names it</source>
        <translation>optional: steht in der Adresse der App</translation>
    </message>
    <message>
        <source>Hide</source>
        <translation>Verbergen</translation>
    </message>
    <message>
        <source>Enter the event ID.</source>
        <translation>Event-ID eingeben.</translation>
    </message>
    <message>
        <source>Enter the app code.</source>
        <translation>App-Code eingeben.</translation>
    </message>
    <message>
        <source>Enter a name for this station, e.g. Main entrance.</source>
        <translation>Einen Namen für diese Station eingeben, z. B. Haupteingang.</translation>
    </message>
    <message>
        <source>Checking… (contacting {url})</source>
        <translation>Wird geprüft… (Verbindung zu {url})</translation>
    </message>
    <message>
        <source>Choose the session this door serves, then Connect.</source>
        <translation>Wählen Sie die Session dieser Tür, dann „Verbinden“.</translation>
    </message>
    <message>
        <source>Choose the check-in list of this door, then Connect.</source>
        <translation>Wählen Sie die Check-in-Liste dieser Tür, dann „Verbinden“.</translation>
    </message>
    <message>
        <source>Connected.</source>
        <translation>Verbunden.</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>Wird geprüft…</translation>
    </message>
</context>
<context>
    <name>Staff</name>
    <message>
        <source>Check-in</source>
        <translation>Check-in</translation>
    </message>
    <message>
        <source>Check-out</source>
        <translation>Check-out</translation>
    </message>
    <message>
        <source>Toggle</source>
        <translation>Rein/Raus</translation>
    </message>
    <message>
        <source>Staff tools</source>
        <translation>Mitarbeiter-Werkzeuge</translation>
    </message>
    <message>
        <source>Guest search</source>
        <translation>Gastsuche</translation>
    </message>
    <message>
        <source>Find guest</source>
        <translation>Gast finden</translation>
    </message>
    <message>
        <source>Conflicts</source>
        <translation>Konflikte</translation>
    </message>
    <message>
        <source>Station</source>
        <translation>Station</translation>
    </message>
    <message>
        <source>Statistics</source>
        <translation>Statistik</translation>
    </message>
    <message>
        <source>Undo last…</source>
        <translation>Letztes zurück…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Mode:</source>
        <translation>Modus:</translation>
    </message>
    <message>
        <source>Yes, undo</source>
        <translation>Ja, zurücknehmen</translation>
    </message>
    <message>
        <source>No</source>
        <translation>Nein</translation>
    </message>
    <message>
        <source>Checking out by hand is for staff: tap Staff and enter the PIN.</source>
        <translation>Auschecken von Hand ist Sache der Mitarbeiter: „Mitarbeiter“ antippen und PIN eingeben.</translation>
    </message>
    <message>
        <source>Nothing was changed: {error}</source>
        <translation>Nichts wurde geändert: {error}</translation>
    </message>
    <message>
        <source>Nothing to undo: this station has not checked anyone in or out yet.</source>
        <translation>Nichts zurückzunehmen: Diese Station hat noch niemanden ein- oder ausgecheckt.</translation>
    </message>
    <message>
        <source>Admit {name} although the registration is not confirmed? The scan log keeps it as a staff override at this station.</source>
        <translation>{name} einlassen, obwohl die Anmeldung nicht bestätigt ist? Das Scan-Protokoll vermerkt es als Ausnahme durch Mitarbeiter an dieser Station.</translation>
    </message>
    <message>
        <source>Yes, admit</source>
        <translation>Ja, einlassen</translation>
    </message>
    <message>
        <source>Admitted by staff override: {name}</source>
        <translation>Von Mitarbeitern eingelassen: {name}</translation>
    </message>
    <message>
        <source>Nothing was undone: a newer check-in or check-out came first. Tap “Undo last…” again to see it.</source>
        <translation>Nichts zurückgenommen: Ein neuerer Check-in oder Check-out kam dazwischen. „Letztes zurück…“ erneut antippen, um ihn zu sehen.</translation>
    </message>
    <message>
        <source>The guest</source>
        <translation>Der Gast</translation>
    </message>
    <message>
        <source>Undone. {name} is now {state}.</source>
        <translation>Zurückgenommen. {name} ist jetzt {state}.</translation>
    </message>
    <message>
        <source>Conflicts ({count})</source>
        <translation>Konflikte ({count})</translation>
    </message>
    <message>
        <source>as before</source>
        <translation>wie vorher</translation>
    </message>
</context>
<context>
    <name>StaffText</name>
    <message>
        <source>inside</source>
        <translation>drin</translation>
    </message>
    <message>
        <source>not inside</source>
        <translation>nicht drin</translation>
    </message>
    <message>
        <source>deleted</source>
        <translation>gelöscht</translation>
    </message>
    <message>
        <source>not confirmed</source>
        <translation>nicht bestätigt</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>storniert</translation>
    </message>
    <message>
        <source>deregistered</source>
        <translation>abgemeldet</translation>
    </message>
    <message>
        <source>not valid here</source>
        <translation>hier nicht gültig</translation>
    </message>
    <message>
        <source>Registered</source>
        <translation>Angemeldet</translation>
    </message>
    <message>
        <source>Not stated</source>
        <translation>Nicht angegeben</translation>
    </message>
    <message>
        <source>Not confirmed</source>
        <translation>Nicht bestätigt</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Storniert</translation>
    </message>
    <message>
        <source>Deregistered</source>
        <translation>Abgemeldet</translation>
    </message>
    <message>
        <source>Not valid at this entrance</source>
        <translation>An diesem Eingang nicht gültig</translation>
    </message>
    <message>
        <source>time not known</source>
        <translation>Zeit unbekannt</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Registration</source>
        <translation>Anmeldung</translation>
    </message>
    <message>
        <source>Checked in</source>
        <translation>Eingecheckt</translation>
    </message>
    <message>
        <source>Checked out</source>
        <translation>Ausgecheckt</translation>
    </message>
    <message>
        <source>Access code</source>
        <translation>Zugangscode</translation>
    </message>
    <message>
        <source>Badge number</source>
        <translation>Badge-Nummer</translation>
    </message>
    <message>
        <source>Ticket code</source>
        <translation>Ticketcode</translation>
    </message>
    <message>
        <source>Registration ID</source>
        <translation>Anmelde-ID</translation>
    </message>
    <message>
        <source>External ID</source>
        <translation>Externe ID</translation>
    </message>
    <message>
        <source>Attendee ID</source>
        <translation>Teilnehmer-ID</translation>
    </message>
    <message>
        <source>Companions</source>
        <translation>Begleitpersonen</translation>
    </message>
    <message>
        <source>+{count} on the registration</source>
        <translation>+{count} auf der Anmeldung</translation>
    </message>
    <message>
        <source>Removed from list</source>
        <translation>Von der Liste entfernt</translation>
    </message>
    <message>
        <source>Company</source>
        <translation>Firma</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <source>removed from the guest list</source>
        <translation>von der Gästeliste entfernt</translation>
    </message>
    <message>
        <source>inside since {time}</source>
        <translation>drin seit {time}</translation>
    </message>
    <message>
        <source>checked out at {time}</source>
        <translation>ausgecheckt um {time}</translation>
    </message>
    <message>
        <source>not checked in</source>
        <translation>nicht eingecheckt</translation>
    </message>
    <message>
        <source>checked in at {time}</source>
        <translation>eingecheckt um {time}</translation>
    </message>
    <message>
        <source>undid an action at {time} (leaving the guest inside)</source>
        <translation>hat um {time} etwas zurückgenommen (der Gast ist danach drin)</translation>
    </message>
    <message>
        <source>undid an action at {time} (leaving the guest not inside)</source>
        <translation>hat um {time} etwas zurückgenommen (der Gast ist danach nicht drin)</translation>
    </message>
    <message>
        <source>This station ({station}) {action}.</source>
        <translation>Diese Station ({station}): {action}.</translation>
    </message>
    <message>
        <source>Another station&apos;s later change was kept instead.</source>
        <translation>Stattdessen gilt die spätere Änderung einer anderen Station.</translation>
    </message>
    <message>
        <source>Kept instead: {presence}</source>
        <translation>Stattdessen gilt: {presence}</translation>
    </message>
    <message>
        <source> (changed at {time})</source>
        <translation> (geändert um {time})</translation>
    </message>
    <message>
        <source>Undo this station&apos;s last check-in or check-out?</source>
        <translation>Letzten Check-in oder Check-out dieser Station zurücknehmen?</translation>
    </message>
    <message>
        <source>Undo the last undo for {name}?</source>
        <translation>Das letzte Zurücknehmen für {name} zurücknehmen?</translation>
    </message>
    <message>
        <source>Undo check-in of {name}?</source>
        <translation>Check-in von {name} zurücknehmen?</translation>
    </message>
    <message>
        <source>Undo check-out of {name}?</source>
        <translation>Check-out von {name} zurücknehmen?</translation>
    </message>
</context>
<context>
    <name>Statistics</name>
    <message>
        <source>No arrivals yet</source>
        <translation>Noch keine Ankünfte</translation>
    </message>
    <message>
        <source>busiest quarter: {time}, {people} people</source>
        <translation>vollste Viertelstunde: {time}, {people} Personen</translation>
    </message>
    <message>
        <source>Inside now</source>
        <translation>Jetzt drin</translation>
    </message>
    <message>
        <source>Checked in / total</source>
        <translation>Eingecheckt / gesamt</translation>
    </message>
    <message>
        <source>Not arrived yet</source>
        <translation>Noch nicht da</translation>
    </message>
    <message>
        <source>Refused scans</source>
        <translation>Abgewiesene Scans</translation>
    </message>
    <message>
        <source>Unknown codes</source>
        <translation>Unbekannte Codes</translation>
    </message>
    <message>
        <source>Checked in at</source>
        <translation>Eingecheckt an</translation>
    </message>
    <message>
        <source>{title}:</source>
        <translation>{title}:</translation>
    </message>
    <message>
        <source>Arrivals per quarter hour</source>
        <translation>Ankünfte pro Viertelstunde</translation>
    </message>
    <message>
        <source>no station named: {count}</source>
        <translation>ohne Stationsnamen: {count}</translation>
    </message>
</context>
<context>
    <name>Status</name>
    <message>
        <source>Check-in</source>
        <translation>Check-in</translation>
    </message>
    <message>
        <source>Check-out</source>
        <translation>Check-out</translation>
    </message>
    <message>
        <source>In / out</source>
        <translation>Rein/Raus</translation>
    </message>
    <message>
        <source>○ Not synced</source>
        <translation>○ Nicht synchron</translation>
    </message>
    <message>
        <source>● Online</source>
        <translation>● Online</translation>
    </message>
    <message>
        <source>● Offline</source>
        <translation>● Offline</translation>
    </message>
    <message>
        <source>never</source>
        <translation>nie</translation>
    </message>
    <message>
        <source>just now</source>
        <translation>gerade eben</translation>
    </message>
    <message>
        <source>{seconds} s ago</source>
        <translation>vor {seconds} s</translation>
    </message>
    <message>
        <source>{minutes} min ago</source>
        <translation>vor {minutes} min</translation>
    </message>
    <message>
        <source>{hours} h {minutes} min ago</source>
        <translation>vor {hours} h {minutes} min</translation>
    </message>
    <message>
        <source>{hours} h ago</source>
        <translation>vor {hours} h</translation>
    </message>
    <message>
        <source>○ Not synced yet</source>
        <translation>○ Noch nicht synchronisiert</translation>
    </message>
    <message>
        <source>Never synced</source>
        <translation>Nie synchronisiert</translation>
    </message>
    <message>
        <source>Synced {age}</source>
        <translation>Synchronisiert {age}</translation>
    </message>
    <message>
        <source>The guest list may be behind: no successful sync for over five minutes.</source>
        <translation>Die Gästeliste ist vielleicht nicht aktuell: seit über fünf Minuten keine erfolgreiche Synchronisierung.</translation>
    </message>
    <message>
        <source>Check-ins kept on this station: {count}</source>
        <translation>Check-ins auf dieser Station: {count}</translation>
    </message>
    <message>
        <source>Kept here: {count}</source>
        <translation>Hier: {count}</translation>
    </message>
    <message>
        <source>This platform takes no check-ins: they stay on this station only.</source>
        <translation>Diese Plattform nimmt keine Check-ins an: Sie bleiben nur auf dieser Station.</translation>
    </message>
    <message>
        <source>Queued {count}</source>
        <translation>In Warteschlange {count}</translation>
    </message>
    <message>
        <source>Queue empty</source>
        <translation>Warteschlange leer</translation>
    </message>
    <message>
        <source>In {inside} / {total}</source>
        <translation>Drin {inside} / {total}</translation>
    </message>
    <message>
        <source>In {inside}/{total}</source>
        <translation>Drin {inside}/{total}</translation>
    </message>
    <message>
        <source>Station: {station}</source>
        <translation>Station: {station}</translation>
    </message>
    <message>
        <source>⚠ Check the clock</source>
        <translation>⚠ Uhr prüfen</translation>
    </message>
    <message>
        <source>⚠ Clock</source>
        <translation>⚠ Uhr</translation>
    </message>
    <message>
        <source>⚠ Badge not printed</source>
        <translation>⚠ Badge nicht gedruckt</translation>
    </message>
    <message>
        <source>Mode: {mode}</source>
        <translation>Modus: {mode}</translation>
    </message>
</context>
<context>
    <name>Sync</name>
    <message>
        <source>Server unreachable: {error}</source>
        <translation>Server nicht erreichbar: {error}</translation>
    </message>
    <message>
        <source>Server answered something unexpected: {error}</source>
        <translation>Unerwartete Antwort vom Server: {error}</translation>
    </message>
    <message>
        <source>Sync failed: {error}</source>
        <translation>Synchronisierung fehlgeschlagen: {error}</translation>
    </message>
    <message>
        <source>The server listed no attendees at all: the guest list was kept as it was.</source>
        <translation>Der Server hat gar keine Gäste gelistet: Die Gästeliste bleibt, wie sie war.</translation>
    </message>
    <message>
        <source>The guest list download was overtaken by another on this station ({error}).</source>
        <translation>Das Laden der Gästeliste wurde von einem anderen auf dieser Station überholt ({error}).</translation>
    </message>
    <message>
        <source>This station&apos;s clock is {minutes} min behind the server; check-in times are corrected, but please fix the clock.</source>
        <translation>Die Uhr dieser Station geht {minutes} min nach; Check-in-Zeiten werden korrigiert, aber bitte die Uhr stellen.</translation>
    </message>
    <message>
        <source>This station&apos;s clock is {minutes} min ahead of the server; check-in times are corrected, but please fix the clock.</source>
        <translation>Die Uhr dieser Station geht {minutes} min vor; Check-in-Zeiten werden korrigiert, aber bitte die Uhr stellen.</translation>
    </message>
</context>
<context>
    <name>Verdict</name>
    <message>
        <source>Welcome: checked in</source>
        <translation>Willkommen: eingecheckt</translation>
    </message>
    <message>
        <source>Checked out</source>
        <translation>Ausgecheckt</translation>
    </message>
    <message>
        <source>Already checked in</source>
        <translation>Bereits drin</translation>
    </message>
    <message>
        <source>Not checked in: nothing to check out</source>
        <translation>Nicht eingecheckt: nichts auszuchecken</translation>
    </message>
    <message>
        <source>Code not known</source>
        <translation>Unbekannter Code</translation>
    </message>
    <message>
        <source>This guest was removed from the list</source>
        <translation>Dieser Gast wurde von der Liste entfernt</translation>
    </message>
    <message>
        <source>This guest has deregistered</source>
        <translation>Dieser Gast hat sich abgemeldet</translation>
    </message>
    <message>
        <source>Registration not confirmed</source>
        <translation>Anmeldung nicht bestätigt</translation>
    </message>
    <message>
        <source>This registration was cancelled</source>
        <translation>Diese Anmeldung wurde storniert</translation>
    </message>
    <message>
        <source>This ticket is not valid at this entrance</source>
        <translation>Dieses Ticket gilt nicht an diesem Eingang</translation>
    </message>
    <message>
        <source>Please go to the registration desk</source>
        <translation>Bitte zum Empfang gehen</translation>
    </message>
    <message>
        <source>Door team: tap “Search guest” and find the guest by name</source>
        <translation>Einlassteam: „Gast suchen“ antippen und den Gast nach Namen suchen</translation>
    </message>
    <message>
        <source>Staff: search the guest by name (Staff button, F2)</source>
        <translation>Mitarbeiter: Gast nach Namen suchen (Taste „Mitarbeiter“, F2)</translation>
    </message>
    <message>
        <source>An old or reprinted badge&apos;s code is not valid any more.</source>
        <translation>Der Code eines alten oder neu gedruckten Badges gilt nicht mehr.</translation>
    </message>
    <message>
        <source>Check-out undone</source>
        <translation>Check-out zurückgenommen</translation>
    </message>
    <message>
        <source>Counts as inside again</source>
        <translation>Zählt wieder als drin</translation>
    </message>
    <message>
        <source>Check-in undone</source>
        <translation>Check-in zurückgenommen</translation>
    </message>
    <message>
        <source>Not checked in now: scan again to come in</source>
        <translation>Jetzt nicht eingecheckt: zum Einlass erneut scannen</translation>
    </message>
    <message>
        <source>Welcome – checked in</source>
        <translation>Willkommen – eingecheckt</translation>
    </message>
    <message>
        <source>Checked out – goodbye</source>
        <translation>Ausgecheckt – auf Wiedersehen</translation>
    </message>
    <message>
        <source>Nothing was changed.</source>
        <translation>Nichts wurde geändert.</translation>
    </message>
    <message>
        <source>Code: {code}</source>
        <translation>Code: {code}</translation>
    </message>
    <message>
        <source>The scan held no readable code.</source>
        <translation>Der Scan enthielt keinen lesbaren Code.</translation>
    </message>
    <message>
        <source>No code</source>
        <translation>Kein Code</translation>
    </message>
    <message>
        <source>Checked in on the platform, time not known</source>
        <translation>Auf der Plattform eingecheckt, Zeit unbekannt</translation>
    </message>
    <message>
        <source>, at {station}</source>
        <translation>, an {station}</translation>
    </message>
    <message>
        <source>just now</source>
        <translation>gerade eben</translation>
    </message>
    <message>
        <source>{minutes} min ago</source>
        <translation>vor {minutes} min</translation>
    </message>
    <message>
        <source>{hours} h {minutes} min ago</source>
        <translation>vor {hours} h {minutes} min</translation>
    </message>
    <message>
        <source>Checked in at {time}, {ago}</source>
        <translation>Eingecheckt um {time}, {ago}</translation>
    </message>
</context>
<context>
    <name>Window</name>
    <message>
        <source>Check-in · {event} · {station}</source>
        <translation>Check-in · {event} · {station}</translation>
    </message>
    <message>
        <source>Staff</source>
        <translation>Mitarbeiter</translation>
    </message>
    <message>
        <source>Staff tools (F2)</source>
        <translation>Mitarbeiter-Werkzeuge (F2)</translation>
    </message>
    <message>
        <source>Search guest</source>
        <translation>Gast suchen</translation>
    </message>
    <message>
        <source>Find a guest by name and check them in by hand</source>
        <translation>Einen Gast nach Namen suchen und von Hand einchecken</translation>
    </message>
    <message>
        <source>Not saved: please scan again</source>
        <translation>Nicht gespeichert: bitte erneut scannen</translation>
    </message>
    <message>
        <source>This station could not save the scan (is its disk full?). Staff: see the status bar.</source>
        <translation>Diese Station konnte den Scan nicht speichern (Speicher voll?). Mitarbeiter: siehe Statuszeile.</translation>
    </message>
    <message>
        <source>The badge is on its way to the printer.</source>
        <translation>Der Badge ist unterwegs zum Drucker.</translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation>Jetzt synchronisieren</translation>
    </message>
    <message>
        <source>Full screen on/off</source>
        <translation>Vollbild ein/aus</translation>
    </message>
    <message>
        <source>Export attendance…</source>
        <translation>Anwesenheit exportieren…</translation>
    </message>
    <message>
        <source>Badge printing…</source>
        <translation>Badge-Druck…</translation>
    </message>
    <message>
        <source>Session…</source>
        <translation>Session…</translation>
    </message>
    <message>
        <source>Deutsch / English</source>
        <translation>Deutsch / English</translation>
    </message>
    <message>
        <source>Set staff PIN…</source>
        <translation>Mitarbeiter-PIN setzen…</translation>
    </message>
    <message>
        <source>Exit kiosk</source>
        <translation>Kiosk beenden</translation>
    </message>
    <message>
        <source>Saved: the window speaks German from its next start.</source>
        <translation>Gespeichert: Das Fenster spricht ab dem nächsten Start Deutsch.</translation>
    </message>
    <message>
        <source>Saved: the window speaks English from its next start.</source>
        <translation>Gespeichert: Das Fenster spricht ab dem nächsten Start Englisch.</translation>
    </message>
    <message>
        <source>Downloading the guest list: {received} of {expected}</source>
        <translation>Gästeliste wird geladen: {received} von {expected}</translation>
    </message>
    <message>
        <source>Downloading the guest list: {received} received</source>
        <translation>Gästeliste wird geladen: {received} erhalten</translation>
    </message>
</context>
</TS>
