"""Automatic differentiation on a computational graph of scalars.

Each operation knows its value and its local derivatives (``RULES``); the chain
rule combines them in one of two orders. Reverse mode (:class:`Var`) records
each result with its parents and local derivatives, then ``backward()`` walks
back from the output: one pass gives a vector-Jacobian product (VJP). Forward
mode (:class:`Dual`) carries a tangent next to each value: one pass gives a
Jacobian-vector product (JVP). ``op_count`` counts the operations evaluated
(``"primitive"``) and the products local derivative x tangent or x upstream
gradient (``"chain"``).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable

import numpy as np

from ._validation import as_array, as_callable, as_scalar, check_choice, describe, fail

__all__ = ["RULES", "Dual", "Var", "jacobian", "op_count"]

op_count: Counter = Counter()  # reset with op_count.clear()

#: Each operation's value and local derivatives (d out / d input, per input).
RULES = {
    "add": lambda a, b: (a + b, (1.0, 1.0)),
    "sub": lambda a, b: (a - b, (1.0, -1.0)),
    "mul": lambda a, b: (a * b, (b, a)),
    "div": lambda a, b: (a / b, (1 / b, -a / b**2)),
    "neg": lambda a: (-a, (-1.0,)),
    "exp": lambda a: (math.exp(a), (math.exp(a),)),
    "log": lambda a: (math.log(a), (1 / a,)),
    "tanh": lambda a: (math.tanh(a), (1 - math.tanh(a) ** 2,)),
}


def _method(name: str, reflected: bool = False) -> Callable:
    rule = RULES[name]  # the method x op y, or the reflected y op x
    return lambda x, *y: x._apply(rule, *y, x) if reflected else x._apply(rule, x, *y)


class _Scalar:  # the operations shared by Var and Dual
    __add__, __radd__ = _method("add"), _method("add", reflected=True)
    __sub__, __rsub__ = _method("sub"), _method("sub", reflected=True)
    __mul__, __rmul__ = _method("mul"), _method("mul", reflected=True)
    __truediv__, __rtruediv__ = _method("div"), _method("div", reflected=True)
    __neg__, exp, log, tanh = map(_method, ("neg", "exp", "log", "tanh"))

    def __pow__(self, p: float) -> _Scalar:
        p = as_scalar(p, type(self).__name__, "the exponent")
        return self._apply(lambda a: (a**p, (p * a ** (p - 1),)), self)

    def _apply(self, rule: Callable, *inputs: object) -> _Scalar:
        kind = type(self)  # a plain number becomes a constant (tangent 0)
        inputs = tuple(x if isinstance(x, kind) else kind(x) for x in inputs)
        value, local = rule(*(x.value for x in inputs))
        op_count["primitive"] += 1
        return self._node(value, inputs, local)


class Var(_Scalar):
    """A node of a computational graph: ``Var(value)`` is an input, operations
    make nodes with ``parents``, pairs ``(parent, d node / d parent)``."""

    def __init__(self, value: float) -> None:
        self.value = as_scalar(value, "Var", "value", finite=False)
        self.parents: tuple[tuple[Var, float], ...] = ()
        self.grad = 0.0

    @staticmethod
    def _node(value: float, inputs: tuple, local: tuple) -> Var:
        node = Var(value)
        node.parents = tuple(zip(inputs, local, strict=True))
        return node

    def backward(self) -> None:
        """Set ``node.grad = d self / d node`` for every node ``self`` depends on."""
        order, seen, stack = [], set(), [(self, False)]
        while stack:  # depth first: a node goes after all the nodes it uses
            node, parents_done = stack.pop()
            if parents_done:
                order.append(node)
            elif id(node) not in seen:
                seen.add(id(node))
                stack.append((node, True))
                stack.extend((parent, False) for parent, _ in node.parents)
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):  # from the output back to the inputs
            for parent, local in node.parents:
                parent.grad += local * node.grad  # chain rule; paths add up
        op_count["chain"] += sum(len(node.parents) for node in order)


class Dual(_Scalar):
    """A dual number ``value + tangent * eps`` with ``eps**2 = 0``, for forward mode."""

    def __init__(self, value: float, tangent: float = 0.0) -> None:
        self.value = as_scalar(value, "Dual", "value", finite=False)
        self.tangent = as_scalar(tangent, "Dual", "tangent", finite=False)

    @staticmethod
    def _node(value: float, inputs: tuple, local: tuple) -> Dual:
        op_count["chain"] += len(inputs)  # chain rule along one direction:
        tangent = sum(d * x.tangent for d, x in zip(local, inputs, strict=True))
        return Dual(value, tangent)


def jacobian(f: Callable[[list], object], x: object, *, mode: str) -> np.ndarray:
    """The Jacobian (M, N) of ``f(xs)``, N scalars to M (or 1: the gradient row).

    Forward mode fills it one column per forward pass (N JVPs), reverse mode
    one row per backward pass (M VJPs).
    """
    func = "jacobian"
    as_callable(f, func, "f")
    x = as_array(x, func, "x", ndim=1, nonempty=True)
    check_choice(mode, ("forward", "reverse"), func, "mode")
    if x.size > 10_000:
        fail(func, "x", "at most 10,000 numbers", f"{x.size:,}", "Split the problem.")
    kind = Dual if mode == "forward" else Var

    def outputs(xs: list) -> list:
        out = f(xs)
        outs = list(out) if isinstance(out, list | tuple) else [out]
        if not outs or not all(isinstance(o, kind) for o in outs):
            want = (
                f"a {kind.__name__} or a list of them, computed from the entries of x"
            )
            fail(func, "f(x)", want, describe(out), error=TypeError)
        return outs

    if mode == "forward":  # pass j seeds the tangents with the direction e_j
        columns = []
        for j in range(x.size):
            xs = [Dual(v, float(i == j)) for i, v in enumerate(x)]
            columns.append([o.tangent for o in outputs(xs)])
        return np.array(columns).T
    xs, rows = [Var(v) for v in x], []
    for out in outputs(xs):
        for v in xs:
            v.grad = 0.0  # an input that out does not use keeps grad 0
        out.backward()
        rows.append([v.grad for v in xs])
    return np.array(rows)
