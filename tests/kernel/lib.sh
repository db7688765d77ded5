# Shell helpers shared by the emulated-kernel tiers (tests/kernel for x86 gpio-sim, tests/pi for
# an emulated Raspberry Pi 3B). Sourced, never run: build-image.sh and run.sh of each tier use it.
#
# Both:
#   tier_options SCRIPT "MODES" ARGS...   a run.sh's command line: --MODE for each of MODES
#                                  (sets MODE), --rebuild (REBUILD), --timeout S (VM_TIMEOUT),
#                                  -- ARGS (EXTRA), --help (SCRIPT's header comment)
# Build side (needs LOG set to the build log):
#   fail MSG                       print "image build failed: MSG" and exit 3
#   step WHAT TIMEOUT_S CMD...     run CMD into the log; on error fail naming WHAT and its error
#   debian_mirror RELEASE          set MIRROR and KEYRING from this machine's apt configuration
#   private_apt DIR LINE...        an apt configuration of its own in DIR whose sources are the
#                                  given sources.list lines; sets APT_OPTS (the host's sources,
#                                  lists and dpkg status are never touched)
#   depends_of PKG REGEX           the first dependency of PKG whose name matches REGEX
#   guest_modules SRC DST [--unxz] NAME...   copy kernel modules with their dependencies
#   pack_cpio ROOT OUT             an uncompressed newc cpio (gzip unpacks slowly under TCG)
# Run side:
#   cached_image CACHE KEY BUILD_SCRIPT [--rebuild]   the image directory for KEY in CACHE (set
#                                  as IMAGE), built by BUILD_SCRIPT OUT_DIR when missing; one
#                                  build at a time (a lock), older images removed
#   stage_tree ROOT DEST           the working tree's tracked and untracked files (not ignored
#                                  ones): what the run tests, never baked into an image
#   build_venv CACHE PY LOG PYPROJECT   a venv in CACHE (BUILDENV) with the project's build
#                                  requirements, made once: spares pip a build environment per run
#   start_uart_relay PY LOG READY TIMEOUT_S --pair NAME A B ...   tests/kernel/uart_relay.py
#                                  in the background (RELAY_PID), once it listens

KERNEL_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

tier_options() {
    local script=$1 modes=" $2 "
    shift 2
    while [ $# -gt 0 ]; do
        case "$1" in
            --rebuild) REBUILD=--rebuild ;;
            --timeout) VM_TIMEOUT=$2; shift ;;
            --) shift; EXTRA=("$@"); break ;;
            -h | --help) sed -n '2,/^set -uo/p' "$script" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
            --*) [[ "$modes" == *" ${1#--} "* ]] && MODE=${1#--} ||
                { echo "run.sh: unknown argument $1 (try --help)" >&2; exit 2; } ;;
            *) echo "run.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
        esac
        shift
    done
}

fail() {
    echo "image build failed: $*" >&2
    exit 3
}

step() {
    local what=$1 limit=$2 rc before why
    shift 2
    echo "-- $what" | tee -a "$LOG"
    before=$(wc -l <"$LOG")
    timeout --kill-after=10 "$limit" "$@" >>"$LOG" 2>&1
    rc=$?
    if [ "$rc" -ne 0 ]; then
        tail -n 15 "$LOG" | sed 's/^/   | /' >&2
        [ "$rc" -eq 124 ] && fail "$what: timed out after ${limit}s (log: $LOG)"
        why=$(tail -n "+$((before + 1))" "$LOG" | grep -E '^(E:|ERROR:|error:)|[Ee]rror:' | tail -n 1)
        fail "$what (exit $rc${why:+: $why}; log: $LOG)"
    fi
}

debian_mirror() {
    local release=$1
    read -r MIRROR KEYRING < <("${PY:-python3}" "$KERNEL_LIB_DIR/apt_source.py" --release "$release" \
        2>>"$LOG") || fail "no Debian $release source in this machine's apt configuration ($(tail -n1 "$LOG"))"
    [ -n "${MIRROR:-}" ] || fail "no Debian $release source in this machine's apt configuration"
    [ -r "$KEYRING" ] || KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
}

private_apt() {
    local dir=$1
    shift
    mkdir -p "$dir/etc/apt.conf.d" "$dir/etc/preferences.d" "$dir/etc/sources.list.d" \
        "$dir/lists/partial" "$dir/cache/archives/partial" || fail "cannot create $dir"
    printf '%s\n' "$@" >"$dir/etc/sources.list"
    : >"$dir/status"
    APT_OPTS=(-o "Dir::Etc=$dir/etc" -o "Dir::State::Lists=$dir/lists" -o "Dir::Cache=$dir/cache"
        -o "Dir::State::status=$dir/status" -o Debug::NoLocking=1 -o APT::Sandbox::User=root)
}

depends_of() {
    apt-cache "${APT_OPTS[@]}" show --no-all-versions "$1" 2>>"$LOG" |
        sed -n 's/^Depends: //p' | tr ',|' '\n\n' | sed 's/^ *//; s/ .*//' | grep -E -m1 "$2"
}

guest_modules() {
    "${PY:-python3}" "$KERNEL_LIB_DIR/kmods.py" "$@" >>"$LOG" 2>&1 ||
        fail "cannot copy kernel modules $* (log: $LOG)"
}

pack_cpio() {
    step "pack $(basename "$2")" 300 bash -c 'cd "$1" && find . -print0 | LC_ALL=C sort -z |
        cpio --null --create --format=newc --quiet >"$2"' _ "$1" "$2"
}

cached_image() {
    local cache=$1 key=$2 build=$3 rebuild=${4:-} old
    IMAGE="$cache/image-$key"
    mkdir -p "$cache" || fail "cannot create the cache directory $cache"
    exec 9>"$cache/.build-lock" # one build at a time; a second run waits for it, then reuses it
    flock -w 1800 9 || fail "another run has been building the image in $cache for 30 minutes"
    if [ "$rebuild" = --rebuild ] || [ ! -f "$IMAGE/image-info.txt" ]; then
        echo "== building the VM image in $IMAGE (a few minutes; cached afterwards)"
        bash "$build" "$IMAGE" || exit 3
        for old in "$cache"/image-*; do # keep only the image these scripts build
            [ "$old" = "$IMAGE" ] || [ "$old" = "$IMAGE.log" ] || rm -rf "$old"
        done
    else
        echo "== cached VM image: $IMAGE ($(du -sh "$IMAGE" | cut -f1))"
    fi
    flock -u 9
    # run directories left by runs that were killed (a live run's is younger than its timeout)
    find "$cache" -maxdepth 1 -name 'run.*' -mmin +120 -exec rm -rf {} + 2>/dev/null
    return 0
}

stage_tree() {
    local root=$1 dest=$2
    mkdir -p "$dest"
    if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        (cd "$root" && git ls-files -z -c -o --exclude-standard |
            tar --null --ignore-failed-read -T - -cf - 2>/dev/null) | tar -xf - -C "$dest"
    else
        tar -C "$root" --exclude=.git --exclude=.venv --exclude=build --exclude='*.so' \
            --exclude=__pycache__ -cf - . | tar -xf - -C "$dest"
    fi
}

build_venv() {
    local cache=$1 py=$2 log=$3 pyproject=$4 requires key
    # The project's own build requirements ([build-system] requires), so a venv made for older
    # ones (an older setuptools) is never reused: the folder's name carries their hash.
    requires=$("$py" -c 'import sys, tomllib
print("\n".join(tomllib.load(open(sys.argv[1], "rb"))["build-system"]["requires"]))' "$pyproject") ||
        fail "cannot read [build-system] requires from $pyproject"
    key=$(printf '%s' "$requires" | sha256sum | cut -c1-8)
    BUILDENV="$cache/buildenv-$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')-$key"
    if [ ! -x "$BUILDENV/bin/python" ]; then
        rm -rf "$cache"/buildenv-*
        # shellcheck disable=SC2086 # one requirement a line, none with spaces
        { timeout 120 "$py" -m venv "$BUILDENV" && timeout 300 "$BUILDENV/bin/python" -m pip install \
            --quiet --disable-pip-version-check $requires; } >"$log" 2>&1 ||
            { tail -n 5 "$log" >&2; rm -rf "$BUILDENV"; fail "cannot make the build venv $BUILDENV"; }
    fi
}

start_uart_relay() {
    local py=$1 log=$2 ready=$3 limit=$4
    shift 4
    "$py" "$KERNEL_LIB_DIR/uart_relay.py" "$@" --log "$log" --ready "$ready" --timeout "$limit" &
    RELAY_PID=$!
    for _ in $(seq 50); do [ -e "$ready" ] && return 0; sleep 0.1; done
    echo "FAIL: the UART relay did not start" >&2
    exit 1
}
