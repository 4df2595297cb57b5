"""Fill Indonesian translations from a JSON file of {msgid: msgstr}, keeping the catalog's format.

    .venv/bin/python scripts/translate.py translations.json
    .venv/bin/layanan messages compile

For translators who prefer a list to a .po editor; plural entries take a list of forms.
"""

import json
import sys
from pathlib import Path

from layanan.portal.i18n_tools import read_catalog, render_po

path = Path("locale/id/LC_MESSAGES/django.po")
catalog = read_catalog(path=path, locale="id")
wanted = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
done = 0
for message in catalog:
    key = message.id[0] if isinstance(message.id, tuple) else message.id
    if key in wanted:
        value = wanted[key]
        message.string = tuple(value) if isinstance(value, list) else value
        message.flags.discard("fuzzy")
        done += 1
path.write_bytes(render_po(catalog))
print(f"{done} translation(s) set in {path}")
