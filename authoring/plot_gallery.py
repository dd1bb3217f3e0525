"""Run source notebooks headless and save every plot they draw as a PNG, to look at before committing.

    python -m authoring.plot_gallery OUTPUT_FOLDER [assignment ...]   (default: all three)

Each notebook runs in its own source folder, in a plain kernel of this Python (as an instructor's
Jupyter would run it, not the grading sandbox), training cells included. The PNGs are named
<assignment>-cell<NN>-<k>.png; the command prints one line per file with the cell's first line.
"""
import base64
import json
import os
import sys
import tempfile

import nbformat
from nbclient import NotebookClient

from grader.manifest import ASSIGNMENTS, ROOT


def _plain_kernel(folder):
    """A kernelspec for this interpreter in `folder` (returned as a JUPYTER_PATH entry)."""
    spec = os.path.join(folder, "kernels", "course-plain")
    os.makedirs(spec, exist_ok=True)
    with open(os.path.join(spec, "kernel.json"), "w") as handle:
        json.dump({"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                   "display_name": "course (plain)", "language": "python",
                   "env": {"MPLBACKEND": "module://matplotlib_inline.backend_inline"}}, handle)
    return folder


def gallery(output, assignments=None, timeout=900):
    """Run the notebooks, write their plots into `output`; returns [(path, cell's first line)]."""
    os.makedirs(output, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory(prefix="kit-gallery-") as scratch:
        saved = os.environ.get("JUPYTER_PATH")
        os.environ["JUPYTER_PATH"] = _plain_kernel(scratch)
        try:
            for assignment in assignments or list(ASSIGNMENTS):
                folder = os.path.join(ROOT, "source", assignment)
                notebook = nbformat.read(os.path.join(folder, ASSIGNMENTS[assignment].notebook), as_version=4)
                NotebookClient(notebook, timeout=timeout, kernel_name="course-plain",
                               resources={"metadata": {"path": folder}}).execute()
                for index, cell in enumerate(notebook.cells):
                    images = [o.data["image/png"] for o in cell.get("outputs", []) if "image/png" in o.get("data", {})]
                    for k, data in enumerate(images, 1):
                        path = os.path.join(output, "%s-cell%02d-%d.png" % (assignment, index, k))
                        with open(path, "wb") as handle:
                            handle.write(base64.b64decode(data))
                        written.append((path, cell.source.splitlines()[0] if cell.source else ""))
        finally:
            if saved is None:
                os.environ.pop("JUPYTER_PATH", None)
            else:
                os.environ["JUPYTER_PATH"] = saved
    return written


def main(argv=None):
    argv = argv if argv is not None else sys.argv[1:]
    if not argv:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    for path, first_line in gallery(argv[0], argv[1:] or None):
        print("%s   <- %s" % (path, first_line))
    return 0


if __name__ == "__main__":
    sys.exit(main())
