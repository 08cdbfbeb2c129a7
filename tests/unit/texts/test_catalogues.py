"""The catalogues are complete and in use, and the checks that say so catch each kind of gap."""

from __future__ import annotations

from pathlib import Path

import pytest

import texts
from texts import catalogues
from texts.extract import check, update

PO_HEADER = """msgid ""
msgstr ""
"Language: {lang}\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"
"Content-Type: text/plain; charset=utf-8\\n"

"""


def test_every_text_in_the_sources_is_translated_and_every_entry_is_used():
    problems = check()
    assert problems == [], "run scripts/texts extract, then translate:\n" + "\n".join(map(str, problems))


@pytest.mark.parametrize("domain", texts.DOMAINS)
@pytest.mark.parametrize("lang", list(texts.Language))
def test_every_catalogue_has_a_valid_header_with_two_plural_forms(domain: str, lang: texts.Language):
    cat = catalogues.catalog(domain, lang)
    assert str(cat.locale) == lang.value
    assert cat.num_plurals == 2 and cat.plural_expr == "(n != 1)"
    assert not cat.fuzzy


def _tree(tmp_path: Path, source: str, po: dict[str, str]) -> tuple[Path, Path]:
    """A repository with one kiosk module and booth catalogues with the given entries (others empty)."""
    (tmp_path / "kiosk").mkdir()
    (tmp_path / "kiosk" / "screen.py").write_text(source, encoding="utf-8")
    locale = tmp_path / "locale"
    for domain in texts.DOMAINS:
        for lang in catalogues.languages(domain):
            path = locale / lang / "LC_MESSAGES" / f"{domain}.po"
            path.parent.mkdir(parents=True, exist_ok=True)
            body = po.get(lang, RU_OK if lang == "ru" else "") if domain == "booth" else ""
            path.write_text(PO_HEADER.format(lang=lang) + body, encoding="utf-8")
    return tmp_path, locale


SOURCE = 'from kiosk.i18n import _all\n\nTITLE = _all("Welcome")\n'
FI_OK = 'msgid "Welcome"\nmsgstr "Tervetuloa"\n'
SV_OK = 'msgid "Welcome"\nmsgstr "Välkommen"\n'
EN_OK = 'msgid "Welcome"\nmsgstr "Welcome"\n'
RU_OK = 'msgid "Welcome"\nmsgstr "Добро пожаловать"\n'


def test_a_complete_synthetic_tree_has_no_problems(tmp_path: Path):
    assert check(*_tree(tmp_path, SOURCE, {"fi": FI_OK, "sv": SV_OK, "en": EN_OK})) == []


def test_an_empty_or_fuzzy_translation_is_reported(tmp_path: Path):
    fuzzy_sv = '#, fuzzy\nmsgid "Welcome"\nmsgstr "Välkommen"\n'
    problems = check(*_tree(tmp_path, SOURCE, {"fi": 'msgid "Welcome"\nmsgstr ""\n', "sv": fuzzy_sv, "en": EN_OK}))
    assert [(p.path, p.what) for p in problems] == [
        ("locale/fi/LC_MESSAGES/booth.po", "not translated"),
        ("locale/sv/LC_MESSAGES/booth.po", "fuzzy, needs a person's check"),
    ]


def test_a_text_missing_from_a_catalogue_and_an_unused_entry_are_reported(tmp_path: Path):
    stale = 'msgid "Goodbye"\nmsgstr "Näkemiin"\n'
    problems = check(*_tree(tmp_path, SOURCE, {"fi": stale, "sv": SV_OK, "en": EN_OK}))
    assert {(p.path, p.msgid, p.what) for p in problems} == {
        ("locale/fi/LC_MESSAGES/booth.po", "Welcome", "missing from the catalogue"),
        ("locale/fi/LC_MESSAGES/booth.po", "Goodbye", "not used in the sources"),
    }


def test_update_adds_new_texts_drops_unused_ones_and_keeps_translations(tmp_path: Path):
    source = SOURCE + 'BACK = _all("Back")\n'
    stale = 'msgid "Goodbye"\nmsgstr "Näkemiin"\n'
    root, locale = _tree(tmp_path, source, {"fi": FI_OK + "\n" + stale, "sv": SV_OK, "en": EN_OK})
    update(root, locale)
    fi = catalogues.catalog("booth", "fi", locale)
    assert {m.id: m.string for m in fi if m.id} == {"Welcome": "Tervetuloa", "Back": ""}
    en = catalogues.catalog("booth", "en", locale)
    assert en.get("Back").string == "Back"  # English is its own source text
    # fi, sv and the booth's screen-only Russian wait for a translator
    assert [(p.path, p.msgid) for p in check(root, locale)] == [
        (f"locale/{lang}/LC_MESSAGES/booth.po", "Back") for lang in ("fi", "sv", "ru")
    ]


@pytest.fixture
def plural_catalogues(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    entries = {
        "fi": (
            'msgid "{n} minute"\nmsgid_plural "{n} minutes"\nmsgstr[0] "{n} minuutti"\nmsgstr[1] "{n} minuuttia"\n\n'
            'msgctxt "button"\nmsgid "Close"\nmsgstr "Sulje"\n\n'
            'msgctxt "state"\nmsgid "Close"\nmsgstr "Suljettu"\n\n'
            '#, fuzzy\nmsgid "Draft"\nmsgstr "Luonnos"\n\n'
            'msgid "Untranslated"\nmsgstr ""\n'
        ),
        "sv": 'msgid "{n} minute"\nmsgid_plural "{n} minutes"\nmsgstr[0] "{n} minut"\nmsgstr[1] "{n} minuter"\n',
        "en": "",
    }
    for lang in texts.Language:
        for domain in texts.DOMAINS:
            path = tmp_path / lang.value / "LC_MESSAGES" / f"{domain}.po"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(PO_HEADER.format(lang=lang.value) + entries[lang.value], encoding="utf-8")
    monkeypatch.setattr(catalogues, "LOCALE_DIR", tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    ("lang", "n", "text"),
    [
        ("fi", 1, "1 minuutti"),
        ("fi", 5, "5 minuuttia"),
        ("fi", 0, "0 minuuttia"),
        ("sv", 1, "1 minut"),
        ("sv", 2, "2 minuter"),
        ("en", 1, "1 minute"),
        ("en", 21, "21 minutes"),
    ],
)
def test_plural_forms_follow_the_catalogue_rule(plural_catalogues: Path, lang: str, n: int, text: str):
    assert texts.ngettext("booth", lang, "{n} minute", "{n} minutes", n) == text


def test_context_gives_one_english_text_two_meanings(plural_catalogues: Path):
    assert texts.pgettext("web", "fi", "button", "Close") == "Sulje"
    assert texts.pgettext("web", "fi", "state", "Close") == "Suljettu"
    assert texts.gettext("web", "fi", "Draft") == "Draft"  # fuzzy: not shown until a person checked it
    assert texts.gettext("web", "fi", "Untranslated") == "Untranslated"  # empty: the English source text


def test_web_catalogue_shape_with_plurals_and_contexts(plural_catalogues: Path):
    assert texts.web_catalogue("fi") == {
        "language": "fi",
        "plural": "(n != 1)",
        "messages": {
            "{n} minute": ["{n} minuutti", "{n} minuuttia"],
            "button\u0004Close": "Sulje",
            "state\u0004Close": "Suljettu",
        },
    }
    assert texts.web_catalogue(texts.Language.EN)["messages"] == {}


def test_web_catalogue_refuses_a_language_not_offered():
    with pytest.raises(texts.TextError, match="language: 'de' is not offered; use one of fi, sv, en"):
        texts.web_catalogue("de")


def test_all_three_languages_finnish_first_and_fields_filled():
    assert list(texts.in_all("booth", "You are number {n} in the queue", n=3).values()) == [
        "Olet jonossa 3.",
        "Du är nummer 3 i kön",
        "You are number 3 in the queue",
    ]


def test_the_browser_codes_texts_are_found_with_t_tn_and_tp(tmp_path: Path):
    root, locale = _tree(tmp_path, SOURCE, {"fi": FI_OK, "sv": SV_OK, "en": EN_OK})
    page = root / "backend" / "web" / "official" / "page.js"
    page.parent.mkdir(parents=True)
    page.write_text(
        "// @ts-check\n"
        'import { t, tn, tp } from "./i18n.js";\n'
        'export const title = () => `${t("Lobby")}: ${tn("{n} citizen waiting", "{n} citizens waiting", 2)}`;\n'
        'export const close = () => tp("button", "Close");\n',
        encoding="utf-8",
    )
    assert {(p.path, p.msgid) for p in check(root, locale)} == {
        (f"locale/{lang}/LC_MESSAGES/web.po", msgid)
        for lang in ("fi", "sv", "en")
        for msgid in ("Lobby", "{n} citizen waiting", "Close")
    }
    update(root, locale)
    en = {(m.context, m.id): m.string for m in catalogues.catalog("web", "en", locale) if m.id}
    assert en == {
        (None, "Lobby"): "Lobby",
        (None, ("{n} citizen waiting", "{n} citizens waiting")): ("{n} citizen waiting", "{n} citizens waiting"),
        ("button", "Close"): "Close",
    }
    fi = catalogues.po_path("web", "fi", locale).read_text(encoding="utf-8")
    assert 'msgid_plural "{n} citizens waiting"\nmsgstr[0] ""\nmsgstr[1] ""' in fi
    assert 'msgctxt "button"\nmsgid "Close"' in fi


def test_a_translation_that_loses_or_renames_a_field_is_reported(tmp_path: Path):
    source = 'from kiosk.i18n import _all\n\nLINE = _all("Code {code}")\n'
    fi = 'msgid "Code {code}"\nmsgstr "Koodi {koodi}"\n'
    sv = 'msgid "Code {code}"\nmsgstr "Kod"\n'
    en = 'msgid "Code {code}"\nmsgstr "Code {code}"\n'
    ru = 'msgid "Code {code}"\nmsgstr "Код {code}"\n'
    problems = check(*_tree(tmp_path, source, {"fi": fi, "sv": sv, "en": en, "ru": ru}))
    assert [(p.path, p.what) for p in problems] == [
        ("locale/fi/LC_MESSAGES/booth.po", "the translation's {fields} differ from the English"),
        ("locale/sv/LC_MESSAGES/booth.po", "the translation's {fields} differ from the English"),
    ]


def test_a_screen_only_language_has_a_booth_catalogue_and_is_checked_like_the_others(tmp_path: Path):
    assert catalogues.SCREEN_ONLY_LANGUAGES == ("ru",)
    assert catalogues.languages("booth") == ("fi", "sv", "en", "ru")
    assert catalogues.languages("web") == ("fi", "sv", "en")  # officials' pages: meeting languages only
    untranslated = 'msgid "Welcome"\nmsgstr ""\n'
    problems = check(*_tree(tmp_path, SOURCE, {"fi": FI_OK, "sv": SV_OK, "en": EN_OK, "ru": untranslated}))
    assert [(p.path, p.what) for p in problems] == [("locale/ru/LC_MESSAGES/booth.po", "not translated")]


def test_the_russian_booth_catalogue_is_read_with_its_own_plural_rule():
    assert texts.gettext("booth", "ru", "Welcome") == "Добро пожаловать"
    assert catalogues.catalog("booth", "ru").num_plurals == 3
    with pytest.raises(texts.TextError, match="language: 'ru' has no web catalogue; use one of fi, sv, en"):
        texts.gettext("web", "ru", "Lobby")
