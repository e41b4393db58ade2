"""`python -m xfer_analysis` is the same as `xfer`."""

import sys

from xfer_analysis.cli import main

sys.exit(main())
