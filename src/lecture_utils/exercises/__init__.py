"""The checkers of the chapters' code exercises, one module per chapter.

A code exercise asks the learner to write a function and then calls its
checker, e.g. ``lecture_utils.exercises.backprop.check_affine_backward``. A
checker runs the learner's function on prepared inputs with a time limit,
compares with a reference and returns a :class:`lecture_utils.feedback.Feedback`
that names the mistake (a transposed matrix, a missing sum over the batch, a
known slip such as the bias added after the nonlinearity) rather than only
saying that something is wrong. All of them are built on
:func:`lecture_utils.feedback.check_function`.
"""
