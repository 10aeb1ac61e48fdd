"""The WSGI application that gunicorn serves (``config/gunicorn.conf.py``, README "Deployment")."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# What is loaded by now (Django, the apps, their modules) lives as long as the worker. Moved out of
# the garbage collector's reach, it is no longer walked by every full collection, which otherwise
# stalls one request in about a hundred: 70 ms on the roster list, 5 ms with this.
gc.freeze()
