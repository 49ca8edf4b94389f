//! Pagination: given the page just read, the URL of the next one (or None at the end).
//!
//! Strategies (the `pagination` section of a config, tagged by `type`):
//! - `cursor`: the next cursor is at a JSON pointer of the body; it goes into a query
//!   parameter; no (or an empty) cursor ends the stream.
//! - `offset`: `offset` / `limit` parameters; a page shorter than `limit` ends it.
//! - `page_number`: `page` (from `start`), optional page size; an empty page (or one
//!   shorter than the page size) ends it.
//! - `link_header`: RFC 8288 `Link: <url>; rel="next"`; no next link ends it.
//! - `none`: one request.

use serde::Deserialize;
use serde_json::Value;

use super::url::{resolve, set_query};
use super::Response;
use crate::{PluginError, Result};

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Pagination {
    None,
    Cursor {
        cursor_param: String,
        /// JSON pointer (RFC 6901) of the next cursor in the body, e.g. "/next_cursor".
        next_cursor_pointer: String,
    },
    Offset {
        #[serde(default = "defaults::offset")]
        offset_param: String,
        #[serde(default = "defaults::limit")]
        limit_param: String,
        limit: u64,
    },
    PageNumber {
        #[serde(default = "defaults::page")]
        page_param: String,
        #[serde(default = "defaults::one")]
        start: u64,
        page_size_param: Option<String>,
        page_size: Option<u64>,
    },
    LinkHeader,
}

mod defaults {
    pub fn offset() -> String {
        "offset".into()
    }
    pub fn limit() -> String {
        "limit".into()
    }
    pub fn page() -> String {
        "page".into()
    }
    pub fn one() -> u64 {
        1
    }
}

/// Walks the pages of one listing.
#[derive(Debug, Clone)]
pub struct Paginator {
    pagination: Pagination,
    offset: u64,
    page: u64,
}

impl Paginator {
    pub fn new(pagination: Pagination) -> Self {
        let page = match &pagination {
            Pagination::PageNumber { start, .. } => *start,
            _ => 0,
        };
        Paginator { pagination, offset: 0, page }
    }

    /// The first page's URL: `url` plus the strategy's initial parameters.
    pub fn first_url(&self, url: &str) -> String {
        match &self.pagination {
            Pagination::Offset { offset_param, limit_param, limit } => {
                set_query(&set_query(url, offset_param, "0"), limit_param, &limit.to_string())
            }
            Pagination::PageNumber { page_param, start, page_size_param, page_size } => {
                let u = set_query(url, page_param, &start.to_string());
                match (page_size_param, page_size) {
                    (Some(p), Some(n)) => set_query(&u, p, &n.to_string()),
                    _ => u,
                }
            }
            _ => url.to_string(),
        }
    }

    /// The next page's URL after reading `url`, whose response was `response` with
    /// parsed body `body` holding `records` records; None at the end.
    pub fn next_url(&mut self, url: &str, response: &Response, body: &Value, records: usize) -> Result<Option<String>> {
        Ok(match &self.pagination {
            Pagination::None => None,
            Pagination::Cursor { cursor_param, next_cursor_pointer } => match body.pointer(next_cursor_pointer) {
                None | Some(Value::Null) => None,
                Some(Value::String(s)) if s.is_empty() => None,
                Some(Value::String(s)) => Some(set_query(url, cursor_param, s)),
                Some(Value::Number(n)) => Some(set_query(url, cursor_param, &n.to_string())),
                Some(other) => {
                    return Err(PluginError::data(
                        "CURSOR_INVALID",
                        format!("the next cursor at {next_cursor_pointer} is neither a string nor a number: {other}"),
                    ))
                }
            },
            Pagination::Offset { offset_param, limit, .. } => {
                if records == 0 || (records as u64) < *limit {
                    None
                } else {
                    self.offset += records as u64;
                    Some(set_query(url, offset_param, &self.offset.to_string()))
                }
            }
            Pagination::PageNumber { page_param, page_size, .. } => {
                if records == 0 || page_size.is_some_and(|n| (records as u64) < n) {
                    None
                } else {
                    self.page += 1;
                    Some(set_query(url, page_param, &self.page.to_string()))
                }
            }
            Pagination::LinkHeader => match response.header("link").and_then(next_link) {
                Some(next) => Some(resolve(url, &next).ok_or_else(|| PluginError::data("LINK_INVALID", format!("bad next link {next}")))?),
                None => None,
            },
        })
    }
}

/// The target of the `rel="next"` link of a Link header value.
pub fn next_link(header: &str) -> Option<String> {
    for link in split_links(header) {
        let link = link.trim();
        let Some(end) = link.find('>') else { continue };
        if !link.starts_with('<') {
            continue;
        }
        let target = &link[1..end];
        let is_next = link[end + 1..].split(';').any(|param| {
            let param = param.trim();
            let Some((k, v)) = param.split_once('=') else { return false };
            k.trim().eq_ignore_ascii_case("rel")
                && v.trim().trim_matches('"').split_whitespace().any(|r| r.eq_ignore_ascii_case("next"))
        });
        if is_next {
            return Some(target.to_string());
        }
    }
    None
}

/// Splits a Link header at the commas between links (not those inside <...> or quotes).
fn split_links(header: &str) -> Vec<&str> {
    let (mut out, mut start, mut in_url, mut in_quotes) = (Vec::new(), 0, false, false);
    for (i, c) in header.char_indices() {
        match c {
            '<' if !in_quotes => in_url = true,
            '>' if !in_quotes => in_url = false,
            '"' if !in_url => in_quotes = !in_quotes,
            ',' if !in_url && !in_quotes => {
                out.push(&header[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&header[start..]);
    out
}

/// The records of a page: the array at JSON pointer `pointer` ("" = the body itself).
pub fn records_at<'a>(body: &'a Value, pointer: &str) -> Result<&'a Vec<Value>> {
    let found = if pointer.is_empty() { Some(body) } else { body.pointer(pointer) };
    match found {
        Some(Value::Array(items)) => Ok(items),
        Some(Value::Null) | None => Err(PluginError::data(
            "RECORDS_NOT_FOUND",
            format!("the response has no records array at JSON pointer \"{pointer}\""),
        )),
        Some(other) => Err(PluginError::data(
            "RECORDS_NOT_AN_ARRAY",
            format!("the value at JSON pointer \"{pointer}\" is not an array: {}", truncate(&other.to_string(), 120)),
        )),
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.len() <= n {
        s.to_string()
    } else {
        let mut end = n;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}...", &s[..end])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn resp(headers: &[(&str, &str)]) -> Response {
        Response { status: 200, headers: headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(), body: vec![] }
    }

    #[test]
    fn cursor() {
        let mut p = Paginator::new(serde_json::from_value(json!({"type": "cursor", "cursor_param": "after", "next_cursor_pointer": "/meta/next"})).unwrap());
        let u = p.first_url("http://h/items?since=5");
        assert_eq!(u, "http://h/items?since=5");
        let next = p.next_url(&u, &resp(&[]), &json!({"meta": {"next": "c 2"}}), 3).unwrap();
        assert_eq!(next.as_deref(), Some("http://h/items?since=5&after=c%202"));
        let next2 = p.next_url(next.as_deref().unwrap(), &resp(&[]), &json!({"meta": {"next": "c3"}}), 3).unwrap();
        assert_eq!(next2.as_deref(), Some("http://h/items?since=5&after=c3"));
        assert_eq!(p.next_url(&u, &resp(&[]), &json!({"meta": {"next": null}}), 3).unwrap(), None);
        assert_eq!(p.next_url(&u, &resp(&[]), &json!({}), 3).unwrap(), None);
        assert!(p.next_url(&u, &resp(&[]), &json!({"meta": {"next": {}}}), 3).is_err());
    }

    #[test]
    fn offset_and_page_number() {
        let mut p = Paginator::new(Pagination::Offset { offset_param: "offset".into(), limit_param: "limit".into(), limit: 2 });
        let u = p.first_url("http://h/i");
        assert_eq!(u, "http://h/i?offset=0&limit=2");
        let u2 = p.next_url(&u, &resp(&[]), &json!([]), 2).unwrap().unwrap();
        assert_eq!(u2, "http://h/i?limit=2&offset=2");
        assert_eq!(p.next_url(&u2, &resp(&[]), &json!([]), 1).unwrap(), None);

        let mut p = Paginator::new(serde_json::from_value(json!({"type": "page_number", "page_size_param": "per_page", "page_size": 10})).unwrap());
        let u = p.first_url("http://h/i");
        assert_eq!(u, "http://h/i?page=1&per_page=10");
        assert_eq!(p.next_url(&u, &resp(&[]), &json!([]), 10).unwrap().unwrap(), "http://h/i?per_page=10&page=2");
        assert_eq!(p.next_url(&u, &resp(&[]), &json!([]), 0).unwrap(), None);
        assert_eq!(p.next_url(&u, &resp(&[]), &json!([]), 4).unwrap(), None);
    }

    #[test]
    fn link_header() {
        let h = r#"<https://api.github.com/x?page=1>; rel="prev", <https://api.github.com/x?page=3>; rel="next", <https://api.github.com/x?page=9>; rel="last""#;
        assert_eq!(next_link(h).as_deref(), Some("https://api.github.com/x?page=3"));
        assert_eq!(next_link(r#"</items?page=2&a=1,2>; rel="next""#).as_deref(), Some("/items?page=2&a=1,2"));
        assert_eq!(next_link(r#"<x>; rel="prev""#), None);
        let mut p = Paginator::new(Pagination::LinkHeader);
        let next = p.next_url("http://h:1/a/items", &resp(&[("link", r#"</items?page=2>; rel="next""#)]), &json!([]), 1).unwrap();
        assert_eq!(next.as_deref(), Some("http://h:1/items?page=2"));
        assert_eq!(p.next_url("http://h:1/a/items", &resp(&[]), &json!([]), 1).unwrap(), None);
    }

    #[test]
    fn records() {
        assert_eq!(records_at(&json!({"data": [1, 2]}), "/data").unwrap(), &vec![json!(1), json!(2)]);
        assert_eq!(records_at(&json!([1]), "").unwrap(), &vec![json!(1)]);
        assert_eq!(records_at(&json!({}), "/data").unwrap_err().code, "RECORDS_NOT_FOUND");
        assert_eq!(records_at(&json!({"data": 1}), "/data").unwrap_err().code, "RECORDS_NOT_AN_ARRAY");
    }
}
