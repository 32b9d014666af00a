import { fetchGuest } from '/work/main/testbed/src/fetch.ts';
const r = await fetchGuest({ onEvent: (e) => console.log(JSON.stringify(e)), kernelVersion: process.argv[2] });
console.log(JSON.stringify({ ...r, sysroot: { ...r.sysroot, packages: r.sysroot.packages.map((p) => p.name) } }, null, 1));
