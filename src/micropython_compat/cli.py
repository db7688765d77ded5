"""The ``micropython-compat`` command.

    micropython-compat run [--flash DIR] [--sd DIR] [--board FILE|NAME|sim|linux] [--virtual-clock]
                           [--max-resets N] [--record] [SCRIPT]
    micropython-compat repl [--flash DIR] [--sd DIR] [--board FILE|NAME|sim|linux] [--virtual-clock]
                            [--uart N | --pty [--pty-link PATH]] [--baudrate N]
    micropython-compat boards
    micropython-compat --version
    micropython-compat -v COMMAND ...        (says on stderr which speed is in use)

``run`` runs a script, or the WiPy boot sequence from a flash folder (see
``micropython_compat.runner`` for what a run does and its exit statuses). ``repl`` boots the
same way, then serves MicroPython's REPL on the terminal, or on a board UART (``--pty``: the
simulated UART bridged to a host pty; see ``micropython_compat.repl``). ``boards`` lists the
built-in board descriptions and backends, and says which board would be chosen, and why.
A problem that keeps a run from starting (no such script, a board that can't load, a bad board
description) is one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import board as _board
from . import description
from ._version import __version__, build_description
from .errors import MicroPythonCompatError
from .runner import EXIT_OK, EXIT_USAGE, run

__all__ = ["main"]

PROG = "micropython-compat"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Run MicroPython 1.8.5 (WiPy) programs on CPython.",
    )
    parser.add_argument(
        "--version", action="version", version=f"{PROG} {__version__} ({build_description()})"
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="say on stderr whether the C fast path is loaded before running the command",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    run_cmd = commands.add_parser(
        "run",
        help="run a script, or boot.py then main.py from a flash folder",
        description=(
            "Run SCRIPT, or without one the WiPy boot sequence (boot.py, then main.py or the "
            "file machine.main() names) from the flash folder. Exit status: 0 when the program "
            "ends, 1 after an uncaught exception, the code given to sys.exit(), 2 when the run "
            "can't start, 130 on Ctrl-C."
        ),
    )
    run_cmd.add_argument("script", nargs="?", metavar="SCRIPT", help="the program to run")
    _add_board_options(run_cmd)
    run_cmd.add_argument(
        "--max-resets",
        type=int,
        default=100,
        metavar="N",
        help="stop after N restarts (resets, deep sleep wakes); default 100",
    )
    run_cmd.add_argument(
        "--record",
        action="store_true",
        help="keep a history of the simulated pins' level changes (bounded; off by default)",
    )

    repl_cmd = commands.add_parser(
        "repl",
        help="boot, then serve the MicroPython REPL (terminal, or a UART / pty)",
        description=(
            "Boot (boot.py, main.py from the flash folder), then serve the WiPy's REPL: "
            "friendly, paste (Ctrl-E) and raw (Ctrl-A) modes, Ctrl-D soft reset. On a "
            "terminal Ctrl-] leaves; with --uart/--pty it serves until Ctrl-C. Exit status: "
            "0 at the end of input, 2 when it can't start, 130 on Ctrl-C."
        ),
    )
    _add_board_options(repl_cmd)
    where = repl_cmd.add_mutually_exclusive_group()
    where.add_argument(
        "--uart", type=int, metavar="N", help="serve on board UART N (115200 baud) instead"
    )
    where.add_argument(
        "--pty",
        action="store_true",
        help="serve on the simulated UART 0 bridged to a host pty (its path goes to stderr)",
    )
    repl_cmd.add_argument(
        "--baudrate",
        type=int,
        default=115200,
        metavar="N",
        help="the REPL UART's line rate with --uart/--pty (default 115200, as on the WiPy); "
        "a pty bridge paces its output at this rate",
    )
    repl_cmd.add_argument(
        "--pty-link",
        metavar="PATH",
        help="with --pty: make PATH a symbolic link to the pty (a stable name for scripts "
        "and serial tools; an older link there is replaced, and removed at the end)",
    )

    commands.add_parser("boards", help="list the boards and say which one would be chosen")
    return parser


def _add_board_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--flash", metavar="DIR", help="host folder behind /flash")
    command.add_argument("--sd", metavar="DIR", help="host folder behind /sd")
    command.add_argument(
        "--board",
        metavar="FILE|NAME|sim|linux",
        help="the board: 'sim', 'linux', a built-in description's name (e.g. wipy-test-rig) "
        "or a board description file (default: chosen as 'micropython-compat boards' shows)",
    )
    command.add_argument(
        "--virtual-clock",
        action="store_true",
        help="run the simulated board on a virtual clock: sleeps take no time",
    )


def _boards() -> int:
    print('Built-in board descriptions (--board NAME, or extends = "NAME" in a board file):')
    for name in description.builtin_names():
        desc = description.load_builtin(name)
        print(f"  {name:<10} {desc.name} ({desc.mcu}), {len(desc.pins)} pins")
    print("Backends: " + ", ".join(_board.backend_names()))
    print(f"Speed: {build_description()}")
    spec, reason = _board.planned_choice()
    print(f"Board that would be chosen: {spec} ({reason})")
    print(f"Choose another with --board or {_board.ENV_VAR}=sim|linux|NAME|FILE.")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.verbose:
        print(f"{PROG}: {build_description()}", file=sys.stderr)
    try:
        if args.command == "boards":
            return _boards()
        if args.command == "run":
            if args.max_resets < 0:
                parser.error("--max-resets must be 0 or more")
            return run(
                args.script,
                board=args.board,
                flash=args.flash,
                sd=args.sd,
                virtual_clock=args.virtual_clock,
                max_resets=args.max_resets,
                record=args.record,
            )
        if args.command == "repl":
            from .repl import repl

            if args.baudrate <= 0:
                parser.error("--baudrate must be more than 0")
            if args.pty_link is not None and not args.pty:
                parser.error("--pty-link needs --pty")
            return repl(
                uart=args.uart,
                pty=args.pty,
                baudrate=args.baudrate,
                pty_link=args.pty_link,
                board=args.board,
                flash=args.flash,
                sd=args.sd,
                virtual_clock=args.virtual_clock,
            )
    except MicroPythonCompatError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    parser.print_help(sys.stderr)
    return EXIT_USAGE
