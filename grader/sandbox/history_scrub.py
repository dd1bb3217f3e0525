"""Take a test cell's restored source (its hidden grade_case block) out of everything a later cell can read.

After a test cell runs, its source is replaced by what the student was shown (the cell without
its hidden block) in IPython's input history (`In`, `_ih`, `_i`, `_ii`, `_iii`, `_iN`, the history
manager's lists and database, the last execution result), and dropped from `linecache`, where
IPython keeps each cell's lines for tracebacks; `sys.last_*` (the last traceback's frames) is
cleared. The fork executor's child calls `scrub`; a Jupyter kernel runs `kernel_code(...)` silently.
Standard library only: this file runs inside the sandbox.
"""
import linecache
import sys


def scrub(shell, count, shown):
    """Replace input history entry `count` (and every other copy of its text) by `shown`."""
    history = shell.history_manager
    hidden = set()
    for name in ("input_hist_parsed", "input_hist_raw"):
        entries = getattr(history, name, None) or []
        if 0 <= count < len(entries):
            hidden.add(entries[count])
    hidden = {text for text in hidden if isinstance(text, str) and text.strip() and text != shown}
    if not hidden:
        return
    for name in ("input_hist_parsed", "input_hist_raw"):
        entries = getattr(history, name, None) or []
        entries[:] = [shown if entry in hidden else entry for entry in entries]
    for name in ("_i00", "_i", "_ii", "_iii"):   # what the history manager rotates into _i, _ii, _iii next
        if getattr(history, name, None) in hidden:
            setattr(history, name, shown)
    namespace = shell.user_ns
    for name in [n for n in namespace if n.startswith("_i")]:
        if isinstance(namespace.get(name), str) and namespace[name] in hidden:
            namespace[name] = shown
    try:
        history.db_input_cache[:] = [(line, shown, shown) if parsed in hidden or raw in hidden else
                                     (line, parsed, raw) for line, parsed, raw in history.db_input_cache]
        with history.db:
            for text in hidden:
                history.db.execute("UPDATE history SET source = ?, source_raw = ? WHERE source = ? OR source_raw = ?",
                                   (shown, shown, text, text))
    except Exception:  # no database (history disabled): the lists above are all there is
        pass
    result = getattr(shell, "last_execution_result", None)
    info = getattr(result, "info", None)
    if info is not None and getattr(info, "raw_cell", None) in hidden:
        info.raw_cell = shown
    stripped = {text.strip() for text in hidden}
    for name, entry in list(linecache.cache.items()):
        lines = entry[2] if isinstance(entry, tuple) and len(entry) > 2 else None
        if lines and "".join(lines).strip() in stripped:
            del linecache.cache[name]
    for name in ("last_type", "last_value", "last_traceback", "last_exc"):
        if hasattr(sys, name):
            setattr(sys, name, None)


def kernel_code(count, shown):
    """Python to run silently in a Jupyter kernel (no history, no variables left) that scrubs entry `count`;
    it carries only what the student was shown."""
    with open(__file__, encoding="utf-8") as handle:
        module = handle.read()
    return ("exec(%r, {'__name__': 'kit_history_scrub'})"
            % (module + "\nscrub(__import__('IPython').get_ipython(), %d, %r)\n" % (count, shown)))
