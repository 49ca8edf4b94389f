//! rest-api-reader: a dativo reader plugin over the SDK (dativo-plugin-sdk) that reads a
//! paginated JSON API into JSON Lines batches.
//!
//! - One stream per config: the listing at base_url + path.
//! - Auth from a secret (bearer, basic, api key); pagination by cursor, offset, page
//!   number or Link header; 429/503 retried honouring Retry-After (the SDK's client).
//! - Incremental: `incremental.cursor_field` is tracked; its maximum is the checkpoint
//!   `{"cursor_field": F, "max": V}`, sent back as query parameter `incremental.param`
//!   on the next run. The checkpoint rides on the stream's last batch only: an API need
//!   not return records in cursor order, so an intermediate maximum could skip records
//!   after a crash.

mod config;

use std::cmp::Ordering;
use std::collections::VecDeque;

use dativo_plugin_sdk::http::{url, Client, Paginator, RateLimiter, RetryPolicy};
use dativo_plugin_sdk::log::{log, Level};
use dativo_plugin_sdk::{
    export_reader, Batch, Encoding, Extraction, JsonLinesBatch, PluginError, ReadRequest, Reader, Result, Spec, StreamDescriptor,
};
use serde_json::{json, Value};

use crate::config::Config;

struct RestApiReader;

export_reader!(RestApiReader);

impl Reader for RestApiReader {
    type Extraction = RestExtraction;

    fn spec() -> Spec {
        Spec { version: env!("CARGO_PKG_VERSION").into(), config_schema: config::schema(), encodings: vec![Encoding::JsonLines] }
    }

    /// One request for the first page: reachability, credentials, the records pointer.
    fn check(config: &str) -> Result<()> {
        let config = Config::parse(config)?;
        let client = client(&config)?;
        let pager = Paginator::new(config.pagination.strategy.clone());
        let response = client.get(&pager.first_url(&listing_url(&config, None))).send_ok()?;
        let body: Value = response.json()?;
        dativo_plugin_sdk::http::records_at(&body, &config.pagination.records_pointer)?;
        Ok(())
    }

    fn discover(config: &str) -> Result<Vec<StreamDescriptor>> {
        let config = Config::parse(config)?;
        let mut stream = StreamDescriptor::new(config.stream_name());
        stream.primary_key = config.primary_key.clone();
        if let Some(inc) = &config.incremental {
            stream.cursor_fields = vec![inc.cursor_field.clone()];
            stream.supports_incremental = true;
        }
        Ok(vec![stream])
    }

    fn open(request: ReadRequest) -> Result<RestExtraction> {
        let config = Config::parse(&request.config)?;
        let start_max = match (&config.incremental, &request.checkpoint) {
            (Some(inc), Some(cp)) => Some(checkpoint_max(cp, &inc.cursor_field)?),
            _ => None,
        };
        let pager = Paginator::new(config.pagination.strategy.clone());
        let first = pager.first_url(&listing_url(&config, start_max.as_ref()));
        Ok(RestExtraction {
            client: client(&config)?,
            pager,
            next_url: Some(first),
            max: start_max.clone(),
            start_max,
            config,
            pending: VecDeque::new(),
            max_batch_bytes: request.max_batch_bytes,
            pages: 0,
            records: 0,
        })
    }
}

fn client(config: &Config) -> Result<Client> {
    let mut client = Client::new().with_auth(config.auth.resolve()?);
    for (k, v) in &config.headers {
        client = client.with_header(k, v);
    }
    if let Some(rps) = config.requests_per_second {
        client = client.with_rate_limit(RateLimiter::per_second(rps));
    }
    if let Some(n) = config.max_attempts {
        client = client.with_retry(RetryPolicy { max_attempts: n.max(1), ..RetryPolicy::default() });
    }
    Ok(client)
}

/// base_url + path + the fixed query, plus the incremental parameter after a checkpoint.
fn listing_url(config: &Config, since: Option<&Value>) -> String {
    let mut u = url::join(&config.base_url, &config.path);
    for (k, v) in &config.query {
        u = url::set_query(&u, k, v);
    }
    if let (Some(inc), Some(v)) = (&config.incremental, since) {
        u = url::set_query(&u, &inc.param, &scalar_text(v));
    }
    u
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn checkpoint_max(checkpoint: &str, field: &str) -> Result<Value> {
    let invalid = |why: &str| PluginError::config("CHECKPOINT_INVALID", format!("checkpoint {checkpoint:?}: {why}"));
    let cp: Value = serde_json::from_str(checkpoint).map_err(|_| invalid("not JSON"))?;
    if cp.get("cursor_field").and_then(Value::as_str) != Some(field) {
        return Err(invalid(&format!("not a checkpoint of cursor field {field:?}")));
    }
    cp.get("max").filter(|v| !v.is_null()).cloned().ok_or_else(|| invalid("no max"))
}

/// Numbers numerically, strings lexically (ISO 8601 timestamps of one format sort so).
fn compare(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64().partial_cmp(&y.as_f64()).unwrap_or(Ordering::Equal),
        (Value::String(x), Value::String(y)) => x.cmp(y),
        _ => scalar_text(a).cmp(&scalar_text(b)),
    }
}

pub struct RestExtraction {
    config: Config,
    client: Client,
    pager: Paginator,
    next_url: Option<String>,
    start_max: Option<Value>,
    max: Option<Value>,
    pending: VecDeque<Batch>,
    max_batch_bytes: u64,
    pages: u64,
    records: u64,
}

impl RestExtraction {
    /// Reads one page into pending batches; the last page's last batch carries the checkpoint.
    fn read_page(&mut self, url: String) -> Result<()> {
        let response = self.client.get(&url).send_ok()?;
        let body: Value = response.json()?;
        let records = dativo_plugin_sdk::http::records_at(&body, &self.config.pagination.records_pointer)?;
        self.next_url = self.pager.next_url(&url, &response, &body, records.len())?;
        self.pages += 1;
        self.records += records.len() as u64;

        let mut batch = JsonLinesBatch::new();
        for record in records {
            if let Some(inc) = &self.config.incremental {
                if let Some(v) = record.get(&inc.cursor_field).filter(|v| !v.is_null()) {
                    if self.max.as_ref().is_none_or(|m| compare(v, m) == Ordering::Greater) {
                        self.max = Some(v.clone());
                    }
                }
            }
            let before = batch.len_bytes();
            batch.push(record)?;
            if batch.len_bytes() as u64 > self.max_batch_bytes {
                if before == 0 {
                    return Err(PluginError::data("RECORD_TOO_LARGE", format!("one record is larger than the batch limit of {} bytes", self.max_batch_bytes)));
                }
                // Move the last record into a fresh batch.
                let bytes = batch.take(None).bytes;
                self.pending.push_back(Batch { encoding: Encoding::JsonLines, bytes: bytes[..before].to_vec(), checkpoint: None });
                batch.push(record)?;
            }
        }
        if !batch.is_empty() {
            self.pending.push_back(batch.take(None));
        }
        if self.next_url.is_none() {
            let checkpoint = self.checkpoint();
            if checkpoint.is_some() {
                match self.pending.back_mut() {
                    Some(last) => last.checkpoint = checkpoint,
                    // The last page was empty but earlier ones moved the maximum.
                    None => self.pending.push_back(Batch { encoding: Encoding::JsonLines, bytes: vec![], checkpoint }),
                }
            }
            log(
                Level::Debug,
                "rest-api-reader: stream read",
                &[("url", url::without_query(&url)), ("pages", &self.pages.to_string()), ("records", &self.records.to_string())],
            );
        }
        Ok(())
    }

    /// The new checkpoint, when the maximum moved.
    fn checkpoint(&self) -> Option<String> {
        let inc = self.config.incremental.as_ref()?;
        let max = self.max.as_ref()?;
        if self.start_max.as_ref() == Some(max) {
            return None;
        }
        Some(json!({"cursor_field": inc.cursor_field, "max": max}).to_string())
    }
}

impl Extraction for RestExtraction {
    fn next(&mut self) -> Result<Option<Batch>> {
        loop {
            if let Some(batch) = self.pending.pop_front() {
                return Ok(Some(batch));
            }
            let Some(url) = self.next_url.take() else { return Ok(None) };
            self.read_page(url)?;
        }
    }
}
