"""The pytest plugin: fixtures that give each test a fresh simulated WiPy.

* ``wipy``: a sim board on a virtual clock (sleeps are instant, timers fire deterministically);
* ``wipy_realtime``: a sim board on the host's real clock.

Both are ``WiPyUnderTest`` boards: they run the program's files (``wipy.run()``,
``wipy.load(path)``) and release the board (and every thread and descriptor it holds) when the
test ends; a ``Pin`` used after that says which test's end released it.

The flash folder the program boots from is copied afresh for every test from, in this order:
``@pytest.mark.wipy(flash="DIR")`` (relative to the test file's folder), ``--wipy-flash DIR``,
the ini option ``wipy_flash`` (relative to the rootdir); without one, ``/flash`` starts as a
fresh WiPy's.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

from . import WiPyUnderTest, simulated_board


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--wipy-flash",
        metavar="DIR",
        default=None,
        help="folder copied to /flash of every wipy fixture (boot.py, main.py, lib/)",
    )
    parser.addini("wipy_flash", "folder copied to /flash of every wipy fixture", default="")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, None]:
    """A failing test that traced pins (``wipy.trace("GP16")``) gets their text timing
    diagram in its report."""
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    funcargs = getattr(item, "funcargs", {})
    for name in ("wipy", "wipy_realtime"):
        board = funcargs.get(name)
        if isinstance(board, WiPyUnderTest) and board.traced:
            report.sections.append((f"{name} trace (board time)", board.text_diagram()))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "wipy(flash=DIR): the folder copied to /flash of this test's wipy board"
    )


def _flash_folder(request: pytest.FixtureRequest) -> Path | None:
    marker = request.node.get_closest_marker("wipy")
    if marker is not None and "flash" in marker.kwargs:
        return Path(str(request.node.path.parent), marker.kwargs["flash"])
    given = request.config.getoption("--wipy-flash")
    if given:
        return Path(given).resolve()
    ini = request.config.getini("wipy_flash")
    if ini:
        return Path(str(request.config.rootpath), str(ini))
    return None


def _board(request: pytest.FixtureRequest, clock: str) -> Iterator[WiPyUnderTest]:
    with simulated_board(
        clock=clock,
        flash_from=_flash_folder(request),
        released_by=f"at the end of test {request.node.nodeid}",
    ) as board:
        yield board


@pytest.fixture
def wipy(request: pytest.FixtureRequest) -> Iterator[WiPyUnderTest]:
    """A fresh simulated WiPy on a virtual clock, active for this test."""
    yield from _board(request, "virtual")


@pytest.fixture
def wipy_realtime(request: pytest.FixtureRequest) -> Iterator[WiPyUnderTest]:
    """A fresh simulated WiPy on the real clock, active for this test."""
    yield from _board(request, "real")
