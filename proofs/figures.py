"""Every figure of SPEC.md next to the value this project computes.

    python -m proofs.figures            # all figures (the nine trainings run in parallel)
    python -m proofs.figures --jobs 1   # trainings one after the other

Unit figures come from utils/testCases.py and the reference solutions in
grader/reference; training figures from proofs.training (the notebooks' loop).
The Regularization table on the original course data is shown when
../shared/seed/original-football-data.mat exists. The last section shows the
baseline / L2 / dropout accuracies on the dataset the course ships
(datasets/data.mat), which the Regularization notebook describes.

Exit status 0 when every figure matches (within the tolerance shown), 1 otherwise.
"""
import argparse
import contextlib
import io
import math
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import scipy.io

import course_data
import nn_core
import testCases
from grader.manifest import ROOT
from grader.reference import gradient_checking as gc_ref
from grader.reference import initialization as init_ref
from grader.reference import regularization as reg_ref
from proofs.training import accuracy, train

UNIT_TOL = 1e-7
ORIGINAL_FOOTBALL = os.path.join(ROOT, "..", "shared", "seed", "original-football-data.mat")
SHIPPED_FOOTBALL = os.path.join(ROOT, "datasets", "data.mat")

CIRCLES_SETTINGS = {"learning_rate": 0.01, "num_iterations": 15000, "layers": [2, 10, 5, 1]}
FOOTBALL_SETTINGS = {"learning_rate": 0.3, "num_iterations": 30000}
FOOTBALL_MODELS = (("no regularization", {}), ("L2, lambd 0.7", {"lambd": 0.7}),
                   ("dropout, keep 0.86", {"keep_prob": 0.86}))

# SPEC.md: init -> (cost at 0, cost at 14000, tolerance of the 14000 cost, train acc, test acc)
CIRCLES_SPEC = {
    "zeros": (0.6931471805599453, 0.6931471805599453, 1e-9, 0.5, 0.5),
    "random": (math.inf, 0.383, 0.02, 0.83, 0.86),
    "he": (0.8830537463419761, 0.07357895962677363, 1e-7, 0.9933333333333333, 0.96),
}
# SPEC.md: model -> (costs at 0 / 10000 / 20000, train acc, test acc), original course data
ORIGINAL_SPEC = {
    "no regularization": ((0.6557412523481002, 0.16329987525724218, 0.13851642423267105), 0.9478672985781991, 0.915),
    "L2, lambd 0.7": ((0.6974484493131264, 0.2684918873282239, 0.26809163371273004), 0.9383886255924171, 0.93),
    "dropout, keep 0.86": ((0.6543912405149825, 0.061016986574905584, 0.060582435798513114),
                           0.9289099526066351, 0.95),
}


# ---------------------------------------------------------------- printing

class Report:
    """Prints figure rows and remembers whether any of them is off."""

    def __init__(self):
        self.failures = []

    def section(self, title, columns=("figure", "SPEC", "ours", "max|diff|")):
        print("\n== %s ==" % title)
        print("  %-44s %-24s %-24s %s" % columns)

    def row(self, label, spec, ours, tol):
        spec_array = np.asarray(spec, dtype=float)
        ours_array = np.asarray(ours, dtype=float)
        if spec_array.shape != ours_array.shape:
            diff, ok = math.nan, False
        else:
            both_inf = np.isinf(spec_array) & np.isinf(ours_array) & (np.sign(spec_array) == np.sign(ours_array))
            with np.errstate(invalid="ignore"):  # inf - inf where both are the same infinity
                gaps = np.where(both_inf, 0.0, np.abs(spec_array - ours_array))
            diff = float(np.max(gaps)) if gaps.size else 0.0
            ok = bool(np.all(np.isfinite(gaps))) and diff <= tol
        status = "ok" if ok else "OFF (tolerance %g)" % tol
        if not ok:
            self.failures.append(label)
        if spec_array.ndim == 0 and ours_array.ndim == 0:
            print("  %-44s %-24s %-24s %-10s %s" % (label, _scalar(spec), _scalar(ours), _diff(diff), status))
        else:
            print("  %-44s %-24s %-24s %-10s %s" % (label, "(array, below)", "(array, below)", _diff(diff), status))
            print("      SPEC " + _array(spec_array))
            print("      ours " + _array(ours_array))

    def condition(self, label, value, holds, requirement):
        status = "ok" if holds else "OFF"
        if not holds:
            self.failures.append(label)
        print("  %-44s %-24s %-24s %-10s %s" % (label, requirement, _scalar(value), "", status))


def _scalar(value):
    value = float(value)
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return repr(value)


def _diff(diff):
    return "nan" if math.isnan(diff) else ("0" if diff == 0 else "%.2e" % diff)


def _array(array):
    """One line, 8 decimals, no negative zeros: [[a, b], [c, d]]."""
    if array.ndim == 0:
        return "%.8f" % (float(array) + 0.0)
    return "[" + ", ".join(_array(part) for part in array) + "]"


def quietly(function, *args, **kwargs):
    """Call function, swallowing what it prints (the reference gradient checks print a verdict)."""
    with contextlib.redirect_stdout(io.StringIO()):
        return function(*args, **kwargs)


# ---------------------------------------------------------------- unit figures

def unit_figures(report):
    report.section("Initialization: initial weights")
    random = init_ref.initialize_parameters_random([3, 2, 1])
    report.row("random init [3,2,1] W1", [[17.88628473, 4.36509851, 0.96497468],
                                           [-18.63492703, -2.77388203, -3.54758979]], random["W1"], UNIT_TOL)
    report.row("random init [3,2,1] W2", [[-0.82741481, -6.27000677]], random["W2"], UNIT_TOL)
    he = init_ref.initialize_parameters_he([2, 4, 1])
    report.row("He init [2,4,1] W1", [[1.78862847, 0.43650985], [0.09649747, -1.8634927], [-0.2773882, -0.35475898],
                                       [-0.08274148, -0.62700068]], he["W1"], UNIT_TOL)
    report.row("He init [2,4,1] W2", [[-0.03098412, -0.33744411, -0.92904268, 0.62552248]], he["W2"], UNIT_TOL)

    report.section("Regularization: L2 and dropout on the test cases")
    A3, Y, parameters = testCases.compute_cost_with_regularization_test_case()
    # (the original pasted A3 rounded to 8 decimals; ours computes it, hence ~5e-8)
    report.row("L2 cost (lambd 0.1; A3 not rounded)", 1.7864859451590758,
               reg_ref.compute_cost_with_regularization(A3, Y, parameters, lambd=0.1), UNIT_TOL)
    X, Y, cache = testCases.backward_propagation_with_regularization_test_case()
    grads = reg_ref.backward_propagation_with_regularization(X, Y, cache, lambd=0.7)
    report.row("L2 backward (lambd 0.7) dW1", [[-0.25604646, 0.12298827, -0.28297129],
                                                [-0.17706303, 0.34536094, -0.4410571]], grads["dW1"], UNIT_TOL)
    report.row("L2 backward (lambd 0.7) dW2", [[0.79276486, 0.85133918], [-0.0957219, -0.01720463],
                                                [-0.13100772, -0.03750433]], grads["dW2"], UNIT_TOL)
    report.row("L2 backward (lambd 0.7) dW3", [[-1.77691347, -0.11832879, -0.09397446]], grads["dW3"], UNIT_TOL)
    X, parameters = testCases.forward_propagation_with_dropout_test_case()
    A3, _ = reg_ref.forward_propagation_with_dropout(X, parameters, keep_prob=0.7)
    report.row("dropout forward (keep 0.7) A3", [[0.36974721, 0.00305176, 0.04565099, 0.49683389, 0.36974721]],
               A3, UNIT_TOL)
    X, Y, cache = testCases.backward_propagation_with_dropout_test_case()
    grads = reg_ref.backward_propagation_with_dropout(X, Y, cache, keep_prob=0.8)
    report.row("dropout backward (keep 0.8) dA1", [[0.36544439, 0, -0.00188233, 0, -0.17408748],
                                                    [0.65515713, 0, -0.00337459, 0, 0]], grads["dA1"], UNIT_TOL)
    report.row("dropout backward (keep 0.8) dA2", [[0.58180856, 0, -0.00299679, 0, -0.27715731],
                                                    [0, 0.53159854, 0, 0.53159854, -0.34089673],
                                                    [0, 0, -0.00292733, 0, 0]], grads["dA2"], UNIT_TOL)

    report.section("Gradient checking")
    report.row("1-D: J (x=2, theta=4)", 8, gc_ref.forward_propagation(2, 4), UNIT_TOL)
    report.row("1-D: dtheta (x=2, theta=4)", 2, gc_ref.backward_propagation(2, 4), UNIT_TOL)
    report.row("1-D: difference", 2.919335883291695e-10, quietly(gc_ref.gradient_check, 2, 4), 1e-12)
    X, Y, parameters = testCases.gradient_check_n_test_case()
    _, cache = gc_ref.forward_propagation_n(X, Y, parameters)
    buggy = gc_ref.backward_propagation_n(X, Y, cache)
    report.row("N-D: difference, buggy backward", 0.28509315678069896,
               quietly(gc_ref.gradient_check_n, parameters, buggy, X, Y), UNIT_TOL)
    fixed = nn_core.backward_propagation(X, Y, cache)
    fixed_difference = quietly(gc_ref.gradient_check_n, parameters, fixed, X, Y)
    report.row("N-D: difference, correct backward (about)", 1.19e-7, fixed_difference, 0.01e-7)
    report.condition("N-D: correct backward below threshold", fixed_difference, fixed_difference < 2e-7, "< 2e-7")


# ---------------------------------------------------------------- trainings

def load_data(name):
    """(train_X, train_Y, test_X, test_Y), features x examples, for 'circles', 'original' or 'shipped'."""
    if name == "circles":
        return course_data.load_dataset(plot=False)
    path = ORIGINAL_FOOTBALL if name == "original" else SHIPPED_FOOTBALL
    if name == "original":
        data = scipy.io.loadmat(path)
        return data["X"].T, data["y"].T, data["Xval"].T, data["yval"].T
    return course_data.load_2D_dataset(path, plot=False)


def training_job(job):
    """Run one training (in a worker process); returns costs and train/test accuracy."""
    dataset, settings, options = job
    options = dict(options)
    if "init" in options:
        options["init"] = getattr(init_ref, options["init"])
    train_X, train_Y, test_X, test_Y = load_data(dataset)
    started = time.time()
    parameters, costs = train(train_X, train_Y, **settings, **options)
    return {"costs": [float(c) for c in costs], "train": accuracy(train_X, train_Y, parameters),
            "test": accuracy(test_X, test_Y, parameters), "seconds": time.time() - started}


def training_jobs(have_original):
    jobs = {("circles", init): ("circles", CIRCLES_SETTINGS, {"init": "initialize_parameters_" + init})
            for init in CIRCLES_SPEC}
    for dataset in (["original"] if have_original else []) + ["shipped"]:
        for name, options in FOOTBALL_MODELS:
            jobs[(dataset, name)] = (dataset, FOOTBALL_SETTINGS, options)
    return jobs


def run_trainings(jobs, workers):
    if workers <= 1:
        return {key: training_job(job) for key, job in jobs.items()}
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {key: pool.submit(training_job, job) for key, job in jobs.items()}
        return {key: future.result() for key, future in futures.items()}


def training_figures(report, results, have_original):
    report.section("Initialization: circles, layers [2,10,5,1], lr 0.01, 15000 iterations")
    for init, (cost0, cost14, tol14, train_acc, test_acc) in CIRCLES_SPEC.items():
        run = results[("circles", init)]
        report.row("%s: cost at 0" % init, cost0, run["costs"][0], 1e-9)
        label = "%s: cost at 14000%s" % (init, " (about: chaotic)" if init == "random" else "")
        report.row(label, cost14, run["costs"][14], tol14)
        report.row("%s: train accuracy" % init, train_acc, run["train"], 0)
        report.row("%s: test accuracy" % init, test_acc, run["test"], 0)

    if have_original:
        report.section("Regularization, ORIGINAL course data: layers [2,20,3,1], lr 0.3, 30000 iterations")
        for name, (costs, train_acc, test_acc) in ORIGINAL_SPEC.items():
            run = results[("original", name)]
            for index, wanted in zip((0, 10, 20), costs):
                report.row("%s: cost at %d" % (name, index * 1000), wanted, run["costs"][index], 1e-9)
            report.row("%s: train accuracy" % name, train_acc, run["train"], 0)
            report.row("%s: test accuracy" % name, test_acc, run["test"], 0)
    else:
        print("\n== Regularization, ORIGINAL course data: skipped (%s is absent) =="
              % os.path.normpath(ORIGINAL_FOOTBALL))

    report.section("Regularization, SHIPPED data (datasets/data.mat, no SPEC value): the lesson",
                   ("model / lesson condition", "train acc / required", "test acc / ours", ""))
    shipped = {name: results[("shipped", name)] for name, _ in FOOTBALL_MODELS}
    for name, run in shipped.items():
        print("  %-44s %-24s %-24s cost at 0 / 10000 / 20000: %.6f / %.6f / %.6f"
              % (name, "train %.4f" % run["train"], "test %.4f" % run["test"],
                 run["costs"][0], run["costs"][10], run["costs"][20]))
    baseline = shipped["no regularization"]
    gap = baseline["train"] - baseline["test"]
    report.condition("baseline overfits: train - test", round(gap, 12), gap >= 0.02, ">= 0.02")
    for name in ("L2, lambd 0.7", "dropout, keep 0.86"):
        gain = shipped[name]["test"] - baseline["test"]
        report.condition("%s: test - baseline test" % name, round(gain, 12), gain > 0, "> 0 (aim >= 0.01)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=min(os.cpu_count() or 1, 9),
                        help="trainings run in parallel (default: %(default)s)")
    args = parser.parse_args(argv)
    started = time.time()
    report = Report()
    with np.errstate(all="raise"):
        unit_figures(report)
    have_original = os.path.isfile(ORIGINAL_FOOTBALL)
    results = run_trainings(training_jobs(have_original), args.jobs)
    training_figures(report, results, have_original)
    print("\n%d figure(s) off%s; %.0f s (%d trainings, %d parallel job(s))" % (
        len(report.failures), (": " + ", ".join(report.failures)) if report.failures else "",
        time.time() - started, len(results), args.jobs))
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
