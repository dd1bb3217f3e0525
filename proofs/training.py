"""The notebooks' training loop, for tests, figures and the data generator.

`train` runs exactly what the notebooks' `model()` runs, in the same order
(forward pass, cost, backward pass, update; the cost is recorded every 1000
iterations), with the reference solutions in grader/reference standing in for
the students' graded functions:

* Regularization lesson: `train(X, Y, 0.3, 30000)` (default layers [n_x, 20, 3, 1],
  default init `nn_core.initialize_parameters`), with `lambd=0.7` or `keep_prob=0.86`.
* Initialization lesson: `train(X, Y, 0.01, 15000, layers=[n_x, 10, 5, 1],
  init=initialize_parameters_he)` (or the zeros / random initializers).
"""
import numpy as np

import nn_core
from grader.reference import regularization as reg_ref

RECORD_EVERY = 1000


def train(X, Y, learning_rate, num_iterations, lambd=0, keep_prob=1, layers=None, init=None,
          print_every=None):
    """Gradient descent on the course's 3-layer net; returns (parameters, costs).

    X -- inputs, features x examples; Y -- labels, 1 x examples
    lambd -- L2 strength (0: no penalty); keep_prob -- dropout keep probability (1: no dropout);
             as in the notebooks, only one of the two may be active at a time
    layers -- layer sizes, input first (default [X.shape[0], 20, 3, 1])
    init -- function(layers) -> parameters (default nn_core.initialize_parameters: seed 3, 1/sqrt(fan-in))
    print_every -- print "Cost after iteration i: cost" every that many iterations (None: silent)
    costs -- the cost at iterations 0, 1000, 2000, ... (before that iteration's update)
    """
    if lambd != 0 and keep_prob != 1:
        raise ValueError("use L2 (lambd) or dropout (keep_prob), not both at once")
    layers = list(layers) if layers is not None else [X.shape[0], 20, 3, 1]
    init = init if init is not None else nn_core.initialize_parameters
    parameters = init(layers)
    costs = []
    for i in range(num_iterations):
        if keep_prob == 1:
            a3, cache = nn_core.forward_propagation(X, parameters)
        else:
            a3, cache = reg_ref.forward_propagation_with_dropout(X, parameters, keep_prob)

        if lambd == 0:
            cost = nn_core.compute_cost(a3, Y)
        else:
            cost = reg_ref.compute_cost_with_regularization(a3, Y, parameters, lambd)

        if lambd == 0 and keep_prob == 1:
            grads = nn_core.backward_propagation(X, Y, cache)
        elif lambd != 0:
            grads = reg_ref.backward_propagation_with_regularization(X, Y, cache, lambd)
        else:
            grads = reg_ref.backward_propagation_with_dropout(X, Y, cache, keep_prob)

        parameters = nn_core.update_parameters(parameters, grads, learning_rate)

        if print_every and i % print_every == 0:
            print("Cost after iteration {}: {}".format(i, cost))
        if i % RECORD_EVERY == 0:
            costs.append(cost)
    return parameters, costs


def accuracy(X, Y, parameters):
    """Fraction of examples whose 0/1 prediction (A3 > 0.5) equals the label (no printing)."""
    predictions = nn_core.predict_dec(parameters, X).astype(np.int64)
    return float(np.mean(predictions[0, :] == Y[0, :]))
