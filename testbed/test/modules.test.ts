import { describe, expect, it } from 'vitest';
import { loadChains, loadOrder, modinfoField, moduleNameOfFile, parseDepends } from '../src/modules.js';

const deps: Record<string, string[]> = {
  nvme: ['nvme_core'],
  nvme_core: ['nvme_auth', 'nvme_keyring'],
  nvme_auth: [],
  nvme_keyring: [],
  virtio_net: ['net_failover'],
  net_failover: ['failover'],
  failover: [],
};

describe('module metadata', () => {
  it('reads depends= from .modinfo strings', () => {
    const ko = Buffer.from('\x7fELF....\0license=GPL\0depends=nvme-auth,nvme-keyring\0name=nvme_core\0', 'latin1');
    expect(parseDepends(modinfoField(ko, 'depends'))).toEqual(['nvme_auth', 'nvme_keyring']);
    expect(modinfoField(ko, 'name')).toBe('nvme_core');
    expect(parseDepends(modinfoField(Buffer.from('\0depends=\0'), 'depends'))).toEqual([]);
  });

  it('names modules like the kernel does', () => {
    expect(moduleNameOfFile('/k/drivers/nvme/host/nvme-core.ko.xz')).toBe('nvme_core');
  });
});

describe('load order', () => {
  it('puts dependencies first (the order known to work)', () => {
    expect(loadOrder(['virtio_net', 'nvme'], (m) => deps[m] ?? [])).toEqual([
      'failover',
      'net_failover',
      'virtio_net',
      'nvme_auth',
      'nvme_keyring',
      'nvme_core',
      'nvme',
    ]);
  });

  it('makes one chain per root unless they share a module', () => {
    expect(loadChains(['virtio_net', 'nvme'], (m) => deps[m] ?? [])).toHaveLength(2);
    const shared = { ...deps, nvme: ['nvme_core', 'failover'] };
    expect(loadChains(['virtio_net', 'nvme'], (m) => shared[m as keyof typeof shared] ?? [])).toHaveLength(1);
  });

  it('rejects cycles', () => {
    expect(() => loadOrder(['a'], (m) => (m === 'a' ? ['b'] : ['a']))).toThrow(/cycle/);
  });
});
