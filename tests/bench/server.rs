//! A loopback HTTP server for the benchmark: answers every request with a created checkout
//! after a fixed delay. `bench_server DELAY_MS` prints its address on stdout, then serves
//! until killed. Thread per connection, keep-alive, no dependencies. `GET /connections`
//! answers how many connections it has accepted so far (that one included), so the script
//! can count what a run opened.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

static ACCEPTED: AtomicUsize = AtomicUsize::new(0);

const BODY: &str = r#"{"message":"Checkout created","data":{"checkout":{"id":"cs_bench","token":"tok","url":"https://pay.orqex.com/c/cs_bench","status":"open","environment":"sandbox","expires_at":"2026-11-24T12:00:00Z","created_at":"2026-11-24T11:00:00Z"},"payment":{"id":"TRXBENCH","amount":{"value":5000,"formatted":"50.00 XOF","short":"50 XOF","currency":"XOF"}}}}"#;

fn main() -> std::io::Result<()> {
    let delay_ms: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(0);
    let delay = Duration::from_millis(delay_ms);
    let listener = TcpListener::bind("127.0.0.1:0")?;
    println!("http://{}/v1", listener.local_addr()?);
    std::io::stdout().flush()?;
    for stream in listener.incoming().flatten() {
        ACCEPTED.fetch_add(1, Ordering::SeqCst);
        std::thread::spawn(move || {
            let _ = serve(stream, delay);
        });
    }
    Ok(())
}

fn serve(stream: TcpStream, delay: Duration) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut out = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let mut len = 0usize;
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h)? == 0 {
                return Ok(());
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((n, v)) = h.split_once(':')
                && n.eq_ignore_ascii_case("content-length")
            {
                len = v.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0; len];
        reader.read_exact(&mut body)?;
        if line
            .split_whitespace()
            .nth(1)
            .is_some_and(|p| p.ends_with("/connections"))
        {
            let n = ACCEPTED.load(Ordering::SeqCst).to_string();
            write!(
                out,
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{n}",
                n.len()
            )?;
            out.flush()?;
            continue;
        }
        if !delay.is_zero() {
            std::thread::sleep(delay);
        }
        write!(
            out,
            "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nX-Request-Id: req_bench\r\nContent-Length: {}\r\n\r\n{BODY}",
            BODY.len()
        )?;
        out.flush()?;
    }
}
