"""Person-facing text made below the ui, marked for translation without Qt: the ui translates it.

`QT_TRANSLATE_NOOP("Context", "Template {name}")` is the marker pyside6-lupdate collects; it returns a
`Text`, a str that reads as the English text everywhere (logs, the CLI, tests) and also remembers its
context, template and values, so kiosk.ui.i18n.translated can show it in the window's language.
"""

from __future__ import annotations

from typing import Any


class Text(str):
    """An English text that knows the marked template (and values) it was made from."""

    context: str
    template: str
    values: dict[str, Any]

    def format(self, *args: object, **values: Any) -> Text:
        made = Text(self.template.format(*args, **values))
        made.context, made.template, made.values = self.context, self.template, dict(values)
        return made


def QT_TRANSLATE_NOOP(context: str, text: str) -> Text:
    """`text`, marked for the translators under `context`; `.format(name=...)` fills its placeholders."""
    marked = Text(text)
    marked.context, marked.template, marked.values = context, text, {}
    return marked
