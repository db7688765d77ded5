"""The runner (``micropython-compat run``), the command line and the /flash file mapping."""

from __future__ import annotations

import builtins
import io
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from micropython_compat import board as board_module
from micropython_compat import filesystem, runner
from micropython_compat.backends.sim import SimBoard
from micropython_compat.filesystem import FileSystem
from micropython_compat.runner import DEFAULT_BOOT_PY, DEFAULT_MAIN_PY, RunError

ROOT = Path(__file__).resolve().parent.parent


def write(folder: Path, name: str, source: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(source))
    return path


def run_flash(flash: Path, **options: object) -> tuple[int, str]:
    notes = io.StringIO()
    status = runner.run(flash=flash, virtual_clock=True, notes=notes, **options)  # type: ignore[arg-type]
    return status, notes.getvalue()


def run_script(path: Path, **options: object) -> tuple[int, str]:
    notes = io.StringIO()
    options.setdefault("virtual_clock", True)
    status = runner.run(path, notes=notes, **options)  # type: ignore[arg-type]
    return status, notes.getvalue()


def cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MICROPYTHON_COMPAT_BOARD": "sim"}
    return subprocess.run(
        [sys.executable, "-m", "micropython_compat", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=60,
    )


# ------------------------------------------------------------------------- boot sequence


def test_boot_py_then_main_py_share_globals(tmp_path, capsys):
    write(tmp_path, "boot.py", "print('boot', __name__)\nshared = 42\n")
    write(tmp_path, "main.py", "print('main', shared)\n")
    status, _ = run_flash(tmp_path)
    assert (status, capsys.readouterr().out) == (0, "boot __main__\nmain 42\n")


def test_machine_main_in_boot_py_picks_the_main_file(tmp_path, capsys):
    write(tmp_path, "boot.py", "import machine\nmachine.main('app.py')\n")
    write(tmp_path, "main.py", "print('main.py ran')\n")
    write(tmp_path, "app.py", "print('app.py ran')\n")
    status, _ = run_flash(tmp_path)
    assert (status, capsys.readouterr().out) == (0, "app.py ran\n")


def test_a_missing_main_file_is_reported_like_the_device(tmp_path, capsys):
    write(tmp_path, "boot.py", "import machine\nmachine.main('nope.py')\n")
    status, _ = run_flash(tmp_path)
    assert (status, capsys.readouterr().out) == (1, "could not open file 'nope.py' for reading\n")


def test_an_exception_in_boot_py_is_printed_and_main_py_still_runs(tmp_path, capsys):
    write(tmp_path, "boot.py", "print('boot')\n1 // 0\n")
    write(tmp_path, "main.py", "print('main')\n")
    status, _ = run_flash(tmp_path)
    assert status == 1
    assert capsys.readouterr().out == (
        "boot\n"
        "Traceback (most recent call last):\n"
        '  File "boot.py", line 2, in <module>\n'
        "ZeroDivisionError: integer division or modulo by zero\n"
        "main\n"
    )


def test_a_fresh_flash_gets_the_wipy_default_files(tmp_path, capsys):
    flash = tmp_path / "flash"
    status, _ = run_flash(flash)
    assert status == 0
    assert (flash / "boot.py").read_bytes() == DEFAULT_BOOT_PY.encode()
    assert (flash / "main.py").read_bytes() == b"# main.py -- put your code here!\r\n"
    assert DEFAULT_MAIN_PY == "# main.py -- put your code here!\r\n"
    assert sorted(p.name for p in flash.iterdir() if p.is_dir()) == ["cert", "lib", "sys"]
    assert capsys.readouterr().out == ""


def test_existing_boot_and_main_are_kept(tmp_path, capsys):
    write(tmp_path, "boot.py", "print('mine')\n")
    status, _ = run_flash(tmp_path)
    assert status == 0
    assert (tmp_path / "boot.py").read_text() == "print('mine')\n"
    assert (tmp_path / "main.py").read_bytes() == DEFAULT_MAIN_PY.encode()
    assert capsys.readouterr().out == "mine\n"


def test_a_script_run_gets_the_fresh_wipys_flash_too(tmp_path, capsys):
    flash = tmp_path / "flash"
    script = write(tmp_path, "prog.py", "import os\nprint(sorted(os.listdir('/flash')))\n")
    status, _ = run_script(script, flash=flash)
    assert (status, capsys.readouterr().out) == (
        0,
        "['boot.py', 'cert', 'lib', 'main.py', 'sys']\n",
    )
    assert (flash / "main.py").read_bytes() == DEFAULT_MAIN_PY.encode()


# ---------------------------------------------------------------- the program's setting


def test_program_runs_as_main_with_const_and_flash_on_sys_path(tmp_path, capsys):
    write(tmp_path / "flash" / "lib", "helper.py", "VALUE = 'from /flash/lib'\n")
    script = write(
        tmp_path,
        "prog.py",
        """\
        import sys, os
        import helper
        X = const(7)
        print(__name__, X, helper.VALUE, os.getcwd())
        print(sys.path.index('/flash') < sys.path.index('/flash/lib'))
        """,
    )
    before_path = list(sys.path)
    status, _ = run_script(script, flash=tmp_path / "flash")
    assert (status, capsys.readouterr().out) == (0, "__main__ 7 from /flash/lib /flash\nTrue\n")
    assert sys.path == before_path
    assert not hasattr(builtins, "const")
    assert "helper" not in sys.modules
    assert not list((tmp_path / "flash").rglob("__pycache__"))


def test_everything_patched_is_restored_and_the_board_released(tmp_path, capsys):
    saved = (builtins.open, os.listdir, os.stat, os.getcwd, os.chdir)
    script = write(tmp_path, "prog.py", "import os\nos.chdir('/flash')\nprint(os.getcwd())\n")
    cwd = os.getcwd()
    status, _ = run_script(script)
    assert (status, capsys.readouterr().out) == (0, "/flash\n")
    assert (builtins.open, os.listdir, os.stat, os.getcwd, os.chdir) == saved
    assert os.getcwd() == cwd
    assert board_module.active_runtime() is None


# ------------------------------------------------------------------------ how runs end


def test_an_uncaught_exception_prints_only_the_programs_frames(tmp_path, capsys):
    script = write(
        tmp_path,
        "prog.py",
        """\
        from machine import Pin

        def setup():
            return Pin('GP99', mode=Pin.OUT)

        print('start')
        setup()
        print('not reached')
        """,
    )
    status, _ = run_script(script)
    assert status == 1
    assert capsys.readouterr().out == (
        "start\n"
        "Traceback (most recent call last):\n"
        f'  File "{script}", line 7, in <module>\n'
        f'  File "{script}", line 4, in setup\n'
        "ValueError: invalid argument(s) value\n"
    )


def test_tracebacks_name_flash_modules_by_their_device_path(tmp_path, capsys):
    write(tmp_path, "lib/helper.py", "def fail():\n    raise OSError(5)\n")
    write(tmp_path, "main.py", "import helper\nhelper.fail()\n")
    status, _ = run_flash(tmp_path)
    assert status == 1
    assert capsys.readouterr().out == (
        "Traceback (most recent call last):\n"
        '  File "main.py", line 2, in <module>\n'
        '  File "/flash/lib/helper.py", line 2, in fail\n'
        "OSError: 5\n"
    )


@pytest.mark.parametrize(
    ("call", "status", "stderr"),
    [("sys.exit()", 0, ""), ("sys.exit(3)", 3, ""), ("sys.exit('bye')", 1, "bye\n")],
)
def test_sys_exit_ends_the_run_with_its_status(tmp_path, capsys, call, status, stderr):
    script = write(tmp_path, "prog.py", f"import sys\nprint('a')\n{call}\nprint('b')\n")
    assert run_script(script)[0] == status
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("a\n", stderr)


def test_keyboard_interrupt_ends_the_run_with_130(tmp_path, capsys):
    script = write(tmp_path, "prog.py", "print('a')\nraise KeyboardInterrupt\n")
    assert run_script(script)[0] == 130
    assert capsys.readouterr().out == "a\n"
    assert board_module.active_runtime() is None


def test_machine_reset_restarts_with_hard_reset_cause(tmp_path, capsys):
    script = write(
        tmp_path,
        "prog.py",
        """\
        import machine
        from machine import Pin
        led = Pin('GP16', mode=Pin.OUT, value=1)
        print('cause', machine.reset_cause(), led)
        if machine.reset_cause() == machine.PWRON_RESET:
            machine.reset()
        print('after reset')
        """,
    )
    status, notes = run_script(script)
    assert status == 0
    assert capsys.readouterr().out == (
        "cause 0 Pin('GP16', mode=Pin.OUT, pull=None, drive=Pin.MED_POWER, alt=-1)\n"
        "cause 1 Pin('GP16', mode=Pin.OUT, pull=None, drive=Pin.MED_POWER, alt=-1)\n"
        "after reset\n"
    )
    assert "HardReset" in notes


def test_a_reset_keeps_the_files_and_the_rtc_and_starts_the_ticks_again(tmp_path, capsys):
    write(
        tmp_path,
        "main.py",
        """\
        import machine, utime
        with open('/flash/log.txt', 'a') as f:
            f.write('boot %d\\n' % machine.reset_cause())
        utime.sleep_ms(3000)
        print(utime.ticks_ms() // 1000, utime.time() >= 3 * (machine.reset_cause() + 1))
        if machine.reset_cause() == 0:
            machine.reset()
        """,
    )
    status, _ = run_flash(tmp_path)
    assert (status, capsys.readouterr().out) == (0, "3 True\n3 True\n")
    assert (tmp_path / "log.txt").read_text() == "boot 0\nboot 1\n"


def test_a_reset_loop_stops_after_max_resets(tmp_path, capsys):
    script = write(tmp_path, "prog.py", "import machine\nprint('boot')\nmachine.reset()\n")
    status, notes = run_script(script, max_resets=3)
    assert status == 1
    assert capsys.readouterr().out == "boot\n" * 4
    assert "stopped after 3 resets" in notes


def test_a_soft_reset_prints_soft_reboot_and_restarts(tmp_path, capsys):
    script = write(
        tmp_path,
        "prog.py",
        """\
        import machine
        from micropython_compat.resets import SoftReset
        print('cause', machine.reset_cause())
        if machine.reset_cause() != machine.SOFT_RESET:
            raise SoftReset()
        """,
    )
    assert run_script(script)[0] == 0
    assert capsys.readouterr().out == "cause 0\nPYB: soft reboot\ncause 4\n"


def test_deepsleep_wakes_on_an_rtc_alarm_on_a_virtual_clock(tmp_path, capsys):
    script = write(
        tmp_path,
        "prog.py",
        """\
        import machine, utime
        from machine import RTC
        print(machine.reset_cause(), machine.wake_reason(), utime.ticks_ms() // 1000)
        if machine.reset_cause() != machine.DEEPSLEEP_RESET:
            rtc = RTC()
            rtc.alarm(time=5000, repeat=False)
            rtc.irq(trigger=RTC.ALARM0, handler=lambda r: print('no handler in deep sleep'),
                    wake=machine.DEEPSLEEP)
            machine.deepsleep()
        print('woken by', machine.wake_reason() == machine.RTC_WAKE and 'RTC')
        """,
    )
    assert run_script(script)[0] == 0
    # the wake is a reset: the ticks start again from 0, as on the device
    assert capsys.readouterr().out == "0 0 0\n3 3 0\nwoken by RTC\n"


def test_deepsleep_wakes_on_a_pin_edge(tmp_path, capsys):
    wipy = SimBoard(clock="virtual")
    wipy.clock.call_at_ns(2_000_000_000, lambda: wipy.pin("GP2").drive_high())
    script = write(
        tmp_path,
        "prog.py",
        """\
        import machine
        from machine import Pin
        print(machine.reset_cause(), machine.wake_reason())
        if machine.reset_cause() != machine.DEEPSLEEP_RESET:
            btn = Pin('GP2', mode=Pin.IN, pull=Pin.PULL_DOWN)
            btn.irq(trigger=Pin.IRQ_RISING, wake=machine.DEEPSLEEP)
            machine.deepsleep()
        """,
    )
    assert run_script(script, board=wipy, virtual_clock=False)[0] == 0
    assert capsys.readouterr().out == "0 0\n3 2\n"


def test_deepsleep_without_a_wake_source_ends_the_run(tmp_path, capsys):
    script = write(tmp_path, "prog.py", "import machine\nprint('zz')\nmachine.deepsleep()\n")
    status, notes = run_script(script)
    assert (status, capsys.readouterr().out) == (0, "zz\n")
    assert "no wake source" in notes


def test_an_unfed_watchdog_restarts_with_wdt_reset(tmp_path, capsys):
    script = write(
        tmp_path,
        "prog.py",
        """\
        import machine, utime
        from machine import WDT
        print('cause', machine.reset_cause())
        if machine.reset_cause() != machine.WDT_RESET:
            wdt = WDT(timeout=2000)
            utime.sleep_ms(1500)
            wdt.feed()
            utime.sleep_ms(1500)
            print('fed in time')
            utime.sleep_ms(3000)
            print('not reached')
        """,
    )
    status, notes = run_script(script)
    assert (status, capsys.readouterr().out) == (0, "cause 0\nfed in time\ncause 2\n")
    assert "WatchdogReset" in notes


# --------------------------------------------------------------------- the file system


def test_flash_paths_map_onto_the_flash_folder(tmp_path, capsys):
    flash = tmp_path / "flash"
    script = write(
        tmp_path,
        "prog.py",
        """\
        import os
        with open('/flash/data.txt', 'w') as f:
            f.write('hello')
        with open('data.txt') as f:
            print(f.read(), os.stat('/flash/data.txt')[6])
        os.mkdir('/flash/logs')
        os.chdir('logs')
        print(os.getcwd())
        with open('a.txt', 'w') as f:
            f.write('x')
        os.rename('a.txt', '/flash/logs/b.txt')
        print(os.listdir(), sorted(os.listdir('..')), os.listdir('/'))
        os.remove('b.txt')
        os.chdir('/flash')
        os.rmdir('logs')
        print(sorted(os.listdir('/flash')))
        """,
    )
    status, _ = run_script(script, flash=flash, sd=tmp_path / "sd")
    assert capsys.readouterr().out == (
        "hello 5\n/flash/logs\n"
        "['b.txt'] ['boot.py', 'cert', 'data.txt', 'lib', 'logs', 'main.py', 'sys'] "
        "['flash', 'sd']\n"
        "['boot.py', 'cert', 'data.txt', 'lib', 'main.py', 'sys']\n"
    )
    assert status == 0
    assert (flash / "data.txt").read_text() == "hello"


def test_sd_paths_map_onto_the_sd_folder(tmp_path, capsys):
    sd = tmp_path / "card"
    script = write(tmp_path, "prog.py", "with open('/sd/log.txt', 'w') as f:\n    f.write('ok')\n")
    assert run_script(script, sd=sd)[0] == 0
    assert (sd / "log.txt").read_text() == "ok"


HOSTILE = [
    "/etc/passwd",
    "//etc/passwd",
    "../outside.txt",
    "/flash/../outside.txt",
    "/flash/../../../../outside.txt",
    "/flash/lib/../../outside.txt",
    "/outside.txt",
    "/flash/escape/outside.txt",
    "/flash/escape",
]


@pytest.mark.parametrize("path", HOSTILE)
def test_hostile_paths_cannot_leave_the_flash_folder(tmp_path, capsys, path):
    flash = tmp_path / "flash"
    (flash / "lib").mkdir(parents=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "outside.txt").write_text("secret")
    (flash / "escape").symlink_to(outside)
    script = write(
        tmp_path,
        "prog.py",
        f"""\
        import os
        for attempt in (lambda: open({path!r}).read(), lambda: open({path!r}, 'w'),
                        lambda: os.listdir({path!r}), lambda: os.stat({path!r}),
                        lambda: os.remove({path!r}), lambda: os.mkdir({path!r} + '/d')):
            try:
                print('escaped', attempt())
            except OSError as e:
                print('refused', e.args[0])
        """,
    )
    status, _ = run_script(script, flash=flash)
    out = capsys.readouterr().out
    assert status == 0
    assert "escaped" not in out
    assert out.count("refused") == 6
    assert (outside / "outside.txt").read_text() == "secret"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["flash", "outside", "prog.py"]
    assert sorted(p.name for p in outside.iterdir()) == ["outside.txt"]


def test_errors_are_micropython_oserrors_without_host_paths(tmp_path, capsys):
    script = write(
        tmp_path,
        "prog.py",
        """\
        try:
            open('/flash/missing.txt')
        except OSError as e:
            print(e.args, str(e))
        """,
    )
    assert run_script(script, flash=tmp_path / "flash")[0] == 0
    assert capsys.readouterr().out == "(2,) [Errno 2] ENOENT\n"


def test_host_code_keeps_host_paths_while_a_program_runs(tmp_path):
    host_file = tmp_path / "host.txt"
    host_file.write_text("host")
    with filesystem.patched(lambda filename: False):
        with open(host_file) as f:
            assert f.read() == "host"
        assert "host.txt" in os.listdir(tmp_path)
        assert os.getcwd() == os.path.realpath(os.getcwd())


def test_filesystem_mounts_and_reverse_mapping(tmp_path):
    flash, sd = tmp_path / "f", tmp_path / "s"
    flash.mkdir()
    sd.mkdir()
    fs = FileSystem.for_board(flash)
    assert fs.getcwd() == "/flash"
    assert fs.listdir("/") == ["flash"]
    fs.mount(sd, "/sd")
    assert fs.listdir("/") == ["flash", "sd"]
    assert fs.host_path("/sd/x.txt") == sd.resolve() / "x.txt"
    assert fs.device_path(flash / "lib" / "a.py") == "/flash/lib/a.py"
    assert fs.device_path(tmp_path) is None
    for action in (
        lambda: fs.mount(sd, "/sd"),
        lambda: fs.remove("/flash"),
        lambda: fs.mkdir("/x"),
    ):
        with pytest.raises(OSError) as caught:
            action()
        assert caught.value.args[0] in (1, 2)
    fs.chdir("/sd")
    fs.umount("/sd")
    assert (fs.getcwd(), fs.listdir("/")) == ("/", ["flash"])
    with pytest.raises(OSError) as caught:
        fs.umount("/sd")
    assert caught.value.args == (22,)


# ------------------------------------------------------------------------ the command line


def test_cli_runs_the_blink_example():
    result = cli("run", "examples/blink.py")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Pin('GP16', mode=Pin.OUT, pull=None, drive=Pin.MED_POWER, alt=-1)"
    assert lines[1:] == [f"blink {i} LED 1" for i in range(1, 6)] + ["done, LED 0"]


def test_cli_uncaught_exception_exits_1_with_a_traceback(tmp_path):
    write(tmp_path, "bad.py", "print('x')\nraise ValueError('boom')\n")
    result = cli("run", "--virtual-clock", "bad.py", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == (
        'x\nTraceback (most recent call last):\n  File "bad.py", line 2, in <module>\n'
        "ValueError: boom\n"
    )


def test_cli_boot_sequence_from_a_flash_folder(tmp_path):
    write(tmp_path, "main.py", "import sys\nprint('main')\nsys.exit(4)\n")
    result = cli("run", "--virtual-clock", "--flash", str(tmp_path))
    assert (result.returncode, result.stdout) == (4, "main\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "missing.py"], "can't open file 'missing.py'"),
        (["run", "--board", "linux", "x.py"], "can't open file"),
        (["run", "--board", "linux"], "linux board backend is not available"),
        (["run", "--board", "nowhere.toml"], "nowhere.toml does not exist"),
        (["run", "--board", "linux", "--virtual-clock"], "--virtual-clock needs the simulated"),
    ],
)
def test_cli_start_problems_are_one_line_and_exit_2(args, message):
    result = cli(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert message in result.stderr


def test_cli_bad_board_description_exits_2(tmp_path):
    (tmp_path / "bad.toml").write_text("this is not toml = = =\n")
    result = cli("run", "--board", str(tmp_path / "bad.toml"), cwd=tmp_path)
    assert result.returncode == 2
    assert "is not valid TOML" in result.stderr


def test_cli_max_resets_bounds_a_reset_loop(tmp_path):
    write(tmp_path, "loop.py", "import machine\nprint('boot')\nmachine.reset()\n")
    result = cli("run", "--virtual-clock", "--max-resets", "2", "loop.py", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (1, "boot\nboot\nboot\n")
    assert "stopped after 2 resets" in result.stderr


def test_cli_boards_lists_descriptions_and_the_choice():
    result = cli("boards")
    assert result.returncode == 0
    assert "wipy" in result.stdout
    assert "Backends: sim, linux" in result.stdout
    assert "Board that would be chosen: sim (MICROPYTHON_COMPAT_BOARD=sim)" in result.stdout


def test_cli_version_and_help():
    from micropython_compat import __version__
    from micropython_compat._version import build_description

    assert cli("--version").stdout == f"micropython-compat {__version__} ({build_description()})\n"
    result = cli()
    assert result.returncode == 2
    assert "run" in result.stderr


def test_runner_rejects_options_it_cannot_apply(tmp_path):
    script = write(tmp_path, "x.py", "print('never')\n")
    wipy = SimBoard()
    with pytest.raises(RunError, match="can't change a ready board"):
        runner.run(script, board=wipy, flash=tmp_path)
    wipy.close()
    with pytest.raises(RunError):
        runner.Runner(max_resets=-1)


def test_cli_ctrl_c_ends_the_run_with_130(tmp_path):
    import signal

    write(tmp_path, "long.py", "import utime\nprint('ready')\nutime.sleep(60)\nprint('no')\n")
    env = {**os.environ, "MICROPYTHON_COMPAT_BOARD": "sim"}
    with subprocess.Popen(
        [sys.executable, "-u", "-m", "micropython_compat", "run", "long.py"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    ) as proc:
        assert proc.stdout is not None
        assert proc.stdout.readline() == "ready\n"
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=30)
    assert (proc.returncode, out) == (130, "")


def test_deepsleep_on_the_real_clock_waits_for_the_rtc_alarm(tmp_path, capsys):
    script = write(
        tmp_path,
        "prog.py",
        """\
        import machine
        from machine import RTC
        print(machine.reset_cause(), machine.wake_reason())
        if machine.reset_cause() != machine.DEEPSLEEP_RESET:
            rtc = RTC()
            rtc.alarm(time=50)
            rtc.irq(trigger=RTC.ALARM0, wake=machine.DEEPSLEEP)
            machine.deepsleep()
        """,
    )
    status, notes = run_script(script, virtual_clock=False)
    assert (status, capsys.readouterr().out) == (0, "0 0\n3 3\n")
    assert "waiting for a wake source" in notes


def test_the_benchs_uart_wiring_survives_a_reset(tmp_path, capsys):
    board_file = write(tmp_path, "board.toml", 'extends = "wipy"\n[sim]\nuart_loopback = [1]\n')
    flash = tmp_path / "flash"
    write(
        flash,
        "main.py",
        """\
        import machine
        from machine import UART
        u = UART(1, 9600)
        u.write('x')
        print(machine.reset_cause(), u.read(1))
        if machine.reset_cause() != machine.HARD_RESET:
            machine.reset()
        """,
    )
    status, _ = run_flash(flash, board=str(board_file))
    assert status == 0
    assert capsys.readouterr().out.splitlines()[-2:] == ["0 b'x'", "1 b'x'"]
