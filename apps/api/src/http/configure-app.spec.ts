import { trustProxy } from './configure-app';

describe('trustProxy (RL-03)', () => {
  it('trusts nobody by default', () => {
    const trust = trustProxy([]);
    expect(trust('127.0.0.1')).toBe(false);
  });

  it('trusts listed addresses and ranges only', () => {
    const trust = trustProxy(['10.0.0.0/8', '192.0.2.7', 'fd00::/8']);
    expect(trust('10.1.2.3')).toBe(true);
    expect(trust('::ffff:10.1.2.3')).toBe(true);
    expect(trust('192.0.2.7')).toBe(true);
    expect(trust('192.0.2.8')).toBe(false);
    expect(trust('fd12::1')).toBe(true);
    expect(trust('2001:db8::1')).toBe(false);
  });
});
