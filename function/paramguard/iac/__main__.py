"""python -m paramguard.iac PATH... (the same as `paramguard iac`)."""

import sys

from .cli import main

sys.exit(main())
