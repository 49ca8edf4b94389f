import { describe, expect, it } from 'vitest';
import { toHostPaths } from './guest-paths.js';
import { PluginReportedError } from './plugin-errors.js';

const mounts = [
  { guest: '/data', host: '/home/me/job/data' },
  { guest: '/data/deep', host: '/mnt/deep' },
  { guest: '/out/', host: '/srv/out/' },
];

describe('guest paths in plugin messages are shown as the host paths bound there', () => {
  it('whole paths only, the longest mount first', () => {
    expect(toHostPaths('/data/orders.csv line 3: bad', mounts)).toBe('/home/me/job/data/orders.csv line 3: bad');
    expect(toHostPaths('"/data/deep/x.csv" and /data', mounts)).toBe('"/mnt/deep/x.csv" and /home/me/job/data');
    expect(toHostPaths('wrote /out/a.parquet', mounts)).toBe('wrote /srv/out/a.parquet');
    expect(toHostPaths('http://api.example/data/x, /database/y, /data2, x/data', mounts)).toBe('http://api.example/data/x, /database/y, /data2, x/data');
    expect(toHostPaths('/etc/passwd', [{ guest: '/', host: '/home/me' }])).toBe('/etc/passwd');
  });

  it('a PluginReportedError shows host paths and keeps what the plugin said in details', () => {
    const e = new PluginReportedError('csv', { kind: 'data', code: 'PARSE', message: '/data/orders.csv line 3', retryable: false }, mounts);
    expect(e.message).toBe('plugin "csv" failed: [PARSE] /home/me/job/data/orders.csv line 3');
    expect(e.details.guestMessage).toBe('/data/orders.csv line 3');
    const plain = new PluginReportedError('csv', { kind: 'data', code: 'PARSE', message: 'no path here', retryable: false }, mounts);
    expect(plain.details).not.toHaveProperty('guestMessage');
  });
});
