"""Plots of the lessons: datasets, decision boundaries and cost curves.

One colour per class everywhere: red for y = 0 and blue for y = 1, for the points
and (lighter) for the region the model assigns to that class, so a plot can be
read against its legend. Works inline in Jupyter and headless (Agg) in tests.
"""
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap

CLASS_COLOURS = ("#d7301f", "#2166ac")   # y = 0 red, y = 1 blue
REGION_COLOURS = ("#f6c4bb", "#bcd4ea")  # the same, light: the area a model gives to each class
DEFAULT_NAMES = ("y = 0", "y = 1")


def _scatter_classes(X, y, class_names, size=30):
    """Scatter the points of each class in its colour, with a legend entry per class."""
    labels = np.asarray(y).reshape(-1)
    names = class_names or DEFAULT_NAMES
    for value in (0, 1):
        chosen = labels == value
        plt.scatter(X[0, chosen], X[1, chosen], s=size, c=CLASS_COLOURS[value], edgecolors="white",
                    linewidths=0.5, label=names[value])
    plt.xlabel("x1")
    plt.ylabel("x2")


def plot_decision_boundary(model, X, y, class_names=None):
    """Colour the plane by `model`'s prediction (0 or 1) and scatter the points X (2 x m) with labels y.

    `model` takes an (n_points, 2) array and returns one prediction per point. Each region
    gets the light colour of the class predicted there, so a model that predicts one class
    everywhere shows a plane of that class's colour. The current axes' limits, when set, are kept.
    """
    x_min, x_max = X[0, :].min() - 1, X[0, :].max() + 1
    y_min, y_max = X[1, :].min() - 1, X[1, :].max() + 1
    step = 0.01
    xx, yy = np.meshgrid(np.arange(x_min, x_max, step), np.arange(y_min, y_max, step))
    Z = np.asarray(model(np.c_[xx.ravel(), yy.ravel()]), dtype=float).reshape(xx.shape)
    plt.contourf(xx, yy, Z, levels=[-0.5, 0.5, 1.5], cmap=ListedColormap(REGION_COLOURS))
    _scatter_classes(X, y, class_names)
    handles, labels = plt.gca().get_legend_handles_labels()
    handles += [plt.Rectangle((0, 0), 1, 1, color=REGION_COLOURS[v]) for v in (0, 1)]
    labels += ["area where the model predicts y = %d" % v for v in (0, 1)]
    plt.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small",
               frameon=False)
    plt.show()


def plot_costs(costs, learning_rate, every=1000, model=None):
    """Plot a cost curve recorded once every `every` iterations; the title names the model."""
    plt.plot(np.squeeze(costs))
    plt.ylabel("cost")
    plt.xlabel("iterations (x%s)" % format(every, ","))
    title = "learning rate = %s" % learning_rate
    plt.title("Cost of the model %s, %s" % (model, title) if model else "Cost, " + title)
    plt.show()


def scatter_dataset(X, Y, class_names=None, title=None):
    """Scatter 2-D points X (2 x m) coloured by their labels Y, with a legend and axis labels."""
    _scatter_classes(X, Y, class_names, size=40)
    plt.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", frameon=False)
    if title:
        plt.title(title)
    plt.show()
