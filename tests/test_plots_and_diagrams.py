"""The lessons' plots say what they show (issue 11, point 8), and the notebooks' diagrams are what the code draws.

* every decision-boundary region has the colour of the class predicted there (a model predicting
  class 0 everywhere paints the plane in class 0's colour, not in a colour of neither class);
* points and regions carry a legend, the axes are labelled, the cost plot names its model;
* the diagrams attached to the source notebooks are the drawings of authoring/diagrams.py, and
  they reach the release notebooks.
"""
import base64
import os

import matplotlib
import matplotlib.pyplot as plt
import nbformat
import numpy as np
import pytest
from matplotlib.colors import to_hex

import plotting
from authoring import diagrams
from grader.manifest import ASSIGNMENTS, ROOT

X = np.array([[0.0, 1.0, 2.0, 3.0], [0.0, 1.0, 0.0, 1.0]])
Y = np.array([[0, 1, 0, 1]])
NAMES = ("outer ring, y = 0", "inner ring, y = 1")


@pytest.fixture
def shown(monkeypatch):
    """The figures the plotting helpers would show, kept open for inspection."""
    figures = []
    monkeypatch.setattr(plt, "show", lambda: figures.append(plt.gcf()) or plt.figure())
    yield figures
    plt.close("all")


def region_colours(figure):
    """Colours of the filled areas the boundary plot draws (the contourf regions that are drawn)."""
    axes = figure.axes[0]
    colours = set()
    for collection in axes.collections:
        if isinstance(collection, matplotlib.collections.PathCollection):
            continue  # the scatter of the points
        paths, faces = collection.get_paths(), collection.get_facecolors()
        for path, face in zip(paths, faces):
            if len(path.vertices):
                colours.add(to_hex(face))
    return colours


@pytest.mark.parametrize("prediction, expected", [(0, {plotting.REGION_COLOURS[0]}),
                                                  (1, {plotting.REGION_COLOURS[1]})])
def test_a_constant_model_paints_the_plane_in_its_class_colour(shown, prediction, expected):
    plotting.plot_decision_boundary(lambda points: np.full(len(points), prediction), X, Y, NAMES)
    assert region_colours(shown[0]) == expected


def test_a_boundary_shows_both_class_colours_and_a_legend(shown):
    plotting.plot_decision_boundary(lambda points: points[:, 0] > 1.5, X, Y, NAMES)
    figure = shown[0]
    assert region_colours(figure) == set(plotting.REGION_COLOURS)
    axes = figure.axes[0]
    labels = [text.get_text() for text in axes.get_legend().get_texts()]
    assert labels[:2] == list(NAMES)
    assert labels[2:] == ["area where the model predicts y = 0", "area where the model predicts y = 1"]
    points = [c for c in axes.collections if isinstance(c, matplotlib.collections.PathCollection)]
    assert [to_hex(c.get_facecolors()[0]) for c in points] == list(plotting.CLASS_COLOURS)
    assert (axes.get_xlabel(), axes.get_ylabel()) == ("x1", "x2")


def test_the_dataset_scatter_has_a_legend_and_labelled_axes(shown):
    plotting.scatter_dataset(X, Y, NAMES, title="The training set")
    axes = shown[0].axes[0]
    assert [t.get_text() for t in axes.get_legend().get_texts()] == list(NAMES)
    assert (axes.get_xlabel(), axes.get_ylabel(), axes.get_title()) == ("x1", "x2", "The training set")


def test_a_cost_plot_names_its_model(shown):
    plotting.plot_costs([0.7, 0.5, 0.4], 0.3, model="with L2 regularization (lambd = 0.7)")
    assert shown[0].axes[0].get_title() == "Cost of the model with L2 regularization (lambd = 0.7), learning rate = 0.3"


def test_the_notebooks_diagrams_are_the_drawings_of_the_code():
    assert diagrams.stale_diagrams(write=False) == []


def test_a_changed_drawing_is_noticed(monkeypatch):
    monkeypatch.setitem(diagrams.DIAGRAMS["gradient_checking"], "gradient_check_1d.png",
                        lambda: diagrams.network((2, 3, 1)))
    assert ("gradient_checking", "gradient_check_1d.png", "differs from the drawing") in diagrams.stale_diagrams()


@pytest.mark.parametrize("assignment", list(diagrams.DIAGRAMS))
def test_release_notebooks_carry_the_diagrams(assignment):
    path = os.path.join(ROOT, "release", assignment, ASSIGNMENTS[assignment].notebook)
    notebook = nbformat.read(path, as_version=4)
    for name in diagrams.DIAGRAMS[assignment]:
        cells = diagrams.cells_showing(notebook, name)
        assert cells, "%s: no cell shows %s" % (assignment, name)
        for cell in cells:
            data = base64.b64decode(cell.attachments[name]["image/png"])
            assert data.startswith(b"\x89PNG") and len(data) > 10000


@pytest.mark.e2e
def test_the_plot_gallery_saves_what_a_notebook_draws(tmp_path):
    from authoring.plot_gallery import gallery
    written = gallery(str(tmp_path), ["gradient_checking"])
    assert [os.path.basename(path) for path, _ in written] == ["gradient_checking-cell19-1.png"]
    path, first_line = written[0]
    assert first_line.startswith("def cube(") and open(path, "rb").read(4) == b"\x89PNG"
