//! A simple client-side rate limiter: a minimum interval between request starts.

use std::cell::Cell;

#[derive(Debug, Default)]
pub struct RateLimiter {
    min_interval_ms: u64,
    last_ms: Cell<Option<u64>>,
}

impl RateLimiter {
    /// At most one request every `min_interval_ms` (0: no limit).
    pub fn new(min_interval_ms: u64) -> Self {
        RateLimiter { min_interval_ms, last_ms: Cell::new(None) }
    }

    /// `requests_per_second` as an interval (0: no limit).
    pub fn per_second(requests_per_second: f64) -> Self {
        Self::new(if requests_per_second > 0.0 { (1000.0 / requests_per_second).ceil() as u64 } else { 0 })
    }

    /// How long a request starting at `now_ms` must wait.
    pub fn wait_ms(&self, now_ms: u64) -> u64 {
        match self.last_ms.get() {
            Some(last) if self.min_interval_ms > 0 => (last + self.min_interval_ms).saturating_sub(now_ms),
            _ => 0,
        }
    }

    /// Records that a request started at `at_ms`.
    pub fn record(&self, at_ms: u64) {
        self.last_ms.set(Some(at_ms));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_requests() {
        let r = RateLimiter::per_second(4.0); // 250 ms
        assert_eq!(r.wait_ms(1000), 0);
        r.record(1000);
        assert_eq!(r.wait_ms(1100), 150);
        assert_eq!(r.wait_ms(1300), 0);
        let none = RateLimiter::new(0);
        none.record(5);
        assert_eq!(none.wait_ms(5), 0);
    }
}
