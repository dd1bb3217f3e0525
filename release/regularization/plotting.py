"""Plots of the lessons: decision boundaries and cost curves.

Works inline in Jupyter and headless (Agg backend) in tests.
"""
import matplotlib.pyplot as plt
import numpy as np


def plot_decision_boundary(model, X, y):
    """Colour the plane by `model`'s prediction and scatter the points X (2 x m) with labels y.

    `model` takes an (n_points, 2) array and returns one prediction per point.
    The current axes' limits, when set, are kept.
    """
    x_min, x_max = X[0, :].min() - 1, X[0, :].max() + 1
    y_min, y_max = X[1, :].min() - 1, X[1, :].max() + 1
    step = 0.01
    xx, yy = np.meshgrid(np.arange(x_min, x_max, step), np.arange(y_min, y_max, step))
    Z = np.asarray(model(np.c_[xx.ravel(), yy.ravel()]), dtype=float).reshape(xx.shape)
    plt.contourf(xx, yy, Z, cmap=plt.cm.Spectral)
    plt.ylabel("x2")
    plt.xlabel("x1")
    plt.scatter(X[0, :], X[1, :], c=np.squeeze(y), cmap=plt.cm.Spectral)
    plt.show()


def plot_costs(costs, learning_rate, every=1000):
    """Plot a cost curve recorded once every `every` iterations."""
    plt.plot(np.squeeze(costs))
    plt.ylabel("cost")
    plt.xlabel("iterations (x%s)" % format(every, ","))
    plt.title("Learning rate = " + str(learning_rate))
    plt.show()


def scatter_dataset(X, Y):
    """Scatter 2-D points X (2 x m) coloured by their labels Y."""
    plt.scatter(X[0, :], X[1, :], c=np.squeeze(Y), s=40, cmap=plt.cm.Spectral)
    plt.show()
