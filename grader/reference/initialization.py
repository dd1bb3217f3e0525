"""Reference solutions, Initialization notebook."""
import numpy as np


# GRADED FUNCTION: initialize_parameters_zeros

def initialize_parameters_zeros(layers_dims):
    """
    Set every weight and every bias of the network to zero.

    Arguments:
    layers_dims -- list with the number of units of each layer, input layer first

    Returns:
    parameters -- dict with "W1", "b1", ..., "WL", "bL", where
                  Wl has shape (layers_dims[l], layers_dims[l-1]) and bl has shape (layers_dims[l], 1)
    """
    parameters = {}
    L = len(layers_dims)  # layers, counting the input layer

    for l in range(1, L):
        ### START CODE HERE ### (≈ 2 lines of code)
        ### BEGIN SOLUTION
        parameters["W" + str(l)] = np.zeros((layers_dims[l], layers_dims[l - 1]))
        parameters["b" + str(l)] = np.zeros((layers_dims[l], 1))
        ### END SOLUTION
        ### END CODE HERE ###
    return parameters


# GRADED FUNCTION: initialize_parameters_random

def initialize_parameters_random(layers_dims):
    """
    Draw large random weights (standard normal times 10) and set the biases to zero.

    Arguments:
    layers_dims -- list with the number of units of each layer, input layer first

    Returns:
    parameters -- dict with "W1", "b1", ..., "WL", "bL", where
                  Wl has shape (layers_dims[l], layers_dims[l-1]) and bl has shape (layers_dims[l], 1)
    """
    np.random.seed(3)  # fixed seed: your numbers must match the expected ones
    parameters = {}
    L = len(layers_dims)  # layers, counting the input layer

    for l in range(1, L):
        ### START CODE HERE ### (≈ 2 lines of code)
        ### BEGIN SOLUTION
        parameters["W" + str(l)] = np.random.randn(layers_dims[l], layers_dims[l - 1]) * 10
        parameters["b" + str(l)] = np.zeros((layers_dims[l], 1))
        ### END SOLUTION
        ### END CODE HERE ###
    return parameters


# GRADED FUNCTION: initialize_parameters_he

def initialize_parameters_he(layers_dims):
    """
    He initialization: standard-normal weights scaled by sqrt(2 / units of the previous layer),
    zero biases.

    Arguments:
    layers_dims -- list with the number of units of each layer, input layer first

    Returns:
    parameters -- dict with "W1", "b1", ..., "WL", "bL", where
                  Wl has shape (layers_dims[l], layers_dims[l-1]) and bl has shape (layers_dims[l], 1)
    """
    np.random.seed(3)  # fixed seed: your numbers must match the expected ones
    parameters = {}
    L = len(layers_dims) - 1  # layers, not counting the input layer

    for l in range(1, L + 1):
        ### START CODE HERE ### (≈ 2 lines of code)
        ### BEGIN SOLUTION
        parameters["W" + str(l)] = np.random.randn(layers_dims[l], layers_dims[l - 1]) * np.sqrt(2 / layers_dims[l - 1])
        parameters["b" + str(l)] = np.zeros((layers_dims[l], 1))
        ### END SOLUTION
        ### END CODE HERE ###
    return parameters
