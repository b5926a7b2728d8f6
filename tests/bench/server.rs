//! A loopback HTTP server for the benchmark: answers every request with a created checkout
//! after a fixed delay. `bench_server DELAY_MS` prints its address on stdout, then serves
//! until killed. Thread per connection, keep-alive, no dependencies. `GET /connections`
//! answers how many connections it has accepted so far (that one included), so the script
//! can count what a run opened. `GET /v1/payment/intents` answers pages of a list of
//! `BENCH_PAYMENTS` payments (default 100,000), newest first, made up on the fly from the
//! page asked for (`page`, `per_page`), with `next_page_url` as the API gives it: the
//! payments benchmark (tests/bench/payments.sh) lists them all.

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
        if let Some(query) = line
            .split_whitespace()
            .nth(1)
            .and_then(|p| p.strip_prefix("/v1/payment/intents"))
        {
            let page = payments_page(query.trim_start_matches('?'), out.local_addr()?);
            write!(
                out,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Request-Id: req_bench\r\nContent-Length: {}\r\n\r\n{page}",
                page.len()
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

/// One page of the payments list, as `GET /payment/intents?per_page=P&page=N` answers it.
fn payments_page(query: &str, addr: std::net::SocketAddr) -> String {
    let total: usize = std::env::var("BENCH_PAYMENTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let param = |name: &str, default: usize| {
        query
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == name)
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(default)
    };
    let (page, per_page) = (param("page", 1).max(1), param("per_page", 20).clamp(1, 100));
    let first = (page - 1) * per_page;
    let rows: Vec<String> = (first..total.min(first + per_page))
        .map(|i| {
            let n = total - i;
            let (status, currency) = match n % 4 {
                0 => ("failed", "GHS"),
                1 => ("pending", "XOF"),
                _ => ("completed", "XOF"),
            };
            format!(
                r#"{{"id":"TRX{n:08}","amount":{{"value":{v},"formatted":"{a}.00 {currency}","short":"{a} {currency}","currency":"{currency}"}},"customer":{{"id":"cus_{c}","first_name":"Ama","last_name":"Mensah","email":"customer{c}@example.com"}},"status":"{status}","description":"Order {n}: a description of average length for a shop","metadata":{{"order_id":"{n}"}},"active_attempt":null,"completed_at":null,"expired_at":null,"created_at":"2026-12-04T{h:02}:{m:02}:{s:02}Z"}}"#,
                v = (n % 997 + 1) * 100,
                a = n % 997 + 1,
                c = n % 5000,
                h = (n / 3600) % 24,
                m = (n / 60) % 60,
                s = n % 60,
            )
        })
        .collect();
    let more = first + per_page < total;
    let next = if more {
        format!(
            r#""http://{addr}/v1/payment/intents?per_page={per_page}&page={}""#,
            page + 1
        )
    } else {
        "null".to_string()
    };
    format!(
        r#"{{"data":[{}],"pagination":{{"next_page_url":{next},"has_more_pages":{more}}}}}"#,
        rows.join(",")
    )
}
