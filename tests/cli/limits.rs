//! The limits (src/limits.rs): no input, answer or filter crashes, aborts or hangs orqex;
//! each limit is named in its error, with the exit code of its kind.

use crate::common::*;

/// A create whose `--jq` filter `filter` cannot finish: the checkout exists, so the run ends
/// with exit 1, the reason, and the way back (the same command with the key it used).
fn create_then_filter_fails(filter: &str, reason: &str) {
    let server = Server::created("cs_jq");
    let sb = Sandbox::new();
    let out = sb
        .create(&server)
        .args(["--jq", filter, "--idempotency-key", "order-1024-try-1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    assert_eq!(
        stderr(&out),
        format!(
            "orqex: --jq `{filter}` {reason}\n  \
             the checkout was created: run the same command with --idempotency-key order-1024-try-1 to get its answer again\n"
        )
    );
    server.assert_hits(1);
}

#[test]
fn jq_filter_that_recurses_without_end_keeps_the_way_back() {
    create_then_filter_fails(
        "def f: [f]; f",
        "was stopped before it finished (killed by signal 11): it recursed too deep or built more than the 1 GiB orqex allows a filter",
    );
}

#[test]
fn jq_filter_that_builds_without_end_keeps_the_way_back() {
    create_then_filter_fails(
        r#"[limit(1e9; repeat("x" * 10000))] | length"#,
        "was stopped before it finished (killed by signal 6): it recursed too deep or built more than the 1 GiB orqex allows a filter",
    );
}

#[test]
fn jq_filter_that_never_stops_is_stopped_and_keeps_the_way_back() {
    create_then_filter_fails(
        "def f: f; f",
        "ran for more than 10 s on the answer and was stopped (orqex's limit for a filter)",
    );
}

#[test]
fn jq_filter_that_writes_without_end_is_cut_off() {
    create_then_filter_fails(
        r#"repeat("x" * 1000000)"#,
        "made more than 64 MiB of output from the answer and was stopped (orqex's limit for a filter)",
    );
}

#[test]
fn jq_filter_nested_deeper_than_its_length_allows_is_refused_before_sending() {
    let server = Server::created("cs_jq");
    let sb = Sandbox::new();
    // As deep as 4 KiB allows: compiled, and run, without a crash.
    let nested = |n| format!("{}.{}", "(".repeat(n), ")".repeat(n));
    let deep = format!("{}| .data.checkout.id", nested(2038));
    assert_eq!(deep.len(), 4096);
    sb.create(&server)
        .args(["--jq", &deep])
        .assert()
        .code(0)
        .stdout("cs_jq\n");
    let pipes = format!(".{}", "|.".repeat(2047));
    sb.cmd().args(["config", "--jq", &pipes]).assert().code(0);
    let longer = nested(2048);
    assert_eq!(longer.len(), 4097);
    sb.create(&server)
        .args(["--jq", &longer])
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            "orqex: --jq is 4097 bytes long; orqex's limit for a filter is 4 KiB; filter the answer with a shorter one, or pipe --output json to jq\n",
        );
    server.assert_hits(1);
}

#[test]
fn a_set_path_too_deep_is_refused_by_name() {
    // 30,000 segments crashed orqex (its stack) before this limit.
    let path = vec!["a"; 30_000].join(".");
    let sb = Sandbox::new();
    sb.cmd()
        .args(CREATE)
        .args(["--dry-run", "--set", &format!("{path}=x")])
        .assert()
        .code(2)
        .stdout("")
        .stderr("orqex: --set: a path 30000 fields deep; orqex's limit for JSON is 64 levels\n");
    let path = vec!["a"; 64].join(".");
    sb.cmd()
        .args(CREATE)
        .args(["--dry-run", "--set", &format!("metadata2.{path}=x")])
        .assert()
        .code(2)
        .stderr("orqex: --set: a path 65 fields deep; orqex's limit for JSON is 64 levels\n");
}

#[test]
fn json_nested_too_deep_is_refused_by_name_wherever_it_is_given() {
    let deep = |n| format!("{}1{}", "[".repeat(n), "]".repeat(n));
    let sb = Sandbox::new();
    sb.cmd()
        .args(["checkout", "create", "--dry-run"])
        .write_stdin(format!("{{\"metadata\": {}}}", deep(100_000)))
        .assert()
        .code(2)
        .stderr("orqex: the JSON on stdin is nested 100001 levels deep; orqex's limit for JSON is 64 levels\n");
    sb.cmd()
        .args(CREATE)
        .args(["--dry-run", "--set-json", &format!("note={}", deep(65))])
        .assert()
        .code(2)
        .stderr("orqex: --set-json note: the JSON is nested 65 levels deep; orqex's limit for JSON is 64 levels\n");
    let server = Server::created("cs_deep");
    sb.cmd_for(&server)
        .args(["api", "POST", "/payment/intents", "--data", &deep(65)])
        .assert()
        .code(2)
        .stderr("orqex: the JSON given to --data is nested 65 levels deep; orqex's limit for JSON is 64 levels\n");
    server.assert_hits(0);
}

#[test]
fn every_duration_flag_reads_the_same_forms() {
    // `--timeout 1500ms` was refused while `--interval 500ms` worked.
    let server = Server::created("cs_ms");
    let sb = Sandbox::new();
    sb.create(&server)
        .args(["--timeout", "1500ms", "--max-retries", "0"])
        .assert()
        .code(0)
        .stdout("https://pay.orqex.com/c/cs_ms\n");
    server.assert_hits(1);
    for (args, stderr) in [
        (
            ["--timeout", "1h1s"],
            "orqex: --timeout `1h1s` is too long; the most is 1h; see --help\n",
        ),
        (
            ["--interval", "99ms"],
            "orqex: --interval `99ms` is too short; the least is 100ms; see --help\n",
        ),
    ] {
        sb.create(&server)
            .arg("--wait")
            .args(args)
            .assert()
            .code(2)
            .stderr(stderr);
    }
    server.assert_hits(1);
}

// ---- one reader: a FIFO or a silent pipe is never waited on in silence ----

/// A FIFO in the sandbox, with no writer yet.
#[cfg(unix)]
fn fifo(sb: &Sandbox, name: &str) -> std::path::PathBuf {
    let path = sb.home.path().join(name);
    let made = std::process::Command::new("mkfifo")
        .arg(&path)
        .status()
        .unwrap();
    assert!(made.success());
    path
}

/// Starts `cmd`, waits for its first stderr line (the note about the wait), and gives it
/// with the process and the receiver of the lines after it.
#[cfg(unix)]
fn first_note(
    cmd: &mut std::process::Command,
) -> (
    String,
    std::process::Child,
    std::thread::JoinHandle<Vec<String>>,
) {
    use std::io::BufRead;
    let mut child = spawn_piped(cmd);
    let pipe = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let lines = std::thread::spawn(move || {
        let mut all = Vec::new();
        for line in std::io::BufReader::new(pipe).lines() {
            let line = line.unwrap();
            all.push(line.clone());
            tx.send(line).ok();
        }
        all
    });
    let note = rx
        .recv_timeout(std::time::Duration::from_secs(20))
        .expect("a note while the FIFO has no writer");
    (note, child, lines)
}

#[cfg(unix)]
#[test]
fn a_fifo_with_no_writer_is_noted_and_a_signal_says_nothing_was_sent() {
    // `--data @fifo`, `--batch fifo` and `verify SIG fifo` waited silently forever.
    let sb = Sandbox::new();
    let server = Server::created("cs_never");
    let path = fifo(&sb, "in.fifo");
    let shown = path.display().to_string();
    let signature = "0".repeat(64);
    let at = format!("@{shown}");
    let cases: [(Vec<&str>, &str); 3] = [
        (vec!["checkout", "create", "--data", &at], "a JSON body"),
        (
            vec!["checkout", "create", "--batch", &shown],
            "the batch's rows",
        ),
        (
            vec!["webhooks", "verify", "--signature", &signature, &shown],
            "the payload",
        ),
    ];
    for (args, awaited) in cases {
        let mut cmd = sb.cmd_for(&server);
        cmd.env("ORQEX_WEBHOOK_SECRET", "whsec_test_0000_0000_fake")
            .args(&args);
        let (note, child, lines) = first_note(&mut cmd);
        assert_eq!(
            note,
            format!(
                "orqex: waiting for {awaited} on {shown} (a FIFO); nothing is read until something writes to it and closes it"
            )
        );
        let killed = std::process::Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let out = child.wait_with_output().unwrap();
        assert_died_by(&out, 15);
        assert_eq!(
            lines.join().unwrap(),
            [
                note.as_str(),
                "orqex: terminated (SIGTERM); nothing was sent or saved"
            ],
            "{args:?}"
        );
    }
    server.assert_hits(0);
}

#[cfg(unix)]
#[test]
fn a_fifo_written_after_the_note_is_read_as_a_file_is() {
    use std::io::Write;
    let sb = Sandbox::new();
    let server = Server::created("cs_fifo");
    let path = fifo(&sb, "body.fifo");
    let mut cmd = sb.cmd_for(&server);
    cmd.args(["checkout", "create", "--data"])
        .arg(format!("@{}", path.display()));
    let (_, child, lines) = first_note(&mut cmd);
    let mut writer = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    writer
        .write_all(create_body().to_string().as_bytes())
        .unwrap();
    drop(writer);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{:?}", lines.join());
    assert_eq!(stdout(&out), "https://pay.orqex.com/c/cs_fifo\n");
    assert_eq!(server.only_request().json(), create_body());
}

#[test]
fn unreadable_input_is_an_input_error_wherever_it_comes_from() {
    // `verify SIG /` was 2 and `verify SIG < /` was 1.
    let sb = Sandbox::new();
    let signature = "0".repeat(64);
    let verify = |stdin: Option<std::fs::File>| {
        let mut cmd = sb.cmd();
        cmd.env("ORQEX_WEBHOOK_SECRET", "whsec_test_0000_0000_fake")
            .args(["webhooks", "verify", "--signature", &signature]);
        match stdin {
            Some(f) => {
                cmd.stdin(f);
            }
            None => {
                cmd.arg("/");
            }
        }
        cmd.assert()
    };
    verify(None)
        .code(2)
        .stderr("orqex: webhooks verify: cannot read /: it is a directory\n");
    verify(Some(std::fs::File::open("/").unwrap()))
        .code(2)
        .stderr("orqex: webhooks verify: cannot read stdin: it is a directory\n");
    sb.cmd()
        .args(["checkout", "create", "--dry-run", "--data", "-"])
        .stdin(std::fs::File::open("/").unwrap())
        .assert()
        .code(2)
        .stderr("orqex: --data: cannot read stdin: it is a directory\n");
}

#[test]
fn an_answer_nested_too_deep_is_refused_by_name() {
    let deep = format!("{{\"data\": {}1{}}}", "[".repeat(5000), "]".repeat(5000));
    let server = Server::start(move |_, _| Reply::text(200, "application/json", &deep));
    let sb = Sandbox::new();
    sb.cmd_for(&server)
        .args(["checkout", "get", "cs_deep"])
        .assert()
        .code(6)
        .stdout("")
        .stderr("orqex: the API answered 200 (request id req_test_0001) but its body is nested 5001 levels deep; orqex's limit for JSON is 64 levels\n");
    sb.cmd_for(&server)
        .args(["api", "GET", "/payment/intents", "--jq", "."])
        .assert()
        .code(6)
        .stderr(contains(
            "is nested 5001 levels deep; orqex's limit for JSON is 64 levels",
        ));
}

#[cfg(unix)]
#[test]
fn a_ca_bundle_that_never_ends_is_refused_at_its_limit() {
    let server = Server::created("cs_ca");
    let sb = Sandbox::new();
    sb.create(&server)
        .args(["--ca-bundle", "/dev/zero"])
        .assert()
        .code(2)
        .stdout("")
        .stderr("orqex: --ca-bundle: /dev/zero is larger than 4 MiB; a CA bundle is a few hundred KiB; give the CA certificate in PEM form\n");
    sb.create(&server)
        .env("ORQEX_CA_BUNDLE", "/dev/zero")
        .assert()
        .code(2)
        .stderr("orqex: ORQEX_CA_BUNDLE: /dev/zero is larger than 4 MiB; a CA bundle is a few hundred KiB; give the CA certificate in PEM form\n");
    server.assert_hits(0);
}
