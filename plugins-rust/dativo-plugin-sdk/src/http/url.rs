//! Small URL helpers (no `url` crate): split, query parameters, relative references.

/// `scheme://authority/path?query` -> (scheme, authority, path-with-query); the
/// fragment is dropped. None when there is no scheme or authority.
pub fn split_url(url: &str) -> Option<(&str, &str, &str)> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme.is_empty() || !scheme.chars().all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '-' || c == '.') {
        return None;
    }
    let rest = rest.split('#').next().unwrap_or("");
    let split = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(split);
    if authority.is_empty() {
        return None;
    }
    Some((scheme, authority, if path.is_empty() { "/" } else { path }))
}

/// Percent-encodes a query component (RFC 3986 unreserved characters are kept).
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `url` with query parameter `key` set to `value` (replacing every existing `key`).
pub fn set_query(url: &str, key: &str, value: &str) -> String {
    let (before_fragment, fragment) = match url.split_once('#') {
        Some((a, f)) => (a, Some(f)),
        None => (url, None),
    };
    let (base, query) = before_fragment.split_once('?').unwrap_or((before_fragment, ""));
    let ekey = encode_component(key);
    let mut pairs: Vec<String> = query
        .split('&')
        .filter(|p| !p.is_empty() && p.split('=').next() != Some(ekey.as_str()) && p.split('=').next() != Some(key))
        .map(str::to_string)
        .collect();
    pairs.push(format!("{ekey}={}", encode_component(value)));
    let mut out = format!("{base}?{}", pairs.join("&"));
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

/// `base_url` + `path`, with exactly one `/` between them.
pub fn join(base_url: &str, path: &str) -> String {
    if path.is_empty() {
        return base_url.to_string();
    }
    if path.contains("://") {
        return path.to_string();
    }
    format!("{}/{}", base_url.trim_end_matches('/'), path.trim_start_matches('/'))
}

/// Resolves a reference (absolute, `/absolute-path`, `?query` or relative path) against `base`.
pub fn resolve(base: &str, reference: &str) -> Option<String> {
    if reference.contains("://") {
        return Some(reference.to_string());
    }
    let (scheme, authority, path) = split_url(base)?;
    if let Some(rest) = reference.strip_prefix("//") {
        return Some(format!("{scheme}://{rest}"));
    }
    if reference.starts_with('/') {
        return Some(format!("{scheme}://{authority}{reference}"));
    }
    let path_only = path.split('?').next().unwrap_or("/");
    if reference.starts_with('?') {
        return Some(format!("{scheme}://{authority}{path_only}{reference}"));
    }
    let dir = &path_only[..path_only.rfind('/').map_or(0, |i| i + 1)];
    Some(format!("{scheme}://{authority}{}{reference}", if dir.is_empty() { "/" } else { dir }))
}

/// The URL without its query (for messages: queries may hold tokens).
pub fn without_query(url: &str) -> &str {
    url.split(['?', '#']).next().unwrap_or(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_sets_queries() {
        assert_eq!(split_url("http://127.0.0.1:8080/a/b?x=1#f"), Some(("http", "127.0.0.1:8080", "/a/b?x=1")));
        assert_eq!(split_url("https://api.example.com"), Some(("https", "api.example.com", "/")));
        assert_eq!(split_url("nope"), None);
        assert_eq!(set_query("http://h/p", "cursor", "a b&c"), "http://h/p?cursor=a%20b%26c");
        assert_eq!(set_query("http://h/p?limit=10&cursor=x", "cursor", "y"), "http://h/p?limit=10&cursor=y");
        assert_eq!(join("http://h/api/", "/items"), "http://h/api/items");
    }

    #[test]
    fn resolves_references() {
        assert_eq!(resolve("http://h:1/a/b?x=1", "/c?page=2").unwrap(), "http://h:1/c?page=2");
        assert_eq!(resolve("http://h:1/a/b?x=1", "c?page=2").unwrap(), "http://h:1/a/c?page=2");
        assert_eq!(resolve("http://h:1/a/b?x=1", "?page=2").unwrap(), "http://h:1/a/b?page=2");
        assert_eq!(resolve("http://h:1/a", "https://o/p").unwrap(), "https://o/p");
        assert_eq!(without_query("http://h/p?token=secret"), "http://h/p");
    }
}
