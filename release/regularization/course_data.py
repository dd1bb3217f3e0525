"""Loaders for the two datasets of the course.

* `load_dataset`: the "circles" data of the Initialization lesson, made by
  scikit-learn's `make_circles` (train: seed 1, 300 points; test: seed 2, 100 points).
* `load_2D_dataset`: the "football" data of the Regularization lesson, read from
  `datasets/data.mat` (keys X, y, Xval, yval; one example per row, as the original).
"""
import os

import numpy as np
import scipy.io
import sklearn.datasets

from plotting import scatter_dataset

CIRCLES_CLASSES = ("outer ring, y = 0", "inner ring, y = 1")
FOOTBALL_CLASSES = ("red: an opponent won it (y = 0)", "blue: our player won it (y = 1)")

FOOTBALL_FILE = os.path.join("datasets", "data.mat")
REGENERATE_HINT = "python -m authoring.make_football_data"


def load_dataset(plot=True):
    """Circles data as (train_X, train_Y, test_X, test_Y), features x examples; plots the training set."""
    np.random.seed(1)
    train_X, train_Y = sklearn.datasets.make_circles(n_samples=300, noise=0.05)
    np.random.seed(2)
    test_X, test_Y = sklearn.datasets.make_circles(n_samples=100, noise=0.05)
    train_X, test_X = train_X.T, test_X.T
    train_Y = train_Y.reshape((1, -1))
    test_Y = test_Y.reshape((1, -1))
    if plot:
        scatter_dataset(train_X, train_Y, CIRCLES_CLASSES, title="The training set: two rings")
    return train_X, train_Y, test_X, test_Y


def find_football_file(path=None):
    """Path of the football .mat file: `path`, else datasets/data.mat here or next to this module."""
    candidates = [path] if path else [
        FOOTBALL_FILE,
        os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", FOOTBALL_FILE),
    ]
    for candidate in candidates:
        if os.path.isfile(candidate):
            return candidate
    raise FileNotFoundError(
        "The football dataset '%s' is missing (looked for: %s). Instructors regenerate it "
        "from the course root with `%s`; students: download the assignment folder again, "
        "it ships the file." % (path or FOOTBALL_FILE, ", ".join(os.path.abspath(c) for c in candidates),
                                REGENERATE_HINT))


def load_2D_dataset(path=None, plot=True):
    """Football data as (train_X, train_Y, test_X, test_Y), features x examples; plots the training set."""
    data = scipy.io.loadmat(find_football_file(path))
    train_X, train_Y = data["X"].T, data["y"].T
    test_X, test_Y = data["Xval"].T, data["yval"].T
    if plot:
        scatter_dataset(train_X, train_Y, FOOTBALL_CLASSES, title="The training kicks: where the ball was won")
    return train_X, train_Y, test_X, test_Y
