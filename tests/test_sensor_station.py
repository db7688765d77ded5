"""examples/sensor_station.py on the simulated WiPy, and the Pi mapping it documents.

The same sensor_station.py runs on the emulated Raspberry Pi (tests/pi/guest_pi.py) with
examples/wipy-on-pi.toml, which must be the mapping docs/raspberry-pi.md shows.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from micropython_compat import description

ROOT = Path(__file__).resolve().parent.parent


def sensor_station_output(scan: list[int]) -> list[str]:
    """What examples/sensor_station.py prints with a sensor at 23.5 C, its reports echoed back,
    and ``scan`` the addresses on the bus."""
    reading = ["temperature 23.5 C", "reply: b'T=23.5'"]
    return [
        f"I2C devices: {scan}",
        f"LED 1 {reading[0]}",
        reading[1],
        f"LED 0 {reading[0]}",
        reading[1],
        f"LED 1 {reading[0]}",
        reading[1],
        "done, LED 0",
    ]


def test_the_sensor_station_runs_on_the_simulated_wipy() -> None:
    env = {**os.environ, "MICROPYTHON_COMPAT_BOARD": "examples/sensor_station-sim.toml"}
    result = subprocess.run(
        [sys.executable, "-m", "micropython_compat", "run", "examples/sensor_station.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == sensor_station_output([0x48])


def test_the_pi_mapping_in_examples_is_the_one_the_docs_show(tmp_path: Path) -> None:
    text = (ROOT / "docs" / "raspberry-pi.md").read_text()
    block = text.split("```toml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "wipy-on-pi.toml").write_text(block)
    shown = description.load(tmp_path / "wipy-on-pi.toml")
    shipped = description.load(ROOT / "examples" / "wipy-on-pi.toml")
    assert shown.raw == shipped.raw
    assert shipped.raw["linux"]["uart"]["1"] == "/dev/serial0"
    assert shipped.raw["linux"]["i2c"]["0"] == "/dev/i2c-1"
