import { describe, expect, it } from 'vitest';
import { isRestrictedAddress } from './addresses.js';

describe('restricted addresses', () => {
  it.each(['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '::ffff:169.254.169.254'])(
    '%s is restricted',
    (ip) => expect(isRestrictedAddress(ip)).toBe(true),
  );
  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '2606:4700:4700::1111'])('%s is public', (ip) => expect(isRestrictedAddress(ip)).toBe(false));
});
