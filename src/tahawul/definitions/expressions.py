"""The condition language of service definitions (``show_if``, eligibility and fee rules).

Conditions are parsed into a small tree and evaluated by walking it: never ``eval``. Evaluation
cannot raise: a comparison between values of different kinds is false, an unknown name is null.

Grammar::

    condition  := or_expr
    or_expr    := and_expr ("or" and_expr)*
    and_expr   := not_expr ("and" not_expr)*
    not_expr   := "not" not_expr | comparison
    comparison := operand (("==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "not" "in") operand)?
    operand    := literal | name | list | "(" or_expr ")"
    list       := "[" (literal ("," literal)*)? "]"
    literal    := number | string | "true" | "false" | "null"
    name       := identifier ("." identifier)*
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

MAX_LENGTH = 1000
MAX_DEPTH = 30

Value = None | bool | int | Decimal | str | tuple["Value", ...]


class ExpressionError(ValueError):
    """A condition that cannot be parsed; ``position`` is the 0-based character offset."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


@dataclass(frozen=True)
class Literal:
    value: Value


@dataclass(frozen=True)
class Name:
    path: str


@dataclass(frozen=True)
class ListOf:
    items: tuple[Literal, ...]


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class BoolOp:
    operator: str  # "and" | "or"
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Compare:
    operator: str  # == != < <= > >= in "not in"
    left: Node
    right: Node


Node = Literal | Name | ListOf | Not | BoolOp | Compare

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<string>'[^'\\]*'|"[^"\\]*")
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
  | (?P<operator>==|!=|<=|>=|<|>|\(|\)|\[|\]|,)
    """,
    re.VERBOSE,
)
_KEYWORDS = {"and", "or", "not", "in", "true", "false", "null"}
_COMPARISONS = {"==", "!=", "<", "<=", ">", ">="}


@dataclass(frozen=True)
class _Token:
    kind: str  # number | string | name | keyword | operator | end
    text: str
    position: int


def _tokenize(source: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(source):
        match = _TOKEN.match(source, position)
        if match is None:
            raise ExpressionError(f"unexpected character {source[position]!r}", position)
        kind = match.lastgroup or ""
        text = match.group()
        if kind == "name" and text in _KEYWORDS:
            kind = "keyword"
        if kind != "space":
            tokens.append(_Token(kind, text, position))
        position = match.end()
    tokens.append(_Token("end", "", len(source)))
    return tokens


class _Parser:
    def __init__(self, source: str) -> None:
        self.tokens = _tokenize(source)
        self.index = 0
        self.depth = 0

    @property
    def current(self) -> _Token:
        return self.tokens[self.index]

    def _advance(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def _is(self, kind: str, text: str | None = None) -> bool:
        return self.current.kind == kind and (text is None or self.current.text == text)

    def _expect(self, kind: str, text: str) -> None:
        if not self._is(kind, text):
            raise ExpressionError(f"expected {text!r}, found {self._describe()}", self.current.position)
        self._advance()

    def _describe(self) -> str:
        return "the end" if self.current.kind == "end" else repr(self.current.text)

    def parse(self) -> Node:
        if self.current.kind == "end":
            raise ExpressionError("the condition is empty", 0)
        node = self._or()
        if self.current.kind != "end":
            raise ExpressionError(f"unexpected {self._describe()}", self.current.position)
        return node

    def _nested(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError("the condition is nested too deeply", self.current.position)

    def _or(self) -> Node:
        operands = [self._and()]
        while self._is("keyword", "or"):
            self._advance()
            operands.append(self._and())
        return operands[0] if len(operands) == 1 else BoolOp("or", tuple(operands))

    def _and(self) -> Node:
        operands = [self._not()]
        while self._is("keyword", "and"):
            self._advance()
            operands.append(self._not())
        return operands[0] if len(operands) == 1 else BoolOp("and", tuple(operands))

    def _not(self) -> Node:
        if self._is("keyword", "not"):
            self._advance()
            self._nested()
            node = Not(self._not())
            self.depth -= 1
            return node
        return self._comparison()

    def _comparison(self) -> Node:
        left = self._operand()
        if (self.current.kind == "operator" and self.current.text in _COMPARISONS) or self._is("keyword", "in"):
            operator = self._advance().text
        elif self._is("keyword", "not") and self.tokens[self.index + 1].text == "in":
            self.index += 2
            operator = "not in"
        else:
            return left
        return Compare(operator, left, self._operand())

    def _operand(self) -> Node:
        token = self.current
        if token.kind == "number":
            self._advance()
            return Literal(Decimal(token.text) if "." in token.text else int(token.text))
        if token.kind == "string":
            self._advance()
            return Literal(token.text[1:-1])
        if token.kind == "keyword" and token.text in {"true", "false", "null"}:
            self._advance()
            return Literal({"true": True, "false": False, "null": None}[token.text])
        if token.kind == "name":
            self._advance()
            return Name(token.text)
        if self._is("operator", "["):
            return self._list()
        if self._is("operator", "("):
            self._advance()
            self._nested()
            node = self._or()
            self.depth -= 1
            self._expect("operator", ")")
            return node
        raise ExpressionError(f"expected a value or a name, found {self._describe()}", token.position)

    def _list(self) -> ListOf:
        self._expect("operator", "[")
        items: list[Literal] = []
        while not self._is("operator", "]"):
            if items:
                self._expect("operator", ",")
            # Only literals: a nested list or a name is refused here, so lists cannot nest deeply.
            if self.current.kind not in {"number", "string"} and not (
                self.current.kind == "keyword" and self.current.text in {"true", "false", "null"}
            ):
                raise ExpressionError("a list may hold only values", self.current.position)
            item = self._operand()
            assert isinstance(item, Literal)
            items.append(item)
        self._advance()
        return ListOf(tuple(items))


def parse(source: str) -> Node:
    """Parse a condition; raises :class:`ExpressionError` with the offending position."""
    if len(source) > MAX_LENGTH:
        raise ExpressionError(f"the condition is longer than {MAX_LENGTH} characters", MAX_LENGTH)
    return _Parser(source).parse()


def names(node: Node) -> Iterator[str]:
    """Every name the condition reads, in order of appearance."""
    if isinstance(node, Name):
        yield node.path
    elif isinstance(node, Not):
        yield from names(node.operand)
    elif isinstance(node, BoolOp):
        for operand in node.operands:
            yield from names(operand)
    elif isinstance(node, Compare):
        yield from names(node.left)
        yield from names(node.right)


def compared_literals(node: Node) -> Iterator[tuple[str, Value]]:
    """``(name, literal)`` for each literal a name is compared with (``==``, ``!=``, ``in``)."""
    if isinstance(node, Not):
        yield from compared_literals(node.operand)
    elif isinstance(node, BoolOp):
        for operand in node.operands:
            yield from compared_literals(operand)
    elif isinstance(node, Compare) and node.operator in {"==", "!=", "in", "not in"}:
        for name_side, other in ((node.left, node.right), (node.right, node.left)):
            if isinstance(name_side, Name):
                if isinstance(other, Literal):
                    yield name_side.path, other.value
                elif isinstance(other, ListOf):
                    for item in other.items:
                        yield name_side.path, item.value


_BINDING = {"or": 1, "and": 2, "not": 3, "compare": 4, "operand": 5}


def _binding(node: Node) -> int:
    if isinstance(node, BoolOp):
        return _BINDING[node.operator]
    if isinstance(node, Not):
        return _BINDING["not"]
    if isinstance(node, Compare):
        return _BINDING["compare"]
    return _BINDING["operand"]


def to_source(node: Node) -> str:
    """Write a tree back as a condition that parses to the same tree, parenthesised only where
    the grammar needs it (so the result stays within the parser's limits)."""
    if isinstance(node, Literal):
        return _literal_source(node.value)
    if isinstance(node, Name):
        return node.path
    if isinstance(node, ListOf):
        return "[" + ", ".join(_literal_source(item.value) for item in node.items) + "]"
    if isinstance(node, Not):
        return "not " + _wrapped(node.operand, minimum=_BINDING["not"])
    if isinstance(node, BoolOp):
        # A nested and/or of the same kind came from parentheses: keep them, or it would flatten.
        own = _BINDING[node.operator]
        return f" {node.operator} ".join(_wrapped(operand, minimum=own + 1) for operand in node.operands)
    operand = _BINDING["operand"]
    return f"{_wrapped(node.left, minimum=operand)} {node.operator} {_wrapped(node.right, minimum=operand)}"


def _wrapped(node: Node, *, minimum: int) -> str:
    source = to_source(node)
    return source if _binding(node) >= minimum else f"({source})"


def _literal_source(value: Value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"' if "'" in value else f"'{value}'"
    if isinstance(value, Decimal):
        return format(value, "f")  # never the exponent form (1E-7), which does not parse
    return str(value)


def evaluate(node: Node, values: Mapping[str, object]) -> object:
    """The value of ``node`` given the named values; never raises."""
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, Name):
        return values.get(node.path)
    if isinstance(node, ListOf):
        return tuple(item.value for item in node.items)
    if isinstance(node, Not):
        return not truthy(evaluate(node.operand, values))
    if isinstance(node, BoolOp):
        results = (truthy(evaluate(operand, values)) for operand in node.operands)
        return all(results) if node.operator == "and" else any(results)
    return _compare(node.operator, evaluate(node.left, values), evaluate(node.right, values))


def holds(node: Node, values: Mapping[str, object]) -> bool:
    return truthy(evaluate(node, values))


def truthy(value: object) -> bool:
    if isinstance(value, (list, tuple, dict, str)):
        return len(value) > 0
    return value is not None and value is not False and value != 0


def _is_number(value: object) -> bool:
    return isinstance(value, (int, Decimal)) and not isinstance(value, bool)


def _equal(left: object, right: object) -> bool:
    if _is_number(left) and _is_number(right):
        try:
            return bool(left == right)
        except InvalidOperation:  # a signalling NaN
            return False
    if isinstance(left, bool) or isinstance(right, bool):
        return type(left) is type(right) and left == right
    if left is None or right is None:
        return left is right
    return type(left) is type(right) and left == right


def _compare(operator: str, left: object, right: object) -> bool:
    if operator == "==":
        return _equal(left, right)
    if operator == "!=":
        return not _equal(left, right)
    if operator in {"in", "not in"}:
        if not isinstance(right, (list, tuple)):
            return False
        # A multi-choice answer on the left: true when any of its choices is in the list.
        candidates = left if isinstance(left, (list, tuple)) else (left,)
        found = any(_equal(item, option) for item in candidates for option in right)
        return found if operator == "in" else not found
    comparable = (_is_number(left) and _is_number(right)) or (isinstance(left, str) and isinstance(right, str))
    if not comparable:
        return False
    try:
        return _order(operator, left, right)
    except InvalidOperation:  # NaN has no order
        return False


def _order(operator: str, left: object, right: object) -> bool:
    if operator == "<":
        return bool(left < right)  # type: ignore[operator]
    if operator == "<=":
        return bool(left <= right)  # type: ignore[operator]
    if operator == ">":
        return bool(left > right)  # type: ignore[operator]
    return bool(left >= right)  # type: ignore[operator]
