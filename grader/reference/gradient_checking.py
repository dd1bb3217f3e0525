"""Reference solutions, Gradient Checking notebook, with the code the notebook ships around them."""
import numpy as np

from gc_utils import dictionary_to_vector, vector_to_dictionary, gradients_to_vector
from nn_core import forward_propagation as three_layer_forward, compute_cost


# GRADED FUNCTION: forward_propagation

def forward_propagation(x, theta):
    """
    Forward pass of the one-parameter model J(theta) = theta * x.

    Arguments:
    x -- a real number, the input
    theta -- a real number, the parameter

    Returns:
    J -- the value of J(theta)
    """
    ### START CODE HERE ### (≈ 1 line of code)
    ### BEGIN SOLUTION
    J = theta * x
    ### END SOLUTION
    ### END CODE HERE ###
    return J


# GRADED FUNCTION: backward_propagation

def backward_propagation(x, theta):
    """
    Derivative of J(theta) = theta * x with respect to theta.

    Arguments:
    x -- a real number, the input
    theta -- a real number, the parameter

    Returns:
    dtheta -- dJ/dtheta
    """
    ### START CODE HERE ### (≈ 1 line of code)
    ### BEGIN SOLUTION
    dtheta = x
    ### END SOLUTION
    ### END CODE HERE ###
    return dtheta


# GRADED FUNCTION: gradient_check

def gradient_check(x, theta, epsilon=1e-7, print_msg=True):
    """
    Compare backward_propagation(x, theta) with the centred difference
    (J(theta + epsilon) - J(theta - epsilon)) / (2 epsilon).

    Arguments:
    x -- a real number, the input
    theta -- a real number, the parameter
    epsilon -- the small shift used for the numerical derivative
    print_msg -- True: also print the verdict; False: only return the difference

    Returns:
    difference -- ||grad - gradapprox|| / (||grad|| + ||gradapprox||), formula (2)
    """
    ### START CODE HERE ### (≈ 5 lines of code)
    ### BEGIN SOLUTION
    thetaplus = theta + epsilon
    thetaminus = theta - epsilon
    J_plus = forward_propagation(x, thetaplus)
    J_minus = forward_propagation(x, thetaminus)
    gradapprox = (J_plus - J_minus) / (2 * epsilon)
    ### END SOLUTION
    ### END CODE HERE ###

    ### START CODE HERE ### (≈ 1 line of code)
    ### BEGIN SOLUTION
    grad = backward_propagation(x, theta)
    ### END SOLUTION
    ### END CODE HERE ###

    ### START CODE HERE ### (≈ 3 lines of code)
    ### BEGIN SOLUTION
    numerator = np.linalg.norm(grad - gradapprox)
    denominator = np.linalg.norm(grad) + np.linalg.norm(gradapprox)
    difference = numerator / denominator
    ### END SOLUTION
    ### END CODE HERE ###

    if print_msg:
        if difference < 1e-7:
            print("The gradient is correct!")
        else:
            print("The gradient is wrong!")
    return difference


# COURSE CODE: forward_propagation_n

def forward_propagation_n(X, Y, parameters):
    """
    Cost of the 3-layer network (LINEAR -> RELU -> LINEAR -> RELU -> LINEAR -> SIGMOID) on X, Y.

    Y may be a row of labels, shape (1, m), or a flat array of the m labels: the number of
    examples m is taken from X.

    Returns:
    cost -- mean cross-entropy of the predictions
    cache -- (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3) for the backward pass
    """
    m = X.shape[1]
    A3, cache = three_layer_forward(X, parameters)
    cost = compute_cost(A3, np.reshape(Y, (1, m)))
    return cost, cache


# COURSE CODE: backward_propagation_n

def backward_propagation_n(X, Y, cache):
    """
    Backward pass of the 3-layer network, as a colleague wrote it. Something in it is off:
    the gradient check below will tell you whether to trust it.

    Returns:
    gradients -- dict with dW1..dW3, db1..db3 and the intermediate dZ*, dA* values
    """
    m = X.shape[1]
    (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3) = cache

    dZ3 = A3 - Y
    dW3 = 1. / m * np.dot(dZ3, A2.T)
    db3 = 1. / m * np.sum(dZ3, axis=1, keepdims=True)

    dA2 = np.dot(W3.T, dZ3)
    dZ2 = np.multiply(dA2, np.int64(A2 > 0))
    dW2 = 1. / m * np.dot(dZ2, A1.T) * 2
    db2 = 1. / m * np.sum(dZ2, axis=1, keepdims=True)

    dA1 = np.dot(W2.T, dZ2)
    dZ1 = np.multiply(dA1, np.int64(A1 > 0))
    dW1 = 1. / m * np.dot(dZ1, X.T)
    db1 = 4. / m * np.sum(dZ1, axis=1, keepdims=True)

    gradients = {"dZ3": dZ3, "dW3": dW3, "db3": db3,
                 "dA2": dA2, "dZ2": dZ2, "dW2": dW2, "db2": db2,
                 "dA1": dA1, "dZ1": dZ1, "dW1": dW1, "db1": db1}
    return gradients


# GRADED FUNCTION: gradient_check_n

def gradient_check_n(parameters, gradients, X, Y, epsilon=1e-7, print_msg=True):
    """
    Check backprop's gradients of forward_propagation_n's cost against centred differences,
    one parameter entry at a time.

    Arguments:
    parameters -- dict with "W1", "b1", "W2", "b2", "W3", "b3"
    gradients -- output of backward_propagation_n: the gradients to check
    X -- inputs, shape (input size, number of examples)
    Y -- true labels, shape (1, number of examples)
    epsilon -- the small shift used for the numerical derivative
    print_msg -- True: also print the verdict; False: only return the difference

    Returns:
    difference -- ||grad - gradapprox|| / (||grad|| + ||gradapprox||), formula (2)
    """
    parameters_values, _ = dictionary_to_vector(parameters)
    grad = gradients_to_vector(gradients)
    num_parameters = parameters_values.shape[0]
    J_plus = np.zeros((num_parameters, 1))
    J_minus = np.zeros((num_parameters, 1))
    gradapprox = np.zeros((num_parameters, 1))

    for i in range(num_parameters):
        # J_plus[i]: the cost with entry i of theta pushed up by epsilon
        ### START CODE HERE ### (≈ 3 lines of code)
        ### BEGIN SOLUTION
        thetaplus = np.copy(parameters_values)
        thetaplus[i][0] = thetaplus[i][0] + epsilon
        J_plus[i], _ = forward_propagation_n(X, Y, vector_to_dictionary(thetaplus))
        ### END SOLUTION
        ### END CODE HERE ###

        # J_minus[i]: the cost with entry i of theta pushed down by epsilon
        ### START CODE HERE ### (≈ 3 lines of code)
        ### BEGIN SOLUTION
        thetaminus = np.copy(parameters_values)
        thetaminus[i][0] = thetaminus[i][0] - epsilon
        J_minus[i], _ = forward_propagation_n(X, Y, vector_to_dictionary(thetaminus))
        ### END SOLUTION
        ### END CODE HERE ###

        # the centred difference for entry i
        ### START CODE HERE ### (≈ 1 line of code)
        ### BEGIN SOLUTION
        gradapprox[i] = (J_plus[i] - J_minus[i]) / (2 * epsilon)
        ### END SOLUTION
        ### END CODE HERE ###

    ### START CODE HERE ### (≈ 3 lines of code)
    ### BEGIN SOLUTION
    numerator = np.linalg.norm(grad - gradapprox)
    denominator = np.linalg.norm(grad) + np.linalg.norm(gradapprox)
    difference = numerator / denominator
    ### END SOLUTION
    ### END CODE HERE ###

    if print_msg:
        if difference > 2e-7:
            print("There is a mistake in the backward propagation! difference = " + str(difference))
        else:
            print("Your backward propagation works perfectly fine! difference = " + str(difference))
    return difference
