import { describe, expect, it } from 'vitest';
import { daysFromCivil, parseIsoDate, parseIsoTimestamp, parseIsoTimestampBig } from './iso-time.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const ts = (s: string): number => parseIsoTimestamp(enc(s), 0, s.length);
const date = (s: string): number => parseIsoDate(enc(s), 0, s.length);

describe('ISO-8601 parsing from bytes', () => {
  it('computes days since epoch like Date.UTC', () => {
    for (const [y, m, d] of [[1970, 1, 1], [2000, 2, 29], [1969, 12, 31], [2024, 3, 1], [1600, 1, 1], [2400, 12, 31]] as const) {
      expect(daysFromCivil(y, m, d)).toBe(Date.UTC(y, m - 1, d) / 86_400_000);
    }
  });

  it('parses dates and rejects impossible ones', () => {
    expect(date('2024-02-29')).toBe(Date.UTC(2024, 1, 29) / 86_400_000);
    expect(date('2023-02-29')).toBeNaN();
    expect(date('2024-13-01')).toBeNaN();
    expect(date('2024-1-01')).toBeNaN();
    expect(date('2024-01-01T00:00:00Z')).toBeNaN();
  });

  it.each([
    ['2024-01-02T03:04:05Z', '2024-01-02T03:04:05Z', 0],
    ['2024-01-02t03:04:05z', '2024-01-02T03:04:05Z', 0],
    ['2024-01-02 03:04:05', '2024-01-02T03:04:05Z', 0],
    ['2024-01-02T03:04', '2024-01-02T03:04:00Z', 0],
    ['2024-01-02', '2024-01-02T00:00:00Z', 0],
    ['2024-01-02T03:04:05.5Z', '2024-01-02T03:04:05Z', 500_000],
    ['2024-01-02T03:04:05.123456000Z', '2024-01-02T03:04:05Z', 123_456],
    ['2024-01-02T05:04:05+02:00', '2024-01-02T03:04:05Z', 0],
    ['2024-01-01T22:04:05-0500', '2024-01-02T03:04:05Z', 0],
    ['1969-12-31T23:59:59.999999Z', '1969-12-31T23:59:59Z', 999_999],
  ])('%s', (text, utc, extraMicros) => {
    expect(ts(text)).toBe(Date.parse(utc) * 1000 + extraMicros);
  });

  it.each(['', '2024-01-02T', '2024-01-02T25:00:00Z', '2024-01-02T03:04:05.Z', '2024-01-02T03:04:05.1234567Z', '2024-01-02T03:04:05+2', 'yesterday', '2024-01-02T03:04:05Z '])(
    'rejects %j',
    (text) => {
      expect(ts(text)).toBeNaN();
    },
  );

  it('handles years outside the 2^53 microsecond range through BigInt', () => {
    const s = '9999-12-31T23:59:59.999999Z';
    expect(ts(s)).toBeNaN();
    expect(parseIsoTimestampBig(enc(s), 0, s.length)).toBe(BigInt(Date.parse('9999-12-31T23:59:59Z')) * 1000n + 999_999n);
  });
});
