"""Properties of the pure core that reads received messages (notifications.conversation)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from layanan.notifications.conversation import (
    ALONE,
    TEXT,
    VERBS,
    WORDS,
    parse_choice,
    parse_command,
)
from layanan.notifications.webhooks import read_whatsapp

verbs_and_words = st.sampled_from([(verb, word) for verb, words in VERBS.items() for word in words])
spacing = st.text(alphabet=" \t\n.,:;!?*\u00a0", max_size=4)
mixed_case = st.randoms(use_true_random=False)
argument = st.lists(
    st.text(alphabet="ABCDEFGHJKMNPQRSTVWXYZ0123456789-", min_size=1, max_size=12).filter(
        lambda token: token.strip("-")
    ),
    max_size=3,
).map(lambda tokens: " ".join(token.strip("-") for token in tokens))


def scramble_case(word: str, random) -> str:
    return "".join(letter.lower() if random.random() < 0.5 else letter for letter in word)


@given(st.text(max_size=200))
def test_any_text_reads_as_a_command_or_text_without_raising(text):
    command = parse_command(text)
    assert command.verb in VERBS or command.verb == TEXT
    assert command.argument == command.argument.strip()


@given(verbs_and_words, spacing, spacing, spacing, argument, mixed_case)
def test_a_command_word_is_read_whatever_its_case_spacing_and_punctuation(
    verb_word, before, between, after, rest, random
):
    verb, word = verb_word
    typed = f"{before}{scramble_case(word, random)}{between or ' '}{rest}{after}"
    command = parse_command(typed)
    if verb in ALONE and rest:
        # "Stop pungli …" is a sentence, not BERHENTI: these commands stand alone
        assert command.verb == TEXT
        return
    assert command.verb == verb
    assert command.argument == rest.upper() or command.argument.upper() == rest.upper()


@given(st.sampled_from(sorted(ALONE)), st.text(alphabet="abcdefghij 0123456789", max_size=30))
def test_a_sentence_that_starts_with_a_lone_command_word_is_text(verb, rest):
    command = parse_command(f"{VERBS[verb][0]} {rest}")
    assert command.verb == (verb if not rest.strip() else TEXT)


@given(verbs_and_words, argument)
def test_a_second_word_of_the_same_command_is_dropped(verb_word, rest):
    verb, word = verb_word
    twin = VERBS[verb][-1]
    doubled, single = (
        parse_command(f"{VERBS[verb][0]} {twin} {rest}"),
        parse_command(f"{word} {rest}"),
    )
    if verb in ALONE and rest.strip():
        assert doubled.verb == single.verb == TEXT  # a sentence, however it starts
    else:
        assert doubled == single


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12), argument)
def test_a_word_that_is_no_command_is_text(word, rest):
    if word.upper() in WORDS:
        return
    command = parse_command(f"{word} {rest}")
    assert command.verb == TEXT


@given(st.integers(min_value=1, max_value=10), st.data())
def test_a_numbered_answer_in_range_is_read(count, data):
    number = data.draw(st.integers(min_value=1, max_value=count))
    decorated = data.draw(st.sampled_from(["{}", " {} ", "{}.", "({})", "{})", "*{}*"]))
    assert parse_choice(decorated.format(number), count) == number


@given(st.integers(min_value=1, max_value=10), st.integers(min_value=-5, max_value=500))
def test_a_number_out_of_range_is_no_answer(count, number):
    if 1 <= number <= count:
        return
    assert parse_choice(str(number), count) is None


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", max_size=10), st.integers(1, 9))
def test_words_are_no_numbered_answer(text, count):
    assert parse_choice(text, count) is None


WHATSAPP_KEYS = [
    "entry",
    "changes",
    "value",
    "messages",
    "statuses",
    "from",
    "id",
    "type",
    "text",
    "body",
    "interactive",
    "button_reply",
    "button",
    "status",
    "errors",
    "timestamp",
]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(WHATSAPP_KEYS),
            children,
            max_size=5,
        )
    ),
    max_leaves=30,
)


@settings(max_examples=60)
@given(json_values)
def test_any_json_reads_as_messages_and_statuses_without_raising(payload):
    received, reports, unread = read_whatsapp(payload)
    assert unread >= 0
    for message in received:
        assert message.sender.startswith("+")
        assert message.provider_id
        assert "\x00" not in message.text
    for report in reports:
        assert report.status in ("sent", "delivered", "read", "failed")


def test_each_kind_of_whatsapp_message_is_read():
    def message(**item):
        return {"from": "6281234567890", "id": f"wamid.{item['type']}", "timestamp": "1", **item}

    payload = {
        "entry": [
            {
                "changes": [
                    {
                        "value": {
                            "messages": [
                                message(type="text", text={"body": "STATUS"}),
                                message(
                                    type="interactive",
                                    interactive={
                                        "type": "list_reply",
                                        "list_reply": {"id": "3", "title": "Sesuai"},
                                    },
                                ),
                                message(type="button", button={"payload": "SURVEI", "text": "Isi"}),
                                message(type="image", image={"id": "1"}),
                            ],
                            "statuses": [{"id": "wamid.out", "status": "deleted"}],
                        }
                    }
                ]
            }
        ]
    }
    received, reports, unread = read_whatsapp(payload)
    assert [(m.sender, m.text, m.payload) for m in received] == [
        ("+6281234567890", "STATUS", ""),
        ("+6281234567890", "Sesuai", "3"),
        ("+6281234567890", "Isi", "SURVEI"),
        ("+6281234567890", "", ""),
    ]
    assert (reports, unread) == ([], 1)
