"""`layanan messages extract|compile|check`, run on a small project in a temporary directory.

The real locale/ directory is never touched: every call names its own root and locale dir.
"""

import gettext
import io
import json
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.core.management import call_command
from django.core.management.base import CommandError

BASE_TEMPLATE = """{% load i18n %}
<h1>{% translate "Services" %}</h1>
{# Translators: the month, not the verb #}
<p>{% translate "May" context "month" %}</p>
<p>{% blocktranslate with name=agency.name %}Welcome to {{ name }}{% endblocktranslate %}</p>
<p>{% blocktranslate count days=charter.days %}{{ days }} working day{% plural %}{{ days }} \
working days{% endblocktranslate %}</p>
"""

VIEWS = """from django.utils.translation import gettext as _, ngettext, pgettext


def describe_requirements(count):
    return ngettext("%(count)d requirement", "%(count)d requirements", count) % {"count": count}


FEE = pgettext("charter field", "Fee")
SIGN_IN = _("Sign in")
"""

INDONESIAN = {
    "Services": "Layanan",
    "May": "Mei",
    "Welcome to %(name)s": "Selamat datang di %(name)s",
    "%(days)s working day": "%(days)s hari kerja",
    "%(count)d requirement": "%(count)d persyaratan",
    "Fee": "Biaya",
    "Sign in": "Masuk",
    "Agency": "Instansi",
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A tree shaped like Layanan: templates/, an app with views, a template, migrations, tests."""
    app = tmp_path / "layanan" / "agencies"
    files = {
        tmp_path / "templates" / "base.html": BASE_TEMPLATE,
        app / "__init__.py": "",
        app / "views.py": VIEWS,
        app / "templates" / "agencies" / "detail.html": (
            '{% load i18n %}<h2>{% translate "Agency" %}</h2>\n'
        ),
        app
        / "migrations"
        / "0001_initial.py": "from django.utils.translation import gettext as _\n"
        '_("Only in a migration")\n',
        app / "tests" / "test_views.py": "from django.utils.translation import gettext as _\n"
        '_("Only in a test")\n',
    }
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def run(project: Path, action: str) -> str:
    stdout = io.StringIO()
    call_command(
        "messages",
        action,
        root=str(project),
        locale_dir=str(project / "locale"),
        stdout=stdout,
        stderr=io.StringIO(),
    )
    return stdout.getvalue()


def catalog_path(project: Path, language: str = "id") -> Path:
    return project / "locale" / language / "LC_MESSAGES" / "django.po"


def translate(po: Path, translations: dict[str, str]) -> None:
    """Fill msgstr as a translator would in an editor: the first form of each message."""
    text = po.read_text(encoding="utf-8")
    for msgid, msgstr in translations.items():
        pattern = re.compile(
            rf'(msgid {re.escape(json.dumps(msgid))}\n(?:msgid_plural "[^\n]*"\n)?'
            r'msgstr(?:\[0\])? )""'
        )
        quoted = json.dumps(msgstr, ensure_ascii=False)
        text, count = pattern.subn(r"\g<1>" + quoted.replace("\\", "\\\\"), text)
        assert count == 1, msgid
    po.write_text(text, encoding="utf-8")


def translated_project(project: Path) -> Path:
    run(project, "extract")
    translate(catalog_path(project), INDONESIAN)
    run(project, "compile")
    return project


def read_messages(po: Path) -> dict:
    with po.open("rb") as fileobj:
        catalog = read_po(fileobj)
    return {(message.context, message.id): message for message in catalog if message.id}


def test_extract_finds_template_and_python_messages(project: Path) -> None:
    run(project, "extract")

    messages = read_messages(catalog_path(project))
    assert set(messages) == {
        (None, "Services"),
        ("month", "May"),
        (None, "Welcome to %(name)s"),
        (None, ("%(days)s working day", "%(days)s working days")),
        (None, ("%(count)d requirement", "%(count)d requirements")),
        ("charter field", "Fee"),
        (None, "Sign in"),
        (None, "Agency"),
    }
    assert "python-format" in messages[None, "Welcome to %(name)s"].flags
    assert messages["month", "May"].auto_comments == ["Translators: the month, not the verb"]


def test_extract_writes_headers_for_each_language(project: Path) -> None:
    run(project, "extract")

    indonesian = catalog_path(project, "id").read_text(encoding="utf-8")
    english = catalog_path(project, "en").read_text(encoding="utf-8")
    assert '"Language: id\\n"' in indonesian
    assert '"Plural-Forms: nplurals=1; plural=0;\\n"' in indonesian
    assert '"Language: en\\n"' in english
    assert '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"' in english
    assert '"Content-Type: text/plain; charset=utf-8\\n"' in indonesian


def test_extract_names_files_without_line_numbers(project: Path) -> None:
    run(project, "extract")

    text = catalog_path(project).read_text(encoding="utf-8")
    assert "#: templates/base.html\n" in text
    assert "#: layanan/agencies/templates/agencies/detail.html\n" in text
    assert not re.search(r"^#:.*:\d", text, flags=re.MULTILINE)


def test_extract_keeps_translations_and_drops_removed_messages(project: Path) -> None:
    translated_project(project)
    views = project / "layanan" / "agencies" / "views.py"
    views.write_text(views.read_text().replace('SIGN_IN = _("Sign in")\n', ""))

    run(project, "extract")

    text = catalog_path(project).read_text(encoding="utf-8")
    messages = read_messages(catalog_path(project))
    assert (None, "Sign in") not in messages
    assert "#~" not in text
    assert messages[None, "Services"].string == "Layanan"
    plural = messages[None, ("%(days)s working day", "%(days)s working days")]
    assert plural.string == ("%(days)s hari kerja",)
    assert '#, python-format\nmsgid "%(days)s working day"' in text


def test_extract_twice_changes_nothing(project: Path) -> None:
    run(project, "extract")
    first = catalog_path(project).read_bytes()

    output = run(project, "extract")

    assert catalog_path(project).read_bytes() == first
    assert "(unchanged)" in output


def test_extract_merges_translations_from_partial_catalogs(project: Path) -> None:
    run(project, "extract")
    translate(catalog_path(project), {"Services": "Layanan"})
    partial = catalog_path(project).parent / "_frontend_strings.po"
    partial.write_text(
        'msgid "Services"\nmsgstr "Pelayanan"\n\n'
        'msgid "Agency"\nmsgstr "Instansi"\n\n'
        'msgid "Not in the source"\nmsgstr "Tidak ada"\n',
        encoding="utf-8",
    )
    partial_before = partial.read_bytes()

    output = run(project, "extract")

    messages = read_messages(catalog_path(project))
    assert messages[None, "Agency"].string == "Instansi"
    assert messages[None, "Services"].string == "Layanan"  # the main catalog wins
    assert (None, "Not in the source") not in messages
    assert partial.read_bytes() == partial_before
    assert "1 merged from partial catalogs" in output


def test_extract_creates_catalogs_with_translations_from_partial_catalogs(project: Path) -> None:
    partial = catalog_path(project).parent / "_frontend_strings.po"
    partial.parent.mkdir(parents=True)
    partial.write_text('msgid "Agency"\nmsgstr "Instansi"\n', encoding="utf-8")

    run(project, "extract")

    assert read_messages(catalog_path(project, "id"))[None, "Agency"].string == "Instansi"
    assert read_messages(catalog_path(project, "en"))[None, "Agency"].string == ""


def test_compile_writes_a_catalog_gettext_can_read(project: Path) -> None:
    translated_project(project)

    mo = catalog_path(project).with_suffix(".mo").read_bytes()

    translations = gettext.GNUTranslations(io.BytesIO(mo))
    assert translations.gettext("Services") == "Layanan"
    assert translations.pgettext("month", "May") == "Mei"
    assert translations.pgettext("charter field", "Fee") == "Biaya"
    assert translations.gettext("Welcome to %(name)s") == "Selamat datang di %(name)s"
    days = translations.ngettext("%(days)s working day", "%(days)s working days", 5)
    assert days == "%(days)s hari kerja"
    assert translations.info()["language"] == "id"


def test_compile_leaves_out_fuzzy_translations(project: Path) -> None:
    translated_project(project)
    po = catalog_path(project)
    po.write_text(po.read_text().replace('msgid "Agency"', '#, fuzzy\nmsgid "Agency"'))

    run(project, "compile")

    translations = gettext.GNUTranslations(io.BytesIO(po.with_suffix(".mo").read_bytes()))
    assert translations.gettext("Agency") == "Agency"
    assert translations.gettext("Services") == "Layanan"


def test_compile_gives_the_same_bytes_for_the_same_catalog(project: Path) -> None:
    translated_project(project)
    mo = catalog_path(project).with_suffix(".mo")
    first = mo.read_bytes()
    mo.unlink()

    run(project, "compile")

    assert mo.read_bytes() == first


def test_check_passes_on_a_complete_catalog(project: Path) -> None:
    translated_project(project)

    assert run(project, "check") == "translations up to date (8 messages)\n"


def test_check_fails_on_an_untranslated_message(project: Path) -> None:
    run(project, "extract")
    translate(catalog_path(project), {k: v for k, v in INDONESIAN.items() if k != "Agency"})
    run(project, "compile")

    with pytest.raises(CommandError, match="msgid 'Agency': not translated") as raised:
        run(project, "check")
    assert "Services" not in str(raised.value)


def test_check_fails_on_a_fuzzy_message(project: Path) -> None:
    translated_project(project)
    po = catalog_path(project)
    po.write_text(po.read_text().replace('msgid "Agency"', '#, fuzzy\nmsgid "Agency"'))
    run(project, "compile")

    with pytest.raises(CommandError, match="msgid 'Agency': fuzzy"):
        run(project, "check")


def test_check_fails_on_a_message_missing_from_the_catalog(project: Path) -> None:
    translated_project(project)
    base = project / "templates" / "base.html"
    base.write_text(base.read_text() + '{% translate "Complaints" %}\n')

    with pytest.raises(CommandError, match="msgid 'Complaints': not in the catalog"):
        run(project, "check")


def test_check_fails_on_a_stale_mo(project: Path) -> None:
    translated_project(project)
    po = catalog_path(project)
    po.write_text(po.read_text().replace('msgstr "Masuk"', 'msgstr "Log masuk"'))

    with pytest.raises(CommandError, match=r"id/LC_MESSAGES/django\.mo: not compiled"):
        run(project, "check")


@pytest.mark.parametrize(
    ("msgid", "broken", "complaint"),
    [
        ("Welcome to %(name)s", "Selamat datang di %(nama)s", r"%\(nama\)s in the translation"),
        ("Welcome to %(name)s", "Selamat datang", r"placeholders \(none\)"),
        ("Welcome to %(name)s", "%(name)s 100%", "a lone %"),
        ("Welcome to %(name)s", "100% untuk %(name)s", r"%u in the translation.*write %%"),
        ("%(days)s working day", "satu hari kerja", r"expected %\(days\)s"),
    ],
)
def test_check_fails_on_a_broken_placeholder(
    project: Path, msgid: str, broken: str, complaint: str
) -> None:
    run(project, "extract")
    translate(catalog_path(project), {**INDONESIAN, msgid: broken})
    run(project, "compile")

    with pytest.raises(CommandError, match=complaint):
        run(project, "check")
