"""Hostile students of the second round: they attack the notebooks graded after theirs on the same worker.

Each payload goes at the top of an answer cell of the released Initialization notebook
(`read_history` into the last one, after two test cells have run). The honest classmates
(tests/attacks/feedback_leakers.HONEST) sort after every attacker: with one worker, they are graded
after them, by the same fork server or in the sandbox after theirs (tests/hostile_class.py).
"""
from attacks.hostile_students import ASSIGNMENT, FUNCTIONS
from samples.notebook_edits import read_release, write_submission

RELEASE = "zz_release"   # the notebook as handed out: what an attacker may score at most
FORGED = "FORGED-BY-A-CLASSMATE"

PAYLOADS = {
    # a burst of protocol frames for this and future cells, "child gone" among them, on every socket it has
    "forge_frames": '''
import os, json, struct
def frame(message):
    data = json.dumps(message).encode()
    return struct.pack(">I", len(data)) + data
burst = b""
for _ in range(6):
    burst += frame({{"event": "cell_done", "index": 0, "outputs": [], "execution_count": 1}})
    burst += frame({{"event": "child_gone", "status": "exited", "exit_code": 0, "cpu": 0}})
    for index in range(60):
        burst += frame({{"event": "cell_done", "index": index, "execution_count": index, "token": "",
                         "outputs": [{{"output_type": "stream", "name": "stdout", "text": "{FORGED}"}},
                                     {{"output_type": "error", "ename": "Forged", "evalue": "{FORGED}",
                                      "traceback": ["{FORGED}"]}}]}})
    burst += frame({{"event": "child_gone", "status": "exited", "exit_code": 0, "cpu": 0}})
for fd in range(3, 64):
    try:
        os.write(fd, burst)
    except OSError:
        pass
''',
    # packages and byte code named like the helpers, left read-only in every writable place
    "shadow_helpers": '''
import os, glob
names = ["reg_utils", "testCases", "init_utils", "gc_utils", "nn_core", "grading_cases", "checks_initialization",
         "selfcheck_core"]
for place in [".", "/tmp", "/dev/shm", os.path.expanduser("~"), "/opt/kit/files"]:
    for name in names:
        package = os.path.join(place, name)
        try:
            os.makedirs(os.path.join(package, "__pycache__"), exist_ok=True)
            with open(os.path.join(package, "__init__.py"), "w") as handle:
                handle.write("raise SystemExit('{FORGED}')\\n")
            with open(os.path.join(package, "__pycache__", "__init__.cpython-311.pyc"), "wb") as handle:
                handle.write(b"garbage")
            os.makedirs(os.path.join(place, "__pycache__"), exist_ok=True)
            with open(os.path.join(place, "__pycache__", name + ".cpython-311.pyc"), "wb") as handle:
                handle.write(b"garbage")
            os.chmod(package, 0o500)
        except OSError as error:
            print("cannot plant", package, type(error).__name__)
''',
    # stop or kill whatever it can name: its parent, every process it sees, everything (-1)
    "stop_everyone": '''
import os, signal
for signum in (signal.SIGSTOP, signal.SIGKILL):
    for pid in [os.getppid()] + [int(p) for p in os.listdir("/proc") if p.isdigit() and int(p) != os.getpid()]:
        try:
            os.kill(pid, signum)
        except Exception as error:
            print("cannot signal", pid, type(error).__name__)
    try:
        os.kill(-1, signum)
    except Exception as error:
        print("cannot signal -1", type(error).__name__)
''',
    # everything of the environment and /proc a cell can read
    "dump_secrets": '''
import os, glob
print(dict(os.environ))
for path in sorted(glob.glob("/proc/*/cmdline") + glob.glob("/proc/*/environ")):
    try:
        print(path, open(path, "rb").read().replace(b"\\0", b" ").decode(errors="replace"))
    except Exception as error:
        print(path, type(error).__name__)
''',
    # the input history after two test cells ran: their hidden blocks must not be in it
    "read_history": '''
ip = get_ipython()
print(In, _ih, {{k: v for k, v in globals().items() if k.startswith("_i")}})
print(list(ip.history_manager.get_range(raw=True)), list(ip.history_manager.get_range(raw=False)))
import linecache, sys
print([("".join(entry[2]) if len(entry) > 2 else "") for name, entry in linecache.cache.items()
       if name.startswith("<") or "ipykernel_" in name])   # the cells' sources (not every library's)
print(getattr(ip, "last_execution_result", None) and ip.last_execution_result.info)
''',
    # 300,000 one-character displays
    "display_flood": '''
from IPython.display import display
for _ in range(300000):
    display("x")
''',
}


def hostile_notebook(name, root):
    nb = read_release(ASSIGNMENT, root)
    function = FUNCTIONS[2] if name == "read_history" else FUNCTIONS[0]
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution") and
                "def %s" % function in c.source)
    cell.source = PAYLOADS[name].format(FORGED=FORGED) + "\n" + cell.source
    return nb


def write_attackers(root, flood=True):
    """Every attacker (the display flood only with `flood`), then the release notebook; their names."""
    names = [name for name in PAYLOADS if flood or name != "display_flood"]
    for name in names:
        write_submission(name, ASSIGNMENT, hostile_notebook(name, root), root=root)
    write_submission(RELEASE, ASSIGNMENT, read_release(ASSIGNMENT, root), root=root)
    return sorted(names) + [RELEASE]
