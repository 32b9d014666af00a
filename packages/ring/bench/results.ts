// Merges flat keys into the repository's bench-results.json (shared by every benchmark).

import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export function recordResults(entries: Record<string, number>): string {
  const file = new URL('../../../bench-results.json', import.meta.url);
  const current = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, number>) : {};
  writeFileSync(file, JSON.stringify({ ...current, ...entries }, null, 2) + '\n');
  return file.pathname;
}
