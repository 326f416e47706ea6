"""Themes on a small hand-made set whose counts, shares and growth were worked out by hand."""

from datetime import UTC, datetime

import pytest

from tahawul.feedback.text.themes import ThemeComment, phrases_of, themes


def day(number: int) -> datetime:
    return datetime(2025, 3, number, 9, 0, tzinfo=UTC)


CURRENT = [
    ThemeComment("The app keeps crashing at payment", ("app_or_website_fault", "payment"), day(10)),
    ThemeComment("App keeps crashing again today", ("app_or_website_fault",), day(9)),
    ThemeComment("Waited two hours, the app keeps crashing", ("waiting_time", "app_or_website_fault"), day(8)),
    ThemeComment("The app keeps crashing on login", ("app_or_website_fault",), day(7)),
    ThemeComment("app keeps crashing", ("app_or_website_fault",), day(6)),
    ThemeComment("Long queue at the centre", ("waiting_time",), day(5)),
    ThemeComment("Rude staff at the counter", ("staff_conduct",), day(4)),
    ThemeComment("Rude staff again", ("staff_conduct",), day(3)),
]
PREVIOUS = [
    *(ThemeComment(f"Long queue, waited {hours} hours", ("waiting_time",), day(1)) for hours in range(1, 7)),
    *(ThemeComment("Rude staff", ("staff_conduct",), day(2)) for _ in range(3)),
    ThemeComment("The app keeps crashing", ("app_or_website_fault",), day(2)),
]


def test_most_frequent_topics_with_count_share_and_recent_examples() -> None:
    result = themes(CURRENT, PREVIOUS)

    assert (result.comments, result.previous_comments) == (8, 10)
    assert [(theme.label, theme.count) for theme in result.topics] == [
        ("app_or_website_fault", 5),
        ("staff_conduct", 2),  # ties: by name
        ("waiting_time", 2),
        ("payment", 1),
    ]
    app = result.topics[0]
    assert app.share == pytest.approx(5 / 8)
    assert (app.previous_count, app.previous_share) == (1, pytest.approx(1 / 10))
    assert app.examples == (
        "The app keeps crashing at payment",
        "App keeps crashing again today",
        "Waited two hours, the app keeps crashing",
    )
    assert result.topics[1].examples == ("Rude staff at the counter", "Rude staff again")


def test_growing_topics_need_five_current_comments_and_a_rise_in_share() -> None:
    result = themes(CURRENT, PREVIOUS)

    # app: 5/8 now against 1/10 before. waiting_time (2/8 against 6/10) and staff_conduct
    # (2/8 against 3/10) fell, and have fewer than five comments anyway.
    assert [theme.label for theme in result.growing_topics] == ["app_or_website_fault"]
    assert result.growing_topics[0].growth == pytest.approx(5 / 8 - 1 / 10)
    assert result.growing_topics[0].count == 5


def test_a_topic_rising_from_nothing_with_four_comments_is_not_yet_growing() -> None:
    current = [ThemeComment(f"fee {number}", ("fees",), day(number)) for number in range(1, 5)]

    assert themes(current, []).growing_topics == ()
    assert themes([*current, ThemeComment("fee 5", ("fees",), day(5))], []).growing_topics[0].label == "fees"


def test_frequent_phrases_skip_stop_words_and_keep_the_longest_phrase() -> None:
    result = themes(CURRENT, PREVIOUS)

    # "app keeps" and "keeps crashing" occur in exactly the comments "app keeps crashing" does;
    # "long queue" and "waited two hours" occur once, which is no theme.
    assert [(theme.label, theme.count) for theme in result.phrases] == [("app keeps crashing", 5), ("rude staff", 2)]
    assert result.phrases[0].examples == (
        "The app keeps crashing at payment",
        "App keeps crashing again today",
        "Waited two hours, the app keeps crashing",
    )


def test_growing_phrases_compare_shares_with_the_previous_period() -> None:
    result = themes(CURRENT, PREVIOUS)

    # "rude staff" has two current comments, under the three a growing phrase needs.
    assert [theme.label for theme in result.growing_phrases] == ["app keeps crashing"]
    crashing = result.growing_phrases[0]
    assert (crashing.count, crashing.previous_count) == (5, 1)
    assert crashing.growth == pytest.approx(5 / 8 - 1 / 10)


def test_limit_and_empty_periods() -> None:
    assert len(themes(CURRENT, PREVIOUS, limit=2).topics) == 2
    empty = themes([], [])
    assert (empty.topics, empty.growing_topics, empty.phrases, empty.growing_phrases) == ((), (), (), ())
    # Nothing before: every rise is from zero, and shares are still of the current comments.
    assert themes(CURRENT, []).growing_topics[0].previous_share == 0


def test_arabic_spelling_variants_make_one_phrase() -> None:
    comments = [
        ThemeComment("الموقع طايح من الصبح", ("app_or_website_fault",), day(1)),
        ThemeComment("المَوقِع طايح!! أبي أجدد", ("app_or_website_fault",), day(2)),
        ThemeComment("يا جماعة الموقع طايح", ("app_or_website_fault",), day(3)),
    ]

    assert themes(comments, []).phrases[0].label == "الموقع طايح"
    assert themes(comments, []).phrases[0].count == 3


def test_phrases_never_span_a_stop_word_or_a_number() -> None:
    assert phrases_of("waited for 3 hours in the queue") == set()
    assert phrases_of("payment page froze") == {"payment page", "page froze", "payment page froze"}
