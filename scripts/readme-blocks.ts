// Code blocks of the READMEs that the smoke test runs as a user would: every ```ts block (type-
// checked with tsc --strict --module nodenext, then run with node), and every ```sh block under
// a `<!-- smoke: repo -->` or `<!-- smoke: app -->` marker (run in the clone, or in the user's
// project made from the packed tarballs).

import { readFileSync } from 'node:fs';

export interface Block {
  file: string;
  line: number;
  lang: string;
  /** For sh blocks: where the smoke test runs it. */
  where?: 'repo' | 'app';
  code: string;
}

export const READMES = ['README.md', 'packages/ring/README.md', 'packages/kbuf-cache/README.md', 'packages/rsrc-copy/README.md', 'packages/cli/README.md'];

export function blocksOf(file: string, text = readFileSync(file, 'utf8')): Block[] {
  const lines = text.split('\n');
  const out: Block[] = [];
  let marker: 'repo' | 'app' | undefined;
  for (let i = 0; i < lines.length; i++) {
    const m = /^<!-- smoke: (repo|app) -->$/.exec(lines[i]!.trim());
    if (m) {
      marker = m[1] as 'repo' | 'app';
      continue;
    }
    const open = /^```(\w+)\s*$/.exec(lines[i]!);
    if (!open) {
      if (lines[i]!.trim() !== '') marker = undefined;
      continue;
    }
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== '```'; i++) body.push(lines[i]!);
    out.push({ file, line: start + 1, lang: open[1]!, ...(marker ? { where: marker } : {}), code: body.join('\n') + '\n' });
    marker = undefined;
  }
  return out;
}
