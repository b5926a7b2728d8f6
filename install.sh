#!/bin/sh
# Installs orqex from a release archive: no Rust, no root.
#
#   curl -fsSL <release download folder>/install.sh | sh
#   curl -fsSL <release download folder>/install.sh | sh -s -- --prefix /opt/orqex
#   sh install.sh [--prefix DIR] [--base URL] [--target TRIPLE]
#
# What it does:
#   1. Picks the archive for this machine: x86_64/aarch64-unknown-linux-musl (static) on
#      Linux, x86_64/aarch64-apple-darwin on macOS. --target or ORQEX_INSTALL_TARGET chooses
#      another one (any target an archive was built for).
#   2. Downloads BASE/orqex-<target>.tar.gz and BASE/orqex-<target>.tar.gz.sha256, where BASE
#      is the folder holding one release's files: --base URL, else ORQEX_INSTALL_BASE, else
#      DEFAULT_BASE below. The release workflow sets DEFAULT_BASE in the copy of this script
#      it attaches to a release, to that release's download folder, so that copy installs
#      that release. A checkout of the repository has no default: give a base. https://,
#      http:// and file:// bases work (curl, else wget; file:// without curl is copied).
#      To install another version, use the install.sh of that release, or its folder as the
#      base. The archive names carry no version, so the base alone chooses the version.
#      On Linux, when the folder has no musl archive but this machine's gnu one, that one is
#      installed; when it has neither, the archives it holds are named (file:// bases).
#   3. Checks the archive's SHA-256 against the .sha256 file before unpacking anything (the
#      line, as sha256sum writes it, must name this archive), and stops on a mismatch,
#      having installed nothing. Downloads go to a temporary folder that is always removed.
#      Only regular files are installed (an archive holding a link is refused), and the
#      binary only once `orqex --version` runs where it is installed.
#   4. Installs, creating folders as needed (each file is written beside its final place,
#      then renamed over it, so re-running upgrades in place, even while orqex runs):
#        binary       ~/.local/bin/orqex
#        bash         ${XDG_DATA_HOME:-~/.local/share}/bash-completion/completions/orqex
#        zsh          ${XDG_DATA_HOME:-~/.local/share}/zsh/site-functions/_orqex
#        fish         ${XDG_CONFIG_HOME:-~/.config}/fish/completions/orqex.fish
#        man pages    ${XDG_DATA_HOME:-~/.local/share}/man/man1/orqex*.1
#      With --prefix DIR: DIR/bin/orqex, DIR/share/bash-completion/completions/orqex,
#      DIR/share/zsh/site-functions/_orqex, DIR/share/fish/vendor_completions.d/orqex.fish,
#      DIR/share/man/man1/orqex*.1.
#   5. Says what it installed and, when the binary's folder is not on PATH, how to add it.
#      It never edits a shell start-up file.
#
# Messages go to stderr, prefixed `orqex-install: `. Exit status 0 when installed, 1 when not.

set -eu

# Set at release time by the release workflow (the release's download folder); empty here.
DEFAULT_BASE=""

say() { printf 'orqex-install: %s\n' "$*" >&2; }
die() {
  say "$*"
  exit 1
}
has() { command -v "$1" >/dev/null 2>&1; }

usage() {
  cat >&2 <<'EOF'
usage: install.sh [--prefix DIR] [--base URL] [--target TRIPLE]
  --prefix DIR     install under DIR (DIR/bin, DIR/share/...) instead of ~/.local/bin and
                   your user folders
  --base URL       folder holding the release files (also ORQEX_INSTALL_BASE)
  --target TRIPLE  archive to install, e.g. x86_64-unknown-linux-musl
                   (also ORQEX_INSTALL_TARGET; default: this machine's)
EOF
}

prefix=""
base="${ORQEX_INSTALL_BASE:-$DEFAULT_BASE}"
target="${ORQEX_INSTALL_TARGET:-}"
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix | --base | --target)
      if [ $# -lt 2 ] || [ -z "$2" ]; then die "$1 needs a value; see --help"; fi
      case "$1" in
        --prefix) prefix="$2" ;;
        --base) base="$2" ;;
        --target) target="$2" ;;
      esac
      shift 2
      ;;
    --prefix=*) prefix="${1#*=}"; shift ;;
    --base=*) base="${1#*=}"; shift ;;
    --target=*) target="${1#*=}"; shift ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown argument \`$1\`; see --help" ;;
  esac
done

[ -n "$base" ] || die "no download location: this install.sh has no default; pass --base URL or set ORQEX_INSTALL_BASE to the folder holding orqex-<target>.tar.gz"
base="${base%/}"
case "$base" in
  https://* | file://*) ;;
  http://*) say "note: $base is plain http: the checksum then guards against a broken download, not against tampering" ;;
  *) die "the base must be an https://, http:// or file:// URL, got \`$base\`" ;;
esac

# The archive for this machine.
fallback=""
if [ -z "$target" ]; then
  os="$(uname -s)"
  arch="$(uname -m)"
  case "$arch" in
    x86_64 | amd64) arch=x86_64 ;;
    aarch64 | arm64) arch=aarch64 ;;
    *) die "no prebuilt orqex for $os on $arch; build it from source with cargo (see the README)" ;;
  esac
  case "$os" in
    # musl (static) runs on any Linux; the gnu build of the same machine is the fallback
    # when a folder holds only that one (as package.sh makes on a glibc machine).
    Linux) target="$arch-unknown-linux-musl" fallback="$arch-unknown-linux-gnu" ;;
    Darwin)
      # A shell under Rosetta reports x86_64 on Apple silicon: install the native build.
      if [ "$arch" = x86_64 ] && [ "$(sysctl -n hw.optional.arm64 2>/dev/null || true)" = 1 ]; then
        arch=aarch64
      fi
      target="$arch-apple-darwin"
      ;;
    *) die "no prebuilt orqex for $os; on Windows download the .zip from the release, elsewhere build from source with cargo (see the README)" ;;
  esac
fi

# Where things go. XDG variables count only when absolute, as the specification says.
if [ -n "$prefix" ]; then
  case "$prefix" in
    /*) ;;
    *) prefix="$(pwd)/$prefix" ;;
  esac
  prefix="${prefix%/}"
  bin_dir="$prefix/bin"
  bash_dir="$prefix/share/bash-completion/completions"
  zsh_dir="$prefix/share/zsh/site-functions"
  fish_dir="$prefix/share/fish/vendor_completions.d"
  man_dir="$prefix/share/man/man1"
else
  [ -n "${HOME:-}" ] || die "HOME is not set; set it or pass --prefix DIR"
  data="$HOME/.local/share"
  case "${XDG_DATA_HOME:-}" in /*) data="$XDG_DATA_HOME" ;; esac
  config="$HOME/.config"
  case "${XDG_CONFIG_HOME:-}" in /*) config="$XDG_CONFIG_HOME" ;; esac
  bin_dir="$HOME/.local/bin"
  bash_dir="$data/bash-completion/completions"
  zsh_dir="$data/zsh/site-functions"
  fish_dir="$config/fish/completions"
  man_dir="$data/man/man1"
fi

has tar || die "tar is needed to unpack the archive"
if has sha256sum; then
  sha256() { sha256sum "$1" | cut -d ' ' -f 1; }
elif has shasum; then
  sha256() { shasum -a 256 "$1" | cut -d ' ' -f 1; }
elif has openssl; then
  sha256() { openssl dgst -sha256 -r "$1" | cut -d ' ' -f 1; }
else
  die "sha256sum, shasum or openssl is needed to check the download; nothing was installed"
fi

tmp="$(mktemp -d 2>/dev/null || mktemp -d -t orqex-install)" || die "cannot create a temporary folder"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# fetch URL FILE: one line naming the URL and the reason when it fails.
fetch() {
  case "$1" in
    https://*) curl_opts="--proto =https --proto-redir =https" ;;
    *) curl_opts="" ;;
  esac
  if has curl; then
    # shellcheck disable=SC2086 # $curl_opts is a list of words on purpose
    if ! err="$(curl -fsSL --retry 2 $curl_opts -o "$2" "$1" 2>&1)"; then
      die "cannot download $1: $(printf '%s' "$err" | tail -n 1 | sed 's/^curl: //')"
    fi
  else
    case "$1" in
      file://*)
        cp "${1#file://}" "$2" 2>/dev/null || die "cannot download $1: no such file"
        ;;
      *)
        has wget || die "curl or wget is needed to download $1"
        wget -q -O "$2" "$1" || die "cannot download $1 (wget failed with status $?)"
        ;;
    esac
  fi
}

# exists URL: whether URL can be fetched (a HEAD request; for file://, the file is there).
exists() {
  case "$1" in
    file://*) [ -f "${1#file://}" ] ;;
    *)
      if has curl; then
        curl -fsIL --retry 2 -o /dev/null "$1" 2>/dev/null
      else
        wget -q --spider "$1" 2>/dev/null
      fi
      ;;
  esac
}

# The default archive may be missing from a folder that holds this machine's other build:
# use that one, saying so; else name the archives there are (a file:// folder can be
# listed) and the flag that picks one.
if [ -n "$fallback" ] && ! exists "$base/orqex-$target.tar.gz"; then
  if exists "$base/orqex-$fallback.tar.gz"; then
    say "no orqex-$target.tar.gz at $base; installing orqex-$fallback.tar.gz, this machine's other build"
    target="$fallback"
  else
    there=""
    case "$base" in
      file://*)
        for f in "${base#file://}"/orqex-*.tar.gz; do
          [ -f "$f" ] || continue
          t="${f##*/orqex-}"
          t="${t%.tar.gz}"
          # Versioned copies (orqex-1.2.3-<target>) name the same archives again.
          case "$t" in [0-9]*) continue ;; esac
          there="$there${there:+, }$t"
        done
        ;;
    esac
    if [ -n "$there" ]; then
      die "no orqex-$target.tar.gz nor orqex-$fallback.tar.gz at $base; it holds archives for: $there; pick one with --target TRIPLE"
    fi
    die "no orqex-$target.tar.gz nor orqex-$fallback.tar.gz at $base; check the base, or pick an archive with --target TRIPLE"
  fi
fi

archive="orqex-$target.tar.gz"
say "downloading $base/$archive"
fetch "$base/$archive" "$tmp/$archive"
fetch "$base/$archive.sha256" "$tmp/$archive.sha256"

# The checksum line as sha256sum writes it: the hash, then the file's name after two spaces,
# a space and `*` (binary mode), or a tab. The name must be this archive's: a .sha256 of
# another file (or a bare hash, which names none) proves nothing about this one.
line="$(head -n 1 "$tmp/$archive.sha256" | tr -d '\r')"
expected="$(printf '%s' "$line" | sed 's/[[:space:]].*//' | tr 'A-F' 'a-f')"
named="$(printf '%s' "$line" | sed 's/^[^[:space:]]*[[:space:]]*//; s/^\*//')"
case "$expected" in
  *[!0-9a-f]* | "") die "$archive.sha256 does not hold a SHA-256; nothing was installed" ;;
esac
[ "${#expected}" -eq 64 ] || die "$archive.sha256 does not hold a SHA-256; nothing was installed"
[ "${named##*/}" = "$archive" ] ||
  die "$archive.sha256 names \`$(printf '%s' "$named" | tr -cd '[:print:]' | cut -c 1-100)\`, not $archive; nothing was installed"
actual="$(sha256 "$tmp/$archive")"
[ "$actual" = "$expected" ] ||
  die "checksum mismatch for $archive: expected $expected, got $actual; nothing was installed"

mkdir "$tmp/x"
tar -xozf "$tmp/$archive" -C "$tmp/x" || die "cannot unpack $archive; nothing was installed"
top=""
for d in "$tmp"/x/orqex-*/; do
  [ -d "$d" ] || continue
  [ -z "$top" ] || die "$archive holds more than one orqex-* folder; nothing was installed"
  top="${d%/}"
done
if [ -z "$top" ] || [ ! -f "$top/orqex" ]; then
  die "$archive does not hold orqex-<version>-<target>/orqex; nothing was installed"
fi
# Only regular files are installed: a link in an archive (named orqex, or a completion)
# would install whatever it points to, on this machine, as if it came from the release.
regular() { [ -f "$1" ] && [ ! -L "$1" ]; }
for f in "$top" "$top/orqex" "$top/completions" "$top"/completions/* "$top"/completions/man/*; do
  if [ -L "$f" ]; then
    die "$archive holds a link, ${f#"$tmp"/x/}, where a file should be; nothing was installed"
  fi
done
regular "$top/orqex" || die "$archive does not hold orqex-<version>-<target>/orqex as a file; nothing was installed"

# put SRC DIR NAME MODE: writes DIR/NAME through a temporary file beside it, then renames
# it over the old one, which a running orqex keeps until it exits.
put() {
  mkdir -p "$2" || die "cannot create $2"
  part="$2/.$3.part.$$"
  if ! cp "$1" "$part" 2>/dev/null || ! chmod "$4" "$part" || ! mv -f "$part" "$2/$3"; then
    rm -f "$part"
    die "cannot write $2/$3"
  fi
}

# The binary first, and only if it runs here, from where it is installed: a build for another
# machine (or libc), or a folder mounted noexec, is said at once with nothing installed, and
# an orqex installed before stays as it was.
mkdir -p "$bin_dir" || die "cannot create $bin_dir"
part="$bin_dir/.orqex.part.$$"
if ! cp "$top/orqex" "$part" 2>/dev/null || ! chmod 755 "$part"; then
  rm -f "$part"
  die "cannot write $bin_dir/orqex"
fi
if ! "$part" --version >/dev/null 2>&1; then
  why="$("$part" --version 2>&1 | head -n 1 | tr -cd '[:print:]' | cut -c 1-200)" || true
  rm -f "$part"
  die "the orqex in $archive does not run here (\`orqex --version\` failed${why:+: $why}); nothing was installed; pick the archive for this machine with --target TRIPLE"
fi
mv -f "$part" "$bin_dir/orqex" || { rm -f "$part"; die "cannot write $bin_dir/orqex"; }
comp="$top/completions"
regular "$comp/orqex.bash" && put "$comp/orqex.bash" "$bash_dir" orqex 644
regular "$comp/_orqex" && put "$comp/_orqex" "$zsh_dir" _orqex 644
regular "$comp/orqex.fish" && put "$comp/orqex.fish" "$fish_dir" orqex.fish 644
pages=0
for page in "$comp"/man/*.1; do
  regular "$page" || continue
  put "$page" "$man_dir" "$(basename "$page")" 644
  pages=$((pages + 1))
done

version="$("$bin_dir/orqex" --version 2>/dev/null | head -n 1)" || version=""
say "installed ${version:-orqex} as $bin_dir/orqex"
say "completions: $bash_dir/orqex (bash), $fish_dir/orqex.fish (fish), $zsh_dir/_orqex (zsh)"
say "zsh: if compinit does not see it yet, add  fpath=($zsh_dir \$fpath)  before compinit in ~/.zshrc"
[ "$pages" -eq 0 ] || say "man pages: $man_dir ($pages pages; man finds them when $bin_dir is on PATH, else add $(dirname "$man_dir") to MANPATH)"
case ":${PATH:-}:" in
  *":$bin_dir:"*)
    found="$(command -v orqex 2>/dev/null || true)"
    if [ -n "$found" ] && [ "$found" != "$bin_dir/orqex" ]; then
      say "note: \`orqex\` runs $found, which comes first on PATH"
    fi
    ;;
  *)
    say "$bin_dir is not on PATH; add it, e.g. in ~/.profile or your shell's rc file:"
    say "  export PATH=\"$bin_dir:\$PATH\""
    ;;
esac
