"""Build hook: copy the top-level shipped folders (data/, configs/, dashboard/) into the wheel
as `xfer_analysis/_shipped/<name>/`, where `xfer_analysis.resources.shipped` finds them.

The checkout keeps its fixed top-level layout; only built packages carry the copies. All other
metadata is in pyproject.toml.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SHIPPED = ("data", "configs", "dashboard")
SKIP = ("__pycache__", ".pyc", ".ipynb_checkpoints")


class BuildWithShipped(build_py):
    """`build_py` that also copies the shipped folders into the package."""

    def run(self) -> None:
        super().run()
        root = Path(__file__).resolve().parent
        target = Path(self.build_lib) / "xfer_analysis" / "_shipped"
        for name in SHIPPED:
            for source in sorted((root / name).rglob("*")):
                if source.is_file() and not any(part in str(source) for part in SKIP):
                    destination = target / source.relative_to(root)
                    self.mkpath(str(destination.parent))
                    self.copy_file(str(source), str(destination))


setup(cmdclass={"build_py": BuildWithShipped})
