"""SkipTrainingCells: cells the instructor's notebook tags `skip-in-autograde` are not run while autograding.

Only an unchanged tagged cell that is neither graded nor a solution is skipped; a
student cannot use the tag, or nbclient's own `skip-execution` tag, to skip anything else.
"""
import json
import os

from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import is_grade, is_solution
from traitlets import Unicode

from grader.messages import SKIPPED_TRAINING

SKIP_TAG = "skip-in-autograde"
NBCLIENT_SKIP_TAG = "skip-execution"


def _tags(cell):
    return list(cell.metadata.get("tags", []))


def trusted_skippable_sources(source_notebook_path):
    """Sources of the cells the instructor's notebook tags for skipping."""
    try:
        with open(source_notebook_path, encoding="utf-8") as handle:
            notebook = json.load(handle)
    except (OSError, ValueError):
        return set()
    return {"".join(c.get("source", "")) if isinstance(c.get("source"), list) else c.get("source", "")
            for c in notebook.get("cells", [])
            if c.get("cell_type") == "code" and SKIP_TAG in c.get("metadata", {}).get("tags", [])}


class SkipTrainingCells(NbGraderPreprocessor):
    """Mark the trusted training cells with nbclient's skip tag; strip that tag everywhere else."""

    source_directory = Unicode("", help="Folder of the instructor notebooks (default: ./source).").tag(config=True)

    def preprocess(self, nb, resources):
        info = resources.get("nbgrader", {})
        source_root = self.source_directory or "source"
        trusted = trusted_skippable_sources(
            os.path.join(source_root, info.get("assignment", ""), info.get("notebook", "") + ".ipynb"))
        for cell in nb.cells:
            tags = [t for t in _tags(cell) if t != NBCLIENT_SKIP_TAG]
            if (cell.cell_type == "code" and SKIP_TAG in tags and cell.source in trusted
                    and not is_grade(cell) and not is_solution(cell)):
                tags.append(NBCLIENT_SKIP_TAG)
                cell.outputs = [NotebookNode(output_type="stream", name="stdout", text=SKIPPED_TRAINING)]
            if tags != _tags(cell) or "tags" in cell.metadata:
                cell.metadata["tags"] = tags
        return nb, resources
