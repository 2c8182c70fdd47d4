"""What a process loads when it starts: WeasyPrint (its import takes seconds) waits until something is printed,
so that manage.py commands, app servers and task workers start without it."""

import os
import subprocess
import sys

from tests.commands import ROOT, UNSET

# Every app's models (django.setup), admin (autodiscover), URLs and views (the URLconf resolved and each view
# imported) and management commands, as the site and every manage.py command load them.
EVERYTHING_LOADED = """
import django
django.setup()
import sys
from django.contrib import admin
from django.core.management import get_commands, load_command_class
from django.urls import get_resolver

admin.autodiscover()
resolver = get_resolver()
resolver.resolve("/")
for name, app in get_commands().items():
    load_command_class(app, name)
print("loaded", sorted(module for module in sys.modules if module.split(".")[0] == "weasyprint"))
"""


def test_starting_the_site_and_its_commands_does_not_load_weasyprint():
    environment = {key: value for key, value in os.environ.items() if key not in UNSET}
    environment["DJANGO_SETTINGS_MODULE"] = "privacy_portal.settings"
    result = subprocess.run(
        [sys.executable, "-c", EVERYTHING_LOADED], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "loaded []"
