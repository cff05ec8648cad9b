"""``python -m faultline``: the command-line interface."""

import sys

from faultline.cli import main

sys.exit(main())
