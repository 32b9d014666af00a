import { unpackVmlinux } from './src/kernel-image.ts';
const t=performance.now();
console.log(await unpackVmlinux(process.argv[2]!, '/work/main/testbed/build/kernel/vmlinux'), performance.now()-t);
