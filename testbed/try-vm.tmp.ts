import { readFileSync } from 'node:fs';
import { prepare } from './src/prepare.ts';
import { runInVm } from './src/vm.ts';
const t0 = performance.now();
const prepared = await prepare({ accel: (process.env.ACCEL as any) ?? 'auto', onEvent: (e) => e.type !== 'console' && console.log('EV', JSON.stringify(e)) });
console.log('prepare', (performance.now()-t0).toFixed(0), prepared.kernelImage, prepared.accel);
const r = await runInVm({ prepared, programText: readFileSync('/tmp/fake/all.prog','utf8'), runnerPath: '/tmp/fake/runner', keep: !!process.env.KEEP,
  onEvent: (e) => { if (e.type === 'console') { if (process.env.V) console.log((performance.now()-t0).toFixed(0).padStart(6), "|", e.line.slice(0,150)); } else console.log('EV', JSON.stringify(e)); } });
const { kernelLog, other, ...rest } = r;
console.log(JSON.stringify({ ...rest, scenarios: [...r.scenarios.values()], kernelLogLines: kernelLog.length, other }, null, 1));
console.log('total', (performance.now()-t0).toFixed(0));
