"""Tested implementations behind the *Mathematics for Machine Learning* book.

The notebooks of the book hold the narrative; every function that can be
mathematically wrong lives here, is documented with its shapes and maths, and
is tested against an independent reference. Modules are named by topic:

========================  ====================================================
``validation``            argument checks with uniform error messages
``plotting``              one figure style for the whole book
``interactive``           a parameter slider: ipywidgets with a kernel,
                          pre-rendered frames in the static book
``exercises``             diagnostic checkers for the learners' code
``differentiation``       finite differences, Jacobians, gradient checks
``special``               stable log-sum-exp, softmax, log-softmax
``layers``                affine / tanh layers and losses, forward & backward
``mlp``                   multi-layer perceptrons trained by backpropagation
``regression``            polynomial regression: MLE, MAP, cross-validation
``bayes``                 Bayesian linear regression and integration
``sampling``              Monte Carlo, discrete, rejection, importance sampling
========================  ====================================================

Submodules are imported explicitly, e.g. ``from lecture_utils import special``.
"""

__version__ = "0.1.0"
