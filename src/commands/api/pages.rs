//! `orqex api --paginate`: every page of a list, each printed as it arrives (memory stays that
//! of one page however long the list), and never a list ended short without saying so.

use std::collections::HashSet;

use serde_json::Value;

use super::path::path_char;
use super::print::{ListView, Printer};
use crate::client::{Call, Client};
use crate::error::{Error, Result};
use crate::text::printable;

/// How many pages `--paginate` follows at most: a list that never ends is a server's loop.
const MAX_PAGES: usize = 10_000;

/// Where a list lives: what a page's `next_page_url` must name to be followed.
pub(super) struct List<'a> {
    /// The base URL (`https://api.orqex.com/v1`).
    pub base_url: &'a str,
    /// The list's path after it (`/payment/intents`), without a query.
    pub path: &'a str,
}

impl List<'_> {
    /// The query of `url` when it names this list's own path on the base URL: written whole,
    /// from the base URL's path on (`/v1/payment/intents?page=2`), or as a bare query.
    fn query_of<'u>(&self, url: &'u str) -> Option<&'u str> {
        let base_path = self
            .base_url
            .split_once("://")
            .and_then(|(_, rest)| rest.find('/').map(|at| &rest[at..]))
            .unwrap_or("");
        let rest = url
            .strip_prefix(self.base_url)
            .or_else(|| url.strip_prefix(base_path).filter(|_| url.starts_with('/')))
            .and_then(|rest| rest.strip_prefix(self.path))
            .or_else(|| url.starts_with('?').then_some(url))?;
        match rest.strip_prefix('?') {
            Some(query) => Some(query),
            None if rest.is_empty() => Some(""),
            None => None,
        }
    }
}

/// Every page of the list at `first` (its path and query), rows printed page by page.
pub(super) fn paginate(
    client: &Client,
    list: &List<'_>,
    first: &str,
    headers: &[(String, String)],
    printer: &Printer,
) -> Result<()> {
    let mut rows = printer.rows();
    let mut path = first.to_string();
    let mut seen = HashSet::new();
    for page in 1.. {
        let resp = client.send_raw(&Call {
            headers,
            ..Call::get(&path)
        })?;
        let view = ListView::of(&resp.body.0);
        let Some(page_rows) = view.as_ref().and_then(ListView::rows) else {
            return Err(Error::Other(format!(
                "--paginate: the answer to GET {path} has no `data` list, so it is not a list's page; drop --paginate{}",
                after_first(page, &rows)
            )));
        };
        rows.page(&page_rows)?;
        let pagination = view.as_ref().and_then(|v| v.pagination.as_ref());
        let query = match next_page(pagination, list) {
            Next::Done => break,
            Next::Page(query) => query,
            // Stopping quietly would hand a script part of the list as if it were all of it.
            Next::Stop(why) => {
                return Err(Error::Other(format!(
                    "--paginate: page {page} of GET {} {why}; the list is incomplete ({})",
                    list.path,
                    rows.stop_short()
                )));
            }
        };
        let next = format!("{}?{query}", list.path);
        if !seen.insert(next.clone()) || page >= MAX_PAGES {
            return Err(Error::Other(format!(
                "--paginate: the API's next page ({next}) was already read, or there are more than {MAX_PAGES} pages; stopped so as not to loop ({})",
                rows.stop_short()
            )));
        }
        path = next;
    }
    rows.finish()
}

/// For an error on a later page: what became of the earlier ones.
fn after_first(page: usize, rows: &super::print::Rows<'_>) -> String {
    match page {
        1 => String::new(),
        _ => format!(" (page {page}; {})", rows.stop_short()),
    }
}

/// Where a list goes on, as its `pagination` says.
#[derive(Debug, PartialEq, Eq)]
enum Next {
    /// No more pages.
    Done,
    /// The query of the next page, on the list's own path.
    Page(String),
    /// The page cannot be followed, or contradicts itself: why, as words that follow
    /// "page N of GET PATH".
    Stop(String),
}

/// `has_more_pages` as the API may write it: a boolean, or (a PHP serializer's habit) the
/// same word as a string. `Err` for anything else that is there.
fn more_pages(value: Option<&Value>) -> std::result::Result<Option<bool>, String> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(Value::String(s)) if s == "true" => Ok(Some(true)),
        Some(Value::String(s)) if s == "false" => Ok(Some(false)),
        Some(other) => Err(shown(&other.to_string())),
    }
}

/// A value from the answer, fit for one line of an error.
fn shown(text: &str) -> String {
    const MAX: usize = 200;
    let text = printable(text);
    match text.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}...", &text[..at]),
        None => text,
    }
}

/// The next page: followed when `next_page_url` names one on the list's own path (whatever
/// `has_more_pages` looks like), the end when neither says more pages follow, and a stop,
/// said, when they disagree or the URL leads elsewhere.
fn next_page(pagination: Option<&Value>, list: &List<'_>) -> Next {
    let pagination = match pagination {
        None | Some(Value::Null) => return Next::Done,
        Some(Value::Object(p)) => p,
        Some(_) => return Next::Stop("has a `pagination` that is not an object".into()),
    };
    let more = more_pages(pagination.get("has_more_pages"));
    let url = match pagination.get("next_page_url") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.trim().is_empty() => None,
        Some(Value::String(s)) => Some(s.as_str()),
        Some(_) => return Next::Stop("has a next_page_url that is not a string".into()),
    };
    let url = match (more, url) {
        (Ok(None | Some(false)), None) => return Next::Done,
        (Ok(Some(true)), None) => {
            return Next::Stop("says more pages follow, but it gives no next_page_url".into());
        }
        (Err(more), None) => {
            return Next::Stop(format!(
                "has has_more_pages {more}, neither true nor false, and no next_page_url, so whether more pages follow is unknown"
            ));
        }
        (Ok(Some(false)), Some(url)) => {
            return Next::Stop(format!(
                "says no more pages follow, but its next_page_url names one ({})",
                shown(url)
            ));
        }
        (_, Some(url)) => url,
    };
    let Some(query) = list.query_of(url) else {
        return Next::Stop(format!(
            "has a next_page_url ({}) that is not on this list's path ({}{}), where alone orqex follows a list",
            shown(url),
            list.base_url,
            list.path
        ));
    };
    let query = query.split('#').next().unwrap_or(query);
    if query.is_empty() || !query.chars().all(|c| c == '?' || path_char(c)) {
        return Next::Stop(format!(
            "has a next_page_url ({}) without a query orqex can send as it is",
            shown(url)
        ));
    }
    Next::Page(query.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const LIST: List = List {
        base_url: "https://api.orqex.com/v1",
        path: "/payment/intents",
    };

    fn page(more: Value, url: Value) -> Next {
        next_page(
            Some(&json!({"has_more_pages": more, "next_page_url": url})),
            &LIST,
        )
    }

    fn page_of(query: &str) -> Next {
        Next::Page(query.into())
    }

    fn stop(why: &str) -> Next {
        Next::Stop(why.into())
    }

    const NEXT: &str = "https://api.orqex.com/v1/payment/intents?page=2&per_page=5";

    #[test]
    fn a_next_page_url_on_the_list_s_path_is_followed() {
        assert_eq!(page(true.into(), NEXT.into()), page_of("page=2&per_page=5"));
        // has_more_pages as a string, or missing: the URL still leads on.
        assert_eq!(
            page("true".into(), NEXT.into()),
            page_of("page=2&per_page=5")
        );
        assert_eq!(page(Value::Null, NEXT.into()), page_of("page=2&per_page=5"));
        assert_eq!(page(1.into(), NEXT.into()), page_of("page=2&per_page=5"));
        assert_eq!(
            next_page(Some(&json!({"next_page_url": NEXT})), &LIST),
            page_of("page=2&per_page=5")
        );
        // Written from the base URL's path on, or as a bare query.
        assert_eq!(
            page(true.into(), "/v1/payment/intents?page=3".into()),
            page_of("page=3")
        );
        assert_eq!(page(true.into(), "?page=4".into()), page_of("page=4"));
        assert_eq!(
            page(true.into(), format!("{NEXT}#frag").into()),
            page_of("page=2&per_page=5")
        );
    }

    #[test]
    fn the_end_of_a_list() {
        for (more, url) in [
            (json!(false), Value::Null),
            (json!("false"), Value::Null),
            (Value::Null, Value::Null),
            (json!(false), json!("")),
            (json!(false), json!("  ")),
        ] {
            assert_eq!(page(more.clone(), url.clone()), Next::Done, "{more} {url}");
        }
        assert_eq!(next_page(None, &LIST), Next::Done);
        assert_eq!(next_page(Some(&Value::Null), &LIST), Next::Done);
        assert_eq!(next_page(Some(&json!({})), &LIST), Next::Done);
    }

    #[test]
    fn a_page_that_contradicts_itself_or_leads_elsewhere_stops_the_list() {
        assert_eq!(
            page(true.into(), Value::Null),
            stop("says more pages follow, but it gives no next_page_url")
        );
        assert_eq!(
            page("true".into(), "".into()),
            stop("says more pages follow, but it gives no next_page_url")
        );
        assert_eq!(
            page(false.into(), NEXT.into()),
            stop(&format!(
                "says no more pages follow, but its next_page_url names one ({NEXT})"
            ))
        );
        assert_eq!(
            page("yes".into(), Value::Null),
            stop(
                "has has_more_pages \"yes\", neither true nor false, and no next_page_url, so whether more pages follow is unknown"
            )
        );
        assert_eq!(
            page(true.into(), 2.into()),
            stop("has a next_page_url that is not a string")
        );
        assert_eq!(
            next_page(Some(&json!("more")), &LIST),
            stop("has a `pagination` that is not an object")
        );
        for elsewhere in [
            "https://evil.example/v1/payment/intents?page=2",
            "https://api.orqex.com/v10/payment/intents?page=2",
            "https://api.orqex.com/v1/payment/intentsX?page=2",
            "https://api.orqex.com/v1/payment/checkouts?page=2",
            "http://api.orqex.com/v1/payment/intents?page=2",
            "/v2/payment/intents?page=2",
            "payment/intents?page=2",
            "//evil.example/v1/payment/intents?page=2",
        ] {
            assert_eq!(
                page(true.into(), elsewhere.into()),
                stop(&format!(
                    "has a next_page_url ({elsewhere}) that is not on this list's path (https://api.orqex.com/v1/payment/intents), where alone orqex follows a list"
                )),
                "{elsewhere}"
            );
        }
        for bad in [
            "https://api.orqex.com/v1/payment/intents",
            "https://api.orqex.com/v1/payment/intents?",
            "https://api.orqex.com/v1/payment/intents?c=a b",
            "?x=\u{1b}[31m",
        ] {
            assert_eq!(
                page(true.into(), bad.into()),
                stop(&format!(
                    "has a next_page_url ({}) without a query orqex can send as it is",
                    printable(bad)
                )),
                "{bad}"
            );
        }
    }

    #[test]
    fn values_from_the_answer_are_shown_printable_and_short() {
        let long = format!("\u{1b}[31m{}", "x".repeat(500));
        let Next::Stop(why) = page(false.into(), long.into()) else {
            panic!("not a stop")
        };
        assert!(!why.contains('\u{1b}'), "{why}");
        assert!(why.contains("...)"), "{why}");
        assert!(why.len() < 300, "{why}");
    }
}
