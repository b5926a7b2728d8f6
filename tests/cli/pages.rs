//! `orqex api --paginate`: every page followed on the list's own path, printed as it comes
//! (memory flat however long the list), and a list never ended short without saying so.

use serde_json::{Value, json};

use crate::common::*;

fn api(sb: &Sandbox, server: &Server, args: &[&str]) -> std::process::Command {
    let mut cmd = sb.cmd_for(server);
    cmd.arg("api").args(args);
    cmd
}

/// A list of `rows` ids in pages of `per`, each page's `pagination` as `more` and `next` make
/// it from the page number (1 for the first) and the number of pages.
fn list_server(
    rows: usize,
    per: usize,
    pagination: impl Fn(usize, usize) -> Value + Send + Sync + 'static,
) -> Server {
    Server::start(move |req, _| {
        let page: usize = req
            .path
            .split(['?', '&'])
            .find_map(|pair| pair.strip_prefix("page="))
            .map_or(1, |p| p.parse().unwrap());
        let pages = rows.div_ceil(per);
        let data: Vec<Value> = ((page - 1) * per..(page * per).min(rows))
            .map(|n| json!({"id": format!("TRX_{n}"), "amount": 50}))
            .collect();
        Reply::json(
            200,
            json!({"data": data, "pagination": pagination(page, pages)}),
        )
    })
}

/// The pagination of a well-formed list: the next page's URL on the list's own path.
fn well_formed(page: usize, pages: usize) -> Value {
    let more = page < pages;
    json!({
        "has_more_pages": more,
        "next_page_url": if more { json!(format!("/v1/payment/intents?per_page=2&page={}", page + 1)) } else { Value::Null },
    })
}

fn ids(n: usize) -> Vec<Value> {
    (0..n)
        .map(|n| json!({"id": format!("TRX_{n}"), "amount": 50}))
        .collect()
}

#[test]
fn paginate_follows_the_next_page_query_on_the_same_path() {
    let server = list_server(5, 2, well_formed);
    let sb = Sandbox::new();
    api(
        &sb,
        &server,
        &["GET", "/payment/intents", "-q", "per_page=2", "--paginate"],
    )
    .assert()
    .code(0)
    .stdout(format!("{}\n", Value::Array(ids(5))))
    .stderr("");
    let paths: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(
        paths,
        [
            "/v1/payment/intents?per_page=2",
            "/v1/payment/intents?per_page=2&page=2",
            "/v1/payment/intents?per_page=2&page=3"
        ]
    );
    // Pretty, the same text as the whole array printed at once.
    api(
        &sb,
        &server,
        &["GET", "/payment/intents", "--paginate", "-o", "json"],
    )
    .assert()
    .code(0)
    .stdout(format!(
        "{}\n",
        serde_json::to_string_pretty(&Value::Array(ids(5))).unwrap()
    ));
    let rows: Vec<String> = ids(5).iter().map(|r| format!("{r}\n")).collect();
    api(
        &sb,
        &server,
        &["GET", "/payment/intents", "--paginate", "-o", "jsonl"],
    )
    .assert()
    .code(0)
    .stdout(rows.concat());
    // --jq runs on each row as it arrives: the list is never held whole.
    for output in ["jsonl", "compact", "json"] {
        api(
            &sb,
            &server,
            &[
                "GET",
                "/payment/intents",
                "--paginate",
                "-o",
                output,
                "--jq",
                ".id",
            ],
        )
        .assert()
        .code(0)
        .stdout("TRX_0\nTRX_1\nTRX_2\nTRX_3\nTRX_4\n");
    }
    // A list of no rows is an empty array.
    let empty = list_server(0, 2, well_formed);
    api(&sb, &empty, &["GET", "/payment/intents", "--paginate"])
        .assert()
        .code(0)
        .stdout("[]\n");
    api(
        &sb,
        &empty,
        &["GET", "/payment/intents", "--paginate", "-o", "json"],
    )
    .assert()
    .code(0)
    .stdout("[]\n");
}

#[test]
fn paginate_follows_has_more_pages_written_as_a_string() {
    // A PHP serializer's "true": ending there gave a short list with exit 0.
    let server = list_server(5, 2, |page, pages| {
        let mut p = well_formed(page, pages);
        p["has_more_pages"] = json!(if page < pages { "true" } else { "false" });
        p
    });
    let sb = Sandbox::new();
    api(&sb, &server, &["GET", "/payment/intents", "--paginate"])
        .assert()
        .code(0)
        .stdout(format!("{}\n", Value::Array(ids(5))))
        .stderr("");
    server.assert_hits(3);
}

#[test]
fn paginate_says_when_a_page_contradicts_itself_or_leads_elsewhere() {
    let sb = Sandbox::new();
    for (pagination, why) in [
        (
            json!({"has_more_pages": false, "next_page_url": "/v1/payment/intents?page=2"}),
            "says no more pages follow, but its next_page_url names one (/v1/payment/intents?page=2)",
        ),
        (
            json!({"has_more_pages": "yes"}),
            "has has_more_pages \"yes\", neither true nor false, and no next_page_url, so whether more pages follow is unknown",
        ),
        (
            json!({"has_more_pages": true, "next_page_url": "https://elsewhere.example/v1/payment/intents?page=2"}),
            "has a next_page_url (https://elsewhere.example/v1/payment/intents?page=2) that is not on this list's path",
        ),
        (
            json!({"has_more_pages": true, "next_page_url": "/v1/payment/checkouts?page=2"}),
            "has a next_page_url (/v1/payment/checkouts?page=2) that is not on this list's path",
        ),
    ] {
        let server = Server::start(move |_, _| {
            Reply::json(
                200,
                json!({"data": [{"id": 1}], "pagination": pagination.clone()}),
            )
        });
        let assert = api(&sb, &server, &["GET", "/payment/intents", "--paginate"])
            .assert()
            .code(1)
            .stdout("[{\"id\":1}\n")
            .stderr(one_line());
        let err = stderr(assert.get_output());
        assert!(
            err.starts_with(&format!(
                "orqex: --paginate: page 1 of GET /payment/intents {why}"
            )),
            "{err}"
        );
        assert!(
            err.ends_with("; the list is incomplete (stdout has the rows of the pages read, in a JSON array left open so that it cannot pass for the whole list)\n"),
            "{err}"
        );
        server.assert_hits(1);
    }
}

#[test]
fn paginate_stops_on_a_page_it_already_read() {
    let server = Server::start(|_, _| {
        Reply::json(
            200,
            json!({"data": [{"id": 1}], "pagination": {"has_more_pages": true, "next_page_url": "/v1/payment/intents?page=2"}}),
        )
    });
    let sb = Sandbox::new();
    let assert = api(
        &sb,
        &server,
        &["GET", "/payment/intents", "--paginate", "-o", "jsonl"],
    )
    .assert()
    .code(1)
    .stdout("{\"id\":1}\n{\"id\":1}\n");
    // JSON lines on stdout are not JSON errors: those are asked for with -o json.
    assert_eq!(
        String::from_utf8_lossy(&assert.get_output().stderr),
        "orqex: --paginate: the API's next page (/payment/intents?page=2) was already read, or there are more than 10000 pages; stopped so as not to loop (the rows above are those of the pages read)\n"
    );
    server.assert_hits(2);
}

#[test]
fn paginate_says_when_more_pages_follow_but_cannot_be_reached() {
    let server = Server::start(|_, _| {
        Reply::json(
            200,
            json!({"data": [{"id": 1}], "pagination": {"has_more_pages": true, "next_page_url": null}}),
        )
    });
    let sb = Sandbox::new();
    api(&sb, &server, &["GET", "/payment/intents", "--paginate"])
        .assert()
        .code(1)
        .stdout("[{\"id\":1}\n")
        .stderr("orqex: --paginate: page 1 of GET /payment/intents says more pages follow, but it gives no next_page_url; the list is incomplete (stdout has the rows of the pages read, in a JSON array left open so that it cannot pass for the whole list)\n");
    api(
        &sb,
        &server,
        &["GET", "/payment/intents", "--paginate", "-o", "jsonl"],
    )
    .assert()
    .code(1)
    .stdout("{\"id\":1}\n");
}

/// The most memory a running process has held so far (VmHWM), in KiB.
#[cfg(target_os = "linux")]
fn peak_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("no VmHWM in {status}"))
}

/// A page of `rows` rows of about 130 bytes each, the `page`th of `pages`.
fn big_page(page: usize, pages: usize, rows: usize) -> Value {
    let data: Vec<Value> = (0..rows)
        .map(|n| {
            json!({"id": format!("TRX_{page}_{n}"), "status": "completed", "amount": 50,
                   "metadata": {"order_id": n, "note": "x".repeat(40)}})
        })
        .collect();
    json!({"data": data, "pagination": well_formed(page, pages)})
}

/// A list of 5 MB in 24 pages, printed as one array. Gathering the rows first held about
/// 20 times that (a `Value` per row); streamed, the peak is one page and a buffer. The last
/// page is held back until the peak so far is read, so nothing races the process's exit.
#[cfg(target_os = "linux")]
#[test]
fn paginate_memory_stays_flat_over_a_long_list() {
    use std::sync::Mutex;
    use std::sync::mpsc;
    const PAGES: usize = 24;
    const ROWS: usize = 1_500;
    let (release, held) = mpsc::channel::<()>();
    let held = Mutex::new(held);
    let server = Server::start(move |req, n| {
        if n + 1 == PAGES {
            held.lock().unwrap().recv().unwrap();
        }
        let _ = req;
        Reply::json(200, big_page(n + 1, PAGES, ROWS))
    });
    let sb = Sandbox::new();
    let mut cmd = api(&sb, &server, &["GET", "/payment/intents", "--paginate"]);
    let out = tempfile::NamedTempFile::new().unwrap();
    cmd.stdout(out.reopen().unwrap());
    let mut child = cmd.spawn().unwrap();
    let start = std::time::Instant::now();
    while server.requests().len() < PAGES {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(120),
            "the pages did not arrive"
        );
        if let Some(status) = child.try_wait().unwrap() {
            panic!(
                "orqex ended ({status}) after {} of {PAGES} pages",
                server.requests().len()
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let peak = peak_kib(child.id());
    release.send(()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let printed = std::fs::read(out.path()).unwrap();
    let rows: Vec<Value> = serde_json::from_slice(&printed).unwrap();
    assert_eq!(rows.len(), PAGES * ROWS);
    assert_eq!(rows[ROWS]["id"], "TRX_2_0");
    assert!(printed.len() > 4_500_000, "{}", printed.len());
    assert!(
        peak < 32 * 1024,
        "{peak} KiB at the last page for {} bytes of rows",
        printed.len()
    );
}

/// One answer of 3 MB shown compact or pretty: building a `Value` and copying its text four
/// times cost about 20 times its size. The peak is read once the first byte is out, when that work
/// was all done before.
#[cfg(target_os = "linux")]
#[test]
fn a_large_answer_costs_about_its_size() {
    use std::io::Read;
    let value = big_page(1, 1, 24_000);
    let body = serde_json::to_vec(&value).unwrap();
    assert!(body.len() > 3_000_000, "{}", body.len());
    let pretty = serde_json::to_vec_pretty(&value).unwrap();
    let reply = body.clone();
    let server = Server::start(move |_, _| Reply::Status {
        status: 200,
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: reply.clone(),
    });
    let sb = Sandbox::new();
    for (output, expected) in [("compact", &body), ("json", &pretty)] {
        let mut cmd = api(&sb, &server, &["GET", "/payment/intents", "-o", output]);
        let mut child = spawn_piped(&mut cmd);
        let mut stdout = child.stdout.take().unwrap();
        let mut first = [0u8; 1];
        stdout.read_exact(&mut first).unwrap();
        let peak = peak_kib(child.id());
        let mut rest = Vec::new();
        stdout.read_to_end(&mut rest).unwrap();
        let status = child.wait().unwrap();
        assert!(status.success(), "{output}");
        let mut printed = first.to_vec();
        printed.extend(rest);
        assert!(printed.ends_with(b"\n"), "{output}");
        assert!(
            &printed[..printed.len() - 1] == expected.as_slice(),
            "{output}"
        );
        assert!(
            peak < 32 * 1024,
            "-o {output}: {peak} KiB for an answer of {} bytes",
            body.len()
        );
    }
}

#[test]
fn paginate_sends_one_s_own_headers_with_every_page() {
    let server = list_server(5, 2, well_formed);
    let sb = Sandbox::new();
    api(
        &sb,
        &server,
        &["GET", "/payment/intents", "--paginate", "-H", "X-Trace: t1"],
    )
    .assert()
    .code(0);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 3);
    for req in &reqs {
        assert_eq!(req.header("x-trace"), Some("t1"), "{}", req.path);
    }
}

#[test]
fn a_later_page_that_is_not_a_list_says_which_and_what_was_printed() {
    let server = Server::start(|req, _| {
        if req.path.contains("page=2") {
            return Reply::json(200, json!({"message": "not a list"}));
        }
        Reply::json(
            200,
            json!({"data": [{"id": 1}], "pagination": {"has_more_pages": true, "next_page_url": "/v1/payment/intents?page=2"}}),
        )
    });
    let sb = Sandbox::new();
    api(&sb, &server, &["GET", "/payment/intents", "--paginate", "-o", "jsonl"])
        .assert()
        .code(1)
        .stdout("{\"id\":1}\n")
        .stderr("orqex: --paginate: the answer to GET /payment/intents?page=2 has no `data` list, so it is not a list's page; drop --paginate (page 2; the rows above are those of the pages read)\n");
    // On the first page, there is nothing to say about earlier ones.
    let first = Server::start(|_, _| Reply::json(200, json!({"data": {"id": 1}})));
    api(&sb, &first, &["GET", "/payment/intents", "--paginate"])
        .assert()
        .code(1)
        .stdout("")
        .stderr("orqex: --paginate: the answer to GET /payment/intents has no `data` list, so it is not a list's page; drop --paginate\n");
}

#[test]
fn a_list_cut_short_before_any_row_says_nothing_was_printed() {
    let server = Server::start(|_, _| {
        Reply::json(
            200,
            json!({"data": [], "pagination": {"has_more_pages": true, "next_page_url": null}}),
        )
    });
    let sb = Sandbox::new();
    api(&sb, &server, &["GET", "/payment/intents", "--paginate"])
        .assert()
        .code(1)
        .stdout("")
        .stderr("orqex: --paginate: page 1 of GET /payment/intents says more pages follow, but it gives no next_page_url; the list is incomplete (nothing was printed)\n");
}
