"""The README's pytest example works as written (with the installed plugin's fixture)."""

from __future__ import annotations

import re
from pathlib import Path

from micropython_compat.testing import EEPROM, SimBoard

README = Path(__file__).resolve().parent.parent / "README.md"


def _python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(), re.S)


def test_readme_pytest_example_passes(wipy: SimBoard) -> None:
    # (the example that runs the program's files is the sample project's: tests/test_examples.py)
    (block,) = [b for b in _python_blocks() if "def test_" in b and "wipy.run" not in b]
    namespace: dict[str, object] = {}
    exec(compile(block, "README.md", "exec"), namespace)
    tests = [f for name, f in namespace.items() if name.startswith("test_") and callable(f)]
    assert len(tests) == 1
    tests[0](wipy)


def test_readme_board_controls_exist(wipy: SimBoard) -> None:
    from machine import I2C

    wipy.pin("GP10").drive_high()
    wipy.wire("GP1", "GP2")
    wipy.i2c_bus(0).attach(0x50, EEPROM(4096))
    assert I2C(0).scan() == [0x50]
    wipy.uart_port(0).feed(b"hi")
    wipy.adc_block.set(1, 2048)
    assert wipy.pwm_output(1, "A").duty == 0
    assert wipy.uart_port(0).sent() == b""


def test_readme_device_code_example_passes_on_the_sample_project(capsys) -> None:
    from micropython_compat.testing import simulated_board

    (block,) = [b for b in _python_blocks() if "wipy.run" in b and "def test_" in b]
    namespace: dict[str, object] = {}
    exec(compile(block, "README.md", "exec"), namespace)
    flash = README.parent / "examples" / "wipy-project" / "device"
    with simulated_board(flash_from=flash) as wipy:
        namespace["test_main_measures_and_deep_sleeps"](wipy, capsys)  # type: ignore[operator]
    with simulated_board(flash_from=flash) as wipy:
        namespace["test_the_driver"](wipy)  # type: ignore[operator]
