import logging
import os
import stat
from pathlib import Path

from django.apps import AppConfig
from django.conf import settings

logger = logging.getLogger(__name__)

PRIVATE_MODE = 0o700


def private_directories_restrict() -> None:
    """Make each directory that settings.PRIVATE_DIRECTORIES names (by the setting that holds it) and that
    exists private (0700): one made by hand or by an older
    release (0755 is common) would let every local user read customers' documents and disclosures. One
    that does not exist yet is made 0700 by the code that first writes into it."""
    for directory in (Path(getattr(settings, name)) for name in settings.PRIVATE_DIRECTORIES):
        try:
            if directory.is_dir() and stat.S_IMODE(directory.stat().st_mode) != PRIVATE_MODE:
                os.chmod(directory, PRIVATE_MODE)
                logger.warning("Made %s private (mode 0700)", directory)
        except OSError as error:
            logger.error("Could not make %s private: %s", directory, type(error).__name__)


class CoreConfig(AppConfig):
    name = "core"

    def ready(self):
        private_directories_restrict()
