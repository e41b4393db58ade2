"""xfer-analysis: run, load and analyse STILTs intermediate-task training for zero-shot
cross-lingual transfer on XTREME and XTREME-R."""

__version__ = "0.1.0"
