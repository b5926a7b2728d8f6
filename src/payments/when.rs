//! `--since` and `--until`: a date, a UTC date-time, or a duration back from now, as the
//! RFC 3339 UTC timestamp sent in `created_at[gte]` and `created_at[lte]`.

use std::time::SystemTime;

use crate::error::{Error, Result};

/// Which end of a range a bound is: a date means its first second, or its last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    Since,
    Until,
}

impl End {
    fn flag(self) -> &'static str {
        match self {
            End::Since => "--since",
            End::Until => "--until",
        }
    }
}

/// The bound `text` names, `now` being the time durations count back from.
pub fn bound(text: &str, end: End, now: SystemTime) -> Result<SystemTime> {
    let t = text.trim();
    let flag = end.flag();
    let wrong = |why: &str| {
        Error::usage(format!(
            "{flag} `{}` {why}; write a date (2026-12-01), a UTC date-time (2026-12-01T09:30:00Z) or a duration back from now (24h, 7d, 90m)",
            crate::text::printable(text)
        ))
    };
    if t.is_empty() {
        return Err(wrong("is empty"));
    }
    // A number alone could be seconds, hours or days: it is refused rather than guessed.
    if t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(wrong("has no unit"));
    }
    if t.as_bytes().first().is_some_and(u8::is_ascii_alphabetic) {
        return Err(wrong("is not a time"));
    }
    // Not `duration::parse`: a look-back runs to months (a flag's wait stops at a week), and a
    // bare number, seconds there, is refused above.
    if let Ok(back) = humantime::parse_duration(t) {
        return now
            .checked_sub(back)
            .filter(|at| *at >= SystemTime::UNIX_EPOCH)
            .ok_or_else(|| wrong("reaches back before 1970"));
    }
    let is_date = t.len() == 10 && t.as_bytes()[4] == b'-' && t.as_bytes()[7] == b'-';
    let full = if is_date {
        match end {
            End::Since => format!("{t}T00:00:00Z"),
            End::Until => format!("{t}T23:59:59Z"),
        }
    } else if t.len() == 16 {
        // 2026-12-01T09:30: to the minute.
        format!("{t}:00Z")
    } else {
        t.to_string()
    };
    if let Some(offset) = offset(&full) {
        return Err(wrong(&format!(
            "has the offset {offset}; give the time in UTC, ending in Z"
        )));
    }
    humantime::parse_rfc3339_weak(&full)
        .map_err(|_| wrong("is not a date, a date-time or a duration"))
}

/// A UTC offset other than zero at the end of a date-time (`+01:00`, `-0500`).
fn offset(text: &str) -> Option<&str> {
    let tail = text.get(19..)?;
    let at = tail.find(['+', '-'])?;
    let offset = &tail[at..];
    (offset != "+00:00" && offset != "-00:00").then_some(offset)
}

/// A timestamp as sent: RFC 3339, UTC, to the second.
pub fn timestamp(at: SystemTime) -> String {
    humantime::format_rfc3339_seconds(at).to_string()
}

/// `created_at[gte]` and `created_at[lte]` for the flags given, checked to make a range.
pub fn range(
    since: Option<&str>,
    until: Option<&str>,
    now: SystemTime,
) -> Result<Vec<(&'static str, String)>> {
    let since = since.map(|t| bound(t, End::Since, now)).transpose()?;
    let until = until.map(|t| bound(t, End::Until, now)).transpose()?;
    if let (Some(s), Some(u)) = (since, until)
        && s > u
    {
        return Err(Error::usage(format!(
            "--since ({}) is after --until ({}), so no payment could match; swap them",
            timestamp(s),
            timestamp(u)
        )));
    }
    let mut query = Vec::new();
    if let Some(s) = since {
        query.push(("created_at[gte]", timestamp(s)));
    }
    if let Some(u) = until {
        query.push(("created_at[lte]", timestamp(u)));
    }
    Ok(query)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> SystemTime {
        humantime::parse_rfc3339(text).unwrap()
    }

    const NOW: &str = "2026-12-05T10:00:00Z";

    fn sent(text: &str, end: End) -> std::result::Result<String, String> {
        bound(text, end, at(NOW))
            .map(timestamp)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn durations_count_back_from_now() {
        assert_eq!(sent("24h", End::Since).unwrap(), "2026-12-04T10:00:00Z");
        assert_eq!(sent("7d", End::Since).unwrap(), "2026-11-28T10:00:00Z");
        assert_eq!(sent("90m", End::Until).unwrap(), "2026-12-05T08:30:00Z");
        assert_eq!(sent(" 1h30m ", End::Since).unwrap(), "2026-12-05T08:30:00Z");
    }

    #[test]
    fn a_date_is_its_whole_day_in_utc() {
        assert_eq!(
            sent("2026-12-01", End::Since).unwrap(),
            "2026-12-01T00:00:00Z"
        );
        assert_eq!(
            sent("2026-12-01", End::Until).unwrap(),
            "2026-12-01T23:59:59Z"
        );
        assert_eq!(
            sent("2026-12-01T09:30:00Z", End::Until).unwrap(),
            "2026-12-01T09:30:00Z"
        );
        assert_eq!(
            sent("2026-12-01 09:30", End::Since).unwrap(),
            "2026-12-01T09:30:00Z"
        );
        assert_eq!(
            sent("2026-12-01T09:30:00+00:00", End::Since).unwrap(),
            "2026-12-01T09:30:00Z"
        );
    }

    #[test]
    fn what_cannot_be_read_says_what_can() {
        let tail = "; write a date (2026-12-01), a UTC date-time (2026-12-01T09:30:00Z) or a duration back from now (24h, 7d, 90m)";
        for (given, why) in [
            ("24", "has no unit"),
            ("yesterday", "is not a time"),
            ("", "is empty"),
            ("2026-13-01", "is not a date, a date-time or a duration"),
            (
                "2026-12-01T09:30:00+01:00",
                "has the offset +01:00; give the time in UTC, ending in Z",
            ),
            ("100000d", "reaches back before 1970"),
        ] {
            assert_eq!(
                sent(given, End::Since).unwrap_err(),
                format!("--since `{given}` {why}{tail}")
            );
        }
    }

    #[test]
    fn a_range_is_sent_in_order_or_refused() {
        let now = at(NOW);
        assert_eq!(
            range(Some("2026-12-01"), Some("2026-12-02"), now).unwrap(),
            [
                ("created_at[gte]", "2026-12-01T00:00:00Z".to_string()),
                ("created_at[lte]", "2026-12-02T23:59:59Z".to_string())
            ]
        );
        assert!(range(None, None, now).unwrap().is_empty());
        assert_eq!(
            range(Some("1h"), Some("2h"), now).unwrap_err().to_string(),
            "--since (2026-12-05T09:00:00Z) is after --until (2026-12-05T08:00:00Z), so no payment could match; swap them"
        );
    }
}
