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
from operator import eq, ge, gt, le, lt, ne

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


Compiled = Callable[[Mapping[str, Value]], Decimal]


@dataclass(frozen=True, slots=True)
class Formula:
    """A parsed formula: its text, the names it reads, and its tree compiled
    once into nested closures."""

    text: str
    names: frozenset[str]
    tree: Tree
    compiled: Compiled

    def evaluate(self, variables: Mapping[str, Value]) -> Value:
        """The value for these variables; None when an input has no value."""
        try:
            return self.compiled(variables)
        except (_NoValue, InvalidOperation):
            return None
        except KeyError as exc:
            raise FormulaError(f"Unknown name {exc.args[0]!r}.") from None


def parse(text: str) -> Formula:
    """Parse `text`, or raise FormulaError saying what is wrong and where."""
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"The formula is longer than {MAX_LENGTH} characters.")
    try:
        tree = _parser().parse(text)
    except LarkError as exc:
        raise FormulaError(_first_line(str(exc))) from None
    _check_calls(tree)
    return Formula(text=text, names=frozenset(_names(tree)), tree=tree,
                   compiled=_compile(tree))


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


def _compile(node: Tree | Token) -> Compiled:
    if isinstance(node, Token):
        raise FormulaError(f"Unexpected token {node!r}.")
    builder: Callable[[Tree], Compiled] = _BUILDERS[str(node.data)]
    return builder(node)


def _number(node: Tree) -> Compiled:
    constant = Decimal(str(node.children[0]))
    return lambda variables: constant


def _name(node: Tree) -> Compiled:
    name = str(node.children[0])

    def read(variables: Mapping[str, Value]) -> Decimal:
        found = variables[name]
        if found is None:
            raise _NoValue
        return found

    return read


def _minus(node: Tree) -> Compiled:
    inner = _compile(node.children[0])
    return lambda variables: -inner(variables)


def _unary(node: Tree) -> Compiled:
    return _compile(node.children[0])


def _fold(node: Tree) -> Compiled:
    children = node.children
    first = _compile(children[0])
    rest = [(str(children[i]), _compile(children[i + 1]))
            for i in range(1, len(children), 2)]

    def fold(variables: Mapping[str, Value]) -> Decimal:
        total = first(variables)
        for operator, operand in rest:
            total = _apply(operator, total, operand(variables))
        return total

    return fold


def _comparison(node: Tree) -> Compiled:
    left, operator, right = node.children
    compare = _COMPARISONS[str(operator)]
    left_value, right_value = _compile(left), _compile(right)
    return lambda variables: _truth(compare(left_value(variables),
                                            right_value(variables)))


def _negation(node: Tree) -> Compiled:
    inner = _compile(node.children[0])
    return lambda variables: _truth(not inner(variables))


def _all_of(node: Tree) -> Compiled:
    parts = [_compile(child) for child in node.children]
    return lambda variables: _truth(all(part(variables) for part in parts))


def _any_of(node: Tree) -> Compiled:
    parts = [_compile(child) for child in node.children]
    return lambda variables: _truth(any(part(variables) for part in parts))


def _call(node: Tree) -> Compiled:
    name = str(node.children[0])
    arguments = [_compile(child) for child in node.children[1:]]
    if name == "if":
        condition, then, otherwise = arguments
        return lambda variables: (then(variables) if condition(variables)
                                  else otherwise(variables))
    if name in ("min", "max"):
        pick = min if name == "min" else max
        return lambda variables: pick(argument(variables) for argument in arguments)
    if name == "abs":
        return lambda variables: abs(arguments[0](variables))
    value, places = arguments

    def rounded(variables: Mapping[str, Value]) -> Decimal:
        step = Decimal(1).scaleb(-int(places(variables)))
        return value(variables).quantize(step, rounding=ROUND_HALF_UP)

    return rounded


_BUILDERS: dict[str, Callable[[Tree], Compiled]] = {
    "number": _number, "name": _name, "minus": _minus, "unary": _unary,
    "sum": _fold, "product": _fold, "comparison": _comparison,
    "negation": _negation, "all_of": _all_of, "any_of": _any_of, "call": _call,
}
ONE, NOUGHT = Decimal(1), Decimal(0)


def _truth(outcome: bool) -> Decimal:
    return ONE if outcome else NOUGHT


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


_COMPARISONS: dict[str, Callable[[Decimal, Decimal], bool]] = {
    "<": lt, "<=": le, ">": gt, ">=": ge, "==": eq, "!=": ne,
}
