"""Reading a site the way a fuzzer needs it: the links and the forms of an HTML page.

The standard library's HTML tokenizer suffices: our pages are well formed, and only the tags
of links and form controls matter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin

# A fresh value per control type, the kind a person would type there, so that a form sent
# with one hostile value and these elsewhere gets past the other fields to the code behind.
PLAUSIBLE = {
    "email": "fuzz@example.jp",
    "date": "2026-12-01",
    "datetime-local": "2026-12-01T10:00",
    "number": "1",
    "tel": "03-5744-1111",
    "url": "https://example.jp/",
    "password": "a-long-fuzz-password-2026",
}
PLAUSIBLE_TEXT = "テスト入力です"


@dataclass
class Control:
    name: str
    kind: str  # an <input> type, "select" or "textarea"
    value: str = ""
    options: list[str] = field(default_factory=list)
    checked: bool = False


@dataclass
class Form:
    method: str
    action: str
    enctype: str
    controls: list[Control] = field(default_factory=list)

    def baseline(self) -> list[tuple[str, str]]:
        """The form as a person would send it: what it shows filled in, a plausible value
        where it is empty, the choice it shows chosen (else the first), every box ticked,
        the first button."""
        radios = [control for control in self.controls if control.kind == "radio"]
        chosen = {control.name: control.value for control in reversed(radios)}
        chosen |= {control.name: control.value for control in radios if control.checked}
        pairs: list[tuple[str, str]] = []
        pressed = False
        for control in self.controls:
            if control.kind in {"submit", "button", "image", "reset"}:
                if control.kind == "submit" and not pressed:
                    pairs.append((control.name, control.value))
                    pressed = True
            elif control.kind == "radio":
                if control.name in chosen:
                    pairs.append((control.name, chosen.pop(control.name)))
            elif control.kind == "checkbox":
                pairs.append((control.name, control.value or "on"))
            elif control.kind == "select":
                choices = [option for option in control.options if option] or [""]
                pairs.append((control.name, control.value or choices[0]))
            elif control.kind != "file":
                pairs.append((control.name, control.value or _plausible(control)))
        return pairs

    def file_fields(self) -> list[str]:
        return [control.name for control in self.controls if control.kind == "file"]

    def fuzzable(self) -> list[str]:
        """The names a hostile value goes into: every control that sends a value, hidden
        ones included (tokens and revisions come back from the browser too)."""
        names = []
        for control in self.controls:
            if control.kind in {"button", "image", "reset", "file"}:
                continue
            if control.name == "csrfmiddlewaretoken" or control.name in names:
                continue
            names.append(control.name)
        return names


def _plausible(control: Control) -> str:
    if control.kind == "hidden":
        return ""
    return PLAUSIBLE.get(control.kind, PLAUSIBLE_TEXT)


class PageReader(HTMLParser):
    """Collects a page's same-site links and its forms."""

    def __init__(self, url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.url = url
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Control | None = None
        self._textarea: Control | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "a" and attributes.get("href"):
            self.links.append(urljoin(self.url, attributes["href"]))
        elif tag == "form":
            self._form = Form(
                method=attributes.get("method", "get").lower(),
                action=urljoin(self.url, attributes.get("action") or self.url),
                enctype=attributes.get("enctype", ""),
            )
            self.forms.append(self._form)
        elif self._form is None or "disabled" in attributes:
            return
        elif tag in {"input", "button"} and attributes.get("name"):
            default = "submit" if tag == "button" else "text"
            self._form.controls.append(
                Control(
                    name=attributes["name"],
                    kind=attributes.get("type", default).lower(),
                    value=attributes.get("value", ""),
                    checked="checked" in attributes,
                )
            )
        elif tag == "select" and attributes.get("name"):
            self._select = Control(name=attributes["name"], kind="select")
            self._form.controls.append(self._select)
        elif tag == "option" and self._select is not None:
            self._select.options.append(attributes.get("value", ""))
            if "selected" in attributes:
                self._select.value = attributes.get("value", "")
        elif tag == "textarea" and attributes.get("name"):
            self._textarea = Control(name=attributes["name"], kind="textarea")
            self._form.controls.append(self._textarea)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def read_page(url: str, html: str) -> PageReader:
    reader = PageReader(url)
    reader.feed(html)
    reader.close()
    return reader
