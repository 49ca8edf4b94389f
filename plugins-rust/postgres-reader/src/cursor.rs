//! Incremental reads by a cursor column: rows ordered by it, each batch ending where the
//! cursor value changes, its checkpoint `{"cursor_field": F, "value": V}` (V the last
//! value as SQL literal text); the next read takes rows greater than V, less the job's
//! lookback for date and timestamp cursors.

use std::cell::RefCell;
use std::collections::HashSet;

use dativo_plugin_sdk::{PluginError, Result};
use postgres_protocol::types as pg;
use serde_json::{json, Value};

use crate::columns::{date_days, timestamp_micros};
use crate::numeric::{decimal_text, numeric_i128};
use crate::types::{quote_ident, quote_literal, Kind};

thread_local! {
    /// The checkpoints this instance has emitted. The host runs one instance per stream
    /// and run, and reopens an extraction at a checkpoint of its own run after a transient
    /// error: such a reopen resumes exactly (no lookback), or rows would come twice.
    static EMITTED: RefCell<HashSet<String>> = RefCell::new(HashSet::new());
}

pub struct Cursor {
    pub field: String,
    pub index: usize,
    kind: Kind,
    start: Option<String>,
    lookback: Option<String>,
}

impl Cursor {
    /// `checkpoint`: the one the host handed over; `lookback`: the job's (`2h`).
    pub fn new(field: &str, index: usize, kind: Kind, checkpoint: Option<&str>, lookback: Option<&str>) -> Result<Cursor> {
        let start = match checkpoint {
            None => None,
            Some(text) => {
                let v: Value = serde_json::from_str(text).map_err(|e| invalid(format!("not JSON: {e}")))?;
                if v.get("cursor_field").and_then(Value::as_str) != Some(field) {
                    return Err(invalid(format!("it is for cursor_field {}, the job reads by {field:?}", v["cursor_field"])));
                }
                Some(v.get("value").and_then(Value::as_str).ok_or_else(|| invalid("no value".into()))?.to_string())
            }
        };
        let resumed_in_run = checkpoint.is_some_and(|c| EMITTED.with(|e| e.borrow().contains(c)));
        let lookback = match lookback {
            Some(l) if !resumed_in_run => Some(interval(l, kind)?),
            _ => None,
        };
        Ok(Cursor { field: field.to_string(), index, kind, start, lookback })
    }

    /// `WHERE ... ORDER BY ...` of the read. Rows whose cursor is NULL are never read.
    pub fn clause(&self) -> String {
        let col = quote_ident(&self.field);
        let lower = match (&self.start, &self.lookback) {
            (None, _) => String::new(),
            (Some(v), None) => format!(" AND {col} > {}", quote_literal(v)),
            (Some(v), Some(l)) => format!(" AND {col} > ({}::{} - interval {})", quote_literal(v), sql_type(self.kind), quote_literal(l)),
        };
        format!(" WHERE {col} IS NOT NULL{lower} ORDER BY {col}")
    }

    /// The checkpoint after a row whose cursor value is `raw` (binary COPY bytes).
    pub fn checkpoint(&self, raw: &[u8]) -> Result<String> {
        let text = json!({"cursor_field": self.field, "value": value_text(self.kind, raw)?}).to_string();
        EMITTED.with(|e| e.borrow_mut().insert(text.clone()));
        Ok(text)
    }
}

fn invalid(why: String) -> PluginError {
    PluginError::config("CHECKPOINT_INVALID", format!("the saved checkpoint cannot be used: {why}"))
}

fn sql_type(kind: Kind) -> &'static str {
    match kind {
        Kind::Date => "date",
        Kind::TimestampTz => "timestamptz",
        _ => "timestamp",
    }
}

/// `30m` -> `30 minutes`; only date and timestamp cursors have a lookback.
fn interval(lookback: &str, kind: Kind) -> Result<String> {
    if !matches!(kind, Kind::Date | Kind::Timestamp | Kind::TimestampTz) {
        return Err(PluginError::config("LOOKBACK_INVALID", "a lookback needs a date or timestamp cursor column"));
    }
    let (n, unit) = lookback.split_at(lookback.len().saturating_sub(1));
    let unit = match unit {
        "s" => "seconds",
        "m" => "minutes",
        "h" => "hours",
        "d" => "days",
        _ => return Err(PluginError::config("LOOKBACK_INVALID", format!("lookback {lookback:?}: expected a duration like 30m, 2h or 1d"))),
    };
    let n: u64 = n.parse().map_err(|_| PluginError::config("LOOKBACK_INVALID", format!("lookback {lookback:?}: not a number")))?;
    Ok(format!("{n} {unit}"))
}

/// A cursor value as the text of a SQL literal of its type.
fn value_text(kind: Kind, raw: &[u8]) -> Result<String> {
    let bad = |e: Box<dyn std::error::Error + Sync + Send>| PluginError::data("PG_DECODE", format!("cursor value: {e}"));
    Ok(match kind {
        Kind::Int16 => pg::int2_from_sql(raw).map_err(bad)?.to_string(),
        Kind::Int32 => pg::int4_from_sql(raw).map_err(bad)?.to_string(),
        Kind::Int64 => pg::int8_from_sql(raw).map_err(bad)?.to_string(),
        Kind::Text => pg::text_from_sql(raw).map_err(bad)?.to_string(),
        Kind::Date => civil(date_days(raw)?),
        Kind::Timestamp => micros_text(timestamp_micros(raw)?),
        Kind::TimestampTz => format!("{}+00", micros_text(timestamp_micros(raw)?)),
        Kind::Decimal(p, s) => decimal_text(numeric_i128(raw, p, s)?, s),
        Kind::Float32 | Kind::Float64 | Kind::Bool | Kind::Binary => {
            return Err(PluginError::config("CURSOR_INVALID", "a cursor column must be an integer, numeric, text, uuid, date or timestamp"))
        }
    })
}

/// Days since 1970-01-01 -> `YYYY-MM-DD` (proleptic Gregorian; H. Hinnant's algorithm).
fn civil(days: i32) -> String {
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    if y <= 0 {
        format!("{:04}-{m:02}-{d:02} BC", 1 - y)
    } else {
        format!("{y:04}-{m:02}-{d:02}")
    }
}

fn micros_text(micros: i64) -> String {
    let days = micros.div_euclid(86_400_000_000);
    let rest = micros.rem_euclid(86_400_000_000);
    let (s, us) = (rest / 1_000_000, rest % 1_000_000);
    let date = civil(days as i32);
    let (date, era) = date.split_once(' ').map_or((date.as_str(), ""), |(d, e)| (d, e));
    let era = if era.is_empty() { String::new() } else { format!(" {era}") };
    format!("{date} {:02}:{:02}:{:02}.{us:06}{era}", s / 3600, s / 60 % 60, s % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_as_literals() {
        assert_eq!(civil(0), "1970-01-01");
        assert_eq!(civil(19_723), "2024-01-01");
        assert_eq!(civil(-719_162), "0001-01-01");
        assert_eq!(micros_text(1_704_067_200_000_001), "2024-01-01 00:00:00.000001");
        assert_eq!(micros_text(-1), "1969-12-31 23:59:59.999999");
        let ts = (1_704_067_200_000_000i64 - crate::columns::PG_EPOCH_MICROS).to_be_bytes();
        assert_eq!(value_text(Kind::TimestampTz, &ts).unwrap(), "2024-01-01 00:00:00.000000+00");
        assert_eq!(interval("2h", Kind::Timestamp).unwrap(), "2 hours");
        assert!(interval("2h", Kind::Int64).is_err());
        assert!(interval("2x", Kind::Date).is_err());
    }

    #[test]
    fn clause_and_reopen_without_lookback() {
        let c = Cursor::new("at", 0, Kind::Timestamp, Some(r#"{"cursor_field":"at","value":"2024-01-01 00:00:00.000000"}"#), Some("1h")).unwrap();
        assert_eq!(c.clause(), " WHERE \"at\" IS NOT NULL AND \"at\" > ('2024-01-01 00:00:00.000000'::timestamp - interval '1 hours') ORDER BY \"at\"");
        let ts = (1_704_067_200_000_000i64 - crate::columns::PG_EPOCH_MICROS).to_be_bytes();
        let emitted = c.checkpoint(&ts).unwrap();
        let again = Cursor::new("at", 0, Kind::Timestamp, Some(&emitted), Some("1h")).unwrap();
        assert_eq!(again.clause(), " WHERE \"at\" IS NOT NULL AND \"at\" > '2024-01-01 00:00:00.000000' ORDER BY \"at\"");
        assert!(Cursor::new("id", 0, Kind::Int64, Some(&emitted), None).is_err());
    }
}
