//! A blocking HTTP client over wasi:http (the host's sandboxed outgoing handler):
//! GET/POST/PUT/DELETE, headers, JSON bodies, retries with exponential backoff that
//! honour `Retry-After` on 429/503, a minimum interval between requests, and auth
//! headers whose credentials come from the secrets interface.
//!
//! ```ignore
//! use dativo_plugin_sdk::http::{Auth, Client};
//! let client = Client::new().with_auth(Auth::bearer_from_secret("api_token")?);
//! let page: serde_json::Value = client.get("https://api.example.com/items").query("limit", "100").send()?.error_for_status()?.json()?;
//! ```
//!
//! Every origin the plugin calls must be in its manifest's `capabilities.http`.

mod auth;
mod pagination;
mod rate_limit;
mod retry;
mod transport;
pub mod url;

use serde::de::DeserializeOwned;
use serde::Serialize;

pub use auth::{base64, Auth, AuthConfig};
pub use pagination::{next_link, records_at, Pagination, Paginator};
pub use rate_limit::RateLimiter;
pub use retry::{parse_http_date, parse_retry_after, RetryPolicy};
pub use transport::TransportError;

use crate::log::{log, Level};
use crate::{PluginError, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }
}

/// A request before it is sent.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
}

/// A complete response (body read to the end). Header names are lowercase.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as JSON; a `data` error (code `HTTP_BODY_NOT_JSON`) if it is not.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T> {
        serde_json::from_slice(&self.body).map_err(|e| PluginError::data("HTTP_BODY_NOT_JSON", format!("the response body is not the expected JSON: {e}")))
    }

    /// `Retry-After` in milliseconds, if present and parsable.
    pub fn retry_after_ms(&self) -> Option<u64> {
        self.header("retry-after").and_then(|v| parse_retry_after(v, if v.trim().parse::<u64>().is_ok() { 0 } else { transport::unix_now_s() }))
    }

    /// Ok for 1xx-3xx; otherwise the typed error: 401/403 `auth`, 429 `rate-limited`
    /// (with Retry-After), 408 and 5xx `connection` (retryable), other 4xx `config`.
    /// Codes are `HTTP_<status>`.
    pub fn error_for_status(self) -> Result<Self> {
        status_error(self.status, self.retry_after_ms(), &self.text()).map_or(Ok(self), Err)
    }
}

/// The typed error of an HTTP status, None for a success.
pub fn status_error(status: u16, retry_after_ms: Option<u64>, body: &str) -> Option<PluginError> {
    if status < 400 {
        return None;
    }
    let code = format!("HTTP_{status}");
    let snippet: String = body.chars().take(200).collect();
    let message = if snippet.trim().is_empty() { format!("HTTP status {status}") } else { format!("HTTP status {status}: {}", snippet.trim()) };
    Some(match status {
        401 | 403 => PluginError::auth(code, message),
        429 => PluginError::rate_limited(code, message, retry_after_ms),
        408 | 500..=599 => PluginError::connection(code, message).with_retry_after_ms(retry_after_ms),
        _ => PluginError::config(code, message),
    })
}

/// The client. Cheap to create; holds default headers, auth, retry policy and limiter.
#[derive(Debug, Default)]
pub struct Client {
    headers: Vec<(String, String)>,
    auth: Option<Auth>,
    retry: RetryPolicy,
    limiter: RateLimiter,
}

impl Client {
    pub fn new() -> Self {
        Client { headers: vec![("user-agent".into(), "dativo-plugin".into())], ..Default::default() }
    }

    pub fn with_auth(mut self, auth: Option<Auth>) -> Self {
        self.auth = auth;
        self
    }

    /// A header sent with every request.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_ascii_lowercase(), value.to_string()));
        self
    }

    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    pub fn with_rate_limit(mut self, limiter: RateLimiter) -> Self {
        self.limiter = limiter;
        self
    }

    pub fn get(&self, url: &str) -> RequestBuilder<'_> {
        self.request(Method::Get, url)
    }

    pub fn post(&self, url: &str) -> RequestBuilder<'_> {
        self.request(Method::Post, url)
    }

    pub fn request(&self, method: Method, url: &str) -> RequestBuilder<'_> {
        RequestBuilder { client: self, request: Request { method, url: url.to_string(), headers: vec![], body: None }, error: None }
    }

    /// Sends `request` with the client's headers and auth, retrying as the policy says.
    /// Returns the last response whatever its status (see `Response::error_for_status`);
    /// a transport failure that outlives the retries is a `connection` error.
    pub fn send(&self, request: &Request) -> Result<Response> {
        let mut headers = self.headers.clone();
        if let Some(auth) = &self.auth {
            headers.push(auth.header());
        }
        headers.extend(request.headers.iter().cloned());
        let what = format!("{} {}", request.method.as_str(), url::without_query(&request.url));
        let mut attempt = 0;
        loop {
            attempt += 1;
            let wait = self.limiter.wait_ms(transport::now_ms());
            transport::sleep_ms(wait);
            self.limiter.record(transport::now_ms());
            match transport::send(request.method, &request.url, &headers, request.body.as_deref()) {
                Ok(response) => {
                    let retry_after = match response.status {
                        429 | 503 => response.retry_after_ms(),
                        _ => None,
                    };
                    match self.retry.delay_for_status(response.status, retry_after, attempt) {
                        Some(delay) => {
                            retry_log(&what, &response.status.to_string(), attempt, delay);
                            transport::sleep_ms(delay);
                        }
                        None => return Ok(response),
                    }
                }
                Err(e) if e.retryable && attempt < self.retry.max_attempts => {
                    let delay = self.retry.backoff_ms(attempt);
                    retry_log(&what, &e.name, attempt, delay);
                    transport::sleep_ms(delay);
                }
                Err(e) => return Err(e.into_plugin_error(&what)),
            }
        }
    }
}

fn retry_log(what: &str, outcome: &str, attempt: u32, delay_ms: u64) {
    log(
        Level::Debug,
        "http: retrying",
        &[("request", what), ("outcome", outcome), ("attempt", &attempt.to_string()), ("delay_ms", &delay_ms.to_string())],
    );
}

/// Builds one request: `client.get(url).query("k", "v").header("h", "v").send()`.
pub struct RequestBuilder<'a> {
    client: &'a Client,
    request: Request,
    error: Option<PluginError>,
}

impl RequestBuilder<'_> {
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.request.headers.push((name.to_ascii_lowercase(), value.to_string()));
        self
    }

    /// Sets query parameter `key` (percent-encoded), replacing an existing one.
    pub fn query(mut self, key: &str, value: &str) -> Self {
        self.request.url = url::set_query(&self.request.url, key, value);
        self
    }

    /// A JSON body (and `content-type: application/json`).
    pub fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => {
                self.request.body = Some(bytes);
                self.request.headers.push(("content-type".into(), "application/json".into()));
            }
            Err(e) => self.error = Some(PluginError::internal("JSON_ENCODE", e.to_string())),
        }
        self
    }

    pub fn body(mut self, bytes: Vec<u8>, content_type: &str) -> Self {
        self.request.body = Some(bytes);
        self.request.headers.push(("content-type".into(), content_type.to_string()));
        self
    }

    pub fn build(self) -> Result<Request> {
        match self.error {
            Some(e) => Err(e),
            None => Ok(self.request),
        }
    }

    /// Sends it (with retries); any status is returned.
    pub fn send(self) -> Result<Response> {
        let client = self.client;
        client.send(&self.build()?)
    }

    /// Sends it and turns a non-success status into its typed error.
    pub fn send_ok(self) -> Result<Response> {
        self.send()?.error_for_status()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn statuses_map_to_kinds() {
        assert!(status_error(200, None, "").is_none());
        assert!(status_error(304, None, "").is_none());
        assert_eq!(status_error(401, None, "").unwrap().kind, ErrorKind::Auth);
        assert_eq!(status_error(403, None, "").unwrap().code, "HTTP_403");
        let e = status_error(429, Some(1000), "slow").unwrap();
        assert_eq!((e.kind, e.retry_after_ms, e.retryable), (ErrorKind::RateLimited, Some(1000), true));
        let e = status_error(503, None, "").unwrap();
        assert_eq!((e.kind, e.retryable), (ErrorKind::Connection, true));
        assert_eq!(status_error(404, None, "").unwrap().kind, ErrorKind::Config);
    }

    #[test]
    fn builder_collects_the_request() {
        let client = Client::new();
        let r = client.post("http://h/x").query("a", "1").header("X-Y", "z").json(&serde_json::json!({"k": 1})).build().unwrap();
        assert_eq!(r.url, "http://h/x?a=1");
        assert_eq!(r.body.as_deref(), Some(&b"{\"k\":1}"[..]));
        assert!(r.headers.contains(&("x-y".into(), "z".into())));
        assert!(r.headers.contains(&("content-type".into(), "application/json".into())));
    }
}
