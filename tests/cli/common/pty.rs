//! A pseudo-terminal for tests of what a person at a terminal sees and types.

use std::process::Command;
use std::time::{Duration, Instant};

use expectrl::process::unix::WaitStatus;
use expectrl::{Eof, Expect, Session};

/// Every wait has a limit, so a broken prompt fails the test instead of hanging it.
pub const TIMEOUT: Duration = Duration::from_secs(20);

/// A pseudo-terminal session and everything it printed so far.
pub struct Pty {
    pub session: expectrl::session::OsSession,
    seen: String,
}

impl Pty {
    /// Waits for `text` (at most `TIMEOUT`).
    pub fn expect(&mut self, text: &str) {
        let found = self
            .session
            .expect(text)
            .unwrap_or_else(|e| panic!("waiting for {text:?}: {e}; so far: {}", self.seen));
        self.seen
            .push_str(&String::from_utf8_lossy(found.as_bytes()));
    }

    pub fn send(&mut self, keys: impl AsRef<[u8]>) {
        self.session.send(keys).unwrap();
    }

    pub fn echo(&self) -> bool {
        self.session.get_process().get_echo().expect("termios")
    }

    /// Waits until orqex is reading keys (raw mode: echo off), so a control key typed now
    /// reaches it as a key and not as a signal or an end-of-file of the line discipline.
    pub fn wait_for_raw(&self) {
        let start = Instant::now();
        while self.echo() {
            assert!(start.elapsed() < TIMEOUT, "orqex never waited for a key");
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Everything printed, once orqex has exited, and its exit status as a shell shows it
    /// (128 + N after death by signal N).
    pub fn finish(&mut self) -> (String, i32) {
        let rest = self.session.expect(Eof).expect("orqex to exit");
        self.seen
            .push_str(&String::from_utf8_lossy(rest.as_bytes()));
        let code = match self.session.get_process().wait().unwrap() {
            WaitStatus::Exited(_, code) => code,
            // Death by a signal, as a shell reports it.
            WaitStatus::Signaled(_, signal, _) => 128 + signal as i32,
            other => panic!(
                "orqex did not exit normally: {other:?}; output: {}",
                self.seen
            ),
        };
        (self.seen.clone(), code)
    }
}

/// Runs `orqex` (built by `Sandbox`, so with its scrubbed environment: no `CI`) on a new
/// pseudo-terminal. A shell turns echo on first, as in a normal terminal, so the test can tell
/// when orqex has the terminal in raw mode (echo off) waiting for a key, and can check
/// afterwards that echo is back on.
pub fn spawn_cmd(orqex: Command) -> Pty {
    spawn_sized(orqex, 100)
}

/// `spawn_cmd` on a terminal `cols` columns wide (24 rows). orqex starts only once the
/// terminal has that size, so it can never read the size a new pty starts with.
pub fn spawn_sized(orqex: Command, cols: u16) -> Pty {
    let mut cmd = Command::new("sh");
    cmd.env_clear();
    for (k, v) in orqex.get_envs() {
        if let Some(v) = v {
            cmd.env(k, v);
        }
    }
    // A terminal that can redraw a line (indicatif draws nothing on an unknown or dumb one).
    if orqex.get_envs().all(|(k, _)| k != "TERM") {
        cmd.env("TERM", "xterm");
    }
    cmd.arg("-c")
        .arg(format!(
            "while [ \"$(stty size)\" != \"24 {cols}\" ]; do sleep 0.01; done; \
             stty echo icanon isig && exec \"$0\" \"$@\""
        ))
        .arg(orqex.get_program())
        .args(orqex.get_args());
    super::default_signals(&mut cmd);
    let mut session = Session::spawn(cmd).expect("spawn on a pty");
    session.set_expect_timeout(Some(TIMEOUT));
    // A real terminal's size: a 0x0 one, as a new pty has, would draw no status line at all.
    session
        .get_process_mut()
        .set_window_size(cols, 24)
        .expect("pty size");
    Pty {
        session,
        seen: String::new(),
    }
}

/// The terminal is as the shell left it before orqex ran (`stty echo icanon isig`): echo,
/// line editing and signal keys all on, and the cursor never left hidden.
pub fn assert_terminal_restored(p: &Pty, output: &str) {
    use nix::sys::termios::{LocalFlags, tcgetattr};
    let master = p
        .session
        .get_process()
        .get_raw_handle()
        .expect("pty handle");
    let flags = tcgetattr(&master).expect("termios").local_flags;
    for (flag, name) in [
        (LocalFlags::ECHO, "echo"),
        (LocalFlags::ICANON, "icanon"),
        (LocalFlags::ISIG, "isig"),
    ] {
        assert!(
            flags.contains(flag),
            "{name} was left off on the terminal; output: {output:?}"
        );
    }
    assert!(!output.contains("\x1b[?25l"), "cursor hidden: {output:?}");
}
