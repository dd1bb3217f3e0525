"""Work nbgrader repeats for every notebook in a grading worker, done once per worker process instead.

Each change keeps what nbgrader computes exactly as it was; only repetition goes:
- one SQLAlchemy engine per database URL (nbgrader opens a Gradebook, with a new engine, a dozen
  times per notebook, and SQLAlchemy keeps its compiled queries per engine);
- a worker's scratch gradebook's tables are looked up and created once per engine, not at every
  Gradebook opened on it (only the worker itself uses that database; it never drops a table);
- nbgrader's cell-metadata check (CheckCellMetadata, twice per notebook) validates each distinct
  `nbgrader` metadata dict against its JSON schema once: the schema is nbgrader's own file, and a
  dict that passed passes again. A dict that fails is checked, and fails, every time;
- each notebook's sanitize and autograde conversions are one pass (pipeline/one_pass.py);
- a worker's private scratch gradebook (`private_scratch(url)`) keeps its connection between the
  Gradebooks nbgrader opens on it, checks its course row once, and commits without waiting for the
  disk (no fsync: the file is thrown away with the worker, and nothing else opens it).
Only a grading worker calls `apply()`; plain `nbgrader` commands are untouched.
"""
import json


def share_gradebook_engines():
    """Let every nbgrader Gradebook of this process reuse one SQLAlchemy engine per database URL."""
    import nbgrader.api
    from sqlalchemy import create_engine
    if getattr(nbgrader.api.create_engine, "shared", False):
        return
    engines = {}

    def shared_engine(url, *args, **kwargs):
        key = (str(url), args, tuple(sorted(kwargs.items())))
        if key not in engines:
            engines[key] = create_engine(url, *args, **kwargs)
            if str(url) in _SCRATCH:
                _scratch_engine(url, engines[key])
        return engines[key]
    shared_engine.shared = True
    nbgrader.api.create_engine = shared_engine


class _Made:
    """What sqlalchemy.inspect(engine) answers for an engine whose tables this process made already."""

    def __init__(self, names):
        self.names = names

    def get_table_names(self):
        return list(self.names)


def create_tables_once():
    """Gradebook() inspects and creates its tables at every opening; once per (shared) engine is enough."""
    import nbgrader.api as api
    if getattr(api.inspect, "once", False):
        return
    made = {}   # id(engine) -> its table names
    engines = []   # keeps the engines alive, so their ids stay theirs
    plain_inspect, plain_create_all = api.inspect, api.Base.metadata.create_all

    def inspect(engine):
        return _Made(made[id(engine)]) if id(engine) in made else plain_inspect(engine)

    def create_all(bind=None, **kwargs):
        if id(bind) in made:
            return
        plain_create_all(bind=bind, **kwargs)
        made[id(bind)] = plain_inspect(bind).get_table_names()
        engines.append(bind)
    inspect.once = True
    api.inspect, api.Base.metadata.create_all = inspect, create_all


def validate_metadata_once():
    """nbgrader's metadata validator checks each distinct metadata dict that passed against its schema once."""
    from nbgrader.nbgraderformat import common
    if getattr(common.jsonschema, "once", False):
        return
    plain = common.jsonschema

    class OncePerDict:
        once = True
        ValidationError = plain.ValidationError
        passed = set()

        def __getattr__(self, name):
            return getattr(plain, name)

        def validate(self, instance, schema, *args, **kwargs):
            key = (json.dumps(instance, sort_keys=True, default=repr), json.dumps(schema, sort_keys=True))
            if key in self.passed:
                return
            plain.validate(instance, schema, *args, **kwargs)   # raises on a dict that does not pass
            if len(self.passed) < 100_000:
                self.passed.add(key)
    common.jsonschema = OncePerDict()


_SCRATCH = set()   # database URLs of this process's private scratch gradebooks (private_scratch)


def _scratch_engine(url, engine):
    """Set up a new engine of a private scratch gradebook: SQLite commits without fsync, the journal in memory."""
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def no_disk_waits(connection, _record):
        cursor = connection.cursor()
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA journal_mode=MEMORY")
        cursor.close()
    engine.kit_scratch = True
    return engine


def private_scratch(url):
    """Declare `url` a SQLite gradebook only this process opens and that is thrown away with it (a worker's
    scratch gradebook): see the module's docstring. Call before its first Gradebook."""
    if not str(url).startswith("sqlite:///"):
        raise ValueError("only a SQLite file can be a private scratch gradebook: %s" % url)
    _SCRATCH.add(str(url))


def scratch_sessions():
    """Gradebooks on a private scratch database keep its engine's connection (no dispose at close) and check its
    course row once per engine (nbgrader commits a check at every Gradebook it opens)."""
    import nbgrader.api as api
    if getattr(api.Gradebook.close, "scratch", False):
        return
    plain_close, plain_check = api.Gradebook.close, api.Gradebook.check_course
    checked = set()   # (id(engine), course id) of scratch engines whose course row exists

    def close(self):
        if getattr(self.engine, "kit_scratch", False):
            self.db.remove()
        else:
            plain_close(self)

    def check_course(self, course_id="default_course", **kwargs):
        key = (id(self.engine), course_id)
        if not getattr(self.engine, "kit_scratch", False) or kwargs or key not in checked:
            course = plain_check(self, course_id=course_id, **kwargs)
            if getattr(self.engine, "kit_scratch", False):
                checked.add(key)
            return course
        return None   # Gradebook() ignores the answer; nbgrader calls this nowhere else
    close.scratch = True
    api.Gradebook.close, api.Gradebook.check_course = close, check_course


def apply():
    from pipeline.one_pass import use_one_pass
    use_one_pass()
    share_gradebook_engines()
    scratch_sessions()
    create_tables_once()
    validate_metadata_once()
