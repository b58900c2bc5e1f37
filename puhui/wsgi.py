"""WSGI entry point. Refuses to start on unsafe settings (see puhui.core.safety)."""

import os

import django
from django.core.handlers.wsgi import WSGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "puhui.settings")
django.setup(set_prefix=False)

from puhui.core.safety import settings_assert_safe_to_serve  # noqa: E402

settings_assert_safe_to_serve()
application = WSGIHandler()
