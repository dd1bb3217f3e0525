"""Small notebooks built by hand for unit tests (nbformat.v4), with nbgrader's cell metadata where asked."""
import nbformat


def code(source, grade_id=None, grade=False, solution=False, points=None, tags=(), outputs=()):
    """A code cell; with a grade_id it carries nbgrader's metadata (test cells are locked)."""
    cell = nbformat.v4.new_code_cell(source)
    if grade_id is not None:
        cell.metadata["nbgrader"] = {"grade": grade, "solution": solution, "locked": not solution,
                                     "grade_id": grade_id, "schema_version": 3}
        if points is not None:
            cell.metadata["nbgrader"]["points"] = points
    if tags:
        cell.metadata["tags"] = list(tags)
    cell.outputs = [nbformat.NotebookNode(o) for o in outputs]
    return cell


def notebook(*cells):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = list(cells)
    return nb


def stream(text, name="stdout"):
    return {"output_type": "stream", "name": name, "text": text}


def error(ename, evalue, traceback=None):
    return {"output_type": "error", "ename": ename, "evalue": evalue,
            "traceback": traceback if traceback is not None else ["%s: %s" % (ename, evalue)]}


def resources(assignment="a", notebook_name="nb", db_url=""):
    """What nbgrader passes its preprocessors about the notebook being graded."""
    return {"nbgrader": {"student": "s", "assignment": assignment, "notebook": notebook_name, "db_url": db_url},
            "unique_key": notebook_name}
