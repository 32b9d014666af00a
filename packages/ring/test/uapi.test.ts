import { describe, expect, it } from 'vitest';
import {
  IO_URING_SQE, IO_URING_CQE, IO_URING_PARAMS, IO_URING_BUF, IO_URING_BUF_REG, IO_URING_CLONE_BUFFERS,
  IO_URING_ZCRX_IFQ_REG, UAPI_STRUCTS, UAPI_CONSTANTS, decode, encode, offsetOf, fromHex, toHex, defineStruct,
  IORING_OP, IORING_OP_LAST, errnoName, describeRes,
} from '../src/index.js';

describe('struct layouts', () => {
  it('match the sizes and offsets of the 7.3 UAPI header', () => {
    expect(IO_URING_SQE.size).toBe(64);
    expect(offsetOf(IO_URING_SQE, 'user_data')).toBe(32);
    expect(offsetOf(IO_URING_SQE, 'buf_group')).toBe(40);
    expect(offsetOf(IO_URING_SQE, 'addr3')).toBe(48);
    expect(IO_URING_CQE.size).toBe(16);
    expect(IO_URING_PARAMS.size).toBe(120);
    expect(offsetOf(IO_URING_PARAMS, 'sq_off.array')).toBe(64);
    expect(offsetOf(IO_URING_PARAMS, 'cq_off.cqes')).toBe(100);
    expect(IO_URING_BUF.size).toBe(16);
    expect(IO_URING_BUF_REG.size).toBe(40);
    expect(IO_URING_CLONE_BUFFERS.size).toBe(32);
    expect(IO_URING_ZCRX_IFQ_REG.size).toBe(96);
  });

  it('encode and decode round-trip every field of every struct', () => {
    for (const def of UAPI_STRUCTS) {
      const values: Record<string, bigint | bigint[]> = {};
      def.fields.filter((f) => !f.alias).forEach((f, i) => {
        const max = { u8: 0xffn, u16: 0xffffn, u32: 0xffffffffn, s32: 0x7fffffffn, u64: (1n << 64n) - 1n, s64: (1n << 63n) - 1n }[f.type];
        const v = (BigInt(i + 1) * 0x0101010101010101n) % max;
        values[f.name] = f.count ? Array.from({ length: f.count }, () => v) : v;
      });
      const back = decode(def, encode(def, values));
      for (const [k, v] of Object.entries(values)) expect(back[k], `${def.name}.${k}`).toEqual(Array.isArray(v) ? v.map((x) => (typeof back[k] === 'object' && typeof (back[k] as unknown[])[0] === 'number' ? Number(x) : x)) : typeof back[k] === 'number' ? Number(v) : v);
    }
  });

  it('rejects unknown field names instead of silently encoding zero', () => {
    expect(() => encode(IO_URING_SQE, { user_dat: 1 })).toThrow(/no field user_dat/);
  });

  it('rejects overlapping fields at definition time', () => {
    expect(() => defineStruct({ name: 'bad', c: 'struct bad', size: 8, fields: [{ name: 'a', offset: 0, type: 'u64' }, { name: 'b', offset: 4, type: 'u32' }] })).toThrow(/overlaps/);
  });

  it('hex helpers round-trip and reject junk', () => {
    expect(toHex(fromHex('00ff10'))).toBe('00ff10');
    expect(() => fromHex('0g')).toThrow();
  });
});

describe('constants', () => {
  it('number opcodes in UAPI order up to IORING_OP_LAST', () => {
    expect(IORING_OP.NOP).toBe(0);
    expect(IORING_OP.READ).toBe(22);
    expect(IORING_OP.PROVIDE_BUFFERS).toBe(31);
    expect(IORING_OP.RECV_ZC).toBe(58);
    expect(IORING_OP_LAST).toBe(65);
  });

  it('list every group under its C name for the header check', () => {
    const names = new Map(UAPI_CONSTANTS.map((c) => [c.name, c.value]));
    expect(names.get('IORING_REGISTER_PBUF_RING')).toBe(22);
    expect(names.get('IORING_UNREGISTER_PBUF_RING')).toBe(23);
    expect(names.get('IORING_CQE_F_BUF_MORE')).toBe(16);
    expect(names.get('IORING_RECV_MULTISHOT')).toBe(2);
    expect(names.get('ENOBUFS')).toBe(105);
  });

  it('names errno results', () => {
    expect(errnoName(-105)).toBe('ENOBUFS');
    expect(errnoName(3)).toBeUndefined();
    expect(describeRes(-22)).toBe('-EINVAL');
  });
});
