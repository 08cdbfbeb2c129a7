"""Finds every text in the sources and keeps the PO files in step with them.

The extractor is Babel's, called from here rather than from a ``pybabel``
config so the domains, the sources and the keywords live in one place that
the tests and ``scripts/texts`` share:

- ``booth``: the kiosk and the drivers (slips printed at the booth);
- ``backend``: the backend's Python (SMS, e-mail, check-in answers, alerts);
- ``web``: the browser apps' JavaScript under ``backend/web`` and their pages'
  fixed texts (``data-i18n`` / ``data-i18n-label`` attributes in the HTML).

Python call sites use the wrappers named in :data:`PY_KEYWORDS`, whose msgid is
the first string after the language: ``_(lang, "Text {field}", field=...)``.
JavaScript uses ``t("Text")``, ``tn("One file", "{n} files", n)`` and
``tp("context", "Text")``; these names are reserved in the browser code (the
extractor also takes ``x.t("...")`` for a text).
"""

from __future__ import annotations

import copy
import io
import string
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import IO, Any

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po

from protocol.messages import Language
from texts.catalogues import DOMAINS, LOCALE_DIR, clear_cache, languages, po_path

REPO = Path(__file__).resolve().parent.parent

#: Babel keyword specs: the argument positions of msgid (and plural, context).
PY_KEYWORDS: dict[str, tuple | None] = {
    "_": (2,),  # _(lang, msgid, **fmt)
    "_n": (2, 3),  # _n(lang, singular, plural, n, **fmt)
    "_p": ((2, "c"), 3),  # _p(lang, context, msgid, **fmt)
    "_all": None,  # _all(msgid, **fmt): every language at once
    "N_": None,  # N_(msgid): marked here, translated later
}
JS_KEYWORDS: dict[str, tuple | None] = {
    "t": None,  # t(msgid)
    "tn": (1, 2),  # tn(singular, plural, n)
    "tp": ((1, "c"), 2),  # tp(context, msgid)
}

#: Where each domain's texts are written: (glob under the repository, Babel method).
SOURCES: dict[str, tuple[tuple[str, str], ...]] = {
    "booth": (("kiosk/**/*.py", "python"), ("drivers/**/*.py", "python")),
    "backend": (("backend/**/*.py", "python"),),
    "web": (("backend/web/**/*.js", "javascript"), ("backend/web/**/*.html", "html")),
}

#: The HTML attributes whose value is an English text the page translates (render.js).
HTML_TEXT_ATTRIBUTES = ("data-i18n", "data-i18n-label")


class _TextAttributes(HTMLParser):
    """Collects (line, text) for every translated attribute of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[int, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in HTML_TEXT_ATTRIBUTES and value:
                self.found.append((self.getpos()[0], value))


def extract_html(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, str, str, list[str]]]:
    """A Babel extraction method for the pages' fixed texts (their ``data-i18n`` attributes)."""
    parser = _TextAttributes()
    parser.feed(fileobj.read().decode("utf-8"))
    for lineno, text in parser.found:
        yield lineno, "t", text, []


_HEADER = "Etäpiste: the {domain} texts in {language}.\nThe msgid is the English source text; see docs/TEXTS.md."
_LANGUAGE_NAMES = {"fi": "Finnish", "sv": "Swedish", "en": "English", "ru": "Russian"}
_IGNORED_DIRS = {"node_modules", "__pycache__", "vendor"}


def source_files(domain: str, root: Path = REPO) -> Iterator[tuple[Path, str]]:
    for pattern, method in SOURCES[domain]:
        for path in sorted(root.glob(pattern)):
            if path.is_file() and not _IGNORED_DIRS.intersection(path.relative_to(root).parts):
                yield path, method


def extract(domain: str, root: Path = REPO) -> Catalog:
    """The domain's texts as found in the sources now: a template catalogue (no translations)."""
    template = Catalog(domain=domain, project="Etäpiste", fuzzy=False)
    for path, method in source_files(domain, root):
        keywords = PY_KEYWORDS if method == "python" else JS_KEYWORDS
        options = {"parse_template_string": True} if method == "javascript" else {}
        extractor = extract_html if method == "html" else method
        for lineno, message, comments, context in extract_from_file(
            extractor, path, keywords=keywords, comment_tags=("TRANSLATORS:",), options=options, strip_comment_tags=True
        ):
            where = [(path.relative_to(root).as_posix(), lineno)]
            template.add(message, locations=where, auto_comments=comments, context=context)
    return template


def _key(message: Message) -> tuple[str, str | None]:
    singular = message.id[0] if isinstance(message.id, tuple | list) else message.id
    return singular, message.context


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a catalogue, said so a person knows which file and text to fix."""

    path: str
    msgid: str
    what: str

    def __str__(self) -> str:
        return f"{self.path}: {self.what}: {self.msgid!r}"


def _fields(text: str) -> set[str] | None:
    """The ``{field}`` names in ``text``; None if it is not a valid format string."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return None


def _placeholders_match(message: Message) -> bool:
    """A translation fills the same fields as its English (a plural form may leave ``{n}`` out)."""
    if isinstance(message.id, tuple | list):
        allowed = _fields(message.id[0]) or set()
        allowed |= _fields(message.id[1]) or set()
        return all((f := _fields(form)) is not None and f <= allowed for form in message.string)
    return _fields(message.string) == _fields(message.id)


def _translated(message: Message) -> bool:
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return all(strings) and not message.fuzzy


def check(root: Path = REPO, locale_dir: Path = LOCALE_DIR) -> list[Problem]:
    """Every gap between the sources and the catalogues.

    - a text in the sources that a catalogue lacks (it would show in English);
    - a text in a catalogue that no source uses (dead weight a translator keeps paying for);
    - a Finnish, Swedish (or screen-only, e.g. Russian) entry that is empty or fuzzy
      (not yet checked by a person);
    - a translation whose ``{fields}`` are not the English text's (it would fail
      or lose the booking code when filled).
    English may be left empty: gettext then shows the msgid, which is the English.
    """
    problems: list[Problem] = []
    for domain in DOMAINS:
        wanted = {_key(m) for m in extract(domain, root) if m.id}
        for lang in languages(domain):
            path = po_path(domain, lang, locale_dir)
            shown = path.relative_to(locale_dir.parent).as_posix()
            with path.open("rb") as f:
                cat = read_po(f, locale=lang)
            have = {_key(m): m for m in cat if m.id}
            missing, unused = sorted(wanted - have.keys(), key=str), sorted(have.keys() - wanted, key=str)
            problems += [Problem(shown, k[0], "missing from the catalogue") for k in missing]
            problems += [Problem(shown, k[0], "not used in the sources") for k in unused]
            if lang != Language.EN.value:
                problems += [
                    Problem(shown, k[0], "fuzzy, needs a person's check" if m.fuzzy else "not translated")
                    for k, m in have.items()
                    if k in wanted and not _translated(m)
                ]
            problems += [
                Problem(shown, k[0], "the translation's {fields} differ from the English")
                for k, m in have.items()
                if k in wanted and _translated(m) and not _placeholders_match(m)
            ]
    return problems


def update(root: Path = REPO, locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Brings every PO file in step with the sources; returns the files written.

    New texts come in untranslated (English: msgid copied), texts no longer in
    the sources are dropped, and nothing is guessed: no fuzzy matching, so a
    changed English text needs a person to translate it anew.
    """
    written = []
    for domain in DOMAINS:
        template = extract(domain, root)
        for lang in languages(domain):
            path = po_path(domain, lang, locale_dir)
            if path.exists():
                with path.open("rb") as f:
                    cat = read_po(f, locale=lang, domain=domain)
            else:
                cat = Catalog(
                    locale=lang,
                    domain=domain,
                    project="Etäpiste",
                    version="1",
                    msgid_bugs_address="-",
                    last_translator="Etäpiste",
                    language_team=_LANGUAGE_NAMES[lang],
                    fuzzy=False,
                )
                header = _HEADER.format(domain=domain, language=_LANGUAGE_NAMES[lang])
                cat.header_comment = "# " + header.replace("\n", "\n# ")
            created, revised = cat.creation_date, cat.revision_date
            # A copy: Babel adds the template's own Message objects, and English fills them in below.
            cat.update(copy.deepcopy(template), no_fuzzy_matching=True, update_header_comment=False)
            cat.obsolete.clear()
            cat.creation_date, cat.revision_date = created, revised
            if lang == Language.EN.value:
                for message in cat:
                    if message.id and not _translated(message):
                        message.string = message.id  # (singular, plural) for a plural entry
            buffer = io.BytesIO()
            write_po(buffer, cat, width=120, include_lineno=False, sort_by_file=True, ignore_obsolete=True)
            if not path.exists() or path.read_bytes() != buffer.getvalue():
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(buffer.getvalue())
                written.append(path)
    clear_cache()
    return written
