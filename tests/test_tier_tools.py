"""The emulated tiers' own host tools: copying kernel modules with their dependencies
(tests/kernel/kmods.py) and running QEMU's console until the guest stops or can't
(tests/pi/vm_console.py), with ordinary processes standing in for QEMU."""

from __future__ import annotations

import lzma
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KMODS = ROOT / "tests" / "kernel" / "kmods.py"
VM_CONSOLE = ROOT / "tests" / "pi" / "vm_console.py"


def _modules(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    deps = {
        "kernel/usb/dwc2.ko.xz": ["kernel/usb/udc-core.ko.xz", "kernel/usb/usbcore.ko.xz"],
        "kernel/usb/udc-core.ko.xz": ["kernel/usb/usbcore.ko.xz"],
        "kernel/usb/usbcore.ko.xz": [],
        "kernel/i2c/i2c-dev.ko.xz": [],
    }
    for path in deps:
        (src / path).parent.mkdir(parents=True, exist_ok=True)
        (src / path).write_bytes(lzma.compress(path.encode()))
    (src / "modules.dep").write_text(
        "".join(f"{path}: {' '.join(needs)}\n" for path, needs in deps.items())
    )
    (src / "modules.order").write_text("kernel/usb/usbcore.ko\n")
    return src


def _kmods(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(KMODS), *args], capture_output=True, text=True, check=False
    )


def test_kmods_copies_a_module_after_what_it_needs(tmp_path: Path) -> None:
    src, dst = _modules(tmp_path), tmp_path / "dst"
    result = _kmods(str(src), str(dst), "dwc2")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "module kernel/usb/usbcore.ko.xz",
        "module kernel/usb/udc-core.ko.xz",
        "module kernel/usb/dwc2.ko.xz",
    ]
    assert not (dst / "kernel/i2c/i2c-dev.ko.xz").exists()
    assert (dst / "modules.order").read_text() == "kernel/usb/usbcore.ko\n"


def test_kmods_unxz_stores_plain_modules_and_names_unknown_ones(tmp_path: Path) -> None:
    src, dst = _modules(tmp_path), tmp_path / "dst"
    result = _kmods(str(src), str(dst), "--unxz", "i2c_dev")
    assert result.returncode == 0, result.stderr
    assert (dst / "kernel/i2c/i2c-dev.ko").read_bytes() == b"kernel/i2c/i2c-dev.ko.xz"
    missing = _kmods(str(src), str(dst), "spi-bcm2835")
    assert missing.returncode == 1
    assert "no module 'spi-bcm2835'" in missing.stderr


def _console(tmp_path: Path, timeout_s: int, script: str) -> subprocess.CompletedProcess[str]:
    log = str(tmp_path / "console.log")
    return subprocess.run(
        [sys.executable, str(VM_CONSOLE), log, str(timeout_s), "--", sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_the_console_is_shown_and_kept_and_the_exit_status_passed_on(tmp_path: Path) -> None:
    result = _console(tmp_path, 60, "print('MPC-VM: result 0'); raise SystemExit(7)")
    assert result.returncode == 7
    assert result.stdout == "MPC-VM: result 0\n"
    assert (tmp_path / "console.log").read_text() == "MPC-VM: result 0\n"


def test_a_kernel_panic_stops_the_guest_without_waiting_for_the_timeout(tmp_path: Path) -> None:
    script = (
        "import sys, time\n"
        "print('[ 24.27] Kernel panic - not syncing: No working init found.', flush=True)\n"
        "time.sleep(600)\n"
    )
    result = _console(tmp_path, 600, script)
    assert result.returncode == 125
    assert "Kernel panic" in result.stdout
    assert "stopped QEMU (kernel panic)" in result.stderr


def test_a_guest_that_never_stops_is_stopped_at_the_timeout(tmp_path: Path) -> None:
    result = _console(tmp_path, 1, "import time; time.sleep(600)")
    assert result.returncode == 124
    assert "stopped QEMU (timed out)" in result.stderr
