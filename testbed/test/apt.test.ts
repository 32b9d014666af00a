import { describe, expect, it } from 'vitest';
import { aptConf, aptLayout, debFilePrefix, downloadArgs, sourcesList } from '../src/apt.js';
import { loadPins } from '../src/versions.js';

describe('project-local apt', () => {
  const l = aptLayout('/x/.cache/apt');
  const conf = aptConf(l);

  it('points every apt directory into the cache', () => {
    for (const key of ['Dir::Etc::Parts', 'Dir::Etc::SourceList', 'Dir::Etc::SourceParts', 'Dir::State::Lists', 'Dir::State::Status', 'Dir::Cache']) {
      expect(conf).toMatch(new RegExp(`^${key} "/x/\\.cache/apt/`, 'm'));
    }
    expect(conf).not.toContain('/etc/apt');
    expect(conf).not.toContain('/var/lib');
  });

  it('names the pinned suites, signed by the Debian keyring', () => {
    const text = sourcesList(loadPins());
    expect(text).toContain('signed-by=/usr/share/keyrings/debian-archive-keyring.gpg');
    expect(text).toMatch(/^deb \[.*\] http:\/\/deb\.debian\.org\/debian trixie-backports main$/m);
    expect(text).toMatch(/ sid main$/m);
  });

  it('downloads exact versions and knows the file names apt gives them', () => {
    expect(downloadArgs([{ name: 'busybox-static', version: '1:1.38.0-3+b1' }])).toEqual([
      'download',
      'busybox-static=1:1.38.0-3+b1',
    ]);
    expect(debFilePrefix({ name: 'busybox-static', version: '1:1.38.0-3+b1' })).toBe('busybox-static_1%3a1.38.0-3+b1_');
  });
});
