"""``python -m chainrule``: the ``chainrule`` command."""

import sys

from chainrule import main

sys.exit(main())
