"""Pin the Jupyter kernel nbgrader starts to this course's Python interpreter.

nbgrader starts the kernel named in the gradebook ("python3"); Jupyter picks the
first kernelspec of that name on its path, which on a user's machine can be
another Python without our packages. We write a `python3` kernelspec for
sys.executable into the project and put it first on JUPYTER_PATH.

The kernelspec starts the kernel through grader.sandbox.launch, so every kernel
nbgrader starts with the course configuration (autograde, validate, the catalogs)
runs inside the bubblewrap sandbox.
"""
import json
import os
import sys


def pin_course_kernel(root, name="python3"):
    """Create <root>/.jupyter-kernel/kernels/<name> for this interpreter and put it first on JUPYTER_PATH."""
    share = os.path.join(root, ".jupyter-kernel")
    spec_dir = os.path.join(share, "kernels", name)
    spec = {"argv": [sys.executable, "-m", "grader.sandbox.launch", "-f", "{connection_file}"],
            "display_name": "Python 3 (course kit, sandboxed)", "language": "python",
            "interrupt_mode": "message",  # a signal to bwrap would not reach the kernel inside the sandbox
            "env": {"PYTHONNOUSERSITE": "1", "PYTHONPATH": os.path.abspath(root),
                    "MPLBACKEND": "module://matplotlib_inline.backend_inline"}}
    path = os.path.join(spec_dir, "kernel.json")
    try:
        with open(path, encoding="utf-8") as handle:
            current = json.load(handle)
    except (OSError, ValueError):
        current = None
    if current != spec:
        os.makedirs(spec_dir, exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(spec, handle, indent=1)
    paths = [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p and p != share]
    os.environ["JUPYTER_PATH"] = os.pathsep.join([share] + paths)
    return spec_dir
