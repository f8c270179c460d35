"""The safe expression language of custom program formulas.

A small grammar on Lark, evaluated by walking the tree: no `eval`, no
attribute access, no calls beyond a fixed list. Number literals are parsed
from their text straight into `Decimal` and every operation stays in
`Decimal`, so money never passes through a float.

    expr    := or-expression with `and`, `or`, `not`,
               comparisons (< <= > >= == !=), + - * / and unary minus
    atom    := NUMBER | NAME | NAME "(" args ")" | "(" expr ")"
    calls   := min(a, b, ...), max(a, b, ...), abs(a), if(cond, then, else),
               round(a, places)

A comparison yields 1 or 0; `if` treats any non-zero value as true. A name
with no value (data not in yet) makes the whole result "no value" (None),
as does a division by zero: a percent of a zero plan is not a number.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache

from lark import Lark, Token, Tree
from lark.exceptions import LarkError

GRAMMAR = r"""
?start: or_expr
?or_expr: and_expr
        | or_expr "or" and_expr -> any_of
?and_expr: not_expr
         | and_expr "and" not_expr -> all_of
?not_expr: "not" not_expr -> negation
         | comparison
?comparison: sum (COMPARATOR sum)?
?sum: product (ADD_OP product)*
?product: unary (MUL_OP unary)*
?unary: "-" unary -> minus
      | "+" unary
      | atom
?atom: NUMBER -> number
     | NAME "(" [or_expr ("," or_expr)*] ")" -> call
     | NAME -> name
     | "(" or_expr ")"

COMPARATOR: "<=" | ">=" | "==" | "!=" | "<" | ">"
ADD_OP: "+" | "-"
MUL_OP: "*" | "/"
NUMBER: /\d+(\.\d+)?/
NAME: /(?!(and|or|not)\b)[a-z_][a-z0-9_]*/
%import common.WS
%ignore WS
"""

MAX_LENGTH = 500
FUNCTIONS = frozenset({"min", "max", "abs", "if", "round"})
ARITY: dict[str, tuple[int, int]] = {
    "min": (1, 20), "max": (1, 20), "abs": (1, 1), "if": (3, 3), "round": (2, 2),
}

Value = Decimal | None


class FormulaError(ValueError):
    """A formula that does not parse or names something the language lacks."""


@dataclass(frozen=True, slots=True)
class Formula:
    """A parsed formula: its text, the names it reads, and its tree."""

    text: str
    names: frozenset[str]
    tree: Tree

    def evaluate(self, variables: Mapping[str, Value]) -> Value:
        """The value for these variables; None when an input has no value."""
        return _Evaluator(variables).value(self.tree)


def parse(text: str) -> Formula:
    """Parse `text`, or raise FormulaError saying what is wrong and where."""
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"The formula is longer than {MAX_LENGTH} characters.")
    try:
        tree = _parser().parse(text)
    except LarkError as exc:
        raise FormulaError(_first_line(str(exc))) from None
    _check_calls(tree)
    return Formula(text=text, names=frozenset(_names(tree)), tree=tree)


@cache
def parsed(text: str) -> Formula:
    """`parse`, remembered: programs evaluate the same few formulas for
    every dealer."""
    return parse(text)


@cache
def _parser() -> Lark:
    return Lark(GRAMMAR, parser="lalr", maybe_placeholders=False)


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else "Syntax error."


def _check_calls(tree: Tree) -> None:
    for call in tree.find_data("call"):
        name = str(call.children[0])
        if name not in FUNCTIONS:
            known = sorted(FUNCTIONS)
            raise FormulaError(f"Unknown function {name!r}; known: {known}.")
        low, high = ARITY[name]
        count = len(call.children) - 1
        if not low <= count <= high:
            raise FormulaError(f"Function {name!r} takes {low}..{high} arguments.")


def _names(tree: Tree) -> list[str]:
    return [str(node.children[0]) for node in tree.find_data("name")]


class _NoValue(Exception):
    """Raised inside evaluation when an input is missing or a divisor is zero."""


class _Evaluator:
    def __init__(self, variables: Mapping[str, Value]) -> None:
        self._variables = variables

    def value(self, tree: Tree) -> Value:
        try:
            return self._eval(tree)
        except _NoValue:
            return None
        except InvalidOperation:
            return None

    def _eval(self, node: Tree | Token) -> Decimal:
        if isinstance(node, Token):
            raise FormulaError(f"Unexpected token {node!r}.")
        method: Callable[[Tree], Decimal] = getattr(self, f"_{node.data}")
        return method(node)

    def _number(self, node: Tree) -> Decimal:
        return Decimal(str(node.children[0]))

    def _name(self, node: Tree) -> Decimal:
        name = str(node.children[0])
        if name not in self._variables:
            raise FormulaError(f"Unknown name {name!r}.")
        found = self._variables[name]
        if found is None:
            raise _NoValue
        return found

    def _minus(self, node: Tree) -> Decimal:
        return -self._eval(node.children[0])

    def _unary(self, node: Tree) -> Decimal:
        return self._eval(node.children[0])

    def _sum(self, node: Tree) -> Decimal:
        return self._fold(node)

    def _product(self, node: Tree) -> Decimal:
        return self._fold(node)

    def _fold(self, node: Tree) -> Decimal:
        children = node.children
        total = self._eval(children[0])
        for position in range(1, len(children), 2):
            operator = str(children[position])
            operand = self._eval(children[position + 1])
            total = _apply(operator, total, operand)
        return total

    def _comparison(self, node: Tree) -> Decimal:
        left, operator, right = node.children
        outcome = _compare(str(operator), self._eval(left), self._eval(right))
        return Decimal(1) if outcome else Decimal(0)

    def _negation(self, node: Tree) -> Decimal:
        return Decimal(0) if self._eval(node.children[0]) else Decimal(1)

    def _all_of(self, node: Tree) -> Decimal:
        outcome = all(self._eval(child) for child in node.children)
        return Decimal(1) if outcome else Decimal(0)

    def _any_of(self, node: Tree) -> Decimal:
        outcome = any(self._eval(child) for child in node.children)
        return Decimal(1) if outcome else Decimal(0)

    def _call(self, node: Tree) -> Decimal:
        name = str(node.children[0])
        arguments = node.children[1:]
        if name == "if":
            condition, then, otherwise = arguments
            return self._eval(then) if self._eval(condition) else self._eval(otherwise)
        values = [self._eval(argument) for argument in arguments]
        if name == "min":
            return min(values)
        if name == "max":
            return max(values)
        if name == "abs":
            return abs(values[0])
        places = int(values[1])
        return values[0].quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _apply(operator: str, left: Decimal, right: Decimal) -> Decimal:
    if operator == "+":
        return left + right
    if operator == "-":
        return left - right
    if operator == "*":
        return left * right
    if right == 0:
        raise _NoValue
    return left / right


def _compare(operator: str, left: Decimal, right: Decimal) -> bool:
    return {
        "<": left < right,
        "<=": left <= right,
        ">": left > right,
        ">=": left >= right,
        "==": left == right,
        "!=": left != right,
    }[operator]
