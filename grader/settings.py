"""Everything configurable about grading, read once: the command line, then the environment, then the defaults.

Every module asks `current()` (or is handed a Settings). An entry point that parses a command line calls
`add_arguments(parser)` and then `install(from_arguments(args))`; everyone else gets the environment's
values on first use. A child process gets the same settings through `environment()`, passed as its
environment (never written into this process's os.environ). `python -m grader.settings` prints the table.
"""
import dataclasses
import os
import sys
from dataclasses import dataclass, field

from grader.sandbox.limits import Limits

EXECUTORS = ("fork", "kernel")


@dataclass(frozen=True)
class Setting:
    """One setting: its field name, environment variable, command-line flag (or None), and what it does."""
    name: str
    variable: str
    flag: str | None
    default_text: str
    help: str


def _flag(raw):
    return raw.strip().lower() in ("1", "true", "yes", "on")


def _whole(variable):
    def parse(raw):
        try:
            return max(1, int(raw))
        except ValueError:
            raise SystemExit("%s must be a whole number of at least 1, not %r" % (variable, raw))
    return parse


def _guard(raw):
    if raw not in ("", "watchdog"):
        raise SystemExit("KIT_BUDGET_GUARD may only be `watchdog`, not %r" % raw)
    return raw


def _executor(raw):
    if raw not in EXECUTORS:
        raise SystemExit("KIT_EXECUTOR must be one of %s, not %r" % (", ".join(EXECUTORS), raw))
    return raw


LIMIT_HELP = {"memory_mb": "the notebook's memory over all its processes, with its scratch folders and shared "
                           "memory, in MB",
              "processes": "processes and threads the notebook may run at once",
              "cpu_seconds": "CPU seconds over the whole notebook, every process it starts counted",
              "wall_seconds": "seconds on the clock for the whole notebook",
              "disk_mb": "MB of files in the notebook's scratch folders, together",
              "address_space_mb": "address space of each sandboxed process, in MB",
              "file_size_mb": "largest file a process may write, in MB", "open_files": "open files per process",
              "tmpfs_mb": "size in MB of each scratch folder (work folder, /tmp, /dev/shm, home)"}

SETTINGS = (
    Setting("executor", "KIT_EXECUTOR", "--executor", "fork",
            "how a graded notebook runs: `fork` (a fresh interpreter forked from a warm sandboxed server) or "
            "`kernel` (a Jupyter kernel each, nbgrader's own way); same sandbox, limits and scores. "
            "Plain `nbgrader autograde` and the pipeline both default to `fork`"),
    Setting("cell_timeout", "NBGRADER_KIT_CELL_TIMEOUT", "--cell-timeout", "60",
            "CPU seconds a graded cell may use before it scores 0 (stopped after 5 times that on the clock)"),
    Setting("submission_deadline", "KIT_SUBMISSION_DEADLINE", "--submission-deadline", "900",
            "seconds one submission may take to grade (all its notebooks) before it gets a recorded zero"),
    Setting("unsafe_no_sandbox", "KIT_UNSAFE_NO_SANDBOX", "--unsafe-no-sandbox", "off",
            "DANGEROUS: run student code without bubblewrap, with your rights; only for notebooks you trust"),
    Setting("db_url", "NBGRADER_DB_URL", "--db-url", "SQLite `gradebook.db` in the course folder",
            "the gradebook (any SQLAlchemy URL, e.g. `postgresql://user:password@host/db`)"),
    Setting("exchange", "NBGRADER_EXCHANGE", None, "`exchange/` in the course folder",
            "nbgrader's exchange folder (Assignment List, release and collect)"),
    Setting("jobs", "KIT_JOBS", "--jobs", "one per core", "local grading worker processes"),
    Setting("dask", "KIT_DASK", "--dask", "none (local workers)",
            "address of a Dask scheduler (`tcp://HOST:8786`) to grade on instead of local workers"),
    Setting("bwrap", "KIT_BWRAP", None, "`bwrap` on PATH", "the bubblewrap executable the sandbox runs"),
    Setting("sandbox_debug", "KIT_SANDBOX_DEBUG", None, "off",
            "let a sandboxed kernel's own stdout and stderr through (they go to /dev/null otherwise)"),
    Setting("budget_guard", "KIT_BUDGET_GUARD", None, "the strongest this machine allows",
            "`watchdog`: keep each notebook in its budget with the watchdog outside the sandbox even where a "
            "cgroup could be made (grader/sandbox/budget.py; tests and benchmarks)"),
    Setting("stock", "NBGRADER_KIT_STOCK", None, "off",
            "nbgrader's stock autograde steps (every cell runs, no judge, no repairs): the benchmark's baseline"),
) + tuple(
    Setting("limits." + f.name, "KIT_SANDBOX_" + f.name.upper(), None, str(f.default),
            "sandbox limit (grader/sandbox/limits.py): " + LIMIT_HELP.get(f.name, f.name))
    for f in dataclasses.fields(Limits))

VARIABLES = frozenset(s.variable for s in SETTINGS)
PARSE = {"executor": _executor, "cell_timeout": _whole("NBGRADER_KIT_CELL_TIMEOUT"),
         "submission_deadline": _whole("KIT_SUBMISSION_DEADLINE"), "unsafe_no_sandbox": _flag,
         "jobs": _whole("KIT_JOBS"), "sandbox_debug": _flag, "stock": _flag, "budget_guard": _guard}


@dataclass(frozen=True)
class Settings:
    """The settings one grading run uses (README, "Settings"); frozen, so a process can hand them on whole."""
    executor: str = "fork"
    cell_timeout: int = 60
    submission_deadline: int = 900
    unsafe_no_sandbox: bool = False
    db_url: str = ""           # "": the course's own SQLite (gradebook_url)
    exchange: str = ""         # "": exchange/ in the course folder (exchange_folder)
    jobs: int = 0              # 0: one per core (worker_count)
    dask: str = ""
    bwrap: str = ""            # "": bwrap on PATH
    sandbox_debug: bool = False
    budget_guard: str = ""     # "": a cgroup where one can be made, else the watchdog
    stock: bool = False
    limits: Limits = field(default_factory=Limits)

    def gradebook_url(self, root):
        return self.db_url or "sqlite:///" + os.path.join(root, "gradebook.db")

    def exchange_folder(self, root):
        return self.exchange or os.path.join(root, "exchange")

    def worker_count(self):
        return self.jobs or max(1, os.cpu_count() or 1)

    def grading_knobs(self):
        """The settings a grade can depend on (part of the grading fingerprint), as text."""
        return "executor=%s;cell_timeout=%d;unsafe=%d;stock=%d;limits=%r" % (
            self.executor, self.cell_timeout, self.unsafe_no_sandbox, self.stock, self.limits)

    def environment(self, base=None):
        """A child process's environment with these settings (its `current()` reads them): `base` (os.environ by
        default) without any setting's variable, plus the variables of the settings that are not defaults."""
        env = {k: v for k, v in (os.environ if base is None else base).items() if k not in VARIABLES}
        defaults = Settings()
        for setting in SETTINGS:
            value = _value(self, setting.name)
            if value != _value(defaults, setting.name):
                env[setting.variable] = ("1" if value else "") if isinstance(value, bool) else str(value)
        return env


def _value(settings, name):
    owner, _, leaf = name.rpartition(".")
    return getattr(getattr(settings, owner) if owner else settings, leaf)


def from_environment(environ=None):
    """Settings from `environ` (os.environ by default), defaults for what it does not set."""
    environ = os.environ if environ is None else environ
    values = {}
    for setting in SETTINGS:
        raw = environ.get(setting.variable, "")
        if raw and not setting.name.startswith("limits."):
            values[setting.name] = PARSE.get(setting.name, str)(raw)
    return Settings(limits=Limits.from_environment(environ), **values)


def add_arguments(parser, names=None):
    """Add the command-line flags of the settings called `names` (all that have one by default) to `parser`."""
    for setting in SETTINGS:
        if setting.flag and (names is None or setting.name in names):
            if setting.name == "unsafe_no_sandbox":
                parser.add_argument(setting.flag, action="store_true", default=None, help=setting.help)
            else:
                parser.add_argument(setting.flag, dest=setting.name, default=None, help=setting.help,
                                    choices=EXECUTORS if setting.name == "executor" else None,
                                    type=int if isinstance(getattr(Settings(), setting.name), int) else str)
    return parser


def from_arguments(args, environ=None):
    """Settings from parsed `args` (what the command line gave), then `environ`, then the defaults."""
    given = {s.name: getattr(args, s.name) for s in SETTINGS
             if s.flag and getattr(args, s.name, None) is not None}
    for name in ("cell_timeout", "submission_deadline", "jobs"):
        if name in given:
            given[name] = max(1, given[name])
    return dataclasses.replace(from_environment(environ), **given)


_CURRENT = []


def install(settings):
    """Make `settings` this process's settings (an entry point, after reading its command line)."""
    _CURRENT[:] = [settings]
    return settings


def current():
    """This process's settings: those installed, else the environment's (read once)."""
    if not _CURRENT:
        _CURRENT.append(from_environment())
    return _CURRENT[0]


def table():
    """The README's table of every setting (Markdown)."""
    rows = ["| setting | environment variable | command line | default | what it does |", "|---|---|---|---|---|"]
    for s in SETTINGS:
        rows.append("| `%s` | `%s` | %s | %s | %s |" % (s.name, s.variable, "`%s`" % s.flag if s.flag else "",
                                                      s.default_text, s.help))
    return "\n".join(rows)


if __name__ == "__main__":
    sys.stdout.write(table() + "\n")
