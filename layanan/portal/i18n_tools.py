"""Translation catalogs built with babel, so that nobody needs GNU gettext.

`layanan messages extract|compile|check` is the interface (portal/management/commands/); this
module is the logic. It reads no settings, so tests can point it at a temporary tree.

Babel is a development dependency: only the management command imports this module, and only
when it runs. The site itself reads the committed .mo files.

Choices worth knowing:

- Location comments name the file but not the line (``#: layanan/portal/views.py``). Line
  numbers move with every edit above a string and would turn each extract into a noisy diff.
- Messages that leave the source are dropped, not kept as ``#~`` obsolete entries: git has
  the history.
- The header names no babel version and only changes when the messages change, so that the same
  source gives byte-identical .po and .mo files on every machine and every babel release.
"""

from __future__ import annotations

import copy
import io
import re
import tokenize
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, PoFileParser, write_po
from django.template import TemplateSyntaxError
from django.utils.translation.template import templatize

DOMAIN = "django"
# msgids are English, so the English catalog may leave every msgstr empty.
SOURCE_LANGUAGE = "en"

# Django's translation functions and which of their arguments are context, singular and plural.
KEYWORDS: Mapping[str, tuple[int | tuple[int, str], ...] | None] = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
# `# Translators: ...` (Python) and `{# Translators: ... #}` (templates) reach the translator.
COMMENT_TAGS = ("Translators",)
# As Django's makemessages: plain-text e-mail templates hold strings too.
TEMPLATE_SUFFIXES = frozenset({".html", ".txt"})
SKIPPED_DIRECTORIES = frozenset({"migrations", "tests", "__pycache__"})
# Partial catalogs (`_frontend_strings.po`, ...) whose translations extract merges in.
PARTIAL_CATALOG_GLOB = "_*.po"

PROJECT = "Layanan"
HEADER_COMMENT = (
    "# Translations of Layanan, written by `layanan messages extract`.\n"
    "# Edit only msgstr lines (and remove `#, fuzzy` once checked),\n"
    "# then run `layanan messages compile`."
)
# Header fields babel writes that say nothing here (placeholder addresses, the babel version).
_DROPPED_HEADERS = frozenset(
    {"Report-Msgid-Bugs-To", "Last-Translator", "Language-Team", "Generated-By"}
)

# One printf-style conversion as Python's % operator reads it, `%%` included.
_CONVERSION = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?"
    r"(?P<type>[diouxXeEfFgGcrsa%])"
)


class CatalogError(Exception):
    """A .po file or a template that cannot be read; the message names the file."""


class _ReproducibleCatalog(Catalog):
    """A catalog whose header does not depend on the installed babel.

    Babel writes `Generated-By: Babel <version>` into every .po and .mo file; upgrading babel
    would then make every committed .mo look stale to `check`.
    """

    def _get_mime_headers(self) -> list[tuple[str, str]]:
        headers = [
            (name, PROJECT if name == "Project-Id-Version" else value)
            for name, value in super()._get_mime_headers()
            if name not in _DROPPED_HEADERS
        ]
        # gettext wants the header entry to end with a newline, as babel's last field did
        name, value = headers[-1]
        headers[-1] = (name, f"{value}\n")
        return headers


@dataclass(frozen=True)
class CatalogUpdate:
    """What `update_catalogs` did to one .po file."""

    path: Path
    messages: int
    added: int
    removed: int
    merged_from_partials: int
    untranslated: int
    changed: bool


@dataclass(frozen=True)
class CompiledCatalog:
    path: Path
    translations: int
    changed: bool


@dataclass(frozen=True)
class CatalogCheck:
    messages: int
    problems: list[str]


def po_path(*, locale_dir: Path, locale: str) -> Path:
    return locale_dir / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def find_source_files(*, root: Path) -> list[Path]:
    """Python modules and templates that hold translatable strings, relative to `root`.

    Python comes from `layanan/`; templates from `templates/` and any `templates/` directory
    inside `layanan/`. Migrations and tests are left out.
    """
    found = [
        path.relative_to(root)
        for path in (root / "layanan").rglob("*")
        if path.is_file() and _holds_messages(path.relative_to(root))
    ]
    found += [
        path.relative_to(root)
        for path in (root / "templates").rglob("*")
        if path.is_file() and path.suffix in TEMPLATE_SUFFIXES
    ]
    return sorted(set(found))


def _holds_messages(relative: Path) -> bool:
    """Whether a file under layanan/ is a module or an app template to extract from."""
    directories = relative.parts[:-1]
    if not SKIPPED_DIRECTORIES.isdisjoint(directories):
        return False
    if relative.suffix == ".py":
        return not _is_test_module(relative.name)
    return relative.suffix in TEMPLATE_SUFFIXES and "templates" in directories


def extract_messages(*, root: Path) -> Catalog:
    """Every translatable message in the source, with its files and translator comments."""
    source = _ReproducibleCatalog(fuzzy=False)
    for relative in find_source_files(root=root):
        location = relative.as_posix()
        for lineno, msgid, comments, context in _extract_file(root / relative):
            source.add(
                msgid,
                locations=[(location, lineno)],
                auto_comments=comments,
                context=context,
            )
    return source


def _extract_file(path: Path) -> Iterable[tuple[int, str | tuple[str, ...], list[str], str | None]]:
    try:
        if path.suffix == ".py":
            source = path.read_bytes()
        else:
            source = _templatize(path.read_text(encoding="utf-8"), origin=str(path))
        yield from extract(
            "python", io.BytesIO(source), KEYWORDS, COMMENT_TAGS, options={"encoding": "utf-8"}
        )
    except (TemplateSyntaxError, SyntaxError, tokenize.TokenError, UnicodeDecodeError) as error:
        raise CatalogError(f"{path}: {error}") from error


def _templatize(template: str, *, origin: str) -> bytes:
    """The template as Python source that babel's Python extractor reads.

    Django's own translation, as `makemessages` uses it: {% translate %} becomes gettext(...),
    {% blocktranslate count %} ngettext(...), other text is blanked out line by line. The
    result keeps the template's indentation, which Python's tokenizer refuses; every call sits
    on one line, so dropping the indentation loses nothing and keeps the line numbers.
    """
    python_like = templatize(template, origin=origin)
    return "\n".join(line.lstrip() for line in python_like.split("\n")).encode("utf-8")


def _is_test_module(name: str) -> bool:
    return name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py"


def read_catalog(*, path: Path, locale: str | None) -> Catalog:
    """Read a .po file; a line babel cannot parse is an error, not a warning."""
    catalog = _ReproducibleCatalog(locale=locale, domain=DOMAIN, fuzzy=False)
    try:
        with path.open("rb") as fileobj:
            PoFileParser(catalog, ignore_obsolete=True, abort_invalid=True).parse(fileobj)
    except (PoFileError, UnicodeDecodeError) as error:
        raise CatalogError(f"{path}: {error}") from error
    return catalog


def new_catalog(*, locale: str, now: datetime) -> Catalog:
    """An empty catalog whose header states the language, plural rule and charset."""
    catalog = _ReproducibleCatalog(
        locale=locale,
        domain=DOMAIN,
        header_comment=HEADER_COMMENT,
        creation_date=now,
        revision_date=now,
        charset="utf-8",
        fuzzy=False,
    )
    return catalog


def render_po(catalog: Catalog) -> bytes:
    """The .po file for `catalog`: sorted, obsolete entries dropped, no line numbers."""
    buffer = io.BytesIO()
    write_po(
        buffer,
        catalog,
        sort_output=True,
        ignore_obsolete=True,
        include_lineno=False,
        include_previous=False,
    )
    return buffer.getvalue()


def render_mo(catalog: Catalog) -> bytes:
    """The .mo file for `catalog`, leaving out fuzzy and incomplete translations.

    babel writes messages sorted and without a hash table, so the bytes depend only on
    the catalog.
    """
    compiled = copy.deepcopy(catalog)
    for message in list(_messages(compiled)):
        if not isinstance(message.id, str) and not _is_translated(message):
            # babel would fill the empty forms with the English msgids, and in a language with
            # one plural form show the singular for every number; leave the message out so that
            # Django falls back to the source, as for any untranslated message.
            compiled.delete(message.id, context=message.context)
    buffer = io.BytesIO()
    write_mo(buffer, compiled, use_fuzzy=False)
    return buffer.getvalue()


def update_catalogs(
    *, root: Path, locale_dir: Path, locales: Sequence[str], now: datetime
) -> list[CatalogUpdate]:
    """Bring each locale's django.po in line with the source, keeping existing translations.

    A message the catalog has no translation for takes one from the locale's partial
    catalogs (`_*.po`) when they have it; the partial files themselves are left as they are.
    A file whose messages did not change is not rewritten, so extract is idempotent.
    """
    source = extract_messages(root=root)
    return [
        # babel's update adopts the source's Message objects: give each catalog its own
        _update_catalog(
            source=copy.deepcopy(source),
            path=po_path(locale_dir=locale_dir, locale=locale),
            locale=locale,
            now=now,
        )
        for locale in locales
    ]


def _update_catalog(*, source: Catalog, path: Path, locale: str, now: datetime) -> CatalogUpdate:
    if path.exists():
        catalog = read_catalog(path=path, locale=locale)
        before: bytes | None = path.read_bytes()
    else:
        catalog = new_catalog(locale=locale, now=now)
        before = None
    known = {_key(message) for message in _messages(catalog)}
    # Exact matches only: a near-miss guess would come back as a fuzzy entry that a translator
    # must review anyway, and `check` already lists every new message.
    catalog.update(source, no_fuzzy_matching=True, update_creation_date=False)
    removed = len(catalog.obsolete)
    catalog.obsolete.clear()
    merged = _merge_partials(
        catalog=catalog, partials=sorted(path.parent.glob(PARTIAL_CATALOG_GLOB))
    )

    rendered = render_po(catalog)
    if rendered != before:
        # Date the header only when the messages really changed.
        catalog.creation_date = now
        rendered = render_po(catalog)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(rendered)
    return CatalogUpdate(
        path=path,
        messages=len(catalog),
        added=sum(1 for message in _messages(catalog) if _key(message) not in known),
        removed=removed,
        merged_from_partials=merged,
        untranslated=sum(1 for message in _messages(catalog) if not _is_translated(message)),
        changed=rendered != before,
    )


def _merge_partials(*, catalog: Catalog, partials: Sequence[Path]) -> int:
    merged = 0
    for partial_path in partials:
        partial = read_catalog(path=partial_path, locale=catalog.locale_identifier)
        for found in _messages(partial):
            if found.fuzzy or not any(_forms(found)):
                continue
            message = catalog.get(found.id, context=found.context)
            if message is None or _is_compiled(message):
                continue
            string = _fit_forms(found, message=message, num_plurals=catalog.num_plurals)
            if string is None:
                continue
            message.string = string
            message.flags.discard("fuzzy")
            merged += 1
    return merged


def _fit_forms(
    found: Message, *, message: Message, num_plurals: int
) -> str | tuple[str, ...] | None:
    """The partial catalog's translation shaped like `message`, or None if it cannot be."""
    forms = _forms(found)
    if isinstance(message.id, str):
        return forms[0] if isinstance(found.id, str) else None
    if isinstance(found.id, str):
        # a single string can serve every number only in a language with one plural form
        return (forms[0],) if num_plurals == 1 else None
    return tuple(forms) if len(forms) == num_plurals else None


def compile_catalogs(*, locale_dir: Path) -> list[CompiledCatalog]:
    """Write django.mo next to every django.po; unchanged files are not touched."""
    compiled = []
    for path in sorted(locale_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        catalog = read_catalog(path=path, locale=path.parent.parent.name)
        translations = sum(1 for message in _messages(catalog) if _is_compiled(message))
        mo = render_mo(catalog)
        mo_path = path.with_suffix(".mo")
        changed = not mo_path.exists() or mo_path.read_bytes() != mo
        if changed:
            mo_path.write_bytes(mo)
        compiled.append(CompiledCatalog(path=mo_path, translations=translations, changed=changed))
    return compiled


def check_catalogs(*, root: Path, locale_dir: Path, locales: Sequence[str]) -> CatalogCheck:
    """Everything that is wrong with the catalogs, one line per problem.

    Every language but English must translate every message in the source, with no fuzzy
    entries; no translation may break a format string; every .mo must be what compile writes.
    """
    source = extract_messages(root=root)
    problems: list[str] = []
    for locale in locales:
        path = po_path(locale_dir=locale_dir, locale=locale)
        shown = display_path(path, root=root)
        if not path.exists():
            problems.append(f"{shown}: missing; run `layanan messages extract`")
            continue
        catalog = read_catalog(path=path, locale=locale)
        if locale != SOURCE_LANGUAGE:
            problems += [f"{shown}: {problem}" for problem in _missing_problems(source, catalog)]
            problems += [f"{shown}: {problem}" for problem in _translation_problems(catalog)]
        for message in _messages(catalog):
            if problem := find_placeholder_problem(message):
                problems.append(f"{shown}: {_describe(message)}: {problem}")
        mo_path = path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.read_bytes() != render_mo(catalog):
            problems.append(
                f"{display_path(mo_path, root=root)}: not compiled from {path.name}; "
                "run `layanan messages compile`"
            )
    return CatalogCheck(messages=len(source), problems=problems)


def _missing_problems(source: Catalog, catalog: Catalog) -> Iterable[str]:
    for wanted in _messages(source):
        message = catalog.get(wanted.id, context=wanted.context)
        if message is None:
            yield f"{_describe(wanted)}: not in the catalog; run `layanan messages extract`"
        elif message.id != wanted.id:
            yield f"{_describe(wanted)}: plural form changed; run `layanan messages extract`"


def _translation_problems(catalog: Catalog) -> Iterable[str]:
    for message in _messages(catalog):
        if message.fuzzy:
            yield f"{_describe(message)}: fuzzy; check the translation and remove the flag"
        elif not _is_translated(message):
            yield f"{_describe(message)}: not translated"


def find_placeholder_problem(message: Message) -> str | None:
    """Why the translation of a format string would not format like its msgid, if it would not.

    A translation must use the msgid's placeholders (renaming `%(name)s` raises KeyError at
    runtime) and write a literal percent sign as `%%`. In a plural message each form must
    match the singular or the plural msgid, and the last form (used for "many") the plural.
    """
    if not ("python-format" in message.flags or message.python_format):
        return None
    msgids = [message.id] if isinstance(message.id, str) else list(message.id)
    expected: list[_Placeholders] = []
    for msgid in msgids:
        placeholders = _placeholders(msgid)
        if placeholders is None:
            return None  # the msgid itself is not a format string
        expected.append(placeholders)
    forms = _forms(message)
    for index, form in enumerate(forms):
        if not form:
            continue
        found = _placeholders(form)
        if found is None:
            return "a lone % in the translation; write %% for a percent sign"
        allowed = expected[-1:] if index == len(forms) - 1 else expected
        if found not in allowed:
            wanted = " or ".join(_show_placeholders(placeholders) for placeholders in allowed)
            problem = (
                f"placeholders {_show_placeholders(found)} in the translation, expected {wanted}"
            )
            if all(found[1] != positional for _named, positional in allowed):
                # "100% untuk" reads as the conversion "% u" to Python
                problem += " (write %% for a percent sign)"
            return problem
    return None


_Placeholders = tuple[frozenset[str], tuple[str, ...]]


def _placeholders(text: str) -> _Placeholders | None:
    """Named and positional conversions in `text`, or None if it has a stray `%`."""
    if "%" in _CONVERSION.sub("", text):
        return None
    named: set[str] = set()
    positional: list[str] = []
    for match in _CONVERSION.finditer(text):
        if match["type"] == "%":
            continue
        if match["name"] is None:
            positional.append(f"%{match['type']}")
        else:
            named.add(f"%({match['name']}){match['type']}")
    return frozenset(named), tuple(positional)


def _show_placeholders(placeholders: _Placeholders) -> str:
    named, positional = placeholders
    return " ".join([*sorted(named), *positional]) or "(none)"


def _messages(catalog: Catalog) -> Iterable[Message]:
    """The catalog's messages without its header entry."""
    return (message for message in catalog if message.id)


def _key(message: Message) -> tuple[str, str | None]:
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    return msgid, message.context


def _forms(message: Message) -> list[str]:
    """The translation as a list: one string, or one per plural form."""
    if message.string is None or isinstance(message.string, str):
        return [message.string or ""]
    return list(message.string)


def _is_translated(message: Message) -> bool:
    forms = _forms(message)
    return bool(forms) and all(forms)


def _is_compiled(message: Message) -> bool:
    return _is_translated(message) and not message.fuzzy


def _describe(message: Message) -> str:
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    context = f" (context {message.context!r})" if message.context else ""
    return f"msgid {msgid!r}{context}"


def display_path(path: Path, *, root: Path) -> str:
    """`path` relative to the project, as the catalogs and messages name files."""
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
