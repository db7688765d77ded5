"""``micropython-compat run``: run a WiPy program as the device would.

Two ways to run:

* a script (``run blink.py``): the script is the whole program;
* the boot sequence (``run --flash DIR``): ``boot.py``, then ``main.py`` or the file that
  ``machine.main()`` named, from the flash directory, looked up in the device's current
  directory as on the WiPy. As on the device, an uncaught
  exception in ``boot.py`` is printed and ``main.py`` still runs; ``boot.py`` and ``main.py``
  share one set of globals.

Either way, a flash directory without them first gets the ``boot.py`` and ``main.py`` a fresh
WiPy writes, and its ``sys``, ``lib`` and ``cert`` folders.

Around the program: the board is chosen (``--board``, else as ``use_board()`` chooses; the
simulated board gets ``--flash``/``--sd``, with ``--virtual-clock`` a virtual clock, and
records its pins' history only with ``--record``, so memory stays flat however long it runs),
``micropython_compat.install()`` runs, ``const`` is a builtin, code runs as ``__main__`` with
the script's folder and ``/flash``, ``/flash/lib`` in front of ``sys.path``, its current
directory is ``/flash``, and ``open``/``os`` take device paths (``/flash/...``, ``/sd/...``;
see ``micropython_compat.filesystem``). The program's own code imports the device modules by
their plain names, as on the device (``import os`` gives ``uos``, ``time`` gives ``utime``, see
``PLAIN_NAMES``) unless the program has a module of that name, while the standard library and
third-party packages keep CPython's. Everything is put back when the run ends.

How a run ends, and the exit status:

* the program returns: 0;
* an uncaught exception: printed MicroPython-style on stdout (only the program's own
  frames), status 1;
* ``sys.exit(code)``: that status (on the device ``sys.exit()`` makes a soft reset; a runner
  that could not be stopped by its own script would be hard to use in scripts and tests);
* ``machine.reset()`` and a watchdog expiry restart the program with ``reset_cause()``
  ``HARD_RESET`` / ``WDT_RESET``; a ``SoftReset`` request (Ctrl-D on the device) prints
  ``PYB: soft reboot`` and restarts with ``SOFT_RESET``. Restarts keep the board: every
  peripheral is deinitialised, the flash files, the clock and the RTC time carry on (booting
  from ``--flash``, a flash that ``uos.mkfs`` emptied gets its default files back);
* ``machine.deepsleep()`` ends the program; when a wake source fires (an RTC alarm or a pin
  irq with ``wake=machine.DEEPSLEEP``) it starts again with ``reset_cause()`` ``DEEPSLEEP_RESET``
  and the matching ``wake_reason()``. No interrupt handler runs while the board sleeps. On a
  virtual clock the wait is instant (time jumps from alarm to alarm); with no wake source left
  the board would sleep for ever: the run ends with status 0 and a note on stderr;
* more than ``max_resets`` restarts: the run stops with status 1 (a reset loop can't run for
  ever);
* Ctrl-C: status 130, with everything released;
* SIGTERM: status 143, with everything released too (the board's temporary folders go).

Notes about resets and sleeps go to stderr; stdout carries only what the program prints.
"""

from __future__ import annotations

import builtins
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
import threading
import types
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO, Union

from . import board as _board
from . import devicecode, filesystem
from ._install import flavoured_module, install
from .bytesrules import DeviceBytearray, bytes_format
from .clocks import VirtualClock
from .devicecode import native_emitter
from .errors import MicroPythonCompatError
from .hal import Board
from .resets import DeepSleep, ResetRequest, SoftReset, Terminated, sigterm_ends_the_run
from .runtime import PWRON_WAKE, Runtime
from .tracebacks import format_compile_error, print_exception

__all__ = [
    "DEFAULT_BOOT_PY",
    "DEFAULT_MAIN_PY",
    "EXIT_ERROR",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_TERMINATED",
    "EXIT_USAGE",
    "PLAIN_NAMES",
    "RunError",
    "Runner",
    "device_builtins",
    "prepare_flash",
    "run",
]

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143

# What a WiPy writes to a fresh /flash (cc3200 mptask.c), CRLF line ends included.
DEFAULT_BOOT_PY = (
    "# boot.py -- run on boot-up\r\n# can run arbitrary Python, but best to keep it minimal\r\n"
)
DEFAULT_MAIN_PY = "# main.py -- put your code here!\r\n"
_FLASH_FOLDERS = ("sys", "lib", "cert")

# Virtual-clock alarms run while waiting for a deep sleep wake source before giving up
# (a periodic timer left running would otherwise keep the wait going for ever).
_DEEPSLEEP_MAX_ALARMS = 1_000_000
_REALTIME_POLL_S = 0.05

# Where this library lives: its files are never the program's, even under a program folder.
_LIBRARY_ROOT = Path(__file__).resolve().parent.parent
# Code compiled under a device path is the program's.
_DEVICE_PREFIXES = (filesystem.FLASH + "/", filesystem.SD + "/")
_DEVICE_ENTRIES = (*_DEVICE_PREFIXES, filesystem.FLASH, filesystem.SD)

# This library's own top-level modules: the program's imports of these names get this
# library's module whatever else is installed (Adafruit Blinka also ships ``micropython``),
# except the weak links a program module may replace on the device (``machine``).
_WEAK_LINKS = frozenset({"machine"})

BoardArg = Union[str, "os.PathLike[str]", Board, None]


# The device modules the program's code gets under their plain names (when they exist).
PLAIN_NAMES = {
    name: "u" + name
    for name in (
        "os",
        "time",
        "json",
        "re",
        "binascii",
        "socket",
        "ssl",
        "select",
        "struct",
        "io",
        "collections",
        "errno",
        "hashlib",
        "heapq",
        "zlib",
    )
}


# The run in progress (its device folders are imported through _device_path_hook).
_active: Runner | None = None


def device_builtins() -> types.ModuleType | None:
    """The builtins of the program's code in the run in progress (``None``: no run)."""
    return None if _active is None else _active.device_builtins


class RunError(MicroPythonCompatError):
    """The run can't start: a missing script, options that don't fit the board."""


def prepare_flash(folder: Path) -> None:
    """Give ``folder`` what a WiPy's ``/flash`` has after boot: ``boot.py`` and ``main.py``
    (the device's defaults, when missing) and the ``sys``, ``lib`` and ``cert`` folders."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in _FLASH_FOLDERS:
        (folder / name).mkdir(exist_ok=True)
    for name, text in (("main.py", DEFAULT_MAIN_PY), ("boot.py", DEFAULT_BOOT_PY)):
        path = folder / name
        if not path.exists():
            path.write_bytes(text.encode())


class _ProgramEnd(Exception):
    """The program ended by itself or with ``sys.exit``: ``status`` is the exit status."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class Runner:
    """One run of a program; ``run()`` returns the exit status (see the module docstring).

    ``board`` is ``'sim'``, ``'linux'``, a description file, a ready ``hal.Board`` or ``None``
    (chosen as ``use_board()`` chooses). ``flash``/``sd`` are host folders for ``/flash`` and
    ``/sd``; ``virtual_clock`` asks the simulated board for a virtual clock, ``record`` for a
    record of its pins' level changes (off by default). ``notes`` receives
    the runner's own messages (default ``sys.stderr``).
    """

    def __init__(
        self,
        script: str | os.PathLike[str] | None = None,
        *,
        board: BoardArg = None,
        flash: str | os.PathLike[str] | None = None,
        sd: str | os.PathLike[str] | None = None,
        virtual_clock: bool = False,
        max_resets: int = 100,
        notes: TextIO | None = None,
        record: bool = False,
    ) -> None:
        if max_resets < 0:
            raise RunError("max_resets must be 0 or more")
        self.script = None if script is None else Path(script)
        self.board = board
        self.flash = None if flash is None else Path(flash)
        self.sd = None if sd is None else Path(sd)
        self.virtual_clock = virtual_clock
        self.record = record
        self.max_resets = max_resets
        self.resets = 0
        self._notes = notes
        self._device_names: set[str] = set()
        self._device_dirs: list[str] = []
        self._verdicts: dict[str, bool] = {}
        self._plain_names: _PlainNames | None = None
        self._builtins: types.ModuleType | None = None
        self._native: bool = True
        self._program_entries: frozenset[str] = frozenset()

    # -- set-up ------------------------------------------------------------------------------
    def _note(self, text: str) -> None:
        out = self._notes if self._notes is not None else sys.stderr
        out.write(f"micropython-compat: {text}\n")
        out.flush()

    def _board_options(self) -> dict[str, Any]:
        given = self.flash is not None or self.sd is not None or self.virtual_clock or self.record
        if self.board is not None and not isinstance(self.board, (str, os.PathLike)):
            if given:
                raise RunError(
                    "--flash, --sd, --virtual-clock and --record can't change a ready board"
                )
            return {}
        options: dict[str, Any] = {}
        if self.flash is not None:
            options["flash"] = self.flash
        if self.sd is not None:
            options["sd"] = self.sd
        spec, _ = _board.planned_choice(self.board)
        sim = _board.backend_of(spec) == "sim"
        for wanted, option in ((self.virtual_clock, "--virtual-clock"), (self.record, "--record")):
            if wanted and not sim:
                raise RunError(f"{option} needs the simulated board, not {spec!r}")
        if sim:
            options["record"] = self.record
        if self.virtual_clock:
            options["clock"] = "virtual"
        return options

    def _start(self) -> Runtime:
        if self.script is not None and not self.script.is_file():
            raise RunError(f"can't open file '{self.script}': no such file")
        _board.use_board(self.board, **self._board_options())
        install()
        runtime = _board.current_runtime()
        self._adopt(runtime)
        return runtime

    def _adopt(self, runtime: Runtime) -> None:
        """Take ``runtime``'s board as the one the program runs on (its folders are the
        program's; a boot gets the default flash files)."""
        flash = runtime.board.storage.flash
        prepare_flash(flash)
        self._native = native_emitter(runtime.board)
        self._device_dirs = [os.path.realpath(flash)]
        if runtime.board.storage.sd is not None:
            self._device_dirs.append(os.path.realpath(runtime.board.storage.sd))
        if self.script is not None:
            self._device_dirs.append(os.path.realpath(self.script.parent))

    @contextmanager
    def on_active_board(self) -> Iterator[Runtime]:
        """The program's environment (plain names, device paths, ``const``) on the board that
        is already active, for the ``with`` block only; this runner neither chooses nor
        releases that board, and ``install()`` is not called, so nothing of CPython's is
        changed afterwards. For a caller that owns the board, such as a test
        (``micropython_compat.testing``). Use ``boot()`` and ``load_module()`` inside.

        Raises ``RunError`` when no board is active or the script is missing.
        """
        runtime = _board.active_runtime()
        if runtime is None or runtime.closed:
            raise RunError("no board is active")
        if self.script is not None and not self.script.is_file():
            raise RunError(f"can't open file '{self.script}': no such file")
        self._adopt(runtime)
        with self._environment(runtime):
            yield runtime

    def boot(self, runtime: Runtime) -> int:
        """Inside ``on_active_board()``: run the program to its end, restarting it after
        resets and deep sleep wakes as ``run()`` does; return the exit status."""
        return self._loop(runtime)

    def load_module(self, path: Path, name: str) -> types.ModuleType:
        """Inside ``on_active_board()``: run the program's file ``path`` as a fresh module
        ``name`` (never put in ``sys.modules``) and return it. Raises what the code raises."""
        module = types.ModuleType(name)
        module.__file__ = str(path)
        self.device_namespace(vars(module))
        self.add_device_name(str(path))
        exec(self.compile(path.read_bytes(), str(path)), vars(module))
        return module

    # -- what counts as the program --------------------------------------------------------
    def is_device_code(self, filename: str) -> bool:
        """Whether ``filename`` (a code object's) is the program's: the script, ``boot.py``,
        ``main.py`` or a module imported from the program's folders."""
        verdict = self._verdicts.get(filename)
        if verdict is None:
            verdict = filename in self._device_names or self._in_device_dirs(filename)
            self._verdicts[filename] = verdict
        return verdict

    def _in_device_dirs(self, filename: str) -> bool:
        if filename.startswith(_DEVICE_PREFIXES):
            return True
        if not os.path.isabs(filename):
            return False
        real = os.path.realpath(filename)
        if real.startswith(str(_LIBRARY_ROOT) + os.sep):
            return False
        return any(real.startswith(folder + os.sep) for folder in self._device_dirs)

    def _forget_device_modules(self) -> None:
        """Drop the program's imported modules (a reset starts with none imported)."""
        for name, module in list(sys.modules.items()):
            filename = getattr(module, "__file__", None)
            if isinstance(filename, str) and self.is_device_code(filename):
                del sys.modules[name]

    @contextmanager
    def _environment(self, runtime: Runtime) -> Iterator[None]:
        global _active
        front = [filesystem.FLASH, filesystem.FLASH + "/lib"]
        if self.script is not None:
            front.insert(0, str(self.script.resolve().parent))
        saved_path = list(sys.path)
        sys.path[:0] = front
        sys.path_hooks.insert(0, _device_path_hook)
        saved_active, _active = _active, self
        self._program_entries = frozenset(front)
        _forget_device_finders()
        self._plain_names = _PlainNames(self.is_device_code, front)
        self._builtins = self._make_builtins(self._plain_names)
        saved_import = builtins.__import__
        builtins.__import__ = self._plain_names.import_
        try:
            with filesystem.patched(self.is_device_code):
                yield
        finally:
            if builtins.__import__ == self._plain_names.import_:
                builtins.__import__ = saved_import
            sys.path[:] = saved_path
            sys.path_hooks.remove(_device_path_hook)
            _forget_device_finders()
            self._forget_device_modules()
            _active = saved_active

    def _make_builtins(self, plain_names: _PlainNames) -> types.ModuleType:
        """The builtins of the program's code: CPython's, with the device's ``const``,
        ``execfile``, ``open`` and ``bytearray``, and imports that follow the device's
        rules (``_PlainNames``); nothing else in the process sees them."""
        module = types.ModuleType("builtins", builtins.__doc__)
        table = vars(module)
        table.update(vars(builtins))
        table.update(
            {
                "const": _const,
                "execfile": self._execfile,
                "open": filesystem.device_open,
                "bytearray": DeviceBytearray,
                "__import__": plain_names.import_,
                devicecode.BYTES_FORMAT_NAME: bytes_format,
            }
        )
        plain_names.builtins = module
        return module

    @property
    def device_builtins(self) -> types.ModuleType | None:
        """The builtins module the program's code runs with (``None`` outside a run)."""
        return self._builtins

    def device_namespace(self, namespace: dict[str, Any] | None = None) -> dict[str, Any]:
        """``namespace`` (default: a fresh ``__main__`` one) with the program's builtins."""
        if namespace is None:
            namespace = {"__name__": "__main__"}
        namespace["__builtins__"] = self._builtins if self._builtins is not None else builtins
        return namespace

    def compile(self, source: str | bytes, filename: str, mode: str = "exec") -> types.CodeType:
        """Compile the program's code as the board's firmware would (``devicecode``).

        Raises ``SyntaxError`` (CPython's or the device's) and ``ValueError``."""
        return devicecode.compile_source(source, filename, mode, native=self._native)

    def _execfile(self, filename: Any, globals: Any = None, locals: Any = None) -> None:
        """The device's ``execfile(filename[, globals[, locals]])``: run a file from the
        device's file system in the caller's globals (or the ones given).

        Raises ``OSError(ENOENT)`` for a missing file, ``SyntaxError`` and what the code
        raises."""
        if globals is None:
            globals = sys._getframe(1).f_globals
        if locals is None:
            locals = globals
        name = filesystem.as_text(filename)
        with filesystem.current().open(name, "rb") as file:
            source = file.read()
        self.add_device_name(name)
        exec(self.compile(source, name), globals, locals)

    # -- running -----------------------------------------------------------------------------
    def run(self) -> int:
        """Run the program to its end; return the exit status.

        Raises ``RunError``, ``BoardUnavailable`` or ``BoardDescriptionError`` when the run
        can't start.
        """
        with sigterm_ends_the_run():
            try:
                runtime = self._start()
                with self._environment(runtime):
                    return self._loop(runtime)
            except KeyboardInterrupt:
                return EXIT_INTERRUPTED
            except Terminated:
                return EXIT_TERMINATED
            finally:
                _board.release_board()

    def _loop(self, runtime: Runtime) -> int:
        while True:
            outcome = self._boot()
            while isinstance(outcome, DeepSleep):
                try:
                    if not self._sleep_until_woken(runtime):
                        self._note("deep sleep with no wake source left: the board sleeps on")
                        return EXIT_OK
                    break
                except ResetRequest as request:  # a watchdog, say, while asleep
                    outcome = request
            if isinstance(outcome, int):
                return outcome
            if self.resets >= self.max_resets:
                self._note(f"stopped after {self.resets} resets (--max-resets {self.max_resets})")
                return EXIT_ERROR
            self.resets += 1
            runtime = self._restart(runtime, outcome)

    def _restart(self, runtime: Runtime, request: ResetRequest) -> Runtime:
        wake = runtime.wake_reason if isinstance(request, DeepSleep) else PWRON_WAKE
        if isinstance(request, SoftReset):
            print("PYB: soft reboot", flush=True)
        else:
            self._note(f"{type(request).__name__}: restarting the program")
        self._forget_device_modules()
        _forget_device_finders()
        if self._plain_names is not None:
            self._plain_names.forget()
        runtime = _board.reset_board(request.cause, wake)
        prepare_flash(runtime.board.storage.flash)  # the boot writes what a formatted one lacks
        return runtime

    def add_device_name(self, filename: str) -> None:
        """Count code compiled under ``filename`` (``'<stdin>'``, say) as the program's."""
        self._device_names.add(filename)
        self._verdicts.pop(filename, None)

    def _boot(
        self, namespace: dict[str, Any] | None = None, *, run_main: bool = True
    ) -> int | ResetRequest:
        """Run the program once: the script, or boot.py then the main file (``run_main``
        false: boot.py only, as the device does when it boots into the raw REPL), with
        ``namespace`` (default: a fresh one) as their globals."""
        namespace = self.device_namespace(namespace)
        import wipy

        wipy._start_if_enabled()  # the device's heartbeat LED blinks from boot
        try:
            if self.script is not None:
                return self._execute(self.script, str(self.script), namespace)
            status = self._execute_device_file("boot.py", namespace)
            if not run_main:
                return status
            main_file = _board.current_runtime().main_file
            return self._execute_device_file(main_file, namespace) or status
        except ResetRequest as request:
            return request
        except _ProgramEnd as end:
            return end.status

    def _execute_device_file(self, name: str, namespace: dict[str, Any]) -> int:
        try:
            path = filesystem.current().host_path(name)
        except OSError:
            path = None
        if path is None or not path.is_file():
            print(f"could not open file '{name}' for reading", flush=True)
            return EXIT_ERROR
        return self._execute(path, name, namespace)

    def _execute(self, path: Path, shown_as: str, namespace: dict[str, Any]) -> int:
        """Run one file in ``namespace``; 0, or 1 after printing an uncaught exception.

        Raises ``ResetRequest`` (resets, deep sleep), ``_ProgramEnd`` (``sys.exit``) and
        ``KeyboardInterrupt``.
        """
        self._device_names.add(shown_as)
        self._verdicts.pop(shown_as, None)
        source = path.read_bytes()
        try:
            code = self.compile(source, shown_as)
        except (SyntaxError, ValueError) as exc:
            print(format_compile_error(exc, shown_as), end="", flush=True)
            return EXIT_ERROR
        try:
            exec(code, namespace)
        except SystemExit as exc:
            raise _ProgramEnd(_exit_status(exc.code)) from None
        except Exception as exc:
            print_exception(self._own_frames(exc), sys.stdout)
            return EXIT_ERROR
        return EXIT_OK

    def _own_frames(self, exc: BaseException) -> BaseException:
        """``exc`` with a traceback of the program's frames only (as the device shows it)."""
        frames: list[types.TracebackType] = []
        tb = exc.__traceback__
        while tb is not None:
            if self.is_device_code(tb.tb_frame.f_code.co_filename):
                frames.append(tb)
            tb = tb.tb_next
        rebuilt: types.TracebackType | None = None
        for frame in reversed(frames):
            rebuilt = types.TracebackType(rebuilt, frame.tb_frame, frame.tb_lasti, frame.tb_lineno)
        return exc.with_traceback(rebuilt)

    def _sleep_until_woken(self, runtime: Runtime) -> bool:
        """Deep sleep: wait for a wake source with no handler running; false if none can."""
        runtime.dispatcher.close()
        runtime.woken.clear()
        clock = runtime.board.clock
        if isinstance(clock, VirtualClock):
            for _ in range(_DEEPSLEEP_MAX_ALARMS):
                if runtime.woken.is_set():
                    return True
                deadline = clock.next_deadline_ns()
                if deadline is None:
                    return False
                clock.advance_to_ns(deadline)
            return runtime.woken.is_set()
        self._note("deep sleep: waiting for a wake source (Ctrl-C ends the run)")
        while not runtime.woken.wait(_REALTIME_POLL_S):
            pass
        return True


class _PlainNames:
    """The ``__import__`` of a run: the program's imports follow the device's rules.

    An import of a top-level name made by the program's own code gets, in this order:
    ``builtins`` (the program's builtins module); this library's module for a name it provides
    (``micropython``, ``uos``, ...: built into the firmware, so nothing installed beside this
    library replaces them; ``machine`` is a weak link a program module may replace); the
    program's own module of that name when one of its folders (``program_path``) has it, even
    when CPython has a module of that name (``random``: the program's stays out of
    ``sys.modules``, where CPython's stays); for a name in ``PLAIN_NAMES`` (``import os``) the
    device module (``uos``), or CPython's where no u-module exists. Code that is not the
    program's (the standard library, other packages) never gets a program module that shadows
    a module found elsewhere on ``sys.path``: the program's ``json.py`` is for the program
    only."""

    def __init__(self, is_device_code: Any, program_path: list[str]) -> None:
        self._is_device_code = is_device_code
        self._program_path = list(program_path)
        self._program_real = {os.path.realpath(entry) for entry in program_path}
        self._chosen: dict[str, types.ModuleType | None] = {}
        self._host_checked: set[str] = set()
        self._lock = threading.RLock()
        self._original = builtins.__import__
        self.builtins: types.ModuleType | None = None

    def forget(self) -> None:
        """Choose afresh (after a reset the program's modules are imported again)."""
        with self._lock:
            self._chosen.clear()
            self._host_checked.clear()

    def import_(
        self,
        name: str,
        globals: Any = None,
        locals: Any = None,
        fromlist: Any = (),
        level: int = 0,
    ) -> types.ModuleType:
        if level == 0:
            top = name.partition(".")[0]
            caller = sys._getframe(1).f_code.co_filename
            if self._is_device_code(caller):
                if "." not in name:
                    module = self._device_module(name)
                    if module is not None:
                        return module
            elif top not in sys.modules:
                self._keep_host_module(top)
        result: types.ModuleType = self._original(name, globals, locals, fromlist, level)
        return result

    def _device_module(self, name: str) -> types.ModuleType | None:
        """What the program's ``import name`` gets; ``None``: the normal import."""
        if name == "builtins" and self.builtins is not None:
            return self.builtins
        with self._lock:
            if name in self._chosen:
                return self._chosen[name]
            module = (
                self._library_module(name)
                or self._program_module(name)
                or (self._u_module(name) if name in PLAIN_NAMES else None)
                or flavoured_module(name)  # gc, sys: with MicroPython's additions
            )
            self._chosen[name] = module
            return module

    @staticmethod
    def _library_module(name: str) -> types.ModuleType | None:
        """This library's own module ``name`` (not a weak link), even when another package
        has put a module of that name in ``sys.modules``."""
        if name in _WEAK_LINKS or name == "micropython_compat":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, [str(_LIBRARY_ROOT)])
        if spec is None or spec.loader is None:
            return None
        loaded = sys.modules.get(name)
        if loaded is None:
            found = importlib.util.find_spec(name)
            if found is not None and found.origin == spec.origin:
                return importlib.import_module(name)
        elif getattr(getattr(loaded, "__spec__", None), "origin", None) == spec.origin:
            return loaded
        module = importlib.util.module_from_spec(spec)  # the other package keeps its own
        spec.loader.exec_module(module)
        return module

    def _program_module(self, name: str) -> types.ModuleType | None:
        """The program's own module ``name``: kept out of ``sys.modules`` when CPython has a
        module of that name (imported or importable from outside the program's folders);
        ``None`` when the program has none or the normal import would give the program's."""
        spec = importlib.machinery.PathFinder.find_spec(name, self._program_path)
        if spec is None or spec.loader is None:
            return None
        loaded = sys.modules.get(name)
        if getattr(getattr(loaded, "__spec__", None), "origin", None) == spec.origin:
            return loaded
        if loaded is None and not self._host_has(name):
            return None  # only the program has it: the normal import finds the program's
        module = importlib.util.module_from_spec(spec)
        self._chosen[name] = module  # a module importing itself gets itself
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del self._chosen[name]
            raise
        return module

    def _elsewhere(self) -> list[str]:
        """``sys.path`` without the program's folders."""
        return [
            entry
            for entry in sys.path
            if isinstance(entry, str)
            and entry not in self._program_path
            and os.path.realpath(entry or ".") not in self._program_real
        ]

    def _host_has(self, name: str) -> bool:
        """Whether CPython has a module ``name`` outside the program's folders."""
        if name in sys.builtin_module_names:
            return True
        return importlib.machinery.PathFinder.find_spec(name, self._elsewhere()) is not None

    def _keep_host_module(self, top: str) -> None:
        """Import ``top`` for code that is not the program's from outside the program's
        folders when a program module of that name would shadow it."""
        with self._lock:
            if top in self._host_checked or top in sys.modules:
                return
            self._host_checked.add(top)
            if importlib.machinery.PathFinder.find_spec(top, self._program_path) is None:
                return
            spec = importlib.machinery.PathFinder.find_spec(top, self._elsewhere())
            if spec is None or spec.loader is None:
                return  # only the program has it: the normal import finds the program's
            module = importlib.util.module_from_spec(spec)
            sys.modules[top] = module
            try:
                spec.loader.exec_module(module)
            except BaseException:
                sys.modules.pop(top, None)
                raise

    @staticmethod
    def _u_module(name: str) -> types.ModuleType | None:
        u_name = PLAIN_NAMES[name]
        try:
            return importlib.import_module(u_name)
        except ModuleNotFoundError as exc:
            if exc.name != u_name:
                raise
            return None


class _DeviceModuleLoader(importlib.machinery.SourceFileLoader):
    """Loads a module of the program: compiled as the firmware compiles
    (``devicecode``) under its device path (``/flash/lib/x.py``, as tracebacks show it on the
    device, and its ``__file__``), run with the program's builtins, never cached in a
    ``__pycache__`` folder on the flash."""

    def _shown_as(self, path: str) -> str:
        try:
            return filesystem.current().device_path(path) or path
        except Exception:  # no board any more: the host path
            return path

    def get_code(self, fullname: str) -> types.CodeType:
        path = self.get_filename(fullname)
        source = self.get_data(path)
        shown_as = self._shown_as(path)
        runner = _active
        if runner is None:
            code: types.CodeType = compile(source, shown_as, "exec", dont_inherit=True)
            return code
        return runner.compile(source, shown_as)

    def exec_module(self, module: types.ModuleType) -> None:
        runner = _active
        if runner is not None and runner.device_builtins is not None:
            module.__builtins__ = runner.device_builtins  # type: ignore[attr-defined]
        path = getattr(module, "__file__", None)
        if isinstance(path, str):
            module.__file__ = self._shown_as(path)
        super().exec_module(module)


def _device_path_hook(entry: str) -> importlib.abc.PathEntryFinder:
    """``sys.path`` entries of the program (device folders such as ``/flash/lib``, which
    import from the host folder behind them, and the script's folder) load modules as the
    program's; ``ImportError`` (not mine) for every other entry."""
    if not isinstance(entry, str):
        raise ImportError("not a device path")
    if entry.startswith(_DEVICE_ENTRIES):
        try:
            host_dir = str(filesystem.current().host_path(entry))
        except OSError:
            raise ImportError("not a device path") from None
    elif _active is not None and entry in _active._program_entries:
        host_dir = entry
    else:
        raise ImportError("not a device path")
    suffixes = importlib.machinery.SOURCE_SUFFIXES
    return importlib.machinery.FileFinder(host_dir, (_DeviceModuleLoader, suffixes))


def _forget_device_finders() -> None:
    """Forget the finders of the program's folders (after a reset the mounts start
    afresh; after the run they are ordinary folders again)."""
    program = _active._program_entries if _active is not None else frozenset()
    for entry in list(sys.path_importer_cache):
        if entry.startswith(_DEVICE_ENTRIES) or entry in program:
            del sys.path_importer_cache[entry]


def _const(value: Any) -> Any:
    """``const(x)``: MicroPython's compile-time constant marker; here it returns ``x``."""
    return value


def _exit_status(code: object) -> int:
    """The exit status ``sys.exit(code)`` gives, as CPython computes it."""
    if code is None:
        return EXIT_OK
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr, flush=True)
    return EXIT_ERROR


def run(
    script: str | os.PathLike[str] | None = None,
    *,
    board: BoardArg = None,
    flash: str | os.PathLike[str] | None = None,
    sd: str | os.PathLike[str] | None = None,
    virtual_clock: bool = False,
    max_resets: int = 100,
    notes: TextIO | None = None,
    record: bool = False,
) -> int:
    """Run a program (see the module docstring); return its exit status.

    Raises ``RunError``, ``BoardUnavailable`` or ``BoardDescriptionError`` when it can't start.
    """
    return Runner(
        script,
        board=board,
        flash=flash,
        sd=sd,
        virtual_clock=virtual_clock,
        max_resets=max_resets,
        notes=notes,
        record=record,
    ).run()
