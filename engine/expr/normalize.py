"""Resolve names, type-check, push negations down and rearrange comparisons.

The result is a tree of And/Or over ``Test`` nodes (negation normal form). Both backends
evaluate exactly this tree, so they cannot disagree on what a rule means.

Missing values: a ``Test`` holds only when every field it names is present. Negation is
applied before that rule (``not a > 0`` becomes ``a <= 0``), so a rule never fires on a value
that is absent (an unreadable cell, a fact the finding did not record).
"""

from __future__ import annotations

from collections.abc import Callable

from engine.expr.nodes import And, Arith, Cmp, Const, Expr, Field, In, Name, Neg, Not, Or, Test

_FLIP = {"==": "!=", "!=": "==", ">": "<=", ">=": "<", "<": ">=", "<=": ">"}
_MIRROR = {"==": "==", "!=": "!=", ">": "<", ">=": "<=", "<": ">", "<=": ">="}


class ExprTypeError(ValueError):
    """The condition parses but does not make sense for the fields it names."""


Resolver = Callable[[str], Field]


def normalize(expr: Expr, resolve: Resolver) -> Expr:
    """Return the NNF tree of Tests for ``expr``; names are resolved through ``resolve``."""
    return _nnf(_resolve(expr, resolve), negate=False)


def _resolve(expr: Expr, resolve: Resolver) -> Expr:
    if isinstance(expr, Name):
        return resolve(expr.text)
    if isinstance(expr, Arith):
        return Arith(expr.op, _resolve(expr.left, resolve), _resolve(expr.right, resolve))
    if isinstance(expr, Neg):
        return Neg(_resolve(expr.operand, resolve))
    if isinstance(expr, Cmp):
        return Cmp(expr.op, _resolve(expr.left, resolve), _resolve(expr.right, resolve))
    if isinstance(expr, In):
        return In(_resolve(expr.item, resolve), tuple(_resolve(o, resolve) for o in expr.options))
    if isinstance(expr, Not):
        return Not(_resolve(expr.operand, resolve))
    if isinstance(expr, (And, Or)):
        return type(expr)(tuple(_resolve(i, resolve) for i in expr.items))
    return expr


def _nnf(expr: Expr, negate: bool) -> Expr:
    if isinstance(expr, Not):
        return _nnf(expr.operand, not negate)
    if isinstance(expr, (And, Or)):
        items = tuple(_nnf(i, negate) for i in expr.items)
        flip = isinstance(expr, And) == negate  # De Morgan
        return Or(items) if flip else And(items)
    if isinstance(expr, In):
        tests = Or(tuple(Cmp("==", expr.item, o) for o in expr.options))
        return _nnf(tests, negate)
    if isinstance(expr, Cmp):
        return _test(_FLIP[expr.op] if negate else expr.op, expr.left, expr.right)
    if isinstance(expr, Field):
        if expr.type != "bool":
            raise ExprTypeError(f"“{expr.key}” 不是是/否型指标，不能单独作为条件，请写出比较，如 > 0")
        return Test("==", expr, Const(not negate))
    if isinstance(expr, Const):
        raise ExprTypeError("条件中只有常量，没有指标")
    raise ExprTypeError("算术表达式不能单独作为条件，请写出比较")


def _kind(expr: Expr) -> str:
    if isinstance(expr, Field):
        return expr.type
    if isinstance(expr, Const):
        if isinstance(expr.value, bool):
            return "bool"
        return "text" if isinstance(expr.value, str) else "number"
    if isinstance(expr, Arith):
        for side in (expr.left, expr.right):
            if _kind(side) != "number":
                raise ExprTypeError("只有数值型指标可以做加减乘除")
        return "number"
    if isinstance(expr, Neg):
        if _kind(expr.operand) != "number":
            raise ExprTypeError("只有数值可以取负")
        return "number"
    raise ExprTypeError("比较的两边必须是指标、数值或文字")


def _test(op: str, left: Expr, right: Expr) -> Test:
    lk, rk = _kind(left), _kind(right)
    if lk != rk:
        names = {"number": "数值", "text": "文字", "bool": "是/否"}
        raise ExprTypeError(f"不能比较{names[lk]}与{names[rk]}")
    if lk != "number":
        if op not in ("==", "!="):
            raise ExprTypeError("文字和是/否只能用 == 或 != 比较")
        if isinstance(left, Field):
            return Test(op, left, right)
        if isinstance(right, Field):
            return Test(op, right, left)
        raise ExprTypeError("比较中没有指标")
    return _rearrange(op, left, right)


def _linear(expr: Expr, sign: float, out: dict[Field, float], const: list[float]) -> None:
    """Accumulate ``sign * expr`` as coefficients per field plus a constant."""
    if isinstance(expr, Field):
        out[expr] = out.get(expr, 0.0) + sign
    elif isinstance(expr, Const):
        const[0] += sign * float(expr.value)  # type: ignore[arg-type]
    elif isinstance(expr, Neg):
        _linear(expr.operand, -sign, out, const)
    elif isinstance(expr, Arith) and expr.op in "+-":
        _linear(expr.left, sign, out, const)
        _linear(expr.right, sign if expr.op == "+" else -sign, out, const)
    elif isinstance(expr, Arith) and expr.op == "*":
        for a, b in ((expr.left, expr.right), (expr.right, expr.left)):
            if isinstance(a, Const):
                _linear(b, sign * float(a.value), out, const)  # type: ignore[arg-type]
                return
        raise ExprTypeError("两个指标相乘无法判定，请改写为与常数相乘")
    elif isinstance(expr, Arith) and expr.op == "/":
        if isinstance(expr.right, Const) and float(expr.right.value) != 0:  # type: ignore[arg-type]
            _linear(expr.left, sign / float(expr.right.value), out, const)  # type: ignore[arg-type]
            return
        raise ExprTypeError("只能除以非零常数；比率请用汇总中的计算值")
    else:
        raise ExprTypeError("无法识别的算术表达式")


def _rearrange(op: str, left: Expr, right: Expr) -> Test:
    # Keep the author's shape where it already fits: ``field op anything``.
    if isinstance(left, Field) and left not in _fields_of(right):
        return Test(op, left, _simplify(right))
    if isinstance(right, Field) and right not in _fields_of(left):
        return Test(_MIRROR[op], right, _simplify(left))
    coefs: dict[Field, float] = {}
    const = [0.0]
    _linear(left, 1.0, coefs, const)
    _linear(right, -1.0, coefs, const)
    coefs = {f: c for f, c in coefs.items() if c != 0}
    if not coefs:
        raise ExprTypeError("比较两边相互抵消，条件中没有指标")
    pivot = next((f for f, c in coefs.items() if abs(c) == 1), next(iter(coefs)))
    cp = coefs.pop(pivot)
    # cp*pivot + sum(c*f) + k  op 0   =>   pivot op' (-(sum) - k) / cp
    rhs: Expr | None = None
    for f, c in coefs.items():
        term: Expr = f if abs(c / cp) == 1 else Arith("*", f, Const(abs(c / cp)))
        if rhs is None:
            rhs = term if -c / cp > 0 else Arith("-", Const(0), term)
        else:
            rhs = Arith("+" if -c / cp > 0 else "-", rhs, term)
    k = -const[0] / cp
    if rhs is None:
        rhs = Const(k)
    elif k:
        rhs = Arith("+" if k > 0 else "-", rhs, Const(abs(k)))
    return Test(op if cp > 0 else _MIRROR[op], pivot, rhs)


def _fields_of(expr: Expr) -> set[Field]:
    if isinstance(expr, Field):
        return {expr}
    if isinstance(expr, Arith):
        return _fields_of(expr.left) | _fields_of(expr.right)
    if isinstance(expr, Neg):
        return _fields_of(expr.operand)
    return set()


def _simplify(expr: Expr) -> Expr:
    """Remove Neg so backends only see Const, Field and the four operators."""
    if isinstance(expr, Neg):
        return Arith("-", Const(0), _simplify(expr.operand))
    if isinstance(expr, Arith):
        return Arith(expr.op, _simplify(expr.left), _simplify(expr.right))
    if isinstance(expr, (Field, Const)):
        return expr
    raise ExprTypeError("无法识别的算术表达式")


def referenced_fields(expr: Expr) -> tuple[Field, ...]:
    """Fields a normalized tree depends on, in first-seen order."""
    seen: dict[Field, None] = {}
    stack = [expr]
    while stack:
        node = stack.pop(0)
        if isinstance(node, Test):
            seen.update(dict.fromkeys(node.fields()))
        elif isinstance(node, (And, Or)):
            stack[0:0] = list(node.items)
    return tuple(seen)
