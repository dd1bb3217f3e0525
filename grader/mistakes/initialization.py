"""Known mistakes of the Initialization notebook's graded functions."""
import numpy as np

from grader.mistakes import mistake

ZEROS, RANDOM, HE = "initialize_parameters_zeros", "initialize_parameters_random", "initialize_parameters_he"


def _layers(layers_dims, weight, bias=lambda rows: np.zeros((rows, 1)), seed=3):
    """W_l = weight(rows, cols, l), b_l = bias(rows), after np.random.seed(seed) (None: no seed)."""
    if seed is not None:
        np.random.seed(seed)
    parameters = {}
    for l in range(1, len(layers_dims)):
        parameters["W%d" % l] = weight(layers_dims[l], layers_dims[l - 1], l)
        parameters["b%d" % l] = bias(layers_dims[l])
    return parameters


@mistake(ZEROS, "zeros_ones", "the weights set to ones instead of zeros")
def zeros_ones(layers_dims):
    return _layers(layers_dims, lambda rows, cols, l: np.ones((rows, cols)), seed=None)


@mistake(ZEROS, "zeros_small_random", "small random weights instead of zeros")
def zeros_small_random(layers_dims):
    return _layers(layers_dims, lambda rows, cols, l: np.random.randn(rows, cols) * 0.01, seed=None)


@mistake(ZEROS, "zeros_transposed", "the weight matrices transposed")
def zeros_transposed(layers_dims):
    return _layers(layers_dims, lambda rows, cols, l: np.zeros((cols, rows)), seed=None)


@mistake(RANDOM, "random_not_times_10", "the random weights not multiplied by 10")
def random_not_times_10(layers_dims):
    return _layers(layers_dims, lambda rows, cols, l: np.random.randn(rows, cols))


@mistake(RANDOM, "random_times_100", "the random weights multiplied by 100 instead of 10")
def random_times_100(layers_dims):
    return _layers(layers_dims, lambda rows, cols, l: np.random.randn(rows, cols) * 100)


@mistake(RANDOM, "random_bias_not_zero", "random biases instead of zeros")
def random_bias_not_zero(layers_dims):
    return _layers(layers_dims, lambda rows, cols, l: np.random.randn(rows, cols) * 10,
                   bias=lambda rows: np.random.randn(rows, 1))


@mistake(RANDOM, "random_transposed", "the random weights drawn transposed")
def random_transposed(layers_dims):
    return _layers(layers_dims, lambda rows, cols, l: np.random.randn(cols, rows).T * 10)


@mistake(RANDOM, "random_no_seed", "no np.random.seed(3) inside the function")
def random_no_seed(layers_dims):
    return _layers(layers_dims, lambda rows, cols, l: np.random.randn(rows, cols) * 10, seed=None)


@mistake(HE, "he_xavier", "He initialization with Xavier scaling, sqrt(1 / n[l-1])")
def he_xavier(layers_dims):
    return _layers(layers_dims, lambda rows, cols, l: np.random.randn(rows, cols) * np.sqrt(1 / cols))


@mistake(HE, "he_current_layer", "He scaling with the current layer's size, sqrt(2 / n[l])")
def he_current_layer(layers_dims):
    return _layers(layers_dims, lambda rows, cols, l: np.random.randn(rows, cols) * np.sqrt(2 / rows))


@mistake(HE, "he_unscaled", "He initialization without the sqrt(2 / n[l-1]) scaling")
def he_unscaled(layers_dims):
    return _layers(layers_dims, lambda rows, cols, l: np.random.randn(rows, cols))


@mistake(HE, "he_transposed", "He weights drawn transposed")
def he_transposed(layers_dims):
    return _layers(layers_dims, lambda rows, cols, l: np.random.randn(cols, rows).T * np.sqrt(2 / cols))


@mistake(HE, "he_bias_random", "small random biases instead of zeros")
def he_bias_random(layers_dims):
    return _layers(layers_dims, lambda rows, cols, l: np.random.randn(rows, cols) * np.sqrt(2 / cols),
                   bias=lambda rows: np.random.randn(rows, 1) * 0.01)


@mistake(HE, "he_reseed_in_loop", "np.random.seed(3) called again for every layer")
def he_reseed_in_loop(layers_dims):
    def weight(rows, cols, l):
        np.random.seed(3)
        return np.random.randn(rows, cols) * np.sqrt(2 / cols)
    return _layers(layers_dims, weight)


@mistake(HE, "he_no_seed", "no np.random.seed(3) inside the function")
def he_no_seed(layers_dims):
    return _layers(layers_dims, lambda rows, cols, l: np.random.randn(rows, cols) * np.sqrt(2 / cols), seed=None)
