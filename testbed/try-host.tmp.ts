import { ensureHostTools } from './src/host-tools.ts';
await ensureHostTools({ commands: ['qemu-system-x86_64', 'zstd', 'xz'], onEvent: (e) => console.log(JSON.stringify(e)) });
console.log('ok');
