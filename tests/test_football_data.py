"""The shipped football dataset: reproducible from our generator, and the lesson holds on it.

The lesson of the Regularization notebook, with its hyper-parameters (layers [2, 20, 3, 1],
lr 0.3, 30000 iterations, seed-3 1/sqrt(fan-in) init) and the reference solutions:
the unregularized net overfits (train at least 2 points above test), and both L2
(lambd 0.7) and dropout (keep_prob 0.86) score higher on the test set than it does.
The three trainings run once per module (about 25 s in all).
"""
import importlib.util
import os
import shutil
import subprocess
import sys
import warnings

import numpy as np
import pytest
import scipy.io

import course_data
from course_env import python_env
from grader.manifest import ROOT
from authoring import make_football_data as generator
from proofs.training import accuracy, train

pytestmark = pytest.mark.filterwarnings("error")

SHIPPED = os.path.join(ROOT, "datasets", "data.mat")
SHAPES = {"X": (211, 2), "y": (211, 1), "Xval": (200, 2), "yval": (200, 1)}
# the notebook draws the field with these limits: every point must be inside
X1_LIMITS, X2_LIMITS = (-0.75, 0.40), (-0.75, 0.65)
COURSE_SETTINGS = {"learning_rate": 0.3, "num_iterations": 30000}
MODELS = {"baseline": {}, "L2": {"lambd": 0.7}, "dropout": {"keep_prob": 0.86}}


def stored_arrays(path=SHIPPED):
    return {k: v for k, v in scipy.io.loadmat(path).items() if not k.startswith("__")}


@pytest.fixture(scope="module")
def generated():
    return generator.make_football_data()


def train_the_lesson(init=None):
    """Train the three models of the lesson; {name: (train accuracy, test accuracy)}."""
    train_X, train_Y, test_X, test_Y = course_data.load_2D_dataset(SHIPPED, plot=False)
    results = {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name, options in MODELS.items():
            parameters, costs = train(train_X, train_Y, **COURSE_SETTINGS, **options, init=init)
            assert len(costs) == 30 and all(np.isfinite(costs)), (name, costs)
            results[name] = (accuracy(train_X, train_Y, parameters), accuracy(test_X, test_Y, parameters))
    return results


@pytest.fixture(scope="module")
def lesson():
    """The three models of the lesson, trained once."""
    return train_the_lesson()


# ---------------------------------------------------------------- the file itself

def test_shipped_file_has_the_original_layout():
    stored = stored_arrays()
    assert sorted(stored) == sorted(SHAPES)
    for key, shape in SHAPES.items():
        assert stored[key].shape == shape, (key, stored[key].shape)
    assert stored["X"].dtype == stored["Xval"].dtype == np.float64
    assert stored["y"].dtype == stored["yval"].dtype == np.uint8
    for key in ("y", "yval"):
        assert set(np.unique(stored[key])) == {0, 1}
        assert 0.3 < stored[key].mean() < 0.7, "both teams must be well represented"


def test_regenerating_gives_exactly_the_shipped_arrays(generated):
    stored = stored_arrays()
    assert sorted(stored) == sorted(generated)
    for key, wanted in generated.items():
        assert stored[key].shape == wanted.shape and stored[key].dtype == wanted.dtype, key
        assert np.array_equal(stored[key], wanted), \
            "%s differs from the generator: run python -m authoring.make_football_data" % key
    assert generator.differences(SHIPPED, generated) == []


def test_generator_is_deterministic_down_to_the_bytes(generated):
    again = generator.make_football_data()
    assert all(np.array_equal(again[key], generated[key]) for key in generated)
    assert generator.mat_bytes(again) == generator.mat_bytes(generated)
    assert b"Created on" not in generator.mat_bytes(generated)[:116]


def test_points_fit_the_notebook_plot_limits():
    stored = stored_arrays()
    for key in ("X", "Xval"):
        points = stored[key]
        assert X1_LIMITS[0] < points[:, 0].min() and points[:, 0].max() < X1_LIMITS[1], key
        assert X2_LIMITS[0] < points[:, 1].min() and points[:, 1].max() < X2_LIMITS[1], key


def test_loader_returns_one_example_per_column():
    train_X, train_Y, test_X, test_Y = course_data.load_2D_dataset(SHIPPED, plot=False)
    stored = stored_arrays()
    assert train_X.shape == (2, 211) and train_Y.shape == (1, 211)
    assert test_X.shape == (2, 200) and test_Y.shape == (1, 200)
    assert np.array_equal(train_X, stored["X"].T) and np.array_equal(test_Y, stored["yval"].T)


# ---------------------------------------------------------------- the command line

def test_check_mode_passes_on_the_shipped_file_from_the_command_line():
    """`python -m authoring.make_football_data --check` works from the root (the command REGENERATE_HINT names)."""
    assert course_data.REGENERATE_HINT == "python -m authoring.make_football_data"
    run = subprocess.run([sys.executable] + course_data.REGENERATE_HINT.split()[1:] + ["--check"], cwd=ROOT,
                         capture_output=True, text=True, timeout=120, env=python_env(ROOT))
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stderr == ""


def test_check_mode_fails_on_a_changed_file(tmp_path, generated, capsys):
    changed = dict(generated, yval=generated["yval"].copy())
    changed["yval"][0, 0] = 1 - changed["yval"][0, 0]
    path = tmp_path / "data.mat"
    path.write_bytes(generator.mat_bytes(changed))
    assert generator.main(["--check", "--output", str(path)]) == 1
    assert "yval: 1 entries differ" in capsys.readouterr().out
    assert generator.main(["--check", "--output", str(tmp_path / "absent.mat")]) == 1


def test_writing_reproduces_the_shipped_arrays(tmp_path, capsys):
    path = tmp_path / "datasets" / "data.mat"
    assert generator.main(["--output", str(path)]) == 0
    assert generator.differences(SHIPPED, stored_arrays(str(path))) == []
    assert generator.main(["--check", "--output", str(path)]) == 0


# ---------------------------------------------------------------- a missing file

def _assert_names_file_and_command(error):
    message = str(error.value)
    assert os.path.join("datasets", "data.mat") in message
    assert "python -m authoring.make_football_data" in message


def test_missing_file_with_a_path_argument(tmp_path):
    with pytest.raises(FileNotFoundError) as error:
        course_data.load_2D_dataset(str(tmp_path / "datasets" / "data.mat"), plot=False)
    _assert_names_file_and_command(error)


def test_missing_file_in_an_assignment_folder_without_data(tmp_path, monkeypatch):
    """A copy of course_data.py in a folder with no datasets/ (cwd there), as a student would have it."""
    folder = tmp_path / "course" / "regularization"
    folder.mkdir(parents=True)
    shutil.copy(os.path.join(ROOT, "utils", "course_data.py"), folder / "course_data.py")
    spec = importlib.util.spec_from_file_location("course_data_without_data", folder / "course_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.chdir(folder)
    with pytest.raises(FileNotFoundError) as error:
        module.load_2D_dataset(plot=False)
    _assert_names_file_and_command(error)


# ---------------------------------------------------------------- the lesson

@pytest.mark.e2e
def test_baseline_overfits(lesson):
    train_accuracy, test_accuracy = lesson["baseline"]
    assert train_accuracy - test_accuracy >= 0.02, lesson


@pytest.mark.e2e
def test_l2_beats_the_baseline_on_the_test_set(lesson):
    assert lesson["L2"][1] > lesson["baseline"][1], lesson


@pytest.mark.e2e
def test_dropout_beats_the_baseline_on_the_test_set(lesson):
    assert lesson["dropout"][1] > lesson["baseline"][1], lesson


@pytest.mark.e2e
def test_lesson_margins_are_comfortable(lesson):
    """Margins of at least 1 point, so float noise (another BLAS) cannot flip the story."""
    baseline_test = lesson["baseline"][1]
    assert lesson["baseline"][0] - baseline_test >= 0.03, lesson
    assert lesson["L2"][1] - baseline_test >= 0.01, lesson
    assert lesson["dropout"][1] - baseline_test >= 0.01, lesson


@pytest.mark.e2e
@pytest.mark.parametrize("relative", [1e-15, 1e-12])
def test_lesson_does_not_hinge_on_rounding(relative):
    """On our data the trainings are sensitive to rounding: changing the initial weights by a relative
    1e-15 (about what another CPU's BLAS does to a result) moves the regularized models' accuracies by
    an example or two. The notebook therefore quotes no accuracy in its prose, and the lesson itself
    must hold whatever the rounding: here with the initial weights nudged by `relative`."""
    import nn_core
    nudge = np.random.default_rng(int(-np.log10(relative)))

    def nudged_init(layers):
        parameters = nn_core.initialize_parameters(layers)
        for key in [k for k in parameters if k.startswith("W")]:
            parameters[key] = parameters[key] * (1 + relative * nudge.standard_normal(parameters[key].shape))
        return parameters

    found = train_the_lesson(init=nudged_init)
    baseline_train, baseline_test = found["baseline"]
    assert baseline_train - baseline_test >= 0.03, found
    for name in ("L2", "dropout"):
        assert found[name][1] - baseline_test >= 0.01 and found[name][0] < baseline_train, found
