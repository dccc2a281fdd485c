"""What a browser sends when a form of a page is submitted as it stands: every field with the value it shows, as the
HTML says (the selected option, or a select's first one; ticked boxes only), which is not what a test posting a
hand-made dict sends."""

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self, form_class: str):
        super().__init__()
        self.form_class = form_class
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self.selects: dict[str, list[tuple[str, bool]]] = {}  # name: (value, selected) of each option
        self._select = None
        self._option_value = None
        self._option_text = ""
        self._option_selected = False
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and self.form_class in (attrs.get("class") or "").split():
            self.inside = True
        if not self.inside or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields.append((name, attrs.get("value", "on")))
            elif kind not in ("submit", "button", "file"):
                self.fields.append((name, attrs.get("value") or ""))
        elif tag == "select" and name:
            self._select = name
            self.selects[name] = []
        elif tag == "option" and self._select:
            self._option_value, self._option_text = attrs.get("value"), ""
            self._option_selected = "selected" in attrs
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._select is not None:
            self._option_text += data
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag == "option" and self._select:
            value = self._option_value if self._option_value is not None else self._option_text.strip()
            self.selects[self._select].append((value, self._option_selected))
            self._option_value = None
        elif tag == "select" and self._select:
            options = self.selects[self._select]
            chosen = [value for value, selected in options if selected] or [value for value, _s in options[:1]]
            self.fields.extend((self._select, value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.fields.append(tuple(self._textarea))
            self._textarea = None
        elif tag == "form":
            self.inside = False


def submitted(html: str, *, form_class: str, **typed) -> dict[str, list[str]]:
    """The fields the browser sends for the first form of class ``form_class`` in ``html``, with ``typed`` (name:
    value) set as a person would set them before pressing the button."""
    reader = _FormReader(form_class)
    reader.feed(html)
    data: dict[str, list[str]] = {}
    for name, value in reader.fields:
        data.setdefault(name, []).append(value)
    unknown = set(typed) - set(data) - set(reader.selects)
    assert not unknown, f"the form has no field {unknown}"
    return data | {name: [str(value)] for name, value in typed.items()}


def defaults_of_selects(html: str, *, form_class: str) -> dict[str, str]:
    """The value of the option each select of the form starts on."""
    reader = _FormReader(form_class)
    reader.feed(html)
    return {name: next((v for v, selected in options if selected), options[0][0] if options else "")
            for name, options in reader.selects.items()}
