#!/bin/sh
# Runs the tests against a real Secret Service (tests/cli/keyring.rs; `#[ignore]`d in a plain
# `cargo test`, which must neither need a session bus nor touch the developer's own keyring):
# inside a private D-Bus session with a fresh GNOME Keyring, unlocked by an empty password,
# whose files live in a throw-away directory. Arguments go to the test binary
# (e.g. `tests/keyring/run.sh --nocapture`).
#
# Needs dbus-run-session, gnome-keyring-daemon and secret-tool; on Debian or Ubuntu:
#   apt-get install -y gnome-keyring dbus libsecret-tools dbus-x11
set -eu
cd "$(dirname "$0")/../.."

for tool in dbus-run-session gnome-keyring-daemon secret-tool; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "tests/keyring/run.sh: $tool is missing; install it with: apt-get install -y gnome-keyring dbus libsecret-tools dbus-x11" >&2
    exit 1
  fi
done

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT INT TERM
mkdir -m 700 "$scratch/run"

# The daemon gets the throw-away home (its keyring files, its control socket); cargo keeps the
# real one, where its toolchain is. The marker tells the tests they are in such a session.
# The script in single quotes is expanded by the inner shell, on purpose.
# shellcheck disable=SC2016
ORQEX_TEST_PRIVATE_KEYRING=1 KEYRING_HOME="$scratch" dbus-run-session -- sh -c '
  printf "\n" | HOME="$KEYRING_HOME" XDG_DATA_HOME="$KEYRING_HOME/data" \
    XDG_RUNTIME_DIR="$KEYRING_HOME/run" gnome-keyring-daemon --unlock --components=secrets >/dev/null
  exec cargo test --locked --test cli keyring:: -- --include-ignored "$@"
' sh "$@"
