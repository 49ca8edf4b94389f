/**
 * ISO-8601 / RFC 3339 parsing straight from UTF-8 bytes (no string per value), for the lossless
 * Utf8 -> Date32 and Utf8 -> Timestamp(MICROSECOND, UTC) casts.
 *
 *   date       YYYY-MM-DD
 *   timestamp  YYYY-MM-DD[T| ]HH:MM[:SS[.fraction]][Z | ±HH[:MM] | ±HHMM]
 *              or a bare date (midnight). No offset means UTC. A fraction finer than a
 *              microsecond is accepted only when the extra digits are zeros (else the cast loses data).
 */

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

const digit = (b: Uint8Array, i: number): number => {
  const c = b[i]! - 48;
  return c >= 0 && c <= 9 ? c : NaN;
};
const num2 = (b: Uint8Array, i: number): number => digit(b, i) * 10 + digit(b, i + 1);
const num4 = (b: Uint8Array, i: number): number => num2(b, i) * 100 + num2(b, i + 2);

// Consecutive values mostly share their date: remember the last one parsed.
const lastDate = new Uint8Array(10);
let lastDays = NaN;

/** Days since epoch of bytes[start, start+10) as YYYY-MM-DD, or NaN. */
function dateAt(b: Uint8Array, start: number): number {
  if (!Number.isNaN(lastDays)) {
    let same = true;
    for (let k = 0; k < 10; k++) {
      if (b[start + k] !== lastDate[k]) {
        same = false;
        break;
      }
    }
    if (same) return lastDays;
  }
  const days = parseDate(b, start);
  if (!Number.isNaN(days)) {
    lastDate.set(b.subarray(start, start + 10));
    lastDays = days;
  }
  return days;
}

function parseDate(b: Uint8Array, start: number): number {
  if (b[start + 4] !== 45 || b[start + 7] !== 45) return NaN; // '-'
  const y = num4(b, start);
  const m = num2(b, start + 5);
  const d = num2(b, start + 8);
  if (!(m >= 1 && m <= 12 && d >= 1)) return NaN; // NaN fails too
  if (d > (m === 2 && isLeap(y) ? 29 : DAYS_IN_MONTH[m - 1]!)) return NaN;
  return daysFromCivil(y, m, d);
}

/** Days since epoch of an exact YYYY-MM-DD in bytes[start, end), or NaN. */
export function parseIsoDate(b: Uint8Array, start: number, end: number): number {
  return end - start === 10 ? dateAt(b, start) : NaN;
}

/**
 * Microseconds since epoch of an ISO-8601 timestamp in bytes[start, end), as a Number, or NaN.
 * Exact for instants between about 1685 and 2255 (|µs| < 2^53); outside that range the caller gets
 * `bigMicros` instead (see parseIsoTimestampBig).
 */
export function parseIsoTimestamp(b: Uint8Array, start: number, end: number): number {
  const seconds = parseSeconds(b, start, end);
  const v = seconds * 1_000_000 + lastMicros;
  return Number.isSafeInteger(v) ? v : NaN;
}

/** As parseIsoTimestamp, for the whole year range, as a BigInt (slow path). */
export function parseIsoTimestampBig(b: Uint8Array, start: number, end: number): bigint | undefined {
  const seconds = parseSeconds(b, start, end);
  return Number.isNaN(seconds) ? undefined : BigInt(seconds) * 1_000_000n + BigInt(lastMicros);
}

/** The microseconds (0..999999) of the last successful parseSeconds: no tuple per value. */
let lastMicros = 0;

/** Seconds since epoch (sub-second part in lastMicros), or NaN. */
function parseSeconds(b: Uint8Array, start: number, end: number): number {
  lastMicros = 0;
  const len = end - start;
  if (len < 10) return NaN;
  const days = dateAt(b, start);
  if (Number.isNaN(days)) return NaN;
  if (len === 10) return days * 86400;
  let i = start + 10;
  const sep = b[i];
  if (sep !== 84 && sep !== 116 && sep !== 32) return NaN; // 'T' 't' ' '
  i++;
  if (end - i < 5 || b[i + 2] !== 58) return NaN; // HH:MM
  const hh = num2(b, i);
  const mm = num2(b, i + 3);
  i += 5;
  let ss = 0;
  let micros = 0;
  if (i < end && b[i] === 58) {
    if (end - i < 3) return NaN;
    ss = num2(b, i + 1);
    i += 3;
    if (i < end && (b[i] === 46 || b[i] === 44)) {
      // '.' or ','
      i++;
      let digits = 0;
      while (i < end) {
        const d = b[i]! - 48;
        if (d < 0 || d > 9) break;
        if (digits < 6) micros = micros * 10 + d;
        else if (d !== 0) return NaN; // sub-microsecond precision would be lost
        digits++;
        i++;
      }
      if (digits === 0) return NaN;
      for (let k = digits; k < 6; k++) micros *= 10;
    }
  }
  if (!(hh <= 23 && mm <= 59 && ss <= 59)) return NaN;
  let offsetSec = 0;
  if (i < end) {
    const c = b[i];
    if ((c === 90 || c === 122) && i + 1 === end) {
      // 'Z' 'z'
    } else if (c === 43 || c === 45) {
      // '+' '-'
      const rest = end - i - 1;
      let oh: number;
      let om = 0;
      if (rest === 2) oh = num2(b, i + 1);
      else if (rest === 4) (oh = num2(b, i + 1)), (om = num2(b, i + 3));
      else if (rest === 5 && b[i + 3] === 58) (oh = num2(b, i + 1)), (om = num2(b, i + 4));
      else return NaN;
      if (!(oh <= 23 && om <= 59)) return NaN;
      offsetSec = (c === 43 ? 1 : -1) * (oh * 3600 + om * 60);
    } else return NaN;
  }
  lastMicros = micros;
  return days * 86400 + hh * 3600 + mm * 60 + ss - offsetSec;
}
