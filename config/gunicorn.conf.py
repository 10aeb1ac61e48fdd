"""Gunicorn, the production web server: ``gunicorn -c config/gunicorn.conf.py`` (README, "Deployment").

Every value comes from the environment, with a default fit for one app server behind a reverse
proxy on the same machine:

GUNICORN_BIND             127.0.0.1:8000   address (or unix:/path) to listen on
WEB_CONCURRENCY           2 × cores + 1    worker processes
GUNICORN_THREADS          4                threads per worker (requests served at once per worker)
GUNICORN_TIMEOUT          60               seconds a worker may stay silent before it is killed
GUNICORN_GRACEFUL_TIMEOUT 30               seconds a stopping worker has to finish its requests
GUNICORN_KEEPALIVE        5                seconds an idle keep-alive connection is held
GUNICORN_MAX_REQUESTS     1000             requests after which a worker is replaced (0: never)
GUNICORN_LOG_LEVEL        info             gunicorn's own log level (the access log is always on)
GUNICORN_CONTROL_SOCKET   —                path of gunicorn's control socket (gunicornc); off unless set

Each thread keeps its own database connection (CONN_MAX_AGE): count workers × threads
connections per app server, per database, against PostgreSQL's max_connections.
"""

import os
from pathlib import Path


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    if value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise SystemExit(f"{name} must be an integer, got {value!r}") from None


def _cores() -> int:
    """The cores this process may run on (a container's CPU set), not the machine's."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


wsgi_app = "config.wsgi:application"
chdir = str(Path(__file__).resolve().parent.parent)  # the project, wherever gunicorn starts
bind = [os.environ.get("GUNICORN_BIND") or "127.0.0.1:8000"]

# Processes for the CPU (templates, Excel, PDF), threads to overlap the waits on the database.
# Django serves requests on threads safely: settings are read-only, each thread has its own
# database connections, and the app keeps no per-request state in globals (the replica flag of
# common/db.py is a context variable, one per thread).
workers = _env_int("WEB_CONCURRENCY", 2 * _cores() + 1)
worker_class = "gthread"
threads = _env_int("GUNICORN_THREADS", 4)

# Long work (large imports and exports) runs as tasks, never in a request, so no request needs
# a minute. With threads, gunicorn kills a worker whose main loop has not reported for this long
# (a worker stuck or out of the GIL): it does not cut one slow request, the proxy's read timeout
# is what a user waits at most.
timeout = _env_int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _env_int("GUNICORN_KEEPALIVE", 5)

# A worker is replaced after this many requests (± jitter, so they do not restart together):
# whatever memory a worker gathers (a large page, a fragmented heap) is given back.
max_requests = _env_int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = max_requests // 10

# Each worker imports the app itself, after the fork. Preloading in the master would save a
# little start-up time and memory, but a reload (SIGHUP, to deploy new code without dropping
# connections) would keep the master's old code, and native libraries (WeasyPrint's Pango and
# fontconfig, libpq) would be initialised before a fork rather than in the process using them.
preload_app = False

# The heartbeat file on a RAM disk: a slow or busy disk never makes a worker look dead.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# One compact line per request on stdout: time, client, method, path, status, bytes, duration.
# The path without its query string: searches (names, identity numbers) stay out of the log.
# Behind the proxy, the client is the first address of X-Forwarded-For.
accesslog = "-"
access_log_format = "%(t)s %({x-forwarded-for}i)s %(m)s %(U)s %(s)s %(b)s %(M)sms"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL") or "info"

# Gunicorn's runtime control socket (gunicornc: workers, reload, shutdown) is off unless a path
# is given: the service manager starts, reloads and stops the server.
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
else:
    control_socket_disable = True
