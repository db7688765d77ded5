"""Copy kernel modules with everything they depend on into a guest's module tree.

    python3 kmods.py SRC_MODULES_DIR DST_MODULES_DIR [--unxz] NAME...

SRC is an unpacked kernel's ``lib/modules/<version>`` with its ``modules.dep`` (run ``depmod -b``
first); each NAME (``i2c-dev`` or ``i2c_dev``) is copied with the modules it needs, keeping
their paths, plus ``modules.builtin*`` and ``modules.order`` so that ``depmod -b`` works on the
guest tree. ``--unxz`` stores them decompressed (``.ko``), for busybox ``insmod``, which takes
no ``.ko.xz``. Prints one ``module PATH`` line per copy; exits 1 naming an unknown module.
"""

from __future__ import annotations

import lzma
import shutil
import sys
from pathlib import Path


def closure(deps: dict[str, list[str]], wanted: list[str]) -> list[str]:
    """The paths of ``wanted`` and of every module they need, dependencies first."""
    by_name = {Path(p).name.split(".ko")[0].replace("-", "_"): p for p in deps}
    order: list[str] = []

    def visit(path: str) -> None:
        if path in order:
            return
        for dep in deps[path]:
            visit(dep)
        order.append(path)

    for name in wanted:
        key = name.replace("-", "_")
        if key not in by_name:
            raise SystemExit(f"kmods.py: no module {name!r} in modules.dep")
        visit(by_name[key])
    return order


def main(argv: list[str]) -> int:
    unxz = "--unxz" in argv
    args = [a for a in argv if a != "--unxz"]
    src, dst, wanted = Path(args[0]), Path(args[1]), args[2:]
    deps: dict[str, list[str]] = {}
    for line in (src / "modules.dep").read_text().splitlines():
        path, _, rest = line.partition(":")
        deps[path] = rest.split()
    for path in closure(deps, wanted):
        target = dst / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if unxz and path.endswith(".xz"):
            target = target.with_suffix("")
            target.write_bytes(lzma.decompress((src / path).read_bytes()))
        else:
            shutil.copy2(src / path, target)
        print("module", target.relative_to(dst))
    for name in ("modules.builtin", "modules.builtin.modinfo", "modules.order"):
        if (src / name).exists():
            shutil.copy2(src / name, dst / name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
