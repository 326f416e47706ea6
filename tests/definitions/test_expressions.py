"""The condition language of service definitions: parsing, writing back, evaluating."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tahawul.definitions.expressions import (
    MAX_DEPTH,
    MAX_LENGTH,
    BoolOp,
    Compare,
    ExpressionError,
    ListOf,
    Literal,
    Name,
    Node,
    Not,
    compared_literals,
    evaluate,
    holds,
    names,
    parse,
    to_source,
)

KEYWORDS = {"and", "or", "not", "in", "true", "false", "null"}
OPERATORS = ["==", "!=", "<", "<=", ">", ">=", "in", "not in"]


# --- strategies ---------------------------------------------------------------------------------

identifiers = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,7}", fullmatch=True).filter(lambda text: text not in KEYWORDS)
name_paths = st.lists(identifiers, min_size=1, max_size=3).map(".".join).filter(lambda text: text not in KEYWORDS)

# What the tokenizer can read back: no backslash, and not both kinds of quote in one string.
string_values = st.text(st.characters(blacklist_characters="\\", blacklist_categories=("Cs",)), max_size=12).filter(
    lambda text: not ("'" in text and '"' in text)
)
decimal_values = st.from_regex(r"[0-9]{1,8}\.[0-9]{1,10}", fullmatch=True).map(Decimal)
literal_values = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=0, max_value=10**20), decimal_values, string_values
)
literals = literal_values.map(Literal)
leaves = st.one_of(
    literals,
    name_paths.map(Name),
    st.lists(literals, max_size=4).map(lambda items: ListOf(tuple(items))),
)


def _extend(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    return st.one_of(
        children.map(Not),
        st.builds(
            BoolOp,
            st.sampled_from(["and", "or"]),
            st.lists(children, min_size=2, max_size=4).map(tuple),
        ),
        st.builds(Compare, st.sampled_from(OPERATORS), children, children),
    )


trees = st.recursive(leaves, _extend, max_leaves=12)


def rendered_depth(node: Node) -> int:
    """The parser's nesting depth for ``to_source(node)`` (each ``not`` and each parenthesis counts)."""
    if isinstance(node, Not):
        return 2 + rendered_depth(node.operand)  # "not (" ... ")"
    if isinstance(node, BoolOp):
        return 1 + max(rendered_depth(operand) for operand in node.operands)
    if isinstance(node, Compare):
        return 1 + max(rendered_depth(node.left), rendered_depth(node.right))
    return 0


def shape(node: Node) -> object:
    """A tree as nested tuples that also tell literal types apart (``true`` is not ``1``)."""
    if isinstance(node, Literal):
        return ("literal", type(node.value).__name__, repr(node.value))
    if isinstance(node, Name):
        return ("name", node.path)
    if isinstance(node, ListOf):
        return ("list", tuple(shape(item) for item in node.items))
    if isinstance(node, Not):
        return ("not", shape(node.operand))
    if isinstance(node, BoolOp):
        return (node.operator, tuple(shape(operand) for operand in node.operands))
    return ("compare", node.operator, shape(node.left), shape(node.right))


json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),  # NaN and infinities included: Python floats never raise when compared
    st.decimals(allow_nan=False),
    st.text(max_size=10),
    st.dates().map(lambda day: day.isoformat()),
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.lists(children, max_size=4).map(tuple),
        st.dictionaries(st.text(max_size=5), children, max_size=3),
    ),
    max_leaves=8,
)


# --- parsing ------------------------------------------------------------------------------------


def test_parses_the_documented_examples() -> None:
    assert parse("urgent == true") == Compare("==", Name("urgent"), Literal(True))
    assert parse("applicant.is_citizen") == Name("applicant.is_citizen")
    assert parse("kind in ['a', \"b\"]") == Compare("in", Name("kind"), ListOf((Literal("a"), Literal("b"))))
    assert parse("x not in []") == Compare("not in", Name("x"), ListOf(()))
    assert parse("amount >= 2.5") == Compare(">=", Name("amount"), Literal(Decimal("2.5")))
    assert parse("x != null") == Compare("!=", Name("x"), Literal(None))


def test_precedence_is_not_then_and_then_or() -> None:
    assert parse("a or b and c") == BoolOp("or", (Name("a"), BoolOp("and", (Name("b"), Name("c")))))
    assert parse("(a or b) and c") == BoolOp("and", (BoolOp("or", (Name("a"), Name("b"))), Name("c")))
    assert parse("not a == 1") == Not(Compare("==", Name("a"), Literal(1)))
    assert parse("not not a") == Not(Not(Name("a")))
    assert parse("a and b and c") == BoolOp("and", (Name("a"), Name("b"), Name("c")))


def test_number_literals_keep_their_kind() -> None:
    whole = parse("3")
    assert isinstance(whole, Literal)
    assert type(whole.value) is int
    fraction = parse("3.50")
    assert isinstance(fraction, Literal)
    assert fraction.value == Decimal("3.50")
    assert isinstance(fraction.value, Decimal)


@pytest.mark.parametrize(
    ("source", "position"),
    [
        ("", 0),
        ("   ", 0),  # only spaces: empty
        ("a ==", 4),
        ("a == == b", 5),
        ("a $ b", 2),
        ("(a", 2),
        ("a b", 2),
        ("a == 'open", 5),
        ("x in [1 2]", 8),
        ("[a]", 1),
        ("a and", 5),
        ("a == 1)", 6),
        ("x not y", 2),
    ],
)
def test_parse_errors_name_the_position(source: str, position: int) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse(source)
    assert caught.value.position == position
    assert caught.value.message
    assert str(caught.value) == caught.value.message
    assert 0 <= caught.value.position <= len(source)


def test_empty_condition_is_an_error_at_zero() -> None:
    with pytest.raises(ExpressionError, match="empty") as caught:
        parse("")
    assert caught.value.position == 0


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*"ab_.1 ()[],'\"=!<>$٣", " and ", " or ", " not ", " in "]), max_size=40).map("".join))
def test_parse_raises_only_expression_errors_with_a_position_inside_the_text(source: str) -> None:
    try:
        parse(source)
    except ExpressionError as error:
        assert 0 <= error.position <= len(source)


# --- limits -------------------------------------------------------------------------------------


def test_too_long_a_condition_is_refused() -> None:
    with pytest.raises(ExpressionError) as caught:
        parse("a or " * 250 + "a")
    assert caught.value.position == MAX_LENGTH


def test_a_condition_of_the_maximum_length_is_read() -> None:
    source = "a or " * 199 + "abcde"
    assert len(source) == MAX_LENGTH
    assert isinstance(parse(source), BoolOp)


def test_parentheses_nested_to_the_limit_are_read() -> None:
    source = "(" * MAX_DEPTH + "a" + ")" * MAX_DEPTH
    assert parse(source) == Name("a")


@pytest.mark.parametrize(
    "source",
    [
        "(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1),
        "(" * 400 + "a" + ")" * 400,
        "not " * (MAX_DEPTH + 1) + "a",
        "not " * 200 + "a",
        "not (" * 150 + "a" + ")" * 150,
        "(" * 999,
    ],
)
def test_deep_nesting_is_an_expression_error_not_a_recursion_error(source: str) -> None:
    with pytest.raises(ExpressionError):
        parse(source)


def test_deeply_nested_lists_are_an_expression_error() -> None:
    source = "[" * 490 + "]" * 490  # 980 characters, within MAX_LENGTH
    with pytest.raises(ExpressionError):
        parse(source)


def test_a_list_in_a_list_is_refused() -> None:
    with pytest.raises(ExpressionError, match="only values"):
        parse("x in [[1]]")


# --- writing back -------------------------------------------------------------------------------


@settings(max_examples=400, deadline=None)
@given(trees)
def test_to_source_parses_back_to_the_same_tree(tree: Node) -> None:
    source = to_source(tree)
    assume(len(source) <= MAX_LENGTH and rendered_depth(tree) <= MAX_DEPTH)
    again = parse(source)
    assert shape(again) == shape(tree)
    assert again == tree


@pytest.mark.parametrize(
    "source",
    [
        "urgent == true",
        "a or b and not c",
        "x not in ['a', 'b'] and y >= 2.50",
        '"it\'s" == name',
        "'say \"hi\"' != name",
        "applicant.age >= 18 and applicant.nationality == 'BH'",
        "((a))",
        "[] == x",
        "not (a == 1 or b)",
        "x == null",
        "٣ == x",  # Arabic-Indic digits are digits
    ],
)
def test_to_source_of_a_parsed_condition_is_stable(source: str) -> None:
    tree = parse(source)
    written = to_source(tree)
    assert parse(written) == tree
    assert to_source(parse(written)) == written


def test_to_source_of_a_small_decimal_parses_back() -> None:
    tree = parse("x == 0.0000001")
    assert parse(to_source(tree)) == tree


@pytest.mark.parametrize(
    "source",
    ["not " * MAX_DEPTH + "a", "a == 1 and " * 90 + "a == 1"],
    ids=["depth", "length"],
)
def test_to_source_of_a_condition_within_the_limits_parses_back(source: str) -> None:
    tree = parse(source)
    assert parse(to_source(tree)) == tree


# --- names and compared literals ----------------------------------------------------------------


def test_names_in_order_of_appearance() -> None:
    tree = parse("a == 1 and (not b or c in [1, 2]) and applicant.age > d")
    assert list(names(tree)) == ["a", "b", "c", "applicant.age", "d"]


def test_compared_literals_for_equality_and_membership_only() -> None:
    tree = parse("kind == 'company' and 'x' != other and tags in ['a', 'b'] and n > 3 and not (m not in [null])")
    assert list(compared_literals(tree)) == [
        ("kind", "company"),
        ("other", "x"),
        ("tags", "a"),
        ("tags", "b"),
        ("m", None),
    ]


# --- evaluation ---------------------------------------------------------------------------------


@settings(max_examples=400, deadline=None)
@given(trees, st.data())
def test_evaluate_never_raises(tree: Node, data: st.DataObject) -> None:
    values = {name: data.draw(json_values) for name in names(tree)}
    evaluate(tree, values)
    assert isinstance(holds(tree, values), bool)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(OPERATORS), json_values, json_values)
def test_every_operator_on_any_two_values_never_raises(operator: str, left: object, right: object) -> None:
    result = evaluate(Compare(operator, Name("l"), Name("r")), {"l": left, "r": right})
    assert isinstance(result, bool)


@pytest.mark.parametrize(
    ("source", "value"),
    [("x < 1", Decimal("NaN")), ("x >= 2.5", Decimal("NaN")), ("x == 1", Decimal("sNaN"))],
)
def test_evaluate_never_raises_for_decimal_nan(source: str, value: Decimal) -> None:
    assert holds(parse(source), {"x": value}) is False


def check(source: str, **values: object) -> bool:
    return holds(parse(source), values)


@pytest.mark.parametrize("operator", ["==", "<", "<=", ">", ">="])
@pytest.mark.parametrize(
    ("left", "right"),
    [
        (3, "3"),
        ("3", 3),
        (True, 1),
        (1, True),
        (False, 0),
        (None, 0),
        (0, None),
        (Decimal("1"), "1"),
        (("a",), "a"),
        ("2026-01-01", 20260101),
    ],
)
def test_comparisons_between_different_kinds_are_false(operator: str, left: object, right: object) -> None:
    assert not holds(Compare(operator, Name("l"), Name("r")), {"l": left, "r": right})
    # `!=` is the negation of `==`, so between different kinds it holds.
    assert holds(Compare("!=", Name("l"), Name("r")), {"l": left, "r": right})


def test_booleans_are_not_numbers() -> None:
    assert not check("x == 1", x=True)
    assert not check("x == true", x=1)
    assert not check("x == 0", x=False)
    assert check("x != 1", x=True)
    assert not check("x in [1, 2]", x=True)
    assert not check("x in [true]", x=1)
    assert not check("x < 2", x=True)
    assert check("x == true", x=True)
    assert check("x in [false, null]", x=False)


def test_numbers_compare_across_whole_and_decimal() -> None:
    assert check("x == 1.0", x=1)
    assert check("x == 12", x=Decimal("12.000"))
    assert check("x > 12", x=Decimal("12.5"))
    assert check("x <= 2.5", x=2)
    assert check("x in [1, 2.50]", x=Decimal("2.5"))


def test_dates_compare_as_iso_strings() -> None:
    assert check("d < '2026-02-01'", d="2026-01-31")
    assert check("d >= '2026-01-01' and d <= '2026-12-31'", d="2026-07-15")
    assert not check("d > '2026-02-01'", d="2025-12-31")
    assert check("d == '2026-02-01'", d="2026-02-01")


def test_strings_order_lexically() -> None:
    assert check("x < 'b'", x="a")
    assert not check("x < 'B'", x="a")


def test_in_and_not_in_with_a_list() -> None:
    assert check("x in ['a', 'b']", x="a")
    assert not check("x in ['a', 'b']", x="c")
    assert check("x not in ['a', 'b']", x="c")
    assert not check("x not in ['a', 'b']", x="b")
    assert not check("x in []", x="a")
    assert check("x not in []", x="a")
    assert check("x in [null]")  # unanswered is null
    assert check("x in [1, 2]", x=2)


def test_in_with_a_multi_choice_answer_on_the_left() -> None:
    assert check("services in ['water', 'power']", services=("gas", "power"))
    assert not check("services in ['water']", services=("gas", "power"))
    assert check("services not in ['water']", services=("gas", "power"))
    assert not check("services not in ['power']", services=("gas", "power"))
    assert not check("services in ['water']", services=())
    assert check("services not in ['water']", services=())
    assert check("services in ['water']", services=["water"])  # a list works as well as a tuple


def test_in_with_a_multi_choice_answer_on_the_right() -> None:
    assert check("'power' in services", services=("gas", "power"))
    assert not check("'water' in services", services=("gas", "power"))
    assert check("'water' not in services", services=("gas", "power"))


def test_in_needs_a_list_on_the_right() -> None:
    assert not check("x in y", x="a", y="abc")  # no substring matching
    assert not check("x not in y", x="a", y="abc")
    assert not check("x in y", x="a")
    assert not check("x in 3", x=3)


def test_unknown_names_are_null() -> None:
    assert check("x == null")
    assert not check("x")
    assert check("not x")
    assert not check("x == 0")
    assert check("x != 0")


@pytest.mark.parametrize("value", [None, False, 0, "", (), [], Decimal("0.000")])
def test_a_name_alone_is_false_when_empty(value: object) -> None:
    assert not check("x", x=value)
    assert check("not x", x=value)


@pytest.mark.parametrize("value", [True, 1, -1, "no", ("a",), ["a"], Decimal("0.001"), "0"])
def test_a_name_alone_is_true_when_answered(value: object) -> None:
    assert check("x", x=value)


def test_boolean_operators() -> None:
    assert check("a and b", a=True, b=1)
    assert not check("a and b", a=True, b=0)
    assert check("a or b", a=None, b="yes")
    assert not check("a or b")
    assert check("not (a and b)", a=True)


def test_evaluate_returns_plain_values() -> None:
    assert evaluate(parse("x"), {"x": "v"}) == "v"
    assert evaluate(parse("[1, 'a']"), {}) == (1, "a")
    assert evaluate(parse("null"), {}) is None
    assert evaluate(parse("a and b"), {"a": 1, "b": 2}) is True
