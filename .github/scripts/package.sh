#!/usr/bin/env bash
# Builds orqex's release archive for one target and writes it, with its checksum, to OUTDIR.
#
#   .github/scripts/package.sh [--target TRIPLE] OUTDIR
#
# Writes into OUTDIR:
#   orqex-<version>-<target>.tar.gz  and  .sha256   (.zip for a Windows target)
#   orqex-<target>.tar.gz            and  .sha256   the same archive without the version in
#                                                   its name: what install.sh downloads
# Each .sha256 is one line as `sha256sum` prints it: `<hex>  <file name>`.
# The archive holds one folder, orqex-<version>-<target>/, with the binary, README.md,
# CHANGELOG.md, docs/ (the guides and reference the README links to), LICENSE-MIT,
# LICENSE-APACHE, completions/ (bash, zsh, fish, elvish, powershell) and
# completions/man/*.1, copied from the committed completions/ (a test keeps them current;
# a cross-compiled binary could not run here to print them).
#
# The target is --target, else $TARGET, else the host's (rustc -vV). The binary is
# $ORQEX_BINARY when set (already built, e.g. by `cargo test` or another build tool), else
# built here with `cargo build --release --locked --target <target>`.
# The version is Cargo.toml's. Prints the paths it wrote on stdout, notes on stderr.
set -euo pipefail

say() { printf 'package: %s\n' "$*" >&2; }
die() {
  say "$*"
  exit 1
}

target="${TARGET:-}"
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --target) [ $# -ge 2 ] || die "--target needs a value"; target="$2"; shift 2 ;;
    --target=*) target="${1#--target=}"; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $1; usage: package.sh [--target TRIPLE] OUTDIR" ;;
    *) [ -z "$out" ] || die "one OUTDIR only, got $out and $1"; out="$1"; shift ;;
  esac
done
[ -n "$out" ] || die "usage: package.sh [--target TRIPLE] OUTDIR"

# OUTDIR and ORQEX_BINARY are relative to where this was started; the rest to the repository.
mkdir -p "$out"
out="$(cd "$out" && pwd)"
binary="${ORQEX_BINARY:-}"
case "$binary" in
  "" | /*) ;;
  *) binary="$PWD/$binary" ;;
esac
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"

# The [package] version, the first `version = "..."` of Cargo.toml's [package] table.
version="$(awk '
  /^\[/ { in_pkg = ($0 == "[package]") }
  in_pkg && /^version *= *"/ { sub(/^version *= *"/, ""); sub(/".*/, ""); print; exit }
' Cargo.toml)"
[ -n "$version" ] || die "cannot read the version from Cargo.toml"

if [ -z "$target" ]; then
  target="$(rustc -vV | sed -n 's/^host: //p')"
  [ -n "$target" ] || die "cannot tell the host target from rustc -vV; pass --target"
fi

exe="orqex"
format="tar.gz"
case "$target" in
  *windows*) exe="orqex.exe"; format="zip" ;;
esac

if [ -z "$binary" ]; then
  say "building orqex $version for $target (release)"
  cargo build --release --locked --target "$target" >&2
  target_dir="$(cargo metadata --no-deps --format-version 1 |
    sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
  [ -n "$target_dir" ] || die "cannot find cargo's target directory"
  binary="$target_dir/$target/release/$exe"
fi
[ -f "$binary" ] || die "no binary at $binary"

name="orqex-$version-$target"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT

dir="$stage/$name"
mkdir -p "$dir/completions/man"
cp "$binary" "$dir/$exe"
chmod 755 "$dir/$exe"
cp README.md CHANGELOG.md LICENSE-MIT LICENSE-APACHE "$dir/"
mkdir -p "$dir/docs"
cp docs/*.md "$dir/docs/"
for f in orqex.bash _orqex orqex.fish orqex.elv _orqex.ps1; do
  cp "completions/$f" "$dir/completions/$f"
done
cp completions/man/*.1 "$dir/completions/man/"

archive="$name.$format"
rm -f "$out/$archive"
case "$format" in
  tar.gz) tar -C "$stage" -czf "$out/$archive" "$name" ;;
  zip)
    if command -v zip >/dev/null 2>&1; then
      (cd "$stage" && zip -qr "$out/$archive" "$name")
    elif command -v 7z >/dev/null 2>&1; then
      (cd "$stage" && 7z a -tzip -bso0 "$out/$archive" "$name")
    else
      die "a Windows archive needs zip or 7z"
    fi
    ;;
esac
cp "$out/$archive" "$out/orqex-$target.$format"

# The line is written here, not by the tool: sha256sum on Windows may mark binary mode with `*`.
sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1"
  else
    shasum -a 256 "$1"
  fi | cut -d ' ' -f 1
}
for file in "$archive" "orqex-$target.$format"; do
  printf '%s  %s\n' "$(sha256 "$out/$file")" "$file" >"$out/$file.sha256"
  printf '%s\n' "$out/$file" "$out/$file.sha256"
done
say "wrote $out/$archive and orqex-$target.$format, with their .sha256"
