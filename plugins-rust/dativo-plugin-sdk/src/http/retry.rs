//! Retries with exponential backoff, honouring `Retry-After` on 429 and 503.

/// When and how long to retry. Defaults: 5 attempts, 500 ms doubling up to 30 s,
/// retry on 429, 502, 503, 504 and on transient transport errors, wait at most 60 s
/// for a `Retry-After` (longer waits are handed to the host as a rate-limited error).
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 = no retry).
    pub max_attempts: u32,
    pub initial_backoff_ms: u64,
    pub max_backoff_ms: u64,
    /// Statuses retried.
    pub retry_statuses: Vec<u16>,
    /// The longest `Retry-After` waited for inside the plugin.
    pub max_retry_after_ms: u64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            initial_backoff_ms: 500,
            max_backoff_ms: 30_000,
            retry_statuses: vec![429, 502, 503, 504],
            max_retry_after_ms: 60_000,
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        RetryPolicy { max_attempts: 1, ..Self::default() }
    }

    /// The backoff before attempt `attempt + 1`, after `attempt` (1-based) failed.
    pub fn backoff_ms(&self, attempt: u32) -> u64 {
        let factor = 1u64.checked_shl(attempt.saturating_sub(1)).unwrap_or(u64::MAX);
        self.initial_backoff_ms.saturating_mul(factor).min(self.max_backoff_ms)
    }

    /// How long to wait before retrying a response with `status` after `attempt`
    /// attempts, or None when it must not be retried (not a retry status, attempts
    /// used up, or a Retry-After longer than `max_retry_after_ms`).
    pub fn delay_for_status(&self, status: u16, retry_after_ms: Option<u64>, attempt: u32) -> Option<u64> {
        if attempt >= self.max_attempts || !self.retry_statuses.contains(&status) {
            return None;
        }
        match retry_after_ms {
            Some(ms) if ms > self.max_retry_after_ms => None,
            Some(ms) => Some(ms),
            None => Some(self.backoff_ms(attempt)),
        }
    }
}

/// `Retry-After` in milliseconds: delta-seconds, or an HTTP-date relative to `now_s`
/// (seconds since the epoch). None when absent or unparsable.
pub fn parse_retry_after(value: &str, now_s: u64) -> Option<u64> {
    let v = value.trim();
    if let Ok(seconds) = v.parse::<u64>() {
        return Some(seconds.saturating_mul(1000));
    }
    let at = parse_http_date(v)?;
    Some(at.saturating_sub(now_s).saturating_mul(1000))
}

/// IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") -> seconds since the epoch.
pub fn parse_http_date(s: &str) -> Option<u64> {
    let parts: Vec<&str> = s.split_whitespace().collect();
    if parts.len() != 6 || parts[5] != "GMT" {
        return None;
    }
    let day: u64 = parts[1].parse().ok()?;
    let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        .iter()
        .position(|m| *m == parts[2])? as u64
        + 1;
    let year: i64 = parts[3].parse().ok()?;
    let hms: Vec<u64> = parts[4].split(':').map(|p| p.parse().ok()).collect::<Option<_>>()?;
    if hms.len() != 3 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    if days < 0 {
        return None;
    }
    Some(days as u64 * 86_400 + hms[0] * 3600 + hms[1] * 60 + hms[2])
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u64, d: u64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let p = RetryPolicy { initial_backoff_ms: 100, max_backoff_ms: 1000, ..RetryPolicy::default() };
        assert_eq!([1, 2, 3, 4, 5, 60].map(|a| p.backoff_ms(a)), [100, 200, 400, 800, 1000, 1000]);
    }

    #[test]
    fn retry_after_wins_over_backoff_and_attempts_are_bounded() {
        let p = RetryPolicy { max_attempts: 3, ..RetryPolicy::default() };
        assert_eq!(p.delay_for_status(429, Some(1000), 1), Some(1000));
        assert_eq!(p.delay_for_status(503, None, 2), Some(1000));
        assert_eq!(p.delay_for_status(429, Some(1000), 3), None); // attempts used up
        assert_eq!(p.delay_for_status(404, None, 1), None);
        assert_eq!(p.delay_for_status(429, Some(3_600_000), 1), None); // too long: the host decides
        assert_eq!(RetryPolicy::none().delay_for_status(429, None, 1), None);
    }

    #[test]
    fn parses_retry_after_seconds_and_dates() {
        assert_eq!(parse_retry_after("1", 0), Some(1000));
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), Some(784_111_777));
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_770), Some(7000));
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_999), Some(0));
        assert_eq!(parse_retry_after("soon", 0), None);
    }
}
