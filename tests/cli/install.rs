//! Shipping: what `orqex --version` says, and the release path end to end:
//! `.github/scripts/package.sh` packs a binary into an archive and its checksum, and
//! `install.sh` installs it from a file:// base into a fresh HOME, as it would from a release.
//! No release build: the archive holds the debug binary `cargo test` built, or a small
//! marker script where only the installing is under test.

use assert_cmd::prelude::*;

use crate::common::*;

#[test]
fn version_names_the_target_and_the_commit_or_that_there_was_none() {
    let sb = Sandbox::new();
    let assert = sb.cmd().arg("--version").assert().success().stderr("");
    let line = stdout(assert.get_output());
    assert!(
        line.starts_with(concat!("orqex ", env!("CARGO_PKG_VERSION"), " (")),
        "{line}"
    );
    assert!(line.ends_with(")\n") && line.lines().count() == 1, "{line}");
    // The target triple, e.g. x86_64-unknown-linux-gnu, starts with the architecture.
    assert!(
        line.contains(&format!("({}-", std::env::consts::ARCH)),
        "{line}"
    );
    assert!(
        line.contains(", commit ") || line.contains(", built from a source package without git)"),
        "{line}"
    );
    // Built from a git checkout (as here, unless the tests run from an unpacked source
    // package): the commit is HEAD's, so a stale build shows.
    let root = env!("CARGO_MANIFEST_DIR");
    let head = std::process::Command::new("git")
        .args(["-C", root, "rev-parse", "--short", "HEAD"])
        .output();
    if std::path::Path::new(root).join(".git").exists()
        && let Ok(head) = head
        && head.status.success()
    {
        let commit = stdout(&head);
        assert!(
            line.contains(&format!(", commit {})", commit.trim())),
            "{line} is not HEAD's commit {commit}"
        );
    }
    // -V and the subcommands say the same.
    sb.cmd().arg("-V").assert().success().stdout(line.clone());
    sb.cmd()
        .args(["checkout", "create", "--version"])
        .assert()
        .success()
        .stdout(line.replacen("orqex ", "orqex-checkout-create ", 1));
}

#[test]
fn the_crate_names_its_repository_homepage_and_documentation() {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = std::process::Command::new(env!("CARGO"))
        .args([
            "package",
            "--list",
            "--locked",
            "--offline",
            "--allow-dirty",
        ])
        .current_dir(root)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    // cargo warns "manifest has no documentation, homepage or repository" otherwise.
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    let manifest = std::fs::read_to_string(format!("{root}/Cargo.toml")).unwrap();
    for key in [
        "repository = \"https://github.com/orqex/orqex-cli\"",
        "homepage = \"https://github.com/orqex/orqex-cli\"",
        "documentation = \"https://github.com/orqex/orqex-cli/tree/main/docs\"",
    ] {
        assert!(manifest.contains(key), "{key}");
    }
}

#[cfg(unix)]
pub(crate) mod unix {
    use std::os::unix::fs::PermissionsExt;
    use std::path::{Path, PathBuf};
    use std::process::Command;

    use assert_cmd::prelude::*;
    use predicates::prelude::*;
    use tempfile::TempDir;

    use crate::common::*;

    const ROOT: &str = env!("CARGO_MANIFEST_DIR");

    /// The target the test binary was built for, as `orqex --version` names it.
    pub(crate) fn host_target() -> String {
        let out = Sandbox::new().cmd().arg("--version").output().unwrap();
        let line = stdout(&out);
        let inner = line
            .split_once(" (")
            .expect("a version line with a target")
            .1;
        inner.split(", ").next().unwrap().to_string()
    }

    /// A folder laid out like a release: the archives package.sh writes.
    pub(crate) struct Release {
        pub(crate) dir: TempDir,
        pub(crate) target: String,
    }

    impl Release {
        pub(crate) fn new() -> Release {
            Release {
                dir: TempDir::new().unwrap(),
                target: host_target(),
            }
        }

        /// Packs `binary` with package.sh, replacing what the folder held.
        pub(crate) fn pack(&self, binary: &Path) {
            let tmp = TempDir::new().unwrap();
            Command::new("bash")
                .arg(Path::new(ROOT).join(".github/scripts/package.sh"))
                .arg(self.dir.path())
                .env_clear()
                .env("PATH", std::env::var_os("PATH").unwrap_or_default())
                .env("TMPDIR", tmp.path())
                .env("ORQEX_BINARY", binary)
                .env("TARGET", &self.target)
                .assert()
                .success()
                .stderr(predicate::str::starts_with("package: wrote "));
        }

        pub(crate) fn archive(&self) -> PathBuf {
            self.dir
                .path()
                .join(format!("orqex-{}.tar.gz", self.target))
        }

        pub(crate) fn base(&self) -> String {
            format!("file://{}", self.dir.path().display())
        }
    }

    /// A stand-in binary that prints `text` for any argument.
    pub(crate) fn marker(dir: &Path, text: &str) -> PathBuf {
        let path = dir.join(format!("marker-{}", text.replace(' ', "-")));
        std::fs::write(&path, format!("#!/bin/sh\necho '{text}'\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    /// A fresh HOME and TMPDIR, nothing else in the environment but PATH.
    pub(crate) struct Machine {
        pub(crate) home: TempDir,
        tmp: TempDir,
    }

    impl Machine {
        pub(crate) fn new() -> Machine {
            Machine {
                home: TempDir::new().unwrap(),
                tmp: TempDir::new().unwrap(),
            }
        }

        /// `sh install.sh` installing from `release`.
        pub(crate) fn install(&self, release: &Release) -> Command {
            let mut cmd = Command::new("sh");
            cmd.arg(Path::new(ROOT).join("install.sh"))
                .stdin(std::process::Stdio::null())
                .env_clear()
                .env("PATH", std::env::var_os("PATH").unwrap_or_default())
                .env("HOME", self.home.path())
                .env("TMPDIR", self.tmp.path())
                .env("ORQEX_INSTALL_BASE", release.base())
                .env("ORQEX_INSTALL_TARGET", &release.target);
            cmd
        }

        pub(crate) fn path(&self, rel: &str) -> PathBuf {
            self.home.path().join(rel)
        }

        /// Every file under HOME, relative, sorted.
        pub(crate) fn files(&self) -> Vec<String> {
            let mut files = Vec::new();
            let mut todo = vec![self.home.path().to_path_buf()];
            while let Some(dir) = todo.pop() {
                for entry in std::fs::read_dir(&dir).unwrap() {
                    let path = entry.unwrap().path();
                    if path.is_dir() {
                        todo.push(path);
                    } else {
                        let rel = path.strip_prefix(self.home.path()).unwrap();
                        files.push(rel.to_string_lossy().into_owned());
                    }
                }
            }
            files.sort();
            files
        }

        /// The installer's temporary folder is gone, whatever happened.
        pub(crate) fn assert_no_leftovers(&self) {
            let left: Vec<_> = std::fs::read_dir(self.tmp.path()).unwrap().collect();
            assert!(left.is_empty(), "left in TMPDIR: {left:?}");
        }
    }

    fn committed(rel: &str) -> Vec<u8> {
        std::fs::read(Path::new(ROOT).join(rel)).unwrap()
    }

    #[test]
    fn packs_and_installs_the_real_binary_into_a_fresh_home() {
        let release = Release::new();
        release.pack(assert_cmd::cargo::cargo_bin!("orqex"));
        let t = &release.target;
        let version = env!("CARGO_PKG_VERSION");

        // The release files: the archive with and without the version, each with a checksum
        // in sha256sum's format naming its own file.
        let mut names: Vec<String> = std::fs::read_dir(release.dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        let versioned = format!("orqex-{version}-{t}.tar.gz");
        let plain = format!("orqex-{t}.tar.gz");
        assert_eq!(
            names,
            [
                versioned.clone(),
                format!("{versioned}.sha256"),
                plain.clone(),
                format!("{plain}.sha256")
            ]
        );
        for name in [&versioned, &plain] {
            let sum =
                std::fs::read_to_string(release.dir.path().join(format!("{name}.sha256"))).unwrap();
            let (hex, file) = sum.strip_suffix('\n').unwrap().split_once("  ").unwrap();
            assert!(
                hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()),
                "{sum}"
            );
            assert_eq!(file, name.as_str());
        }

        // What the archive holds, under one folder named for the version and target.
        let listing = Command::new("tar")
            .arg("-tzf")
            .arg(release.archive())
            .output()
            .unwrap();
        let listing = stdout(&listing);
        let top = format!("orqex-{version}-{t}/");
        for entry in [
            "orqex",
            "README.md",
            "CHANGELOG.md",
            // The README's links to the guides and the reference resolve in the archive too.
            "docs/checkouts.md",
            "docs/reference.md",
            "LICENSE-MIT",
            "LICENSE-APACHE",
            "completions/orqex.bash",
            "completions/_orqex",
            "completions/orqex.fish",
            "completions/orqex.elv",
            "completions/_orqex.ps1",
            "completions/man/orqex.1",
            "completions/man/orqex-checkout-create.1",
        ] {
            assert!(
                listing.contains(&format!("{top}{entry}\n")),
                "{entry}: {listing}"
            );
        }
        assert!(listing.lines().all(|l| l.starts_with(&top)), "{listing}");

        let machine = Machine::new();
        let home = machine.home.path().display().to_string();
        let bin = format!("{home}/.local/bin");
        machine
            .install(&release)
            .assert()
            .success()
            .stdout("")
            .stderr(predicate::str::contains(format!(
                "orqex-install: installed orqex {version} ({t}, "
            )))
            .stderr(predicate::str::contains(format!(
                "orqex-install: {bin} is not on PATH; add it"
            )))
            .stderr(predicate::str::contains(format!(
                "orqex-install:   export PATH=\"{bin}:$PATH\"\n"
            )));

        // The installed binary is the packed one and runs.
        let expected = Sandbox::new().cmd().arg("--version").output().unwrap();
        Command::new(machine.path(".local/bin/orqex"))
            .arg("--version")
            .assert()
            .success()
            .stdout(stdout(&expected));

        // Completions and man pages in the user's standard folders, equal to the committed ones.
        for (installed, source) in [
            (
                ".local/share/bash-completion/completions/orqex",
                "completions/orqex.bash",
            ),
            (
                ".local/share/zsh/site-functions/_orqex",
                "completions/_orqex",
            ),
            (
                ".config/fish/completions/orqex.fish",
                "completions/orqex.fish",
            ),
            (".local/share/man/man1/orqex.1", "completions/man/orqex.1"),
            (
                ".local/share/man/man1/orqex-checkout-create.1",
                "completions/man/orqex-checkout-create.1",
            ),
        ] {
            assert_eq!(
                std::fs::read(machine.path(installed)).ok(),
                Some(committed(source)),
                "{installed}"
            );
        }
        let pages = std::fs::read_dir(Path::new(ROOT).join("completions/man"))
            .unwrap()
            .count();
        // The binary, 3 completions and every page; nothing else (no temporary file).
        assert_eq!(machine.files().len(), 4 + pages, "{:?}", machine.files());
        machine.assert_no_leftovers();
    }

    #[test]
    fn a_tampered_archive_is_refused_and_nothing_is_installed() {
        let release = Release::new();
        let work = TempDir::new().unwrap();
        release.pack(&marker(work.path(), "orqex marker 1"));
        let mut bytes = std::fs::read(release.archive()).unwrap();
        bytes.push(0);
        std::fs::write(release.archive(), bytes).unwrap();

        let machine = Machine::new();
        let name = format!("orqex-{}.tar.gz", release.target);
        machine
            .install(&release)
            .assert()
            .code(1)
            .stdout("")
            .stderr(predicate::str::contains(format!(
                "\norqex-install: checksum mismatch for {name}: expected "
            )))
            .stderr(predicate::str::ends_with("; nothing was installed\n"));
        assert_eq!(machine.files(), Vec::<String>::new());
        assert_eq!(std::fs::read_dir(machine.home.path()).unwrap().count(), 0);
        machine.assert_no_leftovers();
    }

    #[test]
    fn prefix_puts_everything_under_it() {
        let release = Release::new();
        let work = TempDir::new().unwrap();
        release.pack(&marker(work.path(), "orqex marker 1"));
        let machine = Machine::new();
        let prefix = TempDir::new().unwrap();
        let bin = prefix.path().join("bin");
        let mut path = std::ffi::OsString::from(&bin);
        path.push(":");
        path.push(std::env::var_os("PATH").unwrap_or_default());
        machine
            .install(&release)
            .arg("--prefix")
            .arg(prefix.path())
            .env("PATH", path)
            .assert()
            .success()
            .stderr(predicate::str::contains(format!(
                "orqex-install: installed orqex marker 1 as {}/orqex\n",
                bin.display()
            )))
            .stderr(predicate::str::contains("not on PATH").not());
        for file in [
            "bin/orqex",
            "share/bash-completion/completions/orqex",
            "share/zsh/site-functions/_orqex",
            "share/fish/vendor_completions.d/orqex.fish",
            "share/man/man1/orqex.1",
            "share/man/man1/orqex-checkout-get.1",
        ] {
            assert!(prefix.path().join(file).is_file(), "{file}");
        }
        // Nothing in HOME.
        assert_eq!(machine.files(), Vec::<String>::new());
        machine.assert_no_leftovers();
    }

    #[test]
    fn running_it_again_upgrades_in_place() {
        let release = Release::new();
        let work = TempDir::new().unwrap();
        let machine = Machine::new();
        let installed = machine.path(".local/bin/orqex");

        release.pack(&marker(work.path(), "orqex marker 1"));
        machine.install(&release).assert().success();
        Command::new(&installed)
            .assert()
            .success()
            .stdout("orqex marker 1\n");
        let files = machine.files();

        release.pack(&marker(work.path(), "orqex marker 2"));
        machine
            .install(&release)
            .assert()
            .success()
            .stderr(predicate::str::contains(
                "orqex-install: installed orqex marker 2 as ",
            ));
        Command::new(&installed)
            .assert()
            .success()
            .stdout("orqex marker 2\n");
        // The same files, replaced, and no temporary file left beside them.
        assert_eq!(machine.files(), files);
        machine.assert_no_leftovers();
    }

    #[test]
    fn without_a_base_it_says_how_to_give_one() {
        let release = Release::new();
        let machine = Machine::new();
        machine
            .install(&release)
            .env_remove("ORQEX_INSTALL_BASE")
            .assert()
            .code(1)
            .stdout("")
            .stderr(
                "orqex-install: no download location: this install.sh has no default; pass \
                 --base URL or set ORQEX_INSTALL_BASE to the folder holding \
                 orqex-<target>.tar.gz\n",
            );
        // A base without the archive names what it could not download.
        machine
            .install(&release)
            .assert()
            .code(1)
            .stderr(predicate::str::contains(format!(
                "orqex-install: cannot download {}/orqex-{}.tar.gz: ",
                release.base(),
                release.target
            )));
        assert_eq!(machine.files(), Vec::<String>::new());
        machine.assert_no_leftovers();
    }
}
