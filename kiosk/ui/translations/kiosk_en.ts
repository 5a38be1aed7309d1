<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>Counted</name>
    <message numerus="yes">
        <source>%n guest(s)</source>
        <translation>
            <numerusform>%n guest</numerusform>
            <numerusform>%n guests</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n companion(s)</source>
        <translation>
            <numerusform>%n companion</numerusform>
            <numerusform>%n companions</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>✔ %n companion(s) checked in</source>
        <translation>
            <numerusform>✔ %n companion checked in</numerusform>
            <numerusform>✔ %n companions checked in</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>+%n companion(s), not in yet: check in too?</source>
        <translation>
            <numerusform>+%n companion, not in yet: check in too?</numerusform>
            <numerusform>+%n companions, not in yet: check in too?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n conflict(s)</source>
        <translation>
            <numerusform>%n conflict</numerusform>
            <numerusform>%n conflicts</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n check-in(s) of this station lost to a later change made at another station. Check the guest at the door if it matters.</source>
        <translation>
            <numerusform>%n check-in of this station lost to a later change made at another station. Check the guest at the door if it matters.</numerusform>
            <numerusform>%n check-ins of this station lost to a later change made at another station. Check the guest at the door if it matters.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n badge(s) sent again.</source>
        <translation>
            <numerusform>%n badge sent again.</numerusform>
            <numerusform>%n badges sent again.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n badge(s) dropped.</source>
        <translation>
            <numerusform>%n badge dropped.</numerusform>
            <numerusform>%n badges dropped.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n badge(s) not printed</source>
        <translation>
            <numerusform>%n badge not printed</numerusform>
            <numerusform>%n badges not printed</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n reprint(s)</source>
        <translation>
            <numerusform>%n reprint</numerusform>
            <numerusform>%n reprints</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n attendee(s) written to {path}.</source>
        <translation>
            <numerusform>%n attendee written to {path}.</numerusform>
            <numerusform>%n attendees written to {path}.</numerusform>
        </translation>
    </message>
</context>
</TS>
