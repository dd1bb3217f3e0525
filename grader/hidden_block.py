"""The hidden-test block of a test cell: the one reader of its markers and of the calls inside it."""
import ast
import textwrap

HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"


def _split(source):
    """(lines outside the block, lines inside it), marker lines in neither."""
    outside, inside, within = [], [], False
    for line in source.splitlines():
        if HIDDEN_BEGIN in line:
            within = True
        elif HIDDEN_END in line:
            within = False
        else:
            (inside if within else outside).append(line)
    return outside, inside


def hidden_lines(source):
    """The non-empty lines of the hidden block, stripped."""
    return [line.strip() for line in _split(source)[1] if line.strip()]


def without_hidden_block(source):
    """The cell's source with the hidden block and its markers taken out (what a student sees)."""
    outside = _split(source)[0]
    return "\n".join(outside) + ("\n" if outside and source.endswith("\n") else "")


def hidden_calls(source):
    """(function name, case, params) of every `grade_case(...)` call in the hidden block, in order.

    Only literal arguments are read, so nothing in the source is executed; a call with another
    argument gets case None (it cannot be judged, so it fails).
    """
    try:
        tree = ast.parse(textwrap.dedent("\n".join(_split(source)[1])))
    except SyntaxError:
        return []
    calls = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "grade_case":
            function = node.args[0].id if node.args and isinstance(node.args[0], ast.Name) else None
            try:
                case = ast.literal_eval(node.args[1]) if len(node.args) > 1 else None
                params = {kw.arg: ast.literal_eval(kw.value) for kw in node.keywords}
            except ValueError:
                case, params = None, {}
            calls.append((node.lineno, node.col_offset, function, case, params))
    return [call[2:] for call in sorted(calls)]
