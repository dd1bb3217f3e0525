"""Work nbgrader repeats for every notebook in a grading worker, done once per worker process instead.

Each change keeps what nbgrader computes exactly as it was; only repetition goes:
- one SQLAlchemy engine per database URL (nbgrader opens a Gradebook, with a new engine, a dozen
  times per notebook, and SQLAlchemy keeps its compiled queries per engine);
- a worker's scratch gradebook's tables are looked up and created once per engine, not at every
  Gradebook opened on it (only the worker itself uses that database; it never drops a table);
- nbgrader's cell-metadata check (CheckCellMetadata, twice per notebook) validates each distinct
  `nbgrader` metadata dict against its JSON schema once: the schema is nbgrader's own file, and a
  dict that passed passes again. A dict that fails is checked, and fails, every time.
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


def apply():
    share_gradebook_engines()
    create_tables_once()
    validate_metadata_once()
