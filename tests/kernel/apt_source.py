"""Print the Debian archive this machine's apt is configured with: ``URI KEYRING``.

Used by build-image.sh so that no mirror host name is written into the project: the image is
built from whatever Debian mirror this machine already uses. Reads ``/etc/apt/sources.list``,
``/etc/apt/sources.list.d/*.list`` (one-line format) and ``*.sources`` (deb822 format), and
picks the first ``deb`` entry whose suites include the given release (default: this machine's
``VERSION_CODENAME``; the security archive, whose suite is ``<release>-security``, never
matches) with the ``main`` component. Exits 1 with a message when none is found.

Run: ``python3 apt_source.py [--release bookworm] [--root /]``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

DEFAULT_KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg"


def os_codename(root: Path) -> str:
    """``VERSION_CODENAME`` from os-release, or "" when absent."""
    for line in (root / "etc/os-release").read_text(errors="replace").splitlines():
        key, _, value = line.partition("=")
        if key == "VERSION_CODENAME":
            return value.strip().strip('"')
    return ""


def one_line_entries(text: str) -> list[tuple[str, list[str], list[str], str]]:
    """(uri, suites, components, keyring) for each ``deb`` line of a sources.list file."""
    entries = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line.startswith("deb "):
            continue
        keyring = DEFAULT_KEYRING
        rest = line[4:].strip()
        if rest.startswith("["):
            options, _, rest = rest[1:].partition("]")
            for option in options.split():
                name, _, value = option.partition("=")
                if name == "signed-by":
                    keyring = value
        fields = rest.split()
        if len(fields) >= 3:
            entries.append((fields[0], [fields[1]], fields[2:], keyring))
    return entries


def deb822_entries(text: str) -> list[tuple[str, list[str], list[str], str]]:
    """(uri, suites, components, keyring) for each ``Types: deb`` stanza of a .sources file."""
    entries = []
    for stanza in text.split("\n\n"):
        fields: dict[str, str] = {}
        last = ""
        for raw in stanza.splitlines():
            if raw.startswith("#") or not raw.strip():
                continue
            if raw[0] in " \t" and last:
                fields[last] += " " + raw.strip()
                continue
            name, _, value = raw.partition(":")
            last = name.strip().lower()
            fields[last] = value.strip()
        if "deb" not in fields.get("types", "").split():
            continue
        if fields.get("enabled", "yes").lower() == "no":
            continue
        keyring = fields.get("signed-by", DEFAULT_KEYRING)
        if not keyring.startswith("/"):  # an inline key block: fall back to the archive keyring
            keyring = DEFAULT_KEYRING
        for uri in fields.get("uris", "").split():
            entries.append(
                (
                    uri,
                    fields.get("suites", "").split(),
                    fields.get("components", "").split(),
                    keyring,
                )
            )
    return entries


def find_archive(root: Path, release: str) -> tuple[str, str] | None:
    """The (uri, keyring) of the first entry serving ``release`` with ``main``."""
    apt = root / "etc/apt"
    files = [apt / "sources.list"]
    parts = apt / "sources.list.d"
    if parts.is_dir():
        files += sorted(p for p in parts.iterdir() if p.suffix in (".list", ".sources"))
    for path in files:
        if not path.is_file():
            continue
        text = path.read_text(errors="replace")
        parse = deb822_entries if path.suffix == ".sources" else one_line_entries
        for uri, suites, components, keyring in parse(text):
            if release in suites and "main" in components:
                return uri.rstrip("/"), keyring
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--release", default="", help="Debian release (default: this machine's)")
    parser.add_argument("--root", default="/", help="file system root to read apt config from")
    args = parser.parse_args()
    root = Path(args.root)
    release = args.release or os_codename(root)
    found = find_archive(root, release) if release else None
    if found is None:
        print(
            f"no apt source for Debian {release or '(unknown release)'} main in {root / 'etc/apt'}",
            file=sys.stderr,
        )
        return 1
    print(*found)
    return 0


if __name__ == "__main__":
    sys.exit(main())
