//! One HTTP exchange over wasi:http/outgoing-handler (the `wasi` crate), blocking.
//! The host checks every request against the manifest's `capabilities.http` allow list;
//! a refusal arrives here as the WASI error `HTTP-request-denied`.

use wasi::http::outgoing_handler;
use wasi::http::types::{ErrorCode, Fields, IncomingBody, Method as WasiMethod, OutgoingBody, OutgoingRequest, Scheme};
use wasi::io::streams::StreamError;

use super::url::split_url;
use super::{Method, Response};
use crate::PluginError;

/// A failed exchange: the WASI error's name and whether trying again may help.
#[derive(Debug, Clone)]
pub struct TransportError {
    pub name: String,
    pub retryable: bool,
}

impl TransportError {
    fn new(name: impl Into<String>, retryable: bool) -> Self {
        TransportError { name: name.into(), retryable }
    }

    /// The plugin error for `what` (for example "GET http://host/path").
    pub fn into_plugin_error(self, what: &str) -> PluginError {
        match self.name.as_str() {
            "HTTP-request-denied" | "destination-IP-prohibited" => PluginError::connection(
                "HTTP_REQUEST_DENIED",
                format!("{what}: refused by the sandbox ({}); the origin must be listed in capabilities.http of plugin.yaml", self.name),
            )
            .with_retryable(false),
            "HTTP-request-URI-invalid" => PluginError::config("HTTP_URL_INVALID", format!("{what}: invalid URL")),
            name => PluginError::connection(format!("HTTP_{}", name.to_ascii_uppercase().replace('-', "_")), format!("{what}: {name}"))
                .with_retryable(self.retryable),
        }
    }
}

pub(crate) fn send(method: Method, url: &str, headers: &[(String, String)], body: Option<&[u8]>) -> Result<Response, TransportError> {
    let (scheme, authority, path) = split_url(url).ok_or_else(|| TransportError::new("HTTP-request-URI-invalid", false))?;
    let fields = Fields::new();
    for (name, value) in headers {
        fields
            .append(&name.to_ascii_lowercase(), &value.as_bytes().to_vec())
            .map_err(|e| TransportError::new(format!("header {name}: {e:?}"), false))?;
    }
    let request = OutgoingRequest::new(fields);
    let invalid = |()| TransportError::new("HTTP-request-URI-invalid", false);
    let wasi_method = match method {
        Method::Get => WasiMethod::Get,
        Method::Post => WasiMethod::Post,
        Method::Put => WasiMethod::Put,
        Method::Delete => WasiMethod::Delete,
    };
    request.set_method(&wasi_method).map_err(|()| TransportError::new("HTTP-request-method-invalid", false))?;
    let scheme = match scheme {
        "http" => Scheme::Http,
        "https" => Scheme::Https,
        other => Scheme::Other(other.to_string()),
    };
    request.set_scheme(Some(&scheme)).map_err(invalid)?;
    request.set_authority(Some(authority)).map_err(invalid)?;
    request.set_path_with_query(Some(path)).map_err(invalid)?;
    let out_body = request.body().map_err(|()| TransportError::new("internal-error", false))?;

    let future = outgoing_handler::handle(request, None).map_err(|e| error_of(&e))?;
    if let Some(bytes) = body {
        let stream = out_body.write().map_err(|()| TransportError::new("internal-error", false))?;
        for chunk in bytes.chunks(4096) {
            stream.blocking_write_and_flush(chunk).map_err(|e| stream_error(e))?;
        }
        drop(stream);
    }
    OutgoingBody::finish(out_body, None).map_err(|e| error_of(&e))?;
    let response = loop {
        match future.get() {
            Some(Ok(Ok(response))) => break response,
            Some(Ok(Err(e))) => return Err(error_of(&e)),
            Some(Err(())) => return Err(TransportError::new("internal-error", false)),
            None => future.subscribe().block(),
        }
    };
    drop(future);

    let status = response.status();
    let headers: Vec<(String, String)> = response
        .headers()
        .entries()
        .into_iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), String::from_utf8_lossy(&v).into_owned()))
        .collect();
    let incoming = response.consume().map_err(|()| TransportError::new("internal-error", false))?;
    let stream = incoming.stream().map_err(|()| TransportError::new("internal-error", false))?;
    let mut bytes = Vec::new();
    loop {
        match stream.blocking_read(64 * 1024) {
            Ok(chunk) => bytes.extend_from_slice(&chunk),
            Err(StreamError::Closed) => break,
            Err(e) => return Err(stream_error(e)),
        }
    }
    drop(stream);
    let _trailers = IncomingBody::finish(incoming);
    Ok(Response { status, headers, body: bytes })
}

fn stream_error(e: StreamError) -> TransportError {
    match e {
        StreamError::Closed => TransportError::new("connection-terminated", true),
        StreamError::LastOperationFailed(e) => match wasi::http::types::http_error_code(&e) {
            Some(code) => error_of(&code),
            None => TransportError::new(e.to_debug_string(), true),
        },
    }
}

/// The WIT case name of a wasi:http error-code, and whether a retry may help.
fn error_of(e: &ErrorCode) -> TransportError {
    use ErrorCode::*;
    let (name, retryable) = match e {
        DnsTimeout => ("DNS-timeout", true),
        DnsError(_) => ("DNS-error", true),
        DestinationNotFound => ("destination-not-found", false),
        DestinationUnavailable => ("destination-unavailable", true),
        DestinationIpProhibited => ("destination-IP-prohibited", false),
        DestinationIpUnroutable => ("destination-IP-unroutable", false),
        ConnectionRefused => ("connection-refused", true),
        ConnectionTerminated => ("connection-terminated", true),
        ConnectionTimeout => ("connection-timeout", true),
        ConnectionReadTimeout => ("connection-read-timeout", true),
        ConnectionWriteTimeout => ("connection-write-timeout", true),
        ConnectionLimitReached => ("connection-limit-reached", true),
        TlsProtocolError => ("TLS-protocol-error", false),
        TlsCertificateError => ("TLS-certificate-error", false),
        TlsAlertReceived(_) => ("TLS-alert-received", false),
        HttpRequestDenied => ("HTTP-request-denied", false),
        HttpRequestLengthRequired => ("HTTP-request-length-required", false),
        HttpRequestBodySize(_) => ("HTTP-request-body-size", false),
        HttpRequestMethodInvalid => ("HTTP-request-method-invalid", false),
        HttpRequestUriInvalid => ("HTTP-request-URI-invalid", false),
        HttpRequestUriTooLong => ("HTTP-request-URI-too-long", false),
        HttpRequestHeaderSectionSize(_) => ("HTTP-request-header-section-size", false),
        HttpRequestHeaderSize(_) => ("HTTP-request-header-size", false),
        HttpRequestTrailerSectionSize(_) => ("HTTP-request-trailer-section-size", false),
        HttpRequestTrailerSize(_) => ("HTTP-request-trailer-size", false),
        HttpResponseIncomplete => ("HTTP-response-incomplete", true),
        HttpResponseHeaderSectionSize(_) => ("HTTP-response-header-section-size", false),
        HttpResponseHeaderSize(_) => ("HTTP-response-header-size", false),
        HttpResponseBodySize(_) => ("HTTP-response-body-size", false),
        HttpResponseTrailerSectionSize(_) => ("HTTP-response-trailer-section-size", false),
        HttpResponseTrailerSize(_) => ("HTTP-response-trailer-size", false),
        HttpResponseTransferCoding(_) => ("HTTP-response-transfer-coding", false),
        HttpResponseContentCoding(_) => ("HTTP-response-content-coding", false),
        HttpResponseTimeout => ("HTTP-response-timeout", true),
        HttpUpgradeFailed => ("HTTP-upgrade-failed", false),
        HttpProtocolError => ("HTTP-protocol-error", false),
        LoopDetected => ("loop-detected", false),
        ConfigurationError => ("configuration-error", false),
        InternalError(_) => ("internal-error", false),
    };
    TransportError::new(name, retryable)
}

/// Blocks for `ms` milliseconds (wasi:clocks monotonic-clock).
pub(crate) fn sleep_ms(ms: u64) {
    if ms > 0 {
        wasi::clocks::monotonic_clock::subscribe_duration(ms.saturating_mul(1_000_000)).block();
    }
}

/// Monotonic time in milliseconds.
pub(crate) fn now_ms() -> u64 {
    wasi::clocks::monotonic_clock::now() / 1_000_000
}

/// Wall-clock time in seconds since the epoch (for Retry-After dates).
pub(crate) fn unix_now_s() -> u64 {
    wasi::clocks::wall_clock::now().seconds
}
