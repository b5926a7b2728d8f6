//! A fake of the Orqex payments and refunds API (shared/api/README.md, "Payments and
//! refunds"), with the rules the SDK gives it, for tests that run orqex's payments and refunds
//! commands against something that behaves like the API rather than a canned answer:
//! - lists newest first, `per_page` (default 20) and `page`, `next_page_url` carrying the
//!   filters (`status`, `customer_id`, `created_at[gte]`, `created_at[lte]`);
//! - one payment, a checkout resolving to its payment;
//! - refund availability, refunds refused over what is refundable or on a payment that cannot
//!   be refunded, reasons outside the list refused;
//! - `X-Idempotency-Key`: the same key and body replays the first answer with
//!   `X-Idempotent-Replayed: true`; the same key with another body is a 409;
//! - a refund `pending` when created, `processing` on its first read and final (`completed`,
//!   or `failed` with a `failure_message`) once read `settle_after` times.
//!
//! Amount `value`s are minor units (hundredths), as the docs' example (5000 for "50.00 XOF");
//! refund requests are in major units, as the SDK says. Anything the fake does not expect
//! panics in the handler, which fails the test (see `Server`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::{Value, json};

use super::{Recorded, Reply, Server};

/// The reasons a refund may give (the SDK's list).
pub const REASONS: [&str; 7] = [
    "requested_by_customer",
    "duplicate",
    "fraudulent",
    "product_not_received",
    "product_unsatisfactory",
    "order_cancelled",
    "other",
];

/// One refund as the fake keeps it.
#[derive(Debug, Clone)]
pub struct Refund {
    pub id: String,
    /// Minor units.
    pub value: i64,
    pub status: String,
    pub reason: String,
    pub note: Option<String>,
    pub metadata: Value,
    pub allow_payout: bool,
    /// Reads of this refund so far (`GET .../refunds/{id}` and lists).
    pub reads: usize,
    pub created_at: String,
}

/// An idempotency key seen on a write: the body it came with and the answer it got.
#[derive(Debug, Clone)]
struct Remembered {
    path: String,
    body: Vec<u8>,
    status: u16,
    answer: Value,
}

/// Everything the fake API holds. Tests change it before or between runs through `FakeApi::store`.
#[derive(Debug)]
pub struct Store {
    /// Payment intents, in any order: lists sort them newest first.
    pub payments: Vec<Value>,
    /// Refunds of each payment, oldest first.
    pub refunds: HashMap<String, Vec<Refund>>,
    /// Checkout id → its payment's id.
    pub checkouts: HashMap<String, String>,
    /// Payment id → `unavailable_reason` for a payment that cannot be refunded whatever its
    /// status (a gateway that does not support it, say).
    pub unrefundable: HashMap<String, String>,
    /// How many reads of a refund it takes to be final.
    pub settle_after: usize,
    /// What a refund ends as: `completed` or `failed`.
    pub outcome: &'static str,
    /// The base URL, for `next_page_url`.
    pub base_url: String,
    keys: HashMap<String, Remembered>,
    next_refund: usize,
}

impl Store {
    /// A refund by id, wherever it is.
    pub fn refund(&self, payment: &str, id: &str) -> Option<&Refund> {
        self.refunds.get(payment)?.iter().find(|r| r.id == id)
    }
}

/// The fake API on a loopback server.
pub struct FakeApi {
    pub server: Server,
    store: Arc<Mutex<Store>>,
}

impl FakeApi {
    /// The fake holding `payments` (see `payment`), each refundable if completed.
    pub fn start(payments: Vec<Value>) -> FakeApi {
        let store = Arc::new(Mutex::new(Store {
            payments,
            refunds: HashMap::new(),
            checkouts: HashMap::new(),
            unrefundable: HashMap::new(),
            settle_after: 2,
            outcome: "completed",
            base_url: String::new(),
            keys: HashMap::new(),
            next_refund: 1,
        }));
        let shared = store.clone();
        let server = Server::start(move |req, _| handle(&mut shared.lock().unwrap(), req));
        store.lock().unwrap().base_url = server.url();
        FakeApi { server, store }
    }

    /// The fake with the payments of `day()`.
    pub fn day() -> FakeApi {
        FakeApi::start(day())
    }

    pub fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn url(&self) -> String {
        self.server.url()
    }

    /// The requests that arrived, as `METHOD path?query`.
    pub fn lines(&self) -> Vec<String> {
        self.server
            .requests()
            .iter()
            .map(|r| format!("{} {}", r.method, r.path))
            .collect()
    }
}

/// A payment intent in the SDK's shape. `value` is in minor units; `created_at` is
/// `YYYY-MM-DDTHH:MM:SSZ`.
pub fn payment(id: &str, status: &str, value: i64, currency: &str, created_at: &str) -> Value {
    let major = format!("{}.{:02}", value / 100, value % 100);
    let short = if value % 100 == 0 {
        format!("{} {currency}", value / 100)
    } else {
        format!("{major} {currency}")
    };
    let email = format!("{}@example.com", id.to_ascii_lowercase());
    let attempt_status = match status {
        "failed" => "failed",
        "pending" | "expired" => "processing",
        _ => "completed",
    };
    let mut attempt = json!({
        "id": format!("att_{id}"),
        "method": "momo_mtn",
        "amount": amount(value, currency),
        "status": attempt_status,
        "next_action": null,
        "created_at": created_at,
    });
    if status == "failed" {
        attempt["failure"] = json!({
            "code": {"value": "insufficient_funds", "category": "customer", "message": "The customer's balance is too low."}
        });
    }
    json!({
        "id": id,
        "amount": {"value": value, "formatted": format!("{major} {currency}"), "short": short, "currency": currency},
        "customer": {"id": format!("cus_{id}"), "first_name": "Ama", "last_name": "Mensah", "email": email, "avatar_url": null},
        "status": status,
        "description": format!("Order {id}"),
        "return_url": null,
        "webhook_url": null,
        "statement_descriptor": null,
        "receipt_email": null,
        "metadata": {},
        "active_attempt": if status == "expired" { Value::Null } else { attempt },
        "completed_at": if status == "completed" { json!(created_at) } else { Value::Null },
        "expired_at": null,
        "created_at": created_at,
        "future_field": {"kept": true},
    })
}

/// An Amount in minor units.
pub fn amount(value: i64, currency: &str) -> Value {
    let major = format!("{}.{:02}", value / 100, value % 100);
    let short = if value % 100 == 0 {
        format!("{} {currency}", value / 100)
    } else {
        format!("{major} {currency}")
    };
    json!({"value": value, "formatted": format!("{major} {currency}"), "short": short, "currency": currency})
}

/// A day of 25 payments (more than one page of 20), newest first by id number: TRX0025 at
/// 2026-12-04T23:00:00Z down to TRX0001 at 2026-12-04T00:00:00Z. Statuses and currencies
/// cycle; amounts are 1,000.00 plus the number (so TRX0007 is 1007.00).
pub fn day() -> Vec<Value> {
    const STATUSES: [&str; 5] = ["completed", "pending", "failed", "completed", "refunded"];
    (1..=25)
        .map(|n| {
            let currency = if n % 3 == 0 { "GHS" } else { "XOF" };
            let mut p = payment(
                &format!("TRX{n:04}"),
                STATUSES[n % 5],
                (1000 + n as i64) * 100,
                currency,
                &format!(
                    "2026-12-04T{:02}:{:02}:00Z",
                    (n - 1) * 23 / 24,
                    (n - 1) % 60
                ),
            );
            p["customer"]["id"] = json!(if n % 2 == 0 { "cus_even" } else { "cus_odd" });
            p
        })
        .collect()
}

fn not_found(what: &str) -> Reply {
    Reply::json(404, json!({"message": format!("{what} not found.")}))
}

/// A validation error in the API's envelope.
pub fn invalid(field: &str, message: &str) -> Reply {
    Reply::json(
        422,
        json!({"message": message, "errors": {field: [message]}}),
    )
}

fn handle(store: &mut Store, req: &Recorded) -> Reply {
    let (path, query) = req.path.split_once('?').unwrap_or((&req.path, ""));
    let path = path
        .strip_prefix("/v1")
        .unwrap_or_else(|| panic!("a path outside /v1: {}", req.path));
    let query: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    assert!(
        req.header("authorization")
            .is_some_and(|a| a.starts_with("Bearer sk_")),
        "no key on {}",
        req.path
    );
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match (req.method.as_str(), segments.as_slice()) {
        ("GET", ["payment", "intents"]) => list_payments(store, &query),
        ("GET", ["payment", "intents", id]) => match find(store, id) {
            Some(p) => Reply::json(200, json!({"data": p})),
            None => not_found("Payment intent"),
        },
        ("GET", ["payment", "checkouts", id]) => match store.checkouts.get(*id).cloned() {
            Some(payment) => {
                let p = find(store, &payment).expect("a checkout's payment is in the store");
                Reply::json(200, checkout_answer(id, &p))
            }
            None => not_found("Checkout session"),
        },
        ("GET", ["payment", "intents", id, "refunds", "availability"]) => match find(store, id) {
            Some(p) => Reply::json(200, json!({"data": availability(store, &p)})),
            None => not_found("Payment intent"),
        },
        ("GET", ["payment", "intents", id, "refunds"]) => list_refunds(store, id, &query),
        ("GET", ["payment", "intents", id, "refunds", refund]) => {
            if find(store, id).is_none() {
                return not_found("Payment intent");
            }
            let Some(r) = read_refund(store, id, refund) else {
                return not_found("Refund");
            };
            let p = find(store, id).unwrap();
            Reply::json(200, json!({"data": refund_json(&r, &p)}))
        }
        ("POST", ["payment", "intents", id, "refunds"]) => create_refund(store, id, req),
        _ => panic!("the fake API has no {} {}", req.method, req.path),
    }
}

fn find(store: &Store, id: &str) -> Option<Value> {
    store.payments.iter().find(|p| p["id"] == id).cloned()
}

fn checkout_answer(id: &str, payment: &Value) -> Value {
    json!({
        "message": "Checkout retrieved",
        "data": {
            "checkout": {
                "id": id,
                "url": format!("https://pay.orqex.com/c/{id}"),
                "status": if payment["status"] == "pending" { "open" } else { "completed" },
                "environment": "sandbox",
            },
            "payment": payment,
        }
    })
}

/// The one value a query names for `name`; a name given twice is a test failure (orqex must
/// not send a filter the API would read only one of).
fn param<'a>(query: &'a [(String, String)], name: &str) -> Option<&'a str> {
    let mut found = query.iter().filter(|(k, _)| k == name);
    let first = found.next().map(|(_, v)| v.as_str());
    assert!(found.next().is_none(), "`{name}` given twice: {query:?}");
    first
}

/// The page asked for, and its size.
fn page_of(query: &[(String, String)]) -> (usize, usize) {
    let page = param(query, "page").map_or(1, |p| p.parse().expect("a page number"));
    let per_page = param(query, "per_page").map_or(20, |p| p.parse().expect("a per_page number"));
    assert!((1..=100).contains(&per_page), "per_page {per_page}");
    (page, per_page)
}

/// One page of `rows`, with its `pagination`, the next page's URL keeping every other
/// parameter of this one's query.
fn page(store: &Store, path: &str, query: &[(String, String)], rows: Vec<Value>) -> Reply {
    let (page, per_page) = page_of(query);
    let more = rows.len() > page * per_page;
    let data: Vec<Value> = rows
        .into_iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .collect();
    let next = more.then(|| {
        let mut q = form_urlencoded::Serializer::new(String::new());
        for (k, v) in query.iter().filter(|(k, _)| k != "page") {
            q.append_pair(k, v);
        }
        q.append_pair("page", &(page + 1).to_string());
        format!("{}{path}?{}", store.base_url, q.finish())
    });
    Reply::json(
        200,
        json!({"data": data, "pagination": {"next_page_url": next, "has_more_pages": more}}),
    )
}

fn list_payments(store: &Store, query: &[(String, String)]) -> Reply {
    for (k, _) in query {
        assert!(
            [
                "status",
                "channel",
                "customer_id",
                "created_at[gte]",
                "created_at[lte]",
                "per_page",
                "page"
            ]
            .contains(&k.as_str()),
            "a filter the API does not have: {k}"
        );
    }
    let status = param(query, "status");
    let customer = param(query, "customer_id");
    let gte = param(query, "created_at[gte]").map(timestamp);
    let lte = param(query, "created_at[lte]").map(timestamp);
    let mut rows: Vec<Value> = store
        .payments
        .iter()
        .filter(|p| status.is_none_or(|s| p["status"] == s))
        .filter(|p| customer.is_none_or(|c| p["customer"]["id"] == c))
        .filter(|p| {
            let at = timestamp(p["created_at"].as_str().unwrap());
            gte.as_ref().is_none_or(|g| at >= *g) && lte.as_ref().is_none_or(|l| at <= *l)
        })
        .cloned()
        .collect();
    rows.sort_by(|a, b| b["created_at"].as_str().cmp(&a["created_at"].as_str()));
    page(store, "/payment/intents", query, rows)
}

/// `YYYY-MM-DDTHH:MM:SS` of a timestamp as orqex sends it (RFC 3339, UTC), for comparison.
fn timestamp(text: &str) -> String {
    assert!(
        text.len() == 20 && text.ends_with('Z') && text.as_bytes()[10] == b'T',
        "not an RFC 3339 UTC timestamp to the second: {text}"
    );
    text[..19].to_string()
}

/// What is refunded (completed), pending (pending or processing), and still refundable.
fn figures(store: &Store, payment: &Value) -> (i64, i64, i64) {
    let total = payment["amount"]["value"].as_i64().unwrap();
    let refunds = store
        .refunds
        .get(payment["id"].as_str().unwrap())
        .map(Vec::as_slice)
        .unwrap_or_default();
    let sum = |statuses: &[&str]| -> i64 {
        refunds
            .iter()
            .filter(|r| statuses.contains(&r.status.as_str()))
            .map(|r| r.value)
            .sum()
    };
    let refunded = sum(&["completed"]);
    let pending = sum(&["pending", "processing"]);
    (refunded, pending, total - refunded - pending)
}

fn availability(store: &Store, payment: &Value) -> Value {
    let currency = payment["amount"]["currency"].as_str().unwrap();
    let (refunded, pending, refundable) = figures(store, payment);
    let id = payment["id"].as_str().unwrap();
    let status = payment["status"].as_str().unwrap();
    let reason = if let Some(why) = store.unrefundable.get(id) {
        Some(why.clone())
    } else if !["completed", "partially_refunded"].contains(&status) {
        Some(format!(
            "Only completed payments can be refunded; this one is {status}."
        ))
    } else if refundable <= 0 {
        Some("This payment has been refunded in full.".to_string())
    } else {
        None
    };
    json!({
        "is_refundable": reason.is_none(),
        "refundable_amount": amount(if reason.is_none() { refundable } else { 0 }, currency),
        "refunded_amount": amount(refunded, currency),
        "pending_amount": amount(pending, currency),
        "has_pending_refund": pending > 0,
        "available_types": if reason.is_some() { json!([]) } else if refunded + pending == 0 { json!(["full", "partial"]) } else { json!(["partial"]) },
        "execution_method": "gateway",
        "unavailable_reason": reason,
    })
}

fn refund_json(r: &Refund, payment: &Value) -> Value {
    let currency = payment["amount"]["currency"].as_str().unwrap();
    let total = payment["amount"]["value"].as_i64().unwrap();
    let failed = r.status == "failed";
    json!({
        "id": r.id,
        "amount": amount(r.value, currency),
        "processed_amount": if r.status == "completed" { amount(r.value, currency) } else { Value::Null },
        "exchange_rate": null,
        "type": if r.value == total { "full" } else { "partial" },
        "execution_method": if r.allow_payout { "payout" } else { "gateway" },
        "status": r.status,
        "reason": {"value": r.reason, "label": label(&r.reason)},
        "note": r.note,
        "failure_code": if failed { json!("reversal_declined") } else { Value::Null },
        "failure_message": if failed { json!("The mobile money operator declined the reversal.") } else { Value::Null },
        "metadata": r.metadata,
        "payout": null,
        "completed_at": if r.status == "completed" { json!("2026-12-05T10:05:00Z") } else { Value::Null },
        "failed_at": if failed { json!("2026-12-05T10:05:00Z") } else { Value::Null },
        "created_at": r.created_at,
    })
}

fn label(reason: &str) -> String {
    let text = reason.replace('_', " ");
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

/// Reads a refund, moving it on: `processing` after its first read, final after
/// `settle_after` reads.
fn read_refund(store: &mut Store, payment: &str, id: &str) -> Option<Refund> {
    let (settle_after, outcome) = (store.settle_after, store.outcome);
    let r = store
        .refunds
        .get_mut(payment)?
        .iter_mut()
        .find(|r| r.id == id)?;
    r.reads += 1;
    if r.status == "pending" || r.status == "processing" {
        r.status = if r.reads >= settle_after {
            outcome.to_string()
        } else {
            "processing".to_string()
        };
    }
    let r = r.clone();
    settle_payment(store, payment);
    Some(r)
}

/// The payment's status once its refunds have moved.
fn settle_payment(store: &mut Store, id: &str) {
    let Some(p) = find(store, id) else { return };
    let (refunded, pending, refundable) = figures(store, &p);
    let status = if refunded + pending == 0 {
        return;
    } else if refundable == 0 && pending == 0 {
        "refunded"
    } else {
        "partially_refunded"
    };
    if let Some(p) = store.payments.iter_mut().find(|p| p["id"] == id) {
        p["status"] = json!(status);
    }
}

fn list_refunds(store: &mut Store, payment: &str, query: &[(String, String)]) -> Reply {
    for (k, _) in query {
        assert!(
            ["per_page", "page"].contains(&k.as_str()),
            "a refunds filter the API does not have: {k}"
        );
    }
    let Some(p) = find(store, payment) else {
        return not_found("Payment intent");
    };
    let ids: Vec<String> = store
        .refunds
        .get(payment)
        .map(|rs| rs.iter().rev().map(|r| r.id.clone()).collect())
        .unwrap_or_default();
    let rows: Vec<Value> = ids
        .iter()
        .filter_map(|id| read_refund(store, payment, id))
        .map(|r| refund_json(&r, &p))
        .collect();
    page(
        store,
        &format!("/payment/intents/{payment}/refunds"),
        query,
        rows,
    )
}

/// Major units as given (`12`, `12.5`, `12.50`) in minor units; None for anything else.
fn minor_units(amount: &Value) -> Option<i64> {
    let text = amount.as_number()?.to_string();
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    if fraction.len() > 2 || whole.starts_with('-') {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let fraction: i64 = format!("{fraction:0<2}").parse().ok()?;
    Some(whole * 100 + fraction)
}

fn create_refund(store: &mut Store, payment: &str, req: &Recorded) -> Reply {
    let key = req.header("x-idempotency-key").map(str::to_string);
    if let Some(k) = &key {
        assert!((8..=128).contains(&k.len()), "idempotency key length: {k}");
        if let Some(seen) = store.keys.get(k) {
            if seen.path == req.path && seen.body == req.body {
                return Reply::json(seen.status, seen.answer.clone())
                    .with_header("X-Idempotent-Replayed", "true");
            }
            return Reply::json(
                409,
                json!({"message": "This idempotency key was already used with a different request."}),
            );
        }
    }
    let (status, answer) = refund_answer(store, payment, req);
    if let Some(k) = key {
        store.keys.insert(
            k,
            Remembered {
                path: req.path.clone(),
                body: req.body.clone(),
                status,
                answer: answer.clone(),
            },
        );
    }
    Reply::json(status, answer)
}

/// The answer to a refund request, with its status; the refund is kept when it is created.
fn refund_answer(store: &mut Store, payment: &str, req: &Recorded) -> (u16, Value) {
    let error = |field: &str, message: &str| {
        (
            422,
            json!({"message": message, "errors": {field: [message]}}),
        )
    };
    let Some(p) = find(store, payment) else {
        return (404, json!({"message": "Payment intent not found."}));
    };
    let body: Value = serde_json::from_slice(&req.body).expect("a refund request is JSON");
    assert_eq!(
        req.header("content-type"),
        Some("application/json"),
        "a refund's content type"
    );
    for k in body.as_object().expect("a JSON object").keys() {
        assert!(
            ["amount", "reason", "note", "metadata", "allow_payout"].contains(&k.as_str()),
            "a refund field the API does not have: {k}"
        );
    }
    let reason = body["reason"].as_str().unwrap_or_default();
    if !REASONS.contains(&reason) {
        return error("reason", "The selected reason is invalid.");
    }
    let Some(value) = minor_units(&body["amount"]).filter(|v| *v > 0) else {
        return error("amount", "The amount must be a positive number.");
    };
    let availability = availability(store, &p);
    if availability["is_refundable"] != true {
        let why = availability["unavailable_reason"]
            .as_str()
            .unwrap_or_default();
        return error("amount", why);
    }
    if value > availability["refundable_amount"]["value"].as_i64().unwrap() {
        return error("amount", "The refund amount exceeds the refundable amount.");
    }
    let id = format!("rf_{:04}", store.next_refund);
    store.next_refund += 1;
    let refund = Refund {
        id,
        value,
        status: "pending".into(),
        reason: reason.into(),
        note: body["note"].as_str().map(str::to_string),
        metadata: body.get("metadata").cloned().unwrap_or(json!({})),
        allow_payout: body["allow_payout"] == true,
        reads: 0,
        created_at: "2026-12-05T10:00:00Z".into(),
    };
    let answer = json!({"message": "Refund created", "data": refund_json(&refund, &p)});
    store
        .refunds
        .entry(payment.to_string())
        .or_default()
        .push(refund);
    settle_payment(store, payment);
    (201, answer)
}
