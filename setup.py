"""Build glue for what pyproject.toml can't say; all metadata lives there.

* The top-level device modules (``src/utime.py``, ``src/ure.py``, ...) are found here, so a new
  ``u*`` module ships without editing a list.
* The C extension is optional: if it fails to compile, the pure-Python twin
  (``micropython_compat._pyimpl``) serves every call and the install still succeeds.
"""

from pathlib import Path

from setuptools import Extension, setup

setup(
    py_modules=sorted(p.stem for p in Path(__file__).parent.joinpath("src").glob("*.py")),
    ext_modules=[
        Extension(
            "micropython_compat._speedups",
            sources=["src/micropython_compat/_speedups.c"],
            optional=True,
        )
    ],
)
