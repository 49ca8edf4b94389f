//! PostgreSQL's binary numeric (base-10000 digits, a weight, a sign, a display scale) ->
//! the unscaled i128 of Decimal128(precision, scale), exactly: a value with more fractional
//! digits than the scale, or more digits than the precision, is an error, never rounded.

use dativo_plugin_sdk::{PluginError, Result};

const POSITIVE: u16 = 0x0000;
const NEGATIVE: u16 = 0x4000;
const NAN: u16 = 0xC000;

const fn pow10_table() -> [i128; 39] {
    let mut t = [1i128; 39];
    let mut i = 1;
    while i < 39 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
}
const POW10: [i128; 39] = pow10_table();

fn data(why: &str) -> PluginError {
    PluginError::data("PG_DECIMAL", format!("numeric value {why}"))
}

fn u16_at(v: &[u8], i: usize) -> u16 {
    u16::from_be_bytes([v[i], v[i + 1]])
}

/// The value of a binary numeric `v` as an integer of `scale` implied decimals.
pub fn numeric_i128(v: &[u8], precision: u8, scale: i8) -> Result<i128> {
    if v.len() < 8 {
        return Err(data("is shorter than its header"));
    }
    let ndigits = u16_at(v, 0) as usize;
    let weight = u16_at(v, 2) as i16 as i32;
    let sign = u16_at(v, 4);
    if v.len() != 8 + 2 * ndigits {
        return Err(data("has a wrong length"));
    }
    match sign {
        POSITIVE | NEGATIVE => {}
        NAN => return Err(data("NaN has no Decimal128 form")),
        _ => return Err(data("±Infinity has no Decimal128 form")),
    }
    let mut acc: i128 = 0;
    for i in 0..ndigits {
        let d = u16_at(v, 8 + 2 * i) as i128;
        if d >= 10_000 {
            return Err(data("has a base-10000 digit out of range"));
        }
        if d == 0 {
            continue;
        }
        // This digit stands for d * 10000^(weight - i); at `scale` decimals, d * 10^e.
        let e = 4 * (weight - i as i32) + scale as i32;
        let term = if e >= 0 {
            POW10.get(e as usize).and_then(|p| d.checked_mul(*p))
        } else {
            let k = (-e) as usize;
            if k >= 4 || d % POW10[k] != 0 {
                return Err(data(&format!("has more than {scale} decimals")));
            }
            Some(d / POW10[k])
        };
        acc = term.and_then(|t| acc.checked_add(t)).ok_or_else(|| data(&format!("exceeds precision {precision}")))?;
    }
    if acc >= POW10[precision as usize] {
        return Err(data(&format!("exceeds precision {precision}")));
    }
    Ok(if sign == NEGATIVE { -acc } else { acc })
}

/// An unscaled value as decimal text with `scale` decimals (`-12.50`), as SQL reads it.
pub fn decimal_text(v: i128, scale: i8) -> String {
    let digits = v.unsigned_abs().to_string();
    let s = scale.max(0) as usize;
    let digits = if digits.len() <= s { format!("{}{digits}", "0".repeat(s + 1 - digits.len())) } else { digits };
    let (int, frac) = digits.split_at(digits.len() - s);
    let sign = if v < 0 { "-" } else { "" };
    if s == 0 { format!("{sign}{int}") } else { format!("{sign}{int}.{frac}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A binary numeric from its parts.
    fn num(weight: i16, sign: u16, dscale: u16, digits: &[u16]) -> Vec<u8> {
        let mut v = Vec::new();
        for x in [digits.len() as u16, weight as u16, sign, dscale] {
            v.extend_from_slice(&x.to_be_bytes());
        }
        for d in digits {
            v.extend_from_slice(&d.to_be_bytes());
        }
        v
    }

    #[test]
    fn exact_values() {
        // 12345678901234567.89 = 1 2345 6789 0123 4567 . 8900 (weight 4)
        let v = num(4, POSITIVE, 2, &[1, 2345, 6789, 123, 4567, 8900]);
        assert_eq!(numeric_i128(&v, 19, 2).unwrap(), 1_234_567_890_123_456_789);
        assert_eq!(decimal_text(1_234_567_890_123_456_789, 2), "12345678901234567.89");
        // -0.05 at scale 2: one digit 500 at weight -1.
        assert_eq!(numeric_i128(&num(-1, NEGATIVE, 2, &[500]), 10, 2).unwrap(), -5);
        assert_eq!(decimal_text(-5, 2), "-0.05");
        // 20000 (trailing zero digits stripped by the server): one digit 2 at weight 1.
        assert_eq!(numeric_i128(&num(1, POSITIVE, 0, &[2]), 10, 0).unwrap(), 20_000);
        assert_eq!(numeric_i128(&num(0, POSITIVE, 0, &[]), 5, 2).unwrap(), 0);
        // 38 nines at scale 2: the largest numeric(38,2).
        let nines = num(8, POSITIVE, 2, &[9999, 9999, 9999, 9999, 9999, 9999, 9999, 9999, 9999, 9900]);
        assert_eq!(numeric_i128(&nines, 38, 2).unwrap(), POW10[38] - 1);
        assert_eq!(decimal_text(0, 0), "0");
    }

    #[test]
    fn refusals() {
        assert!(numeric_i128(&num(0, NAN, 0, &[]), 10, 2).unwrap_err().message.contains("NaN"));
        // 1.005 at scale 2 would need rounding.
        assert!(numeric_i128(&num(0, POSITIVE, 3, &[1, 50]), 10, 2).unwrap_err().message.contains("decimals"));
        // 100000 does not fit numeric(5,0).
        assert!(numeric_i128(&num(1, POSITIVE, 0, &[10]), 5, 0).unwrap_err().message.contains("precision"));
        assert!(numeric_i128(&[0, 1], 5, 0).is_err());
    }
}
