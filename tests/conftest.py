"""Shared test setup: no board outlives its test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from micropython_compat import release_board


@pytest.fixture(autouse=True)
def _release_board_after_test() -> Iterator[None]:
    yield
    release_board()
