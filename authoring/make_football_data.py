"""Generate the course's own "football" dataset: datasets/data.mat.

The story of the Regularization lesson: after each goal kick by our goalkeeper we
note where on the field the ball was headed (x1, x2) and who got to it first:
1 (blue) for one of our players, 0 (red) for the other team. Our players hold the
upper-left part of the field, theirs the lower-right, so the classes are split by
a slightly bent diagonal line. Real matches are messy:

* close to that line either team may win the ball (labels flip more often the
  closer a point is to the line), and
* the training matches contain a few "pockets": small spots deep in one team's
  half where, in those particular games, the other team kept winning the ball
  (a player out of position, a lucky bounce). Nothing of the kind happens in the
  test matches.

A large net trained without regularization bends its decision boundary around
those noisy points and pockets: it scores higher on the training set than on the
test set. L2 and dropout keep the boundary smooth and score higher on the test set.
tests/test_football_data.py checks both the data and that lesson.

Everything is drawn from one seeded NumPy Generator and rounded to 6 decimals,
so the file is the same on every run and every machine. The .mat header carries
a fixed text (not the creation time), so even the bytes are identical.

Usage (from the course root):
    python -m authoring.make_football_data           # (re)write datasets/data.mat
    python -m authoring.make_football_data --check   # exit 1 if the committed file differs
"""
import argparse
import io
import os
import sys

import numpy as np
import scipy.io

from grader.manifest import ROOT

OUTPUT = os.path.join(ROOT, "datasets", "data.mat")
SEED = 4
N_TRAIN = 211
N_TEST = 200
DECIMALS = 6

# The field: points fill an ellipse around CENTRE (the area the ball reaches).
CENTRE = np.array([-0.15, -0.05])
SEMI_AXES = np.array([0.45, 0.62])

# The line between the two teams' zones: through LINE_POINT with slope LINE_SLOPE,
# bent a little (BEND > 0 bends it towards the red side at both ends).
LINE_POINT = np.array([-0.12, 0.0])
LINE_SLOPE = 1.6
BEND = 0.6

# Label noise near the line: a point at distance d flips with probability
# FLIP_MAX * exp(-d / FLIP_WIDTH).
FLIP_MAX = 0.45
FLIP_WIDTH = 0.05

# Training-only pockets: (centre x1, centre x2, label inside, number of points, radius).
POCKETS = (
    (-0.36, 0.28, 0, 6, 0.05),
    (-0.30, -0.30, 0, 5, 0.045),
    (0.10, -0.38, 1, 6, 0.05),
    (0.15, 0.12, 1, 5, 0.045),
)

# the header the file was first written with, kept so its bytes stay the same (the generator was in tools/ then)
HEADER = b"MATLAB 5.0 MAT-file, course football data, written by tools/make_football_data.py"


def signed_distance(points):
    """Signed distance-like score of each point (rows) to the bent line: > 0 on our (blue) side."""
    normal = np.array([-LINE_SLOPE, 1.0]) / np.hypot(LINE_SLOPE, 1.0)
    along = np.array([1.0, LINE_SLOPE]) / np.hypot(LINE_SLOPE, 1.0)
    offset = points - LINE_POINT
    return offset @ normal - BEND * (offset @ along) ** 2


def sample_field(rng, n):
    """n points spread uniformly over the ellipse of the field."""
    radius = np.sqrt(rng.random(n))
    angle = 2 * np.pi * rng.random(n)
    return CENTRE + SEMI_AXES * np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])


def noisy_labels(rng, points):
    """Team labels from the line, with flips that get likelier close to it."""
    score = signed_distance(points)
    labels = (score > 0).astype(np.uint8)
    flip = rng.random(len(points)) < FLIP_MAX * np.exp(-np.abs(score) / FLIP_WIDTH)
    return np.where(flip, 1 - labels, labels).astype(np.uint8)


def pocket_points(rng):
    """The training-only pockets: small clusters of the 'wrong' team deep in a zone."""
    points, labels = [], []
    for x1, x2, label, count, radius in POCKETS:
        r = radius * np.sqrt(rng.random(count))
        angle = 2 * np.pi * rng.random(count)
        points.append(np.column_stack([x1 + r * np.cos(angle), x2 + r * np.sin(angle)]))
        labels.append(np.full(count, label, dtype=np.uint8))
    return np.concatenate(points), np.concatenate(labels)


def make_football_data(seed=SEED):
    """The dataset as a dict X (211, 2), y (211, 1), Xval (200, 2), yval (200, 1); one example per row."""
    rng = np.random.default_rng(seed)
    pocket_X, pocket_y = pocket_points(rng)
    field_X = sample_field(rng, N_TRAIN - len(pocket_y))
    field_y = noisy_labels(rng, field_X)
    X = np.concatenate([field_X, pocket_X])
    y = np.concatenate([field_y, pocket_y])
    order = rng.permutation(N_TRAIN)
    X, y = np.round(X[order], DECIMALS), y[order]

    Xval = np.round(sample_field(rng, N_TEST), DECIMALS)
    yval = noisy_labels(rng, Xval)
    return {"X": X, "y": y.reshape(-1, 1), "Xval": Xval, "yval": yval.reshape(-1, 1)}


def mat_bytes(data):
    """The .mat file contents, with a fixed header text so the bytes do not depend on the time."""
    buffer = io.BytesIO()
    scipy.io.savemat(buffer, data, format="5", do_compression=False, oned_as="column")
    content = bytearray(buffer.getvalue())
    content[:116] = HEADER.ljust(116, b" ")
    return bytes(content)


def differences(path, data):
    """What differs between the file at `path` and `data` (empty list: identical arrays)."""
    if not os.path.isfile(path):
        return ["%s does not exist" % path]
    stored = {k: v for k, v in scipy.io.loadmat(path).items() if not k.startswith("__")}
    problems = []
    if sorted(stored) != sorted(data):
        problems.append("keys %s, expected %s" % (sorted(stored), sorted(data)))
    for key, wanted in data.items():
        got = stored.get(key)
        if got is None:
            continue
        if got.shape != wanted.shape or got.dtype != wanted.dtype:
            problems.append("%s: %s %s, expected %s %s" % (key, got.shape, got.dtype, wanted.shape, wanted.dtype))
        elif not np.array_equal(got, wanted):
            problems.append("%s: %d entries differ" % (key, int(np.sum(got != wanted))))
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 if %s differs from what this script generates" % OUTPUT)
    parser.add_argument("--output", default=OUTPUT, help="where to write (default: %(default)s)")
    args = parser.parse_args(argv)
    data = make_football_data()
    if args.check:
        problems = differences(args.output, data)
        for problem in problems:
            print("DIFFERS: " + problem)
        if problems:
            print("regenerate with: python -m authoring.make_football_data")
            return 1
        print("%s matches the generator" % args.output)
        return 0
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    with open(args.output, "wb") as handle:
        handle.write(mat_bytes(data))
    print("wrote %s: X %s, y %s (%d blue), Xval %s, yval %s (%d blue)" % (
        args.output, data["X"].shape, data["y"].shape, int(data["y"].sum()),
        data["Xval"].shape, data["yval"].shape, int(data["yval"].sum())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
