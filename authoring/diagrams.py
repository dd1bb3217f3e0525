"""The teaching diagrams of the notebooks, drawn with matplotlib and kept in the notebooks as attachments.

    python -m authoring.diagrams           # draw every diagram and write it into its source notebook
    python -m authoring.diagrams --check   # exit 1 when a notebook's picture is not what the code draws

A markdown cell shows a diagram with `![what it shows](attachment:NAME.png)`; this script puts the
PNG into that cell's attachments, so the picture travels with the notebook: into release/ (nbgrader
copies cells as they are), into students' copies and into the feedback pages. Run it after changing
a drawing below, then `python -m authoring.make_release`.
"""
import base64
import io
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.image as mpimg  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle  # noqa: E402

INK = "#222222"
BLUE, RED, GREY, GREEN, ORANGE = "#2166ac", "#d7301f", "#9e9e9e", "#1a9850", "#e08214"
LIGHT = {"blue": "#dbe7f3", "red": "#f8ddd8", "grey": "#eeeeee", "green": "#d9f0d3", "orange": "#fde6c8"}


def _canvas(width, height):
    fig = plt.figure(figsize=(width, height), dpi=100)
    ax = fig.add_axes([0, 0, 1, 1])
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.axis("off")
    return fig, ax


def _box(ax, x, y, w, h, text, face="#ffffff", edge=INK, size=10, weight="normal", family=None):
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.02,rounding_size=0.08",
                                facecolor=face, edgecolor=edge, linewidth=1.2))
    ax.text(x, y, text, ha="center", va="center", fontsize=size, color=INK, weight=weight, family=family)


def _arrow(ax, start, end, colour=INK, style="-|>", width=1.2, rad=0.0):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle=style, mutation_scale=12, color=colour,
                                 linewidth=width, connectionstyle="arc3,rad=%s" % rad, shrinkA=2, shrinkB=2))


def _layer_positions(sizes, x0, x1, y0, y1):
    xs = np.linspace(x0, x1, len(sizes))
    layers = []
    for x, n in zip(xs, sizes):
        ys = np.linspace(y1, y0, n) if n > 1 else np.array([(y0 + y1) / 2])
        if n > 1:
            spread = min(y1 - y0, 0.42 * (n - 1))
            ys = np.linspace((y0 + y1) / 2 + spread / 2, (y0 + y1) / 2 - spread / 2, n)
        layers.append([(x, y) for y in ys])
    return layers


def network(sizes=(2, 10, 5, 1), dropped=None, title=None, ax=None, width=7.0, height=3.6, labels=True):
    """The 3-layer network: one circle per unit, every connection drawn; `dropped` = {layer: [unit indices]}."""
    own = ax is None
    if own:
        fig, ax = _canvas(width, height)
    dropped = dropped or {}
    layers = _layer_positions(sizes, 0.9, width - 0.9, 0.55, height - (1.05 if labels else 0.75))
    gaps = [abs(layer[0][1] - layer[1][1]) for layer in layers if len(layer) > 1]
    radius = min([0.13] + [0.42 * gap for gap in gaps])
    for l in range(1, len(layers)):
        for i, a in enumerate(layers[l - 1]):
            for j, b in enumerate(layers[l]):
                off = i in dropped.get(l - 1, ()) or j in dropped.get(l, ())
                ax.plot([a[0], b[0]], [a[1], b[1]], color="#dddddd" if off else "#8fa9c4", linewidth=0.6,
                        zorder=1, linestyle=":" if off else "-")
    names = ["x", "LINEAR -> RELU", "LINEAR -> RELU", "LINEAR -> SIGMOID"]
    for l, layer in enumerate(layers):
        for i, (x, y) in enumerate(layer):
            off = i in dropped.get(l, ())
            face = "#ffffff" if off else (LIGHT["orange"] if l == 0 else LIGHT["blue"] if l < len(layers) - 1
                                          else LIGHT["green"])
            ax.add_patch(plt.Circle((x, y), radius, facecolor=face, edgecolor=GREY if off else INK, linewidth=1.0,
                                    zorder=3, linestyle="--" if off else "-"))
            if off:
                d = 0.7 * radius
                ax.plot([x - d, x + d], [y - d, y + d], color=RED, linewidth=1.5, zorder=4)
                ax.plot([x - d, x + d], [y + d, y - d], color=RED, linewidth=1.5, zorder=4)
        if labels:
            x = layer[0][0]
            ax.text(x, 0.22, "%s\n%d unit%s" % (names[l] if l < 4 else "", sizes[l], "s" if sizes[l] > 1 else ""),
                    ha="center", va="center", fontsize=8.5, color=INK)
            ax.text(x, height - 0.25, "layer %d" % l if l else "input", ha="center", fontsize=9, color=INK,
                    weight="bold")
        if labels and l > 0:
            xm = (layers[l - 1][0][0] + layer[0][0]) / 2
            ax.text(xm, height - 0.55, "W%d: (%d, %d)\nb%d: (%d, 1)" % (l, sizes[l], sizes[l - 1], l, sizes[l]),
                    ha="center", va="center", fontsize=8, color="#444444",
                    bbox=dict(facecolor="white", edgecolor="none", pad=1.0))
    if title:
        ax.text(width / 2, height - 0.05, title, ha="center", va="top", fontsize=10.5, weight="bold")
    return fig if own else ax


def dropout_masks():
    """The same network twice: all units, then one training pass with units dropped by the masks D1, D2."""
    fig = plt.figure(figsize=(9.6, 4.4), dpi=100)
    sizes = (2, 8, 3, 1)
    for k, (dropped, title) in enumerate((({}, "prediction: every unit works"),
                                          ({1: [1, 4, 6], 2: [2]}, "one training pass with dropout"))):
        ax = fig.add_axes([k * 0.5, 0.16, 0.5, 0.84])
        ax.set_xlim(0, 4.8)
        ax.set_ylim(0, 3.8)
        ax.axis("off")
        network(sizes, dropped, title, ax=ax, width=4.8, height=3.8, labels=False)
    ax = fig.add_axes([0, 0, 1, 1], facecolor="none")
    ax.axis("off")
    ax.text(0.5, 0.03, "For one example, this pass drew the masks D1 = [1 0 1 1 0 1 0 1] and D2 = [1 1 0]: a 0 "
            "switches that unit off (its output is 0 forward\nand its gradient is 0 backward); the kept units' "
            "activations are divided by keep_prob. The next pass draws new masks.", ha="center", fontsize=8.5,
            transform=ax.transAxes)
    return fig


def gradient_check_1d():
    fig, ax = _canvas(9.0, 3.2)
    _box(ax, 0.8, 1.6, 1.1, 0.6, "x, θ", LIGHT["orange"], size=11)
    _box(ax, 3.0, 2.55, 2.5, 0.62, "forward_propagation\nJ(θ + ε),  J(θ − ε)", LIGHT["blue"], size=9)
    _box(ax, 3.0, 0.65, 2.5, 0.62, "backward_propagation\nat θ", LIGHT["red"], size=9)
    _box(ax, 5.7, 2.55, 2.0, 0.62, "gradapprox =\n(J⁺ − J⁻) / 2ε", "#ffffff", size=9)
    _box(ax, 5.7, 0.65, 2.0, 0.62, "grad", "#ffffff", size=10)
    _box(ax, 7.9, 1.6, 1.9, 0.9, "difference =\n‖grad − gradapprox‖\n÷ (‖grad‖ + ‖gradapprox‖)",
         LIGHT["green"], size=8.5)
    for end in ((1.75, 2.55), (1.75, 0.65)):
        _arrow(ax, (1.35, 1.6), end)
    _arrow(ax, (4.25, 2.55), (4.7, 2.55))
    _arrow(ax, (4.25, 0.65), (4.7, 0.65))
    _arrow(ax, (6.7, 2.55), (7.3, 1.95))
    _arrow(ax, (6.7, 0.65), (7.3, 1.25))
    ax.text(3.0, 1.6, "the cost alone (simple, trusted)\nversus the derivative under test",
            ha="center", va="center", fontsize=8.5, style="italic", color="#555555")
    ax.text(7.9, 0.62, "< 1e-7: agree\n≥ 1e-3: a bug", ha="center", va="center", fontsize=8.5)
    return fig


def dictionary_to_vector_figure():
    fig, ax = _canvas(9.0, 4.2)
    blocks = [("W1", (5, 4), BLUE), ("b1", (5, 1), "#67a9cf"), ("W2", (3, 5), ORANGE), ("b2", (3, 1), "#fdb863"),
              ("W3", (1, 3), GREEN), ("b3", (1, 1), "#a6dba0")]
    cell = 0.17
    x = 0.3
    tops = {}
    for name, (rows, cols), colour in blocks:
        y_top = 3.6
        for r in range(rows):
            for c in range(cols):
                ax.add_patch(Rectangle((x + c * cell, y_top - (r + 1) * cell), cell, cell, facecolor=colour,
                                       edgecolor="white", linewidth=0.8, alpha=0.85))
        ax.text(x + cols * cell / 2, y_top + 0.12, "%s  %d×%d" % (name, rows, cols), ha="center", fontsize=8.5)
        tops[name] = (x + cols * cell / 2, y_top - rows * cell)
        x += cols * cell + 0.35
    # the column vector theta, drawn lying down (47 entries)
    x0, y0, w = 0.3, 0.75, 8.4 / 47
    i = 0
    starts = {}
    for name, (rows, cols), colour in blocks:
        starts[name] = i
        for _ in range(rows * cols):
            ax.add_patch(Rectangle((x0 + i * w, y0), w, 0.35, facecolor=colour, edgecolor="white", linewidth=0.5,
                                   alpha=0.85))
            i += 1
        mid = x0 + (starts[name] + rows * cols / 2) * w
        _arrow(ax, (tops[name][0], tops[name][1] - 0.05), (mid, y0 + 0.4), colour=GREY, width=0.9)
        if rows * cols > 2:
            ax.text(x0 + starts[name] * w, y0 - 0.18, str(starts[name]), fontsize=7.5, ha="left", color="#555555")
    ax.text(x0 + 47 * w, y0 - 0.18, "46", fontsize=7.5, ha="right", color="#555555")
    ax.text(4.5, 0.18, "θ = dictionary_to_vector(parameters): one column of 47 numbers, row by row, block after "
            "block\n(drawn lying down); vector_to_dictionary(θ) cuts it back into the six arrays",
            ha="center", fontsize=8.5)
    return fig


def gradient_check_nd():
    fig, ax = _canvas(9.4, 3.6)
    _box(ax, 0.95, 2.7, 1.5, 0.6, "parameters\nW1, b1, …, b3", LIGHT["orange"], size=8.5)
    _box(ax, 0.95, 0.9, 1.5, 0.6, "gradients\ndW1, db1, …, db3", LIGHT["red"], size=8.5)
    _box(ax, 2.95, 2.7, 1.7, 0.6, "dictionary_to_vector\nθ: 47 × 1", "#ffffff", size=8.5)
    _box(ax, 2.95, 0.9, 1.7, 0.6, "gradients_to_vector\ngrad: 47 × 1", "#ffffff", size=8.5)
    _box(ax, 5.35, 2.7, 2.6, 1.1, "for each entry i:\nθ⁺ = copy of θ, θ⁺[i] += ε\nθ⁻ = copy of θ, θ⁻[i] −= ε\n"
         "J⁺[i] = cost at vector_to_dictionary(θ⁺)\nJ⁻[i] = cost at vector_to_dictionary(θ⁻)", LIGHT["blue"], size=8)
    _box(ax, 5.35, 1.45, 2.4, 0.5, "gradapprox[i] = (J⁺[i] − J⁻[i]) / 2ε", "#ffffff", size=8)
    _box(ax, 8.2, 1.2, 1.9, 0.9, "difference =\n‖grad − gradapprox‖\n÷ (‖grad‖ + ‖gradapprox‖)",
         LIGHT["green"], size=8)
    _arrow(ax, (1.7, 2.7), (2.1, 2.7))
    _arrow(ax, (1.7, 0.9), (2.1, 0.9))
    _arrow(ax, (3.8, 2.7), (4.15, 2.7))
    _arrow(ax, (5.35, 2.2), (5.35, 1.7))
    _arrow(ax, (6.55, 1.45), (7.25, 1.35))
    _arrow(ax, (3.8, 0.9), (7.25, 1.0))
    ax.text(5.35, 3.45, "forward_propagation_n runs 94 times: twice per parameter", ha="center", fontsize=8.5, style="italic",
            color="#555555")
    return fig


def png(fig):
    """The figure as PNG bytes (no timestamp or version in the file, so a redraw gives the same bytes)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


# notebook -> {attachment name: function drawing it}
DIAGRAMS = {
    "initialization": {"network.png": lambda: network((2, 10, 5, 1))},
    "regularization": {"network.png": lambda: network((2, 20, 3, 1), height=5.2),
                       "dropout.png": dropout_masks},
    "gradient_checking": {"gradient_check_1d.png": gradient_check_1d,
                          "dictionary_to_vector.png": dictionary_to_vector_figure,
                          "gradient_check_nd.png": gradient_check_nd},
}


def _notebook_path(assignment, root):
    from grader.manifest import ASSIGNMENTS
    return os.path.join(root, "source", assignment, ASSIGNMENTS[assignment].notebook)


def cells_showing(notebook, name):
    """The markdown cells that show attachment `name`."""
    return [cell for cell in notebook.cells if cell.cell_type == "markdown" and "(attachment:%s)" % name in cell.source]


def same_picture(png_a, png_b, tolerance=0.01):
    """Two PNGs show the same picture: same size, pixels equal up to a small mean difference (anti-aliasing
    can differ between matplotlib builds)."""
    a, b = (mpimg.imread(io.BytesIO(data), format="png") for data in (png_a, png_b))
    return a.shape == b.shape and float(np.mean(np.abs(a - b))) <= tolerance


def stale_diagrams(root=None, write=False):
    """[(assignment, name, problem)] for every diagram whose attachment is missing or differs from the drawing."""
    from grader.manifest import ROOT
    root = root or ROOT
    problems = []
    for assignment, drawings in DIAGRAMS.items():
        path = _notebook_path(assignment, root)
        notebook = nbformat.read(path, as_version=4)
        changed = False
        for name, draw in drawings.items():
            cells = cells_showing(notebook, name)
            if not cells:
                problems.append((assignment, name, "no markdown cell shows it"))
                continue
            drawn = png(draw())
            for cell in cells:
                stored = cell.get("attachments", {}).get(name, {}).get("image/png")
                if stored and same_picture(base64.b64decode(stored), drawn):
                    continue
                problems.append((assignment, name, "missing" if not stored else "differs from the drawing"))
                if write:
                    cell.setdefault("attachments", {})[name] = {"image/png": base64.b64encode(drawn).decode("ascii")}
                    changed = True
        if changed:
            nbformat.write(notebook, path)
    return problems


def main(argv=None):
    check = "--check" in (argv if argv is not None else sys.argv[1:])
    problems = stale_diagrams(write=not check)
    for assignment, name, problem in problems:
        print("%s: %s %s" % (assignment, name, problem if check else "(re)drawn"))
    return 1 if check and problems else 0


if __name__ == "__main__":
    sys.exit(main())
