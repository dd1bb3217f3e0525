"""The report's plots, drawn with matplotlib's Agg backend into PNG data URIs (no file, no network, no script)."""
import base64
import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator


def _data_uri(figure):
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def score_histogram(name, scores, maximum, mean, median):
    """Histogram of an assignment's scores (one bin per point up to 40 points), mean and median marked."""
    figure = Figure(figsize=(6, 3.2))
    axes = figure.add_subplot()
    top = max(maximum, max(scores, default=0), 1)
    bins = [i * top / min(40, max(1, int(round(top)))) for i in range(min(40, max(1, int(round(top)))) + 1)]
    axes.hist(scores, bins=bins, color="#4477aa", edgecolor="white")
    if mean is not None:
        axes.axvline(mean, color="#cc3311", linestyle="--", label="mean %.2f" % mean)
        axes.axvline(median, color="#228833", linestyle=":", label="median %.2f" % median)
        axes.legend(loc="upper left", fontsize=8)
    axes.set_xlim(0, top)
    axes.set_xlabel("score (of %g)" % maximum)
    axes.set_ylabel("submissions")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title("%s: score distribution (%d submissions)" % (name, len(scores)), fontsize=10)
    figure.tight_layout()
    return _data_uri(figure)


def full_marks_bars(name, items):
    """Horizontal bars: the share of full marks of each graded function."""
    figure = Figure(figsize=(6, 0.5 + 0.45 * max(1, len(items))))
    axes = figure.add_subplot()
    labels = [item.function for item in items][::-1]
    shares = [100 * item.full_share for item in items][::-1]
    axes.barh(labels, shares, color="#66ccee")
    axes.set_xlim(0, 100)
    axes.set_xlabel("% of submissions with full marks")
    axes.set_title("%s: full marks per graded function" % name, fontsize=10)
    axes.tick_params(axis="y", labelsize=8)
    figure.tight_layout()
    return _data_uri(figure)
