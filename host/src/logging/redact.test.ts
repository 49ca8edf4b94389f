import { describe, expect, it } from 'vitest';
import { redactUrl, redactUrlFields } from './redact.js';
import { SecretScanner } from './secret-scan.js';
import { PluginOutputBudget, truncateUtf8, type OutputRecord } from './plugin-output.js';

describe('redactUrl', () => {
  it('drops query values and userinfo, keeps names, path and fragment', () => {
    expect(redactUrl('https://user:pw@api.example.com/v1/x?api_key=abc&flag&b=2#top')).toBe(
      'https://[redacted]@api.example.com/v1/x?api_key=[redacted]&flag=[redacted]&b=[redacted]#top',
    );
    expect(redactUrl('/items?token=t')).toBe('/items?token=[redacted]');
    expect(redactUrl('https://api.example.com:443')).toBe('https://api.example.com:443');
  });
  it('applies to the URL-bearing fields of a record only', () => {
    expect(redactUrlFields({ target: 'http://h/?a=1', path: '/p?x=y', secret: 'name?x=1' })).toEqual({
      target: 'http://h/?a=[redacted]', path: '/p?x=[redacted]', secret: 'name?x=1',
    });
  });
});

describe('SecretScanner', () => {
  it('replaces values, also as escaped in JSON, and skips very short ones', () => {
    const s = new SecretScanner();
    s.add(['pa"ss-word', 'ab']);
    expect(s.scan(JSON.stringify({ msg: 'x pa"ss-word y', n: 'ab' }))).toBe('{"msg":"x [redacted] y","n":"ab"}');
  });
});

describe('plugin output bounds', () => {
  it('cuts UTF-8 text on a character boundary', () => {
    expect(truncateUtf8('aé€😀', 4)).toEqual({ text: 'aé', cutBytes: 7 });
    expect(truncateUtf8('abc', 3)).toEqual({ text: 'abc', cutBytes: 0 });
    expect(truncateUtf8('x'.repeat(10_000_000), 5).text).toBe('xxxxx');
  });
  it('one budget over log calls and stdout, then one truncation record', () => {
    const out: OutputRecord[] = [];
    const b = new PluginOutputBudget({ maxOutputBytes: 10, maxMessageBytes: 256, maxLogFields: 1 }, (r) => out.push(r));
    b.log('info', 'hello', [['k', 'v'], ['dropped', 'x']]);
    b.output('stdout', new Uint8Array(5));
    b.log('info', 'more', []);
    b.output('stderr', new Uint8Array(5));
    expect(out.map((r) => r.type)).toEqual(['log', 'output', 'output-truncated']);
    expect(out[0]).toMatchObject({ fields: [['k', 'v']], dropped: { fields: 1 } });
    expect((out[1] as { bytes: Uint8Array }).bytes.byteLength).toBe(3);
    expect(out[2]).toMatchObject({ stream: 'stdout', limit: 10 });
  });
});
