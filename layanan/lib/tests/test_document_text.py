"""The issued document's body template: what the charter reader accepts always renders."""

from hypothesis import given
from hypothesis import strategies as st

from layanan.lib import document_text

KEYS = ["nama_anak", "alamat"]
NAMES = st.sampled_from([*document_text.FIXED_NAMES, *KEYS])
PIECES = st.one_of(
    st.text(alphabet=st.characters(blacklist_characters="{}"), max_size=20),
    NAMES.map(lambda name: "{" + name + "}"),
    st.just("{{"),
    st.just("}}"),
)


@given(st.lists(PIECES, max_size=12), st.dictionaries(NAMES, st.text(max_size=10)))
def test_an_accepted_template_fills_without_error(pieces, facts):
    template = "".join(pieces)
    assert document_text.unknown_names(template, KEYS) == []
    filled = document_text.fill(template, facts)
    for name, value in facts.items():
        if "{" + name + "}" in template.replace("{{", "").replace("}}", ""):
            assert value in filled


@given(st.text(max_size=40))
def test_any_text_is_accepted_refused_or_unparsable_never_an_error(template):
    result = document_text.unknown_names(template, KEYS)
    assert result is None or isinstance(result, list)
    document_text.fill(template, {})  # never raises, accepted or not


def test_unknown_and_unbalanced():
    assert document_text.unknown_names("{nomor} {nik}", KEYS) == ["nik"]
    assert document_text.unknown_names("{nomor", KEYS) is None
    assert document_text.unknown_names("{} {0}", KEYS) == ["", "0"]
    assert document_text.unknown_names("{tanggal:%d}", KEYS) is None
    assert document_text.fill("{nomor}-{layanan}", {"nomor": "A1"}) == "A1-"
