//! Batch builders. `JsonLinesBatch` collects rows as JSON Lines and says when a batch
//! is full (by rows or bytes), so a reader can stay under the host's `max_batch_bytes`.

use serde::Serialize;

use crate::{Batch, Encoding, PluginError, Result};

/// Rows serialized as JSON Lines (one object per line, each ending in `\n`).
#[derive(Debug, Default, Clone)]
pub struct JsonLinesBatch {
    bytes: Vec<u8>,
    rows: usize,
}

impl JsonLinesBatch {
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends one row (any `Serialize`, usually a `serde_json::Value` object).
    pub fn push<T: Serialize + ?Sized>(&mut self, row: &T) -> Result<()> {
        serde_json::to_writer(&mut self.bytes, row)
            .map_err(|e| PluginError::data("JSON_ENCODE", format!("cannot encode a row as JSON: {e}")))?;
        self.bytes.push(b'\n');
        self.rows += 1;
        Ok(())
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn len_bytes(&self) -> usize {
        self.bytes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// True when another row could push the batch past `max_bytes` (with `reserve`
    /// bytes of room for it) or when it already holds `max_rows`.
    pub fn is_full(&self, max_rows: usize, max_bytes: u64, reserve: usize) -> bool {
        self.rows >= max_rows || (self.bytes.len() + reserve) as u64 > max_bytes
    }

    /// The batch, with an optional checkpoint; the builder is left empty.
    pub fn take(&mut self, checkpoint: Option<String>) -> Batch {
        self.rows = 0;
        Batch { encoding: Encoding::JsonLines, bytes: std::mem::take(&mut self.bytes), checkpoint }
    }

    pub fn finish(mut self, checkpoint: Option<String>) -> Batch {
        self.take(checkpoint)
    }
}

/// Parses the rows of a JSON Lines batch (for writers).
pub fn json_lines_rows(batch: &Batch) -> Result<Vec<serde_json::Value>> {
    if batch.encoding != Encoding::JsonLines {
        return Err(PluginError::not_supported("ENCODING_NOT_SUPPORTED", "expected a json-lines batch"));
    }
    let text = std::str::from_utf8(&batch.bytes).map_err(|e| PluginError::data("UTF8_INVALID", e.to_string()))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| serde_json::from_str(l).map_err(|e| PluginError::data("JSON_INVALID", format!("line {}: {e}", i + 1))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rows_become_lines_and_back() {
        let mut b = JsonLinesBatch::new();
        b.push(&json!({"id": 1, "name": "a"})).unwrap();
        b.push(&json!({"id": 2, "name": "b\nc"})).unwrap();
        assert_eq!(b.rows(), 2);
        assert!(b.is_full(2, 1 << 20, 0));
        assert!(!b.is_full(3, 1 << 20, 0));
        assert!(b.is_full(3, 10, 0));
        let batch = b.take(Some("{\"max\":2}".into()));
        assert!(b.is_empty());
        assert_eq!(batch.bytes, b"{\"id\":1,\"name\":\"a\"}\n{\"id\":2,\"name\":\"b\\nc\"}\n");
        assert_eq!(json_lines_rows(&batch).unwrap(), vec![json!({"id": 1, "name": "a"}), json!({"id": 2, "name": "b\nc"})]);
    }
}
