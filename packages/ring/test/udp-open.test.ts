// UDP pairs and open flags: the parts of the model the testbed cannot show (the receive queue
// the model refuses to fill past its bound, flag validation), plus the append rules as units.
import { describe, expect, it } from 'vitest';
import { isUringError } from '../src/errors.js';
import { UDP_MAX_PAYLOAD, UDP_MODELLED_QUEUE, makeSocketPair } from '../src/files/stream.js';
import { O, RegularFile, openFlags } from '../src/files/regular.js';
import { sockShutdown } from '../src/net/shutdown.js';

const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return isUringError(e) ? e.code : 'other';
  }
  return 'none';
};

describe('UDP pairs (udp_sendmsg, udp_recvmsg)', () => {
  it('refuses a datagram past 65507 bytes, and a pending error comes first once', () => {
    const [a, b] = makeSocketPair('udp');
    expect(a.write(new Uint8Array(UDP_MAX_PAYLOAD + 1))).toBe(-90);
    expect(a.write(new Uint8Array(UDP_MAX_PAYLOAD))).toBe(UDP_MAX_PAYLOAD);
    b.put();
    expect(a.write(new Uint8Array(3))).toBe(3); // the ICMP comes back: sk_err
    expect(a.sockErr).toBe(111);
    expect(a.read(8).res).toBe(-111);
    expect(a.read(8).res).toBe(-11);
  });

  it('mirrors no shutdown onto the peer', () => {
    const [a, b] = makeSocketPair('udp');
    expect(sockShutdown(a, 2)).toBe(0);
    expect([b.rdShut, b.wrShut, b.rx!.writerClosed]).toEqual([false, false, false]);
    expect(a.write(new Uint8Array(1))).toBe(-32);
    expect(b.write(new Uint8Array(2))).toBe(2);
    expect(a.read(8).res).toBe(2);
  });

  it('stops with NOT_MODELLED before the receive queue could reach sk_rcvbuf', () => {
    const [a] = makeSocketPair('udp');
    for (let i = 0; i < UDP_MODELLED_QUEUE.datagrams; i++) expect(a.write(new Uint8Array(1))).toBe(1);
    expect(code(() => a.write(new Uint8Array(1)))).toBe('NOT_MODELLED');
  });
});

describe('open flags of regular files', () => {
  it('need exactly one access mode', () => {
    expect(openFlags(['WRONLY', 'APPEND'])).toBe(O.WRONLY | O.APPEND);
    expect(code(() => openFlags(['APPEND']))).toBe('EINVAL');
    expect(code(() => openFlags(['RDONLY', 'WRONLY']))).toBe('EINVAL');
    expect(code(() => new RegularFile(0, 0, O.ACCMODE))).toBe('EINVAL');
  });

  it('O_APPEND writes at the end; f_pos follows only a write that used it', () => {
    const f = new RegularFile(10, 0, O.RDWR | O.APPEND);
    expect(f.write(new Uint8Array([1, 2]), 0)).toBe(2);
    expect([f.size, f.pos]).toEqual([12, 0]);
    expect(f.write(new Uint8Array([3]), undefined)).toBe(1);
    expect([f.size, f.pos]).toEqual([13, 13]);
    expect(f.write(new Uint8Array([9]), 0, false)).toBe(1); // RWF_NOAPPEND
    expect([...f.read(2, 0).data!]).toEqual([9, 1]);
    expect(f.write(new Uint8Array(0), undefined)).toBe(0);
    expect(f.pos).toBe(13);
  });
});
