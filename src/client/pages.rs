//! A list's pages, one at a time: `{"data": [...], "pagination": {"next_page_url": ...,
//! "has_more_pages": ...}}`, the next page asked for with the query of `next_page_url` on the
//! list's own path (so an answer can never send the key elsewhere). Only the page in hand is
//! held, whatever the number of pages.

use std::collections::HashSet;

use serde_json::Value;

use super::{Call, Client};
use crate::error::{Error, Result};

/// Pages read at most: far beyond any list a person means, short of a loop running all day.
pub const MAX_PAGES: usize = 100_000;

pub struct Pages<'a> {
    client: &'a Client,
    /// The list's path, without a query.
    base: String,
    next: Option<String>,
    /// Why the page after the last one read cannot be had: said on the next call, once the
    /// rows in hand are printed.
    broken: Option<Error>,
    /// The queries asked for so far, as hashes (a few bytes a page): a page naming one of
    /// them again would loop.
    seen: HashSet<u64>,
    read: usize,
}

impl<'a> Pages<'a> {
    /// The pages of the list at `first` (a path, query included).
    pub fn new(client: &'a Client, first: String) -> Pages<'a> {
        Pages {
            client,
            base: first.split('?').next().unwrap_or(&first).to_string(),
            next: Some(first),
            broken: None,
            seen: HashSet::new(),
            read: 0,
        }
    }

    /// The next page's rows, or None after the last.
    pub fn next_page(&mut self) -> Result<Option<Vec<Value>>> {
        if let Some(e) = self.broken.take() {
            return Err(e);
        }
        let Some(path) = self.next.take() else {
            return Ok(None);
        };
        self.seen.insert(hash(&path));
        let mut body = self.client.send(&Call::get(&path))?.body;
        self.read += 1;
        let page = self.read;
        let rows = match body.get_mut("data").map(Value::take) {
            Some(Value::Array(rows)) => rows,
            _ => {
                return Err(Error::Other(format!(
                    "page {page} of GET {} has no `data` list; the list is incomplete",
                    self.base
                )));
            }
        };
        self.next = match next_query(&body) {
            Ok(None) => None,
            Ok(Some(query)) => {
                let next = format!("{}?{query}", self.base);
                if self.seen.contains(&hash(&next)) || page >= MAX_PAGES {
                    self.broken = Some(Error::Other(format!(
                        "page {page} of GET {} leads to a page already read (or past {MAX_PAGES} pages); stopped so as not to loop, the list is incomplete",
                        self.base
                    )));
                    None
                } else {
                    Some(next)
                }
            }
            Err(why) => {
                self.broken = Some(Error::Other(format!(
                    "page {page} of GET {} says more pages follow, but {why}; the list is incomplete",
                    self.base
                )));
                None
            }
        };
        Ok(Some(rows))
    }

    /// Whether another page follows the last one read.
    pub fn more(&self) -> bool {
        self.next.is_some() || self.broken.is_some()
    }
}

fn hash(text: &str) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
    BuildHasherDefault::<DefaultHasher>::default().hash_one(text)
}

/// The next page's query, from the page's `pagination`: None when no page follows. A
/// `has_more_pages` of `true` or `"true"` with a usable `next_page_url` goes on; an explicit
/// false, or no pagination, ends.
fn next_query(body: &Value) -> std::result::Result<Option<String>, &'static str> {
    let Some(pagination) = body.get("pagination") else {
        return Ok(None);
    };
    let more = match pagination.get("has_more_pages") {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s == "true",
        _ => false,
    };
    let url = pagination
        .get("next_page_url")
        .and_then(Value::as_str)
        .filter(|u| !u.is_empty());
    let Some(url) = url else {
        return if more {
            Err("it gives no next_page_url")
        } else {
            Ok(None)
        };
    };
    if !more {
        return Ok(None);
    }
    let Some((_, query)) = url.split_once('?') else {
        return Err("its next_page_url has no query");
    };
    let query = query.split('#').next().unwrap_or(query);
    let usable = !query.is_empty()
        && query
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~%!$&'()*+,;=:@/?[]".contains(&b));
    if !usable {
        return Err("its next_page_url has no usable query");
    }
    Ok(Some(query.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn next(pagination: Value) -> std::result::Result<Option<String>, &'static str> {
        next_query(&json!({"data": [], "pagination": pagination}))
    }

    #[test]
    fn the_next_page_is_the_query_of_next_page_url() {
        assert_eq!(
            next(
                json!({"has_more_pages": true, "next_page_url": "https://elsewhere.example/v9/x?status=completed&page=2"})
            ),
            Ok(Some("status=completed&page=2".into()))
        );
        assert_eq!(
            next(json!({"has_more_pages": "true", "next_page_url": "/x?page=3#top"})),
            Ok(Some("page=3".into()))
        );
        assert_eq!(
            next(json!({"has_more_pages": false, "next_page_url": "/x?page=3"})),
            Ok(None)
        );
        assert_eq!(
            next(json!({"has_more_pages": false, "next_page_url": null})),
            Ok(None)
        );
        assert_eq!(next_query(&json!({"data": []})), Ok(None));
        assert_eq!(
            next(json!({"has_more_pages": true, "next_page_url": null})),
            Err("it gives no next_page_url")
        );
        assert_eq!(
            next(json!({"has_more_pages": true, "next_page_url": "/x"})),
            Err("its next_page_url has no query")
        );
        assert_eq!(
            next(json!({"has_more_pages": true, "next_page_url": "/x?a=1 2"})),
            Err("its next_page_url has no usable query")
        );
    }
}
