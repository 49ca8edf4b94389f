import { describe, expect, it } from 'vitest';
import { httpTarget, originMatches, parseOriginPattern } from './origin.js';
import { Permission } from '../permission.js';
import { httpKind } from './origin.js';

const allows = (pattern: string, scheme: string, authority: string) => originMatches(parseOriginPattern(pattern), httpTarget(scheme, authority));

describe('HTTP allow patterns', () => {
  it('matches scheme, host and default port exactly', () => {
    expect(allows('https://api.example.com', 'https', 'api.example.com')).toBe(true);
    expect(allows('https://api.example.com', 'https', 'api.example.com:443')).toBe(true);
    expect(allows('https://api.example.com', 'http', 'api.example.com')).toBe(false);
    expect(allows('https://api.example.com', 'https', 'api.example.com:8443')).toBe(false);
    expect(allows('https://api.example.com', 'https', 'evil.com')).toBe(false);
  });
  it('supports host and port wildcards without matching look-alikes', () => {
    expect(allows('https://*.example.com', 'https', 'a.b.example.com')).toBe(true);
    expect(allows('https://*.example.com', 'https', 'example.com')).toBe(false);
    expect(allows('https://*.example.com', 'https', 'evilexample.com')).toBe(false);
    expect(allows('https://*.example.com', 'https', 'example.com.evil.org')).toBe(false);
    expect(allows('http://127.0.0.1:*', 'http', '127.0.0.1:9999')).toBe(true);
    expect(allows('*://*', 'https', 'x.org')).toBe(true);
  });
  it('compares IPv6 literals without brackets and case-insensitively', () => {
    expect(allows('http://[::1]:8080', 'http', '[::1]:8080')).toBe(true);
    expect(allows('http://API.example.com', 'http', 'api.EXAMPLE.com')).toBe(true);
  });
  it('deny wins over allow, and a denial names the manifest line', () => {
    const p = new Permission(httpKind, [parseOriginPattern('https://*')], [parseOriginPattern('https://bad.example.com')]);
    expect(p.check(httpTarget('https', 'ok.example.com')).allowed).toBe(true);
    expect(p.check(httpTarget('https', 'bad.example.com'))).toEqual({ allowed: false, reason: 'matches a deny rule' });
    expect(httpKind.allowWith(httpTarget('https', 'x.org'))).toBe('capabilities.http: ["https://x.org:443"]');
  });
  it('rejects malformed patterns', () => {
    expect(() => parseOriginPattern('api.example.com')).toThrow(/scheme:\/\/host/);
  });
});
