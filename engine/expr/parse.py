"""Tokenizer and recursive-descent parser for the condition language.

Grammar (keywords in English or Chinese; full-width brackets and operators accepted)::

    expr  := or
    or    := and (("or" | "或") and)*
    and   := not (("and" | "且" | "并且") not)*
    not   := ("not" | "非") not | cmp
    cmp   := sum ((== | != | > | >= | < | <=) sum | ("in" | "属于") "[" sum ("," sum)* "]")?
    sum   := term (("+" | "-") term)*
    term  := unary (("*" | "/") unary)*
    unary := "-" unary | atom
    atom  := number | 'text' | "text" | true | false | 是 | 否 | name | `any name` | "(" expr ")"

Names may contain Chinese characters, letters, digits, ``_`` and ``.`` (label paths such as
``行政处罚.罚款金额``). There are no function calls and no attribute access: nothing a rule
author writes can execute code.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from engine.expr.nodes import And, Arith, Cmp, Const, Expr, In, Name, Neg, Not, Or

_FULLWIDTH = str.maketrans({
    "（": "(", "）": ")", "【": "[", "】": "]", "［": "[", "］": "]", "，": ",", "＝": "=",
    "＞": ">", "＜": "<", "！": "!", "＋": "+", "－": "-", "＊": "*", "／": "/", "≥": "\x01",
    "≤": "\x02", "≠": "\x03", "‘": "'", "’": "'", "“": '"', "”": '"', "　": " ",
})
_OPS = {"\x01": ">=", "\x02": "<=", "\x03": "!="}
_KEYWORDS = {
    "and": "and", "且": "and", "并且": "and", "or": "or", "或": "or", "或者": "or",
    "not": "not", "非": "not", "in": "in", "属于": "in",
}
_CONSTS = {"true": True, "false": False, "是": True, "否": False}

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<num>\d+(?:\.\d+)?)
  | (?P<str>'[^']*'|"[^"]*")
  | (?P<quoted>`[^`]+`)
  | (?P<op>==|!=|>=|<=|[><=+\-*/(),\[\]\x01\x02\x03])
  | (?P<name>[^\W\d][\w.]*)
""", re.VERBOSE)


class ExprSyntaxError(ValueError):
    """The text is not a valid condition; ``column`` is 1-based within the expression."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(f"{message}（第 {column} 个字符处）")
        self.column = column


@dataclass
class _Tok:
    kind: str
    text: str
    pos: int


def _tokenize(text: str) -> list[_Tok]:
    text = text.translate(_FULLWIDTH)
    toks: list[_Tok] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise ExprSyntaxError(f"无法识别的字符 “{text[pos]}”", pos + 1)
        kind = m.lastgroup or ""
        tok = m.group()
        if kind == "name" and tok.lower() in _KEYWORDS:
            toks.append(_Tok("kw", _KEYWORDS[tok.lower()], pos))
        elif kind == "name" and tok.lower() in _CONSTS:
            toks.append(_Tok("const", tok.lower(), pos))
        elif kind == "op":
            if tok == "=":
                raise ExprSyntaxError("相等请写作 ==", pos + 1)
            toks.append(_Tok("op", _OPS.get(tok, tok), pos))
        elif kind == "num" and len(tok.replace(".", "")) > MAX_DIGITS:
            raise ExprSyntaxError(f"数值超过 {MAX_DIGITS} 位", pos + 1)
        elif kind == "quoted":
            toks.append(_Tok("name", tok[1:-1], pos))
        elif kind != "ws":
            toks.append(_Tok(kind, tok, pos))
        pos = m.end()
    toks.append(_Tok("end", "", len(text)))
    return toks


# Nesting deeper than this (brackets, not, minus, and each operator of an arithmetic chain) is
# refused as a syntax error before Python's own recursion limit is reached in the parser or in
# the passes that walk the tree; no real condition comes near it.
MAX_NESTING = 60
# Digits in one number: beyond this a count is not a count (and int() of thousands of digits
# raises its own ValueError), so the tokenizer refuses it with the column.
MAX_DIGITS = 30


class _Parser:
    def __init__(self, text: str) -> None:
        self.toks = _tokenize(text)
        self.i = 0
        self.depth = 0

    def nest(self, tok: _Tok) -> None:
        """Count one more level of (, not or unary minus; refuse past MAX_NESTING."""
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise ExprSyntaxError(f"条件的括号、非、负号或连续运算超过 {MAX_NESTING} 层", tok.pos + 1)

    def peek(self) -> _Tok:
        return self.toks[self.i]

    def take(self) -> _Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def accept(self, kind: str, text: str) -> bool:
        tok = self.peek()
        if tok.kind == kind and tok.text == text:
            self.i += 1
            return True
        return False

    def expect(self, kind: str, text: str, what: str) -> None:
        if not self.accept(kind, text):
            tok = self.peek()
            found = tok.text or "结尾"
            raise ExprSyntaxError(f"此处应为 {what}，实际为 “{found}”", tok.pos + 1)

    def parse(self) -> Expr:
        node = self.or_()
        tok = self.peek()
        if tok.kind != "end":
            raise ExprSyntaxError(f"多余的内容 “{tok.text}”", tok.pos + 1)
        return node

    def or_(self) -> Expr:
        items = [self.and_()]
        while self.accept("kw", "or"):
            items.append(self.and_())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_(self) -> Expr:
        items = [self.not_()]
        while self.accept("kw", "and"):
            items.append(self.not_())
        return items[0] if len(items) == 1 else And(tuple(items))

    def not_(self) -> Expr:
        tok = self.peek()
        if self.accept("kw", "not"):
            self.nest(tok)
            node = Not(self.not_())
            self.depth -= 1
            return node
        return self.cmp()

    def cmp(self) -> Expr:
        left = self.sum()
        tok = self.peek()
        if tok.kind == "op" and tok.text in ("==", "!=", ">", ">=", "<", "<="):
            self.take()
            return Cmp(tok.text, left, self.sum())
        if self.accept("kw", "in"):
            self.expect("op", "[", "[")
            options = [self.sum()]
            while self.accept("op", ","):
                options.append(self.sum())
            self.expect("op", "]", "]")
            return In(left, tuple(options))
        return left

    def sum(self) -> Expr:
        return self.chain("+-", self.term)

    def term(self) -> Expr:
        return self.chain("*/", self.unary)

    def chain(self, ops: str, operand: Callable[[], Expr]) -> Expr:
        """A left-deep chain ``a + b - c``: each operator is one more level of the tree that
        later passes walk recursively, so it counts towards MAX_NESTING like a bracket."""
        node = operand()
        levels = 0
        while self.peek().kind == "op" and self.peek().text in ops:
            tok = self.take()
            self.nest(tok)
            levels += 1
            node = Arith(tok.text, node, operand())
        self.depth -= levels
        return node

    def unary(self) -> Expr:
        tok = self.peek()
        if self.accept("op", "-"):
            self.nest(tok)
            operand = self.unary()
            self.depth -= 1
            if isinstance(operand, Const) and isinstance(operand.value, (int, float)):
                return Const(-operand.value)
            return Neg(operand)
        return self.atom()

    def atom(self) -> Expr:
        tok = self.take()
        if tok.kind == "num":
            return Const(float(tok.text) if "." in tok.text else int(tok.text))
        if tok.kind == "str":
            return Const(tok.text[1:-1])
        if tok.kind == "const":
            return Const(_CONSTS[tok.text])
        if tok.kind == "name":
            return Name(tok.text)
        if tok.kind == "op" and tok.text == "(":
            self.nest(tok)
            node = self.or_()
            self.expect("op", ")", ")")
            self.depth -= 1
            return node
        found = tok.text or "结尾"
        raise ExprSyntaxError(f"此处应为指标名、数值或括号，实际为 “{found}”", tok.pos + 1)


def parse(text: str) -> Expr:
    """Parse one condition; raises ExprSyntaxError with a 1-based column."""
    if not text or not text.strip():
        raise ExprSyntaxError("条件为空", 1)
    return _Parser(text).parse()
