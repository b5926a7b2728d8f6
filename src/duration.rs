//! The one reading of a duration, for every duration flag: seconds as a plain number (`3`,
//! `0.5`) or anything humantime reads (`500ms`, `10s`, `1m30s`, `2h`), the same forms orqex
//! writes durations in. Each flag's bounds are here too, as a clap value parser, so that a
//! wrong value is refused before anything runs, in the same words whatever the flag.

use std::time::Duration;

/// What is wrong with a duration, in words that follow the flag and the value
/// (`--timeout `0` is too short; the least is 1ms`): clap carries it to `report`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem(pub String);

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Problem {}

/// The longest duration any flag takes.
const LONGEST: Duration = Duration::from_secs(7 * 24 * 3600);

/// `text` as a duration, at most a week.
pub fn parse(text: &str) -> Result<Duration, Problem> {
    let t = text.trim();
    let plain = !t.is_empty()
        && t.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && !t.starts_with('.')
        && !t.ends_with('.')
        && t.matches('.').count() <= 1;
    let duration = if plain {
        t.parse::<f64>()
            .ok()
            .and_then(|secs| Duration::try_from_secs_f64(secs).ok())
    } else {
        humantime::parse_duration(t).ok()
    };
    match duration {
        None => Err(Problem(
            "is not a duration; write seconds (3, 0.5) or with units (500ms, 30m, 1m30s)".into(),
        )),
        Some(d) => within(d, Duration::ZERO, LONGEST),
    }
}

/// `d` if it lies from `least` to `most`, else what is wrong with it.
fn within(d: Duration, least: Duration, most: Duration) -> Result<Duration, Problem> {
    if d < least {
        return Err(Problem(format!(
            "is too short; the least is {}",
            crate::text::duration(least)
        )));
    }
    if d > most {
        return Err(Problem(format!(
            "is too long; the most is {}",
            crate::text::duration(most)
        )));
    }
    Ok(d)
}

fn bounded(text: &str, least: Duration, most: Duration) -> Result<Duration, Problem> {
    within(parse(text)?, least, most)
}

/// `--timeout` of a request to the API: one attempt, answer included.
pub fn request_timeout(text: &str) -> Result<Duration, Problem> {
    bounded(text, Duration::from_millis(1), Duration::from_secs(3600))
}

/// `--timeout` of `webhooks trigger` and `--forward-timeout` of `webhooks listen`: longer than
/// any sender waits for an answer is no use.
pub fn handler_timeout(text: &str) -> Result<Duration, Problem> {
    bounded(text, Duration::from_millis(1), Duration::from_secs(300))
}

/// `--interval` of `--wait`: faster polling than 100 ms only loads the API.
pub fn wait_interval(text: &str) -> Result<Duration, Problem> {
    bounded(text, crate::wait::MIN_INTERVAL, LONGEST)
}

/// `--wait-timeout`.
pub fn wait_timeout(text: &str) -> Result<Duration, Problem> {
    bounded(text, Duration::from_millis(1), LONGEST)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_seconds_and_units() {
        let ok = |t: &str| parse(t).unwrap();
        assert_eq!(ok("3"), Duration::from_secs(3));
        assert_eq!(ok("0.5"), Duration::from_millis(500));
        assert_eq!(ok("500ms"), Duration::from_millis(500));
        assert_eq!(ok("10s"), Duration::from_secs(10));
        assert_eq!(ok("30m"), Duration::from_secs(1800));
        assert_eq!(ok("1h"), Duration::from_secs(3600));
        assert_eq!(ok(" 2 m "), Duration::from_secs(120));
        assert_eq!(ok("168h"), LONGEST);
        // What orqex writes, it reads back.
        for d in [100, 1500, 90_000, 900_000, 7_200_000] {
            let d = Duration::from_millis(d);
            assert_eq!(ok(&crate::text::duration(d)), d);
        }
        assert_eq!(ok("1m30s"), Duration::from_secs(90));
        for bad in ["", "abc", "-1", "1.", ".5", "1..2", "1e3", "NaN", "inf"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse("169h").unwrap_err().to_string(),
            "is too long; the most is 7days"
        );
    }

    #[test]
    fn each_flag_has_its_bounds() {
        let ms = Duration::from_millis;
        assert_eq!(request_timeout("1500ms"), Ok(ms(1500)));
        assert_eq!(request_timeout("1ms"), Ok(ms(1)));
        assert_eq!(request_timeout("1h"), Ok(ms(3_600_000)));
        assert_eq!(
            request_timeout("0").unwrap_err().0,
            "is too short; the least is 1ms"
        );
        assert_eq!(
            request_timeout("3601").unwrap_err().0,
            "is too long; the most is 1h"
        );
        assert_eq!(handler_timeout("5m"), Ok(ms(300_000)));
        assert_eq!(
            handler_timeout("301").unwrap_err().0,
            "is too long; the most is 5m"
        );
        assert!(handler_timeout("0").is_err());
        assert_eq!(wait_interval("100ms"), Ok(ms(100)));
        assert_eq!(
            wait_interval("0.01").unwrap_err().0,
            "is too short; the least is 100ms"
        );
        assert_eq!(wait_timeout("1ms"), Ok(ms(1)));
        assert!(wait_timeout("0").is_err());
        assert!(wait_timeout("soon").is_err());
    }
}
