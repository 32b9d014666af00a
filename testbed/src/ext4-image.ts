// The guest's ext4: a small file system image made on the host with mkfs.ext4 (e2fsprogs), kept
// gzipped in the initramfs; /init writes it to a brd ram disk and mounts it on /mnt/ext4, where
// the runner makes `tmpfile` steps with `fs: ext4`. 4 KiB blocks, as the host's own ext4 has.
// Made once per build directory, the same bytes every time (fixed UUID, hash seed and clock),
// so the initramfs is not rebuilt for it. Without mkfs.ext4 there is no image: those scenarios
// are skipped in the VM (`require fs:ext4`), never passed.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { gzipSync } from 'node:zlib';

/** The ram disk's size (brd's rd_size is in KiB); a tmpfile is at most 64 MiB, the fuzzer's are tiny. */
export const EXT4_IMAGE_MIB = 32;
const UUID = '75726e67-6c61-4265-7874-340000000001';

/** The gzipped image's path, made if missing; undefined when this host has no mkfs.ext4. */
export async function ext4Image(buildDir: string): Promise<string | undefined> {
  const out = join(buildDir, `ext4-${EXT4_IMAGE_MIB}m.img.gz`);
  if (existsSync(out)) return out;
  mkdirSync(buildDir, { recursive: true });
  const raw = join(buildDir, `ext4-${process.pid}.img`);
  try {
    writeFileSync(raw, '');
    await execa('truncate', ['-s', `${EXT4_IMAGE_MIB}M`, raw]);
    await execa('mkfs.ext4', ['-q', '-F', '-b', '4096', '-U', UUID, '-E', `hash_seed=${UUID},root_owner=0:0`, raw], {
      env: { E2FSPROGS_FAKE_TIME: '1700000000', PATH: `${process.env.PATH ?? ''}:/usr/sbin:/sbin` },
    });
    const tmp = `${out}.${process.pid}.tmp`;
    writeFileSync(tmp, gzipSync(readFileSync(raw), { level: 9 }));
    renameSync(tmp, out);
    return out;
  } catch {
    return undefined;
  } finally {
    rmSync(raw, { force: true });
  }
}

/** /init's lines that mount it (after the modules are in: ext4 and brd). */
export const EXT4_MOUNT = `# ext4 for tmpfiles with fs: ext4 (a ram disk holding the host-made image)
if [ -f /ext4.img.gz ]; then
  mkdir -p /mnt/ext4
  n=0; while [ ! -b /dev/ram0 ] && [ $n -lt 40 ]; do usleep 50000; n=$((n+1)); done
  { zcat /ext4.img.gz > /dev/ram0 && mount -t ext4 /dev/ram0 /mnt/ext4; } || echo "@@ - warn no ext4 at /mnt/ext4"
fi
`;
