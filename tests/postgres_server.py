"""A real PostgreSQL server for tests: initdb into a temporary folder, pg_ctl start on a private unix socket."""
import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile

INSTALL = "install Debian's postgresql package (apt-get install -y postgresql; .ci/run does it as root)"


class PostgresUnavailable(RuntimeError):
    """The server could not be found or started (the message says why and what to install)."""


def server_binaries():
    """The bin/ folder of the newest PostgreSQL under /usr/lib/postgresql, or PostgresUnavailable."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
    if not found:
        raise PostgresUnavailable("no PostgreSQL server in /usr/lib/postgresql/*/bin: " + INSTALL)
    return os.path.dirname(found[-1])


def _as_server_user():
    """The command prefix that runs the server as a non-root user (postgres refuses to run as root)."""
    if os.geteuid() != 0:
        return [], None
    try:
        account = pwd.getpwnam("postgres")
    except KeyError:
        raise PostgresUnavailable("running as root, but there is no `postgres` user to run the server: " + INSTALL)
    return ["runuser", "-u", "postgres", "--"], account


def _run(command, what):
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise PostgresUnavailable("%s failed (exit %d): %s" % (what, result.returncode,
                                                               (result.stdout + result.stderr)[-2000:]))
    return result


@contextlib.contextmanager
def postgres_server(port=54329, database="kitgrades"):
    """Start a private server (unix socket only, trust auth, user `kit`), create `database`; yield its URL."""
    binaries = server_binaries()
    prefix, account = _as_server_user()
    folder = tempfile.mkdtemp(prefix="kit-postgres-")
    data, socket = os.path.join(folder, "data"), os.path.join(folder, "socket")
    os.makedirs(socket)
    if account:
        for path in (folder, socket):
            os.chown(path, account.pw_uid, account.pw_gid)
    log = os.path.join(folder, "server.log")
    started = False
    try:
        _run(prefix + [os.path.join(binaries, "initdb"), "-D", data, "-U", "kit", "-A", "trust", "-E", "UTF8",
                       "--no-sync"], "initdb")
        options = "-p %d -k %s -c listen_addresses='' -c fsync=off" % (port, socket)
        try:
            _run(prefix + [os.path.join(binaries, "pg_ctl"), "-D", data, "-l", log, "-w", "-t", "60", "-o", options,
                           "start"], "pg_ctl start")
        except PostgresUnavailable as error:
            with contextlib.suppress(OSError):
                raise PostgresUnavailable("%s\nserver log:\n%s" % (error, open(log).read()[-2000:])) from None
            raise
        started = True
        _run([os.path.join(binaries, "createdb"), "-h", socket, "-p", str(port), "-U", "kit", database], "createdb")
        yield "postgresql+psycopg2://kit@/%s?host=%s&port=%d" % (database, socket, port)
    finally:
        if started:
            subprocess.run(prefix + [os.path.join(binaries, "pg_ctl"), "-D", data, "-m", "fast", "-w", "stop"],
                           capture_output=True, timeout=120)
        shutil.rmtree(folder, ignore_errors=True)
