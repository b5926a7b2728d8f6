//! `--wait`: polling a checkout until its status is final.
//!
//! The loop knows time only through `Pace` (the clock, sleeping, and what to tell the person
//! waiting), so unit tests run it on a fake clock in no time.

use std::time::Duration;

use serde_json::Value;

use crate::client::ApiResponse;
use crate::error::{Error, Exit, Result};

pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(3);
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15 * 60);
/// Faster polling than this only loads the API; tests use it too.
pub const MIN_INTERVAL: Duration = Duration::from_millis(100);
/// Backoff after failed checks doubles the wait up to this (or the interval, if longer).
pub const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// How to wait, validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    pub interval: Duration,
    pub timeout: Duration,
}

impl Plan {
    /// From the flags (read by `duration`); `None` takes the default.
    pub fn new(interval: Option<Duration>, timeout: Option<Duration>) -> Plan {
        Plan {
            interval: interval.unwrap_or(DEFAULT_INTERVAL),
            timeout: timeout.unwrap_or(DEFAULT_TIMEOUT),
        }
    }
}

/// Where a checkout stands, as far as waiting is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    /// Not final: open, or a status orqex does not know.
    Open,
    /// Paid: the checkout (or its payment) completed.
    Paid,
    /// Final without payment, and why, in words.
    Unpaid(String),
}

const CHECKOUT_STATUSES: [&str; 4] = ["open", "completed", "expired", "cancelled"];
const PAYMENT_STATUSES: [&str; 6] = [
    "pending",
    "completed",
    "failed",
    "expired",
    "refunded",
    "partially_refunded",
];

/// A status as shown: what the API sent, made printable (it ends up on the terminal).
fn status(body: &Value, of: &str) -> Option<String> {
    crate::answer::text(body, &format!("{of}.status")).map(crate::text::printable)
}

/// Judges an answer. The checkout's status decides first; while it is open, a payment that
/// completed, failed or expired decides. Anything else, unknown values included, is not final.
pub fn state(body: &Value) -> State {
    match status(body, "checkout").as_deref() {
        Some("completed") => return State::Paid,
        // Expired after a failed payment: the payment's reason is what the shop needs.
        Some("expired") => {
            return State::Unpaid(match payment_failure(body) {
                Some(failure) => format!("the checkout expired; {failure}"),
                None => "the checkout expired".into(),
            });
        }
        Some("cancelled") => return State::Unpaid("the checkout was cancelled".into()),
        _ => {}
    }
    match status(body, "payment").as_deref() {
        Some("completed") => State::Paid,
        Some("expired") => State::Unpaid("its payment expired".into()),
        // Paid, then given back: the money is not the shop's, and no more will come.
        Some("refunded") => State::Unpaid("its payment was refunded".into()),
        Some("partially_refunded") => State::Unpaid("its payment was partly refunded".into()),
        Some("failed") => {
            State::Unpaid(payment_failure(body).unwrap_or_else(|| "its payment failed".into()))
        }
        _ => State::Open,
    }
}

/// `its payment failed: REASON` when the answer gives a failure's reason, `its payment
/// failed` when it only says so in the payment's status; `None` otherwise.
fn payment_failure(body: &Value) -> Option<String> {
    // A failure object alone proves nothing (the reference's answer has a placeholder one):
    // the payment, or its attempt, must say it failed.
    let failed = status(body, "payment").as_deref() == Some("failed")
        || crate::answer::text(body, "payment.active_attempt.status") == Some("failed");
    if !failed {
        return None;
    }
    Some(match crate::answer::failure_reason(body) {
        Some(m) => format!("its payment failed: {}", crate::text::printable(m)),
        None => "its payment failed".into(),
    })
}

/// The checkout's own status word, as `--output status` prints it.
pub fn status_of(body: &Value) -> Option<&str> {
    crate::answer::text(body, "checkout.status")
}

/// Whether the answer says anything a wait could end on: without any status, polling would
/// only run to the timeout.
pub fn has_status(body: &Value) -> bool {
    status(body, "checkout").is_some() || status(body, "payment").is_some()
}

/// Status values in the answer that the API documentation does not list, as `checkout
/// status `x``. Waiting treats them as not final and says so once.
pub fn unknown_statuses(body: &Value) -> Vec<String> {
    let mut unknown = Vec::new();
    for (of, known) in [
        ("checkout", &CHECKOUT_STATUSES[..]),
        ("payment", &PAYMENT_STATUSES[..]),
    ] {
        if let Some(s) = status(body, of)
            && !known.contains(&s.as_str())
        {
            unknown.push(format!("{of} status `{s}`"));
        }
    }
    unknown
}

/// `checkout open, payment pending`: the statuses as the API gave them, for the status line.
pub fn describe(body: &Value) -> String {
    let part = |of: &str| status(body, of).map(|s| format!("{of} {s}"));
    let parts: Vec<String> = [part("checkout"), part("payment")]
        .into_iter()
        .flatten()
        .collect();
    if parts.is_empty() {
        "no status in the answer".into()
    } else {
        parts.join(", ")
    }
}

/// How a wait ended. Each carries the last answer, which is printed whatever the outcome.
#[derive(Debug)]
pub enum Outcome {
    Paid(ApiResponse),
    Unpaid(ApiResponse, String),
    /// `--wait-timeout` passed; the last check's error, if it failed.
    TimedOut(ApiResponse, Option<String>),
}

/// What the loop tells the person waiting.
#[derive(Debug)]
pub enum Event<'a> {
    /// A check answered; the statuses in words.
    Checked(&'a str),
    /// A check failed in a way worth retrying; the next one is after `delay`.
    Retrying { error: &'a Error, delay: Duration },
    /// The answer has status values orqex does not know.
    Unknown(&'a [String]),
}

/// Time and talk, injected so the loop can be tested without waiting.
pub trait Pace {
    /// Time since the wait began.
    fn elapsed(&self) -> Duration;
    fn sleep(&mut self, d: Duration);
    fn event(&mut self, event: Event<'_>);
}

/// Failures that do not end a wait: rate limits, server errors (except 501, which will not
/// change) and network trouble. The client has already retried them briefly; here they only
/// slow the polling down.
fn worth_retrying(err: &Error) -> bool {
    match err {
        Error::Api { error, .. } => {
            error.status != 501 && Exit::for_status(error.status) == Exit::ApiFailed
        }
        Error::Network { .. } => true,
        _ => false,
    }
}

/// How to read where something waited for stands: a checkout, a payment, a refund. `Paid` is
/// the good end (a refund completed), `Unpaid` the bad one (a refund failed).
pub struct Judge {
    pub state: fn(&Value) -> State,
    /// The statuses as the API gave them, for the status line.
    pub describe: fn(&Value) -> String,
    /// Status values the API documentation does not list.
    pub unknown: fn(&Value) -> Vec<String>,
}

/// A checkout, as `checkout create --wait` and `checkout get --wait` wait for it.
pub const CHECKOUT: Judge = Judge {
    state,
    describe,
    unknown: unknown_statuses,
};

/// Polls with `fetch` from the answer in hand until the checkout is final or `plan.timeout`
/// has passed. The last check happens at the deadline itself.
pub fn until_final(
    plan: &Plan,
    first: ApiResponse,
    pace: &mut impl Pace,
    fetch: impl FnMut() -> Result<ApiResponse>,
) -> Result<Outcome> {
    until_final_by(&CHECKOUT, plan, first, pace, fetch)
}

/// `until_final` for anything `judge` can read.
pub fn until_final_by(
    judge: &Judge,
    plan: &Plan,
    first: ApiResponse,
    pace: &mut impl Pace,
    mut fetch: impl FnMut() -> Result<ApiResponse>,
) -> Result<Outcome> {
    let mut last = first;
    let mut last_error: Option<String> = None;
    let mut delay = plan.interval;
    let mut told_unknown: Vec<String> = Vec::new();
    let mut fresh = true;
    loop {
        if fresh {
            match (judge.state)(&last.body) {
                State::Paid => return Ok(Outcome::Paid(last)),
                State::Unpaid(why) => return Ok(Outcome::Unpaid(last, why)),
                State::Open => {}
            }
            let unknown: Vec<String> = (judge.unknown)(&last.body)
                .into_iter()
                .filter(|u| !told_unknown.contains(u))
                .collect();
            if !unknown.is_empty() {
                pace.event(Event::Unknown(&unknown));
                told_unknown.extend(unknown);
            }
            pace.event(Event::Checked(&(judge.describe)(&last.body)));
        }
        let elapsed = pace.elapsed();
        if elapsed >= plan.timeout {
            return Ok(Outcome::TimedOut(last, last_error));
        }
        pace.sleep(delay.min(plan.timeout - elapsed));
        match fetch() {
            Ok(resp) => {
                last = resp;
                last_error = None;
                delay = plan.interval;
                fresh = true;
            }
            Err(e) if worth_retrying(&e) => {
                delay = (delay * 2).min(plan.interval.max(MAX_BACKOFF));
                pace.event(Event::Retrying { error: &e, delay });
                last_error = Some(e.lines().join(" "));
                fresh = false;
            }
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ApiError;
    use serde_json::json;
    use std::collections::VecDeque;

    fn answer(checkout: &str, payment: &str) -> ApiResponse {
        ApiResponse {
            status: 200,
            request_id: None,
            replayed: false,
            body: json!({"data": {"checkout": {"id": "cs_1", "status": checkout},
                                  "payment": {"status": payment}}}),
        }
    }

    fn api_error(status: u16) -> Error {
        Error::Api {
            error: ApiError {
                status,
                message: "x".into(),
                ..Default::default()
            },
            idempotency_key: None,
        }
    }

    /// A clock that moves only when slept on, and remembers what it was told.
    #[derive(Default)]
    struct Fake {
        now: Duration,
        sleeps: Vec<Duration>,
        events: Vec<String>,
    }

    impl Pace for Fake {
        fn elapsed(&self) -> Duration {
            self.now
        }
        fn sleep(&mut self, d: Duration) {
            self.now += d;
            self.sleeps.push(d);
        }
        fn event(&mut self, event: Event<'_>) {
            self.events.push(match event {
                Event::Checked(s) => format!("checked {s}"),
                Event::Retrying { delay, .. } => format!("retry in {delay:?}"),
                Event::Unknown(u) => format!("unknown {}", u.join(",")),
            });
        }
    }

    fn run(
        plan: Plan,
        first: ApiResponse,
        answers: Vec<Result<ApiResponse>>,
    ) -> (Result<Outcome>, Fake, usize) {
        let mut answers: VecDeque<_> = answers.into();
        let mut fake = Fake::default();
        let mut calls = 0;
        let outcome = until_final(&plan, first, &mut fake, || {
            calls += 1;
            answers
                .pop_front()
                .expect("polled more than the test planned")
        });
        (outcome, fake, calls)
    }

    const PLAN: Plan = Plan {
        interval: Duration::from_secs(3),
        timeout: Duration::from_secs(60),
    };

    #[test]
    fn statuses_are_judged_as_documented() {
        let judge = |c: &str, p: &str| state(&answer(c, p).body);
        assert_eq!(judge("open", "pending"), State::Open);
        assert_eq!(judge("completed", "completed"), State::Paid);
        assert_eq!(judge("open", "completed"), State::Paid);
        assert!(matches!(judge("expired", "pending"), State::Unpaid(w) if w.contains("expired")));
        assert!(
            matches!(judge("cancelled", "pending"), State::Unpaid(w) if w.contains("cancelled"))
        );
        assert!(matches!(judge("open", "failed"), State::Unpaid(w) if w == "its payment failed"));
        assert!(matches!(judge("open", "expired"), State::Unpaid(_)));
        assert_eq!(
            judge("open", "refunded"),
            State::Unpaid("its payment was refunded".into())
        );
        assert_eq!(
            judge("open", "partially_refunded"),
            State::Unpaid("its payment was partly refunded".into())
        );
        // Unknown values are not final.
        assert_eq!(judge("frozen", "pending"), State::Open);
        assert_eq!(judge("open", "disputed"), State::Open);
        assert_eq!(state(&json!({})), State::Open);
        assert_eq!(
            unknown_statuses(&answer("frozen", "disputed").body),
            ["checkout status `frozen`", "payment status `disputed`"]
        );
        assert!(unknown_statuses(&answer("open", "partially_refunded").body).is_empty());
        // The flat envelope the SDK also reads.
        let flat = json!({"data": {"status": "open", "payment": {"status": "completed"}}});
        assert_eq!(state(&flat), State::Paid);
        assert!(has_status(&flat));
        assert!(!has_status(&json!({"data": {"id": "cs_1"}})));
        let failed = json!({"data": {"checkout": {"status": "open"}, "payment": {"status": "failed",
            "active_attempt": {"failure": {"code": "x", "message": "Insufficient funds"}}}}});
        assert_eq!(
            state(&failed),
            State::Unpaid("its payment failed: Insufficient funds".into())
        );
    }

    #[test]
    fn a_final_first_answer_needs_no_polling() {
        let (outcome, fake, calls) = run(PLAN, answer("completed", "completed"), vec![]);
        assert!(matches!(outcome.unwrap(), Outcome::Paid(_)));
        assert_eq!(calls, 0);
        assert!(fake.sleeps.is_empty());
    }

    #[test]
    fn polls_every_interval_until_paid() {
        let (outcome, fake, calls) = run(
            PLAN,
            answer("open", "pending"),
            vec![
                Ok(answer("open", "pending")),
                Ok(answer("completed", "completed")),
            ],
        );
        assert!(matches!(outcome.unwrap(), Outcome::Paid(_)));
        assert_eq!(calls, 2);
        assert_eq!(fake.sleeps, [Duration::from_secs(3); 2]);
    }

    #[test]
    fn ends_unpaid_with_the_reason() {
        let (outcome, _, _) = run(
            PLAN,
            answer("open", "pending"),
            vec![Ok(answer("expired", "expired"))],
        );
        match outcome.unwrap() {
            Outcome::Unpaid(_, why) => assert_eq!(why, "the checkout expired"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn rate_limits_and_server_errors_back_off_and_keep_waiting() {
        let (outcome, fake, calls) = run(
            PLAN,
            answer("open", "pending"),
            vec![
                Err(api_error(429)),
                Err(api_error(503)),
                Err(Error::Network {
                    message: "reset".into(),
                    idempotency_key: None,
                }),
                Ok(answer("open", "pending")),
                Ok(answer("completed", "completed")),
            ],
        );
        assert!(matches!(outcome.unwrap(), Outcome::Paid(_)));
        assert_eq!(calls, 5);
        let secs: Vec<u64> = fake.sleeps.iter().map(Duration::as_secs).collect();
        // 3, then doubled after each failure, back to 3 after an answer.
        assert_eq!(secs, [3, 6, 12, 24, 3]);
        assert_eq!(
            fake.events
                .iter()
                .filter(|e| e.starts_with("retry"))
                .count(),
            3
        );
    }

    #[test]
    fn backoff_is_capped() {
        let plan = Plan {
            interval: Duration::from_secs(20),
            timeout: Duration::from_secs(600),
        };
        let mut answers: Vec<Result<ApiResponse>> = (0..4).map(|_| Err(api_error(500))).collect();
        answers.push(Ok(answer("completed", "completed")));
        let (_, fake, _) = run(plan, answer("open", "pending"), answers);
        let secs: Vec<u64> = fake.sleeps.iter().map(Duration::as_secs).collect();
        assert_eq!(secs, [20, 40, 60, 60, 60]);
    }

    #[test]
    fn other_errors_end_the_wait() {
        let (outcome, _, _) = run(PLAN, answer("open", "pending"), vec![Err(api_error(404))]);
        assert_eq!(outcome.unwrap_err().exit(), Exit::Rejected);
        let (outcome, _, _) = run(PLAN, answer("open", "pending"), vec![Err(api_error(501))]);
        assert_eq!(outcome.unwrap_err().exit(), Exit::ApiFailed);
    }

    #[test]
    fn times_out_after_a_last_check_at_the_deadline() {
        let plan = Plan {
            interval: Duration::from_secs(4),
            timeout: Duration::from_secs(10),
        };
        let answers = (0..3).map(|_| Ok(answer("open", "pending"))).collect();
        let (outcome, fake, calls) = run(plan, answer("open", "pending"), answers);
        assert!(matches!(outcome.unwrap(), Outcome::TimedOut(_, None)));
        assert_eq!(calls, 3);
        let secs: Vec<u64> = fake.sleeps.iter().map(Duration::as_secs).collect();
        assert_eq!(secs, [4, 4, 2]);
        assert_eq!(fake.now, plan.timeout);
    }

    #[test]
    fn a_timeout_after_failed_checks_says_why() {
        let plan = Plan {
            interval: Duration::from_secs(5),
            timeout: Duration::from_secs(5),
        };
        let (outcome, _, _) = run(plan, answer("open", "pending"), vec![Err(api_error(503))]);
        match outcome.unwrap() {
            Outcome::TimedOut(last, Some(error)) => {
                assert_eq!(last.body["data"]["checkout"]["status"], "open");
                assert!(error.contains("503"), "{error}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unknown_statuses_are_told_once() {
        let (outcome, fake, _) = run(
            PLAN,
            answer("frozen", "pending"),
            vec![
                Ok(answer("frozen", "pending")),
                Ok(answer("completed", "completed")),
            ],
        );
        assert!(matches!(outcome.unwrap(), Outcome::Paid(_)));
        let unknown: Vec<&String> = fake
            .events
            .iter()
            .filter(|e| e.starts_with("unknown"))
            .collect();
        assert_eq!(unknown, ["unknown checkout status `frozen`"]);
    }

    #[test]
    fn a_plan_takes_the_defaults_for_what_is_not_given() {
        assert_eq!(
            Plan::new(None, None),
            Plan {
                interval: DEFAULT_INTERVAL,
                timeout: DEFAULT_TIMEOUT
            }
        );
        let (a, b) = (Duration::from_millis(150), Duration::from_secs(9));
        assert_eq!(
            Plan::new(Some(a), Some(b)),
            Plan {
                interval: a,
                timeout: b
            }
        );
    }
}
