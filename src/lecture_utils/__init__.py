"""Tested tools and algorithms behind the *Mathematics for Machine Learning* book.

The notebooks of the book hold the narrative and the worked examples of the
slides; this package holds what the lecture teaches learners to implement,
written so that it reads like the slides, and the tools the book uses to check
learners' work. Modules are small and named by concept:

========================  ====================================================
``feedback``              one feedback engine for checks and exercise checkers
``differentiation``       finite differences, Jacobians, gradient checks
``optimization``          gradient descent
``autodiff``              computational graphs: reverse and forward mode
``special``               stable log-sum-exp, softmax, log-softmax
``layers``                affine / tanh layers and losses, forward & backward
``mlp``                   multi-layer perceptrons trained by backpropagation
``regression``            polynomial regression: MLE, MAP, cross-validation
``bayes``                 Bayesian linear regression and numerical integration
``sampling``              Monte Carlo, discrete, rejection, importance, MCMC
``interactive``           figures with sliders: live widgets or static frames
``plotting``              one figure style for the whole book
``exercises``             the chapters' exercise checkers
========================  ====================================================

Everything public is re-exported here, so that a learner can write
``from lecture_utils import check_gradient, logsumexp``.
"""

from .autodiff import *
from .bayes import *
from .differentiation import *
from .feedback import *
from .interactive import *
from .layers import *
from .mlp import *
from .optimization import *
from .plotting import *
from .regression import *
from .sampling import *
from .special import *
from .uncertainty import *

__version__ = "0.2.0"
