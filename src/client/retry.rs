//! Whether to try again and after how long, and the error a request ends with when it will
//! not be tried again.

use std::time::Duration;

use super::failure::{Failure, Problem};
use crate::error::Error;

const BACKOFF_BASE: Duration = Duration::from_millis(200);
const BACKOFF_CAP: Duration = Duration::from_secs(2);
/// The shortest wait before any retry, as the official SDK (shared/api/README.md).
const MIN_WAIT: Duration = Duration::from_millis(200);
/// A `Retry-After` longer than this is not waited for in full: a CI job should fail, not hang.
const RETRY_AFTER_CAP: Duration = Duration::from_secs(60);

/// Upper bound of the backoff before retry `retry` (0 for the first): base·2ʳ, at most the cap.
pub fn backoff_ceiling(retry: u32) -> Duration {
    BACKOFF_BASE
        .saturating_mul(2u32.saturating_pow(retry))
        .min(BACKOFF_CAP)
}

/// The official SDK's jitter: the ceiling times a random factor in `[0.5, 1.0]` (whole
/// milliseconds, chosen by `random`), never under `MIN_WAIT`: an overloaded API must not see
/// the retry a millisecond after the failure.
pub fn jitter(ceiling: Duration, random: u64) -> Duration {
    let ms = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
    let half = ms / 2;
    let span = ms - half;
    let jittered = Duration::from_millis(half + random % span.saturating_add(1));
    jittered.max(MIN_WAIT)
}

/// The wait before retry `retry`: jittered backoff, but at least the server's `Retry-After`
/// (capped).
pub fn delay(retry: u32, retry_after: Option<Duration>, random: u64) -> Duration {
    let backoff = jitter(backoff_ceiling(retry), random);
    match retry_after {
        Some(after) => backoff.max(after.min(RETRY_AFTER_CAP)),
        None => backoff,
    }
}

/// `Retry-After` as the API sends it (whole seconds), as some proxies do (decimal seconds), or
/// as an HTTP date (RFC 9110), which is read against `now`; a date already past means no wait.
pub fn parse_retry_after(value: &str, now: std::time::SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // More seconds than fit is still "a very long time", which the cap then shortens.
        return Some(Duration::from_secs(
            value.parse::<u64>().unwrap_or(u64::MAX),
        ));
    }
    if value.bytes().all(|b| b.is_ascii_digit() || b == b'.') && !value.starts_with('.') {
        return value
            .parse::<f64>()
            .ok()
            .and_then(|s| Duration::try_from_secs_f64(s).ok());
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

pub(super) fn random() -> u64 {
    // Without randomness any fixed point of the range is still a valid jittered wait;
    // the OS generator failing is all but impossible.
    crate::random::u64().unwrap_or(u64::MAX)
}

/// The error for a request that will not be tried again, after `attempts` tries of which one
/// may have `reached` the API.
pub(super) fn give_up(
    failure: Failure,
    attempts: u32,
    reached: bool,
    idempotency_key: Option<&str>,
) -> Error {
    let key = idempotency_key.map(str::to_string);
    let tries = if attempts > 1 {
        format!("; tried {attempts} times")
    } else {
        String::new()
    };
    match failure.problem {
        Problem::Api(mut error) => {
            // The API's sentence keeps its full stop: "Too Many Attempts. (tried 3 times)".
            if !tries.is_empty() && error.message.ends_with(['.', '!', '?']) {
                error
                    .message
                    .push_str(&format!(" (tried {attempts} times)"));
            } else {
                error.message.push_str(&tries);
            }
            Error::Api {
                error,
                idempotency_key: key,
            }
        }
        // Certain that no attempt left the machine: no hint, the create did not happen.
        Problem::Network(message) if !reached => Error::Network {
            message: format!(
                "{message}{tries}; nothing was sent{}",
                // Only a write (which carries a key) can create anything.
                if idempotency_key.is_some() {
                    ", so nothing was created"
                } else {
                    ""
                }
            ),
            idempotency_key: None,
        },
        Problem::Network(message) => Error::Network {
            message: format!("{message}{tries}"),
            idempotency_key: key,
        },
        Problem::Usage(message) => Error::Usage(message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_200ms_up_to_2s() {
        let ceilings: Vec<u128> = (0..7).map(|r| backoff_ceiling(r).as_millis()).collect();
        assert_eq!(ceilings, [200, 400, 800, 1600, 2000, 2000, 2000]);
        assert_eq!(backoff_ceiling(u32::MAX), BACKOFF_CAP);
    }

    #[test]
    fn jitter_spans_half_to_the_whole_ceiling_never_under_200ms() {
        let ms = Duration::from_millis;
        let c = ms(800);
        // max(200, 800 × rand(0.5, 1.0)): from 400 to 800 ms.
        assert_eq!(jitter(c, 0), ms(400));
        assert_eq!(jitter(c, 400), c);
        assert_eq!(jitter(c, 401), ms(400));
        assert_eq!(jitter(c, 1234), ms(400 + 1234 % 401));
        assert!((ms(400)..=c).contains(&jitter(c, u64::MAX)));
        // An odd ceiling: its upper half, both ends included.
        assert_eq!(jitter(ms(2001), 0), ms(1000));
        assert_eq!(jitter(ms(2001), 1001), ms(2001));
        // The first retry's 200 ms ceiling would allow 100 ms: the floor holds at 200.
        for random in [0, 1, 50, 99, 100, u64::MAX] {
            assert_eq!(jitter(ms(200), random), ms(200), "{random}");
        }
        assert_eq!(jitter(ms(400), 0), ms(200));
        assert_eq!(jitter(ms(400), 1), ms(201));
        assert_eq!(jitter(Duration::ZERO, u64::MAX), ms(200));
        assert_eq!(jitter(Duration::MAX, 0), ms(u64::MAX / 2));
    }

    #[test]
    fn retry_after_is_a_floor_capped_at_60s() {
        let s = Duration::from_secs;
        // Backoff alone: retry 0 is always 200 ms, retry 1 between 200 and 400.
        assert_eq!(delay(0, None, 150), Duration::from_millis(200));
        assert_eq!(delay(1, None, 0), Duration::from_millis(200));
        assert_eq!(delay(1, None, 150), Duration::from_millis(350));
        assert_eq!(delay(1, None, 200), Duration::from_millis(400));
        // Retry-After wins when longer than the jittered backoff...
        assert_eq!(delay(0, Some(s(1)), 150), s(1));
        // ...and the backoff when longer than Retry-After.
        assert_eq!(delay(3, Some(s(1)), 800), Duration::from_millis(1600));
        assert_eq!(delay(0, Some(s(0)), 7), Duration::from_millis(200));
        // A huge Retry-After is capped.
        assert_eq!(delay(0, Some(s(3600)), 0), s(60));
    }

    #[test]
    fn retry_after_in_seconds_decimals_or_a_date() {
        let now = httpdate::parse_http_date("Wed, 21 Oct 2026 07:28:00 GMT").unwrap();
        let p = |v| parse_retry_after(v, now);
        assert_eq!(p("1"), Some(Duration::from_secs(1)));
        assert_eq!(p(" 120 "), Some(Duration::from_secs(120)));
        assert_eq!(p("1.5"), Some(Duration::from_millis(1500)));
        assert_eq!(
            p("Wed, 21 Oct 2026 07:28:30 GMT"),
            Some(Duration::from_secs(30))
        );
        // A date in the past: no wait, not an error.
        assert_eq!(p("Wed, 21 Oct 2026 07:00:00 GMT"), Some(Duration::ZERO));
        assert_eq!(
            p("99999999999999999999999"),
            Some(Duration::from_secs(u64::MAX))
        );
        assert_eq!(
            delay(0, p("99999999999999999999999"), 0),
            Duration::from_secs(60)
        );
        for bad in ["-1", "", ".5", "1.2.3", "soon", "1e3"] {
            assert_eq!(p(bad), None, "{bad}");
        }
    }

    #[test]
    fn random_is_not_a_constant() {
        let draws: Vec<u64> = (0..4).map(|_| random()).collect();
        assert!(draws.iter().any(|d| *d != draws[0]), "{draws:?}");
    }

    fn network(message: &str) -> Failure {
        Failure {
            problem: Problem::Network(message.into()),
            retryable: true,
            retry_after: None,
            reached: true,
        }
    }

    fn parts(e: Error) -> (String, Option<String>) {
        match e {
            Error::Network {
                message,
                idempotency_key,
            } => (message, idempotency_key),
            Error::Api {
                error,
                idempotency_key,
            } => (error.message, idempotency_key),
            Error::Usage(message) => (message, None),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn the_tries_are_counted_only_when_there_were_several() {
        let key = Some("orq_0123456789abcdef");
        assert_eq!(
            parts(give_up(network("cannot connect"), 1, true, key)),
            ("cannot connect".into(), key.map(str::to_string))
        );
        assert_eq!(
            parts(give_up(network("cannot connect"), 2, true, key)),
            (
                "cannot connect; tried 2 times".into(),
                key.map(str::to_string)
            )
        );
        assert_eq!(
            parts(give_up(network("cannot connect"), 3, true, None)),
            ("cannot connect; tried 3 times".into(), None)
        );
    }

    #[test]
    fn nothing_sent_is_said_and_drops_the_key() {
        let key = Some("orq_0123456789abcdef");
        assert_eq!(
            parts(give_up(network("cannot resolve x"), 3, false, key)),
            (
                "cannot resolve x; tried 3 times; nothing was sent, so nothing was created".into(),
                None
            )
        );
        assert_eq!(
            parts(give_up(network("cannot resolve x"), 1, false, None)),
            ("cannot resolve x; nothing was sent".into(), None)
        );
    }

    #[test]
    fn api_and_usage_failures_keep_their_kind() {
        let key = Some("orq_0123456789abcdef");
        let f = Failure {
            problem: Problem::Api(crate::error::ApiError {
                status: 503,
                message: "busy".into(),
                ..Default::default()
            }),
            retryable: true,
            retry_after: None,
            reached: false,
        };
        let e = give_up(f, 3, false, key);
        assert!(matches!(e, Error::Api { .. }), "{e:?}");
        assert_eq!(
            parts(e),
            ("busy; tried 3 times".into(), key.map(str::to_string))
        );
        let f = Failure {
            problem: Problem::Usage("cannot build".into()),
            retryable: false,
            retry_after: None,
            reached: false,
        };
        let e = give_up(f, 2, false, key);
        assert!(
            matches!(&e, Error::Usage(m) if m == "cannot build"),
            "{e:?}"
        );
    }
}
