"""The word-by-word comparison of a component's text: both versions can be read back from it,
and the marks fall on words only."""

from hypothesis import given
from hypothesis import strategies as st

from layanan.charters.comparison import compare_items, word_segments

words = st.lists(st.sampled_from(["biaya", "Rp25.000", "gratis", "loket", "ruang", "tunggu,"]))


def read_back(segments: tuple[tuple[str, str], ...], skip: str) -> str:
    return " ".join("".join(text for kind, text in segments if kind != skip).split())


@given(words, words)
def test_both_versions_read_back_from_the_marks(before: list[str], after: list[str]) -> None:
    segments = word_segments(" ".join(before), " ".join(after))
    assert read_back(segments, skip="ins") == " ".join(before)
    assert read_back(segments, skip="del") == " ".join(after)
    for kind, text in segments:
        if kind != "same":
            assert text
            assert text == text.strip()


def test_items_are_matched_by_key() -> None:
    lines = compare_items(
        [("a", "KTP"), ("b", "KK"), ("c", "Surat lahir")],
        [("a", "KTP"), ("c", "Surat lahir dari bidan"), ("d", "Akta nikah")],
    )
    assert [(line.key, line.change) for line in lines] == [
        ("a", "same"),
        ("c", "changed"),
        ("d", "added"),
        ("b", "removed"),
    ]
    assert lines[1].segments == (("same", "Surat lahir"), ("same", " "), ("ins", "dari bidan"))
