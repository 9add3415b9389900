#!/usr/bin/env python
"""Django's command-line utility for Høst."""
import os
import sys
from pathlib import Path


def main() -> None:
    # platform/ is a plain folder of packages (not a package itself: it would shadow the
    # standard library's `platform`), so put it on the path after the repository root.
    root = Path(__file__).resolve().parent
    sys.path[1:1] = [str(root / "platform")]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
