// The extensions the CLI loads. @uringlab/kbuf-cache and @uringlab/rsrc-copy are dependencies of
// the CLI, so kbuf and rsrc steps always run; others come from --extension (a package name or a
// module path) or from a package whose scenarios are run by name. Nothing is probed on the off chance it is installed.

import { isUringError, type Extension } from '@uringlab/ring';
import { moduleUrl } from './packages.js';

export class ExtensionLoadError extends Error {}

/** The extension packages the CLI depends on, loaded by their own imports. */
const BUNDLED: Readonly<Record<string, () => Promise<{ extension?: Extension }>>> = {
  '@uringlab/kbuf-cache': () => import('@uringlab/kbuf-cache'),
  '@uringlab/rsrc-copy': () => import('@uringlab/rsrc-copy'),
};

async function importExtension(spec: string): Promise<Extension> {
  const bundled = Object.hasOwn(BUNDLED, spec) ? BUNDLED[spec] : undefined;
  const url = bundled ? undefined : moduleUrl(spec);
  if (!bundled && !url) throw new ExtensionLoadError(`--extension ${spec}: no such module or installed package`);
  const mod = (bundled ? await bundled() : await import(url!)) as { extension?: Extension };
  if (!mod.extension) throw new ExtensionLoadError(`${spec} exports no \`extension\` (a defineExtension() result)`);
  return mod.extension;
}

/** kbuf-cache and rsrc-copy plus every `extra` spec, each once (by extension name), in the order given. */
export async function loadExtensions(extra: readonly string[] = []): Promise<Extension[]> {
  const out: Extension[] = [];
  for (const spec of [...Object.keys(BUNDLED), ...extra]) {
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
