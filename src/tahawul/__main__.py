"""The ``tahawul`` command: Django's management commands with Tahawul's settings."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tahawul.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["tahawul", *sys.argv[1:]])


if __name__ == "__main__":
    main()
