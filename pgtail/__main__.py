"""``python -m pgtail`` runs the command."""

import sys

from pgtail.cli import main

sys.exit(main())
