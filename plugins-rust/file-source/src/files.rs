//! Which files a config names: plain paths and `*` wildcards in the last component.

use std::fs;
use std::path::Path;
use std::time::UNIX_EPOCH;

use crate::error::{Error, Result};

/// Every file the patterns name, in config order, each pattern's matches sorted,
/// without duplicates. A pattern that names no readable file is FILE_NOT_FOUND.
pub fn resolve(patterns: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for pattern in patterns {
        for file in resolve_one(pattern)? {
            if !out.contains(&file) {
                out.push(file);
            }
        }
    }
    Ok(out)
}

fn resolve_one(pattern: &str) -> Result<Vec<String>> {
    let (dir, name) = match pattern.rfind('/') {
        Some(i) => (&pattern[..i.max(1)], &pattern[i + 1..]),
        None => (".", pattern),
    };
    if dir.contains('*') {
        return Err(Error::config(
            "CONFIG_INVALID",
            format!("{pattern}: wildcards are supported in the last path component only"),
        ));
    }
    if !name.contains('*') {
        return match fs::metadata(pattern) {
            Ok(m) if m.is_file() => Ok(vec![pattern.to_string()]),
            Ok(_) => Err(not_found(pattern, "not a regular file")),
            Err(e) => Err(not_found(pattern, &e.to_string())),
        };
    }
    let entries = fs::read_dir(dir).map_err(|e| not_found(pattern, &format!("cannot list {dir}: {e}")))?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| not_found(pattern, &format!("cannot list {dir}: {e}")))?;
        let file_name = entry.file_name();
        let Some(file_name) = file_name.to_str() else { continue };
        if !wildcard_match(name, file_name) {
            continue;
        }
        let path = if dir == "/" { format!("/{file_name}") } else { format!("{dir}/{file_name}") };
        if fs::metadata(&path).map(|m| m.is_file()).unwrap_or(false) {
            files.push(path);
        }
    }
    if files.is_empty() {
        return Err(not_found(pattern, "no file matches"));
    }
    files.sort();
    Ok(files)
}

fn not_found(path: &str, why: &str) -> Error {
    Error::config("FILE_NOT_FOUND", format!("{path}: {why}"))
}

/// `*` matches any run of characters (none included); everything else matches itself.
pub fn wildcard_match(pattern: &str, name: &str) -> bool {
    let (p, n) = (pattern.as_bytes(), name.as_bytes());
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, ni));
            pi += 1;
        } else if pi < p.len() && p[pi] == n[ni] {
            pi += 1;
            ni += 1;
        } else if let Some((sp, sn)) = star {
            pi = sp + 1;
            ni = sn + 1;
            star = Some((sp, sn + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

/// Opens every file once, as check() promises.
pub fn check_readable(files: &[String]) -> Result<()> {
    for file in files {
        fs::File::open(file).map_err(|e| not_found(file, &format!("cannot open: {e}")))?;
    }
    Ok(())
}

/// The file's modification time in nanoseconds since the epoch.
pub fn mtime_ns(path: &str) -> Result<u128> {
    let modified = fs::metadata(path)
        .and_then(|m| m.modified())
        .map_err(|e| Error::io(path, e))?;
    Ok(modified.duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0))
}

/// The file name without its (last) extension: /data/orders.csv -> orders; `fallback`
/// for a path without a file name.
pub fn stem(path: &str, fallback: &str) -> String {
    Path::new(path)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(fallback)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::{stem, wildcard_match};

    #[test]
    fn wildcards() {
        assert!(wildcard_match("*.csv", "orders.csv"));
        assert!(wildcard_match("orders_*.csv", "orders_2024.csv"));
        assert!(!wildcard_match("*.csv", "orders.csv.gz"));
        assert!(wildcard_match("*", "x"));
        assert!(wildcard_match("a*b*c", "axxbyyc"));
        assert!(!wildcard_match("a*b*c", "axxbyy"));
    }

    #[test]
    fn stems() {
        assert_eq!(stem("/data/orders.csv", "csv"), "orders");
        assert_eq!(stem("/data/orders.csv.gz", "csv"), "orders.csv");
        assert_eq!(stem("/", "jsonl"), "jsonl");
    }
}
