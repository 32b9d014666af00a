// Generators of rsrc steps for the differential fuzzer (a step's `fuzz`, read by the fuzzer of
// `pnpm testbed --fuzz`). Each turns integer choices and what the case holds so far into steps,
// deterministically. Buffers come from the case's regions; the errno paths (sparse slots with
// tags, NULL bases, offsets past the table, clones of rings without buffers) are rare options.

import { anyLiveRing, ringPicker, type StepFuzz } from '@uringlab/ring/extend';

const PAGE = 4096;
const TAG = 0x7a00;

type Buf = null | { region: string; offset: number; len: number } | { addr: number; len: number };

/** Buffers (and the region steps they need) for one register or update. */
function bufs(c: Parameters<StepFuzz['generate']>[0], env: Parameters<StepFuzz['generate']>[1], n: number, out: Record<string, unknown>[]): Buf[] {
  const r = env.region(4 * PAGE);
  out.push(...r.steps);
  const list: Buf[] = [];
  for (let i = 0; i < n; i++) {
    if (c.rare(6)) list.push(null);
    else if (c.rare(12)) list.push({ addr: 0, len: PAGE });
    else {
      const pages = 1 + c.int(2);
      const offset = c.int(4 - pages + 1) * PAGE + (c.rare(4) ? 16 : 0);
      list.push({ region: r.name, offset, len: pages * PAGE - (offset % PAGE) });
    }
  }
  return list;
}

export const registerFuzz: StepFuzz = {
  weight: 3,
  generate(c, env) {
    const ring = anyLiveRing(c, env)?.name;
    if (!ring) return undefined;
    const out: Record<string, unknown>[] = [];
    const n = 1 + c.int(4);
    const step: Record<string, unknown> = { op: 'rsrc.register', ring, buffers: bufs(c, env, n, out) };
    if (c.bool()) {
      step.via = 'v2';
      if (c.rare(3)) step.tags = Array.from({ length: n }, (_, i) => (c.rare(3) ? 0 : TAG + env.userData() + i));
      if (c.rare(8)) {
        step.sparse = true;
        step.buffers = [];
        step.nr = n;
      }
    }
    out.push(step);
    return out;
  },
};

export const updateFuzz: StepFuzz = {
  weight: 2,
  generate(c, env) {
    const ring = ringPicker(env);
    if (!ring) return undefined;
    const out: Record<string, unknown>[] = [];
    const n = 1 + c.int(2);
    const step: Record<string, unknown> = { op: 'rsrc.update', ring: ring(c).name, offset: c.int(4), buffers: bufs(c, env, n, out) };
    if (c.rare(3)) step.tags = Array.from({ length: n }, (_, i) => TAG + env.userData() + i);
    out.push(step);
    return out;
  },
};

export const unregisterFuzz: StepFuzz = {
  generate(c, env) {
    const ring = anyLiveRing(c, env);
    if (!ring) return undefined;
    return [{ op: 'rsrc.unregister', ring: ring.name }];
  },
};

export const cloneFuzz: StepFuzz = {
  weight: 2,
  generate(c, env) {
    const ring = ringPicker(env);
    if (!ring) return undefined;
    const step: Record<string, unknown> = { op: 'rsrc.clone', ring: ring(c).name, src: ring(c).name };
    if (c.bool()) step.replace = true;
    if (c.rare(3)) {
      step.nr = 1 + c.int(3);
      step.src_off = c.int(3);
      step.dst_off = c.int(5);
    }
    if (c.rare(10)) step.src = c.pick([999, 0x7fffffff]);
    // SRC_REGISTERED: a slot of the task's registered rings (the core's ring_fds steps fill them).
    if (c.rare(3)) {
      step.registered = true;
      step.src = c.pick([0, 1, 2, 15, 16]);
    }
    return [step];
  },
};

export const statusFuzz: StepFuzz = {
  generate(_c, env) {
    // A closed ring's pages are unpinned by io_ring_exit_work() on a kworker, some time after
    // close(2) returns: a read of VmPin then races it (6.18 showed 4 kB still pinned), so no
    // read is generated once a ring has gone.
    if (env.rings.some((r) => !r.live)) return undefined;
    return [{ op: 'rsrc.status', fields: ['VmPin'] }];
  },
};
