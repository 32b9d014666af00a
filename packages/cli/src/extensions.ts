// The extensions the CLI loads, so scenarios of every installed model package run. Packages are
// optional: a missing one only means its steps are unknown.

import type { Extension } from '@uringlab/ring';

const PACKAGES = ['@uringlab/kbuf-cache', '@uringlab/rsrc-copy', '@uringlab/eventfd-rcu', '@uringlab/zcrx-pagepool', '@uringlab/dio-cache'];

export async function loadExtensions(): Promise<Extension[]> {
  const out: Extension[] = [];
  for (const name of PACKAGES) {
    try {
      const mod = (await import(name)) as { extension?: Extension };
      if (mod.extension) out.push(mod.extension);
    } catch (e) {
      if ((e as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw e;
    }
  }
  return out;
}
