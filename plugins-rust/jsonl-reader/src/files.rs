//! Which files a config names (file-source's files module) and a stream's name.

pub use file_source::files::{check_readable, resolve};

/// The file name without its extensions: /data/events.jsonl.gz -> events.
pub fn stem(path: &str) -> String {
    let path = path.strip_suffix(".gz").or_else(|| path.strip_suffix(".zst")).unwrap_or(path);
    file_source::files::stem(path, "jsonl")
}

#[cfg(test)]
mod tests {
    #[test]
    fn stems() {
        assert_eq!(super::stem("/data/events.jsonl"), "events");
        assert_eq!(super::stem("/data/events.jsonl.gz"), "events");
        assert_eq!(super::stem("/data/events.ndjson"), "events");
    }
}
