// The extensions the CLI loads. @uringlab/kbuf-cache is a dependency of the CLI, so kbuf steps
// always run; others come from --extension (a package name or a module path) or from a package
// whose scenarios are run by name. Nothing is probed on the off chance it is installed.

import { isUringError, type Extension } from '@uringlab/ring';
import { moduleUrl } from './packages.js';

export class ExtensionLoadError extends Error {}

async function importExtension(spec: string): Promise<Extension> {
  const url = spec === '@uringlab/kbuf-cache' ? undefined : moduleUrl(spec);
  if (spec !== '@uringlab/kbuf-cache' && !url) throw new ExtensionLoadError(`--extension ${spec}: no such module or installed package`);
  const mod = (url ? await import(url) : await import('@uringlab/kbuf-cache')) as { extension?: Extension };
  if (!mod.extension) throw new ExtensionLoadError(`${spec} exports no \`extension\` (a defineExtension() result)`);
  return mod.extension;
}

/** kbuf-cache plus every `extra` spec, each once (by extension name), in the order given. */
export async function loadExtensions(extra: readonly string[] = []): Promise<Extension[]> {
  const out: Extension[] = [];
  for (const spec of ['@uringlab/kbuf-cache', ...extra]) {
    try {
      const ext = await importExtension(spec);
      if (!out.some((e) => e.name === ext.name)) out.push(ext);
    } catch (e) {
      if (e instanceof ExtensionLoadError || isUringError(e)) throw e;
      throw new ExtensionLoadError(`cannot load ${spec}: ${(e as Error).message}`);
    }
  }
  return out;
}
