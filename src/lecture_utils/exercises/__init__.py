"""The checkers of the chapters' code exercises, one module per chapter: each runs
the learner's function through :func:`lecture_utils.feedback.check_function`
against a private reference and returns a ``Feedback`` that names the mistake."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping

from ..feedback import Feedback, check_function


def _with_note(feedback: Feedback, note: str, when: bool) -> Feedback:
    """``feedback`` with ``note`` added to its notes if ``when``."""
    if not when:
        return feedback
    return dataclasses.replace(feedback, notes=(*feedback.notes, note))


def _check(
    function: Callable,
    reference: Callable,
    cases: list[tuple],
    mistakes: Mapping[str, Callable],
    time_limit: float,
    **options: object,
) -> Feedback:
    """:func:`~lecture_utils.feedback.check_function` with an exercise's mistakes."""
    return check_function(
        function, reference, cases, mistakes=mistakes, time_limit=time_limit, **options
    )
