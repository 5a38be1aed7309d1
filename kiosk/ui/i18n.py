"""The window's language: German or English translators, Qt's own, the locale for dates and times.

How a string is translated (docs/design.md, "Language"): ui code writes `translate("Context", "text")`
(or `plural(...)` for "%n guest(s)"); a string made below the ui is marked with
`kiosk.domain.text.QT_TRANSLATE_NOOP("Context", "text {name}")` and shown through `translated(text)`.
`pyside6-lupdate` collects all of them into translations/kiosk_de.ts (see tests/ui/test_german.py).
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QLibraryInfo, QLocale, QTime, QTranslator

from kiosk.domain.text import Text

log = logging.getLogger(__name__)

LANGUAGES = ("en", "de")
TRANSLATIONS_DIR = Path(__file__).with_name("translations")
_installed: list[QTranslator] = []


def translate(context: str, text: str, disambiguation: str | None = None, n: int = -1) -> str:
    """QCoreApplication.translate under a name pyside6-lupdate recognises in Python."""
    return QCoreApplication.translate(context, text, disambiguation, n)


def translated(text: str) -> str:
    """Text marked with QT_TRANSLATE_NOOP below the ui, in the window's language; other text as it is."""
    if not isinstance(text, Text):
        return text
    values = {key: translated(value) if isinstance(value, str) else value for key, value in text.values.items()}
    return QCoreApplication.translate(text.context, text.template).format(**values)


def field_label(label: str) -> str:
    """A guest field's label from a platform (kiosk.platforms.*.display), in the window's language.

    Labels come back from the mirror as plain text, so they are looked up by their English words."""
    numbered = re.fullmatch(r"Custom field (\d+)", label)
    if numbered:
        return QCoreApplication.translate("Fields", "Custom field {number}").format(number=numbered[1])
    return QCoreApplication.translate("Fields", label)


class Counted:
    """Counted nouns ("1 Gast", "2 Gäste"): pyside6-lupdate marks a string as plural only in a `tr` call
    inside a class, so every plural of the window is a method here (context "Counted")."""

    def tr(self, text: str, disambiguation: str, n: int) -> str:
        return QCoreApplication.translate("Counted", text, disambiguation, n)

    def guests(self, n: int) -> str:
        return self.tr("%n guest(s)", "", n)

    def companions(self, n: int) -> str:
        return self.tr("%n companion(s)", "", n)

    def companions_checked_in(self, n: int) -> str:
        return self.tr("✔ %n companion(s) checked in", "", n)

    def companions_offered(self, n: int) -> str:
        return self.tr("+%n companion(s), not in yet: check in too?", "", n)

    def conflicts(self, n: int) -> str:
        return self.tr("%n conflict(s)", "", n)

    def lost_check_ins(self, n: int) -> str:
        return self.tr("%n check-in(s) of this station lost to a later change made at another station. "
                       "Check the guest at the door if it matters.", "", n)

    def badges_sent_again(self, n: int) -> str:
        return self.tr("%n badge(s) sent again.", "", n)

    def badges_dropped(self, n: int) -> str:
        return self.tr("%n badge(s) dropped.", "", n)

    def badges_not_printed(self, n: int) -> str:
        return self.tr("%n badge(s) not printed", "", n)

    def reprints(self, n: int) -> str:
        return self.tr("%n reprint(s)", "", n)

    def attendees_written(self, n: int) -> str:
        return self.tr("%n attendee(s) written to {path}.", "", n)


COUNTED = Counted()


def choose_language(requested: str | None, configured: str | None, system: QLocale | None = None) -> str:
    """`--language` first, then the station's setting, then the system locale; English unless German."""
    for value in (requested, configured):
        if value in LANGUAGES:
            return value
    locale = system if system is not None else QLocale.system()
    return "de" if locale.language() is QLocale.Language.German else "en"


def use_language(app: QCoreApplication, language: str) -> str:
    """Install the translators and the default locale for `language` ("en" or "de"); returns it.

    Widgets made afterwards speak it; the window is built after this, so nothing needs retranslating.
    """
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    # English needs its own file too: only for the plural forms ("1 guest", "2 guests") of "%n guest(s)".
    wanted = [("kiosk_en", str(TRANSLATIONS_DIR))]
    if language == "de":
        wanted = [("qtbase_de", qt_dir), ("kiosk_de", str(TRANSLATIONS_DIR))]
    for name, folder in wanted:
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            _installed.append(translator)
        else:
            log.warning("no %s.qm in %s: those texts stay as the source has them", name, folder)
    if language == "de":
        QLocale.setDefault(QLocale(QLocale.Language.German, QLocale.Country.Germany))
    else:
        # British English: 24-hour times and day-month dates, as the door has always shown them.
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    return language


def clock(moment: datetime, *, to_local: bool = True) -> str:
    """A time of day the locale's way ("09:41"), in the station's local time unless `to_local` is False."""
    return QLocale().toString(_qt(moment.astimezone() if to_local else moment).time(), QLocale.FormatType.ShortFormat)


def day_and_clock(moment: datetime) -> str:
    """A day of the month with its time ("3 Dec 09:12", "3. Dez. 09:12")."""
    local = _qt(moment.astimezone())
    pattern = "d. MMM HH:mm" if QLocale().language() is QLocale.Language.German else "d MMM HH:mm"
    return QLocale().toString(local, pattern)


def _qt(moment: datetime) -> QDateTime:
    """The wall-clock reading of `moment` (its own zone) as a QDateTime."""
    return QDateTime(QDate(moment.year, moment.month, moment.day), QTime(moment.hour, moment.minute, moment.second))
