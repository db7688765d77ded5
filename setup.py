"""Build glue for the optional C extension; all metadata lives in pyproject.toml.

The extension is optional: if it fails to compile, the pure-Python twin
(``micropython_compat._pyimpl``) serves every call and the install still succeeds.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "micropython_compat._speedups",
            sources=["src/micropython_compat/_speedups.c"],
            optional=True,
        )
    ]
)
