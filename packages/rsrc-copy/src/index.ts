// @uringlab/rsrc-copy: registered buffers (REGISTER_BUFFERS, BUFFERS2 with tags and SPARSE,
// BUFFERS_UPDATE, UNREGISTER_BUFFERS), the importer behind fixed I/O, and cloning buffer tables
// between rings (IORING_REGISTER_CLONE_BUFFERS), with node lifetimes, tag CQEs and the pinned and
// memlock accounting a user can see.

export { rsrcExtension, extension, RSRC_EXTENSION_NAME } from './extension.js';
export { rsrcKnobs, type RsrcKnobs } from './profile.js';
export { Imu, RsrcNode, RsrcRing, RsrcStats, IO_IMU, RSRC_RING, RSRC_STATS, rsrcRing, rsrcStats } from './state.js';
export { bufferRegister, validateUserBufRange, putRsrcNode, rsrcDataFree, type LastHpage, type UserIovec } from './node.js';
export { sqeBuffersRegister, sqeBuffersUnregister, RSRC_REGISTER_OPS, REGISTER_BUFFERS, UNREGISTER_BUFFERS, REGISTER_BUFFERS2, REGISTER_BUFFERS_UPDATE, REGISTER_CLONE_BUFFERS } from './register.js';
export { cloneBuffers, registerCloneBuffers, IORING_REGISTER_DST_REPLACE, type CloneArg } from './clone.js';
export { fixedBufferImporter, importFixed, validateFixedRange, reqBufNode } from './importer.js';
export { IORING_MAX_REG_BUFFERS } from './limits.js';
export { RSRC_STEPS, registerStep, updateStep, unregisterStep, cloneStep, statusStep, dropStep, hugeRegionStep, mapFileStep } from './steps/index.js';
export { registerFuzz, updateFuzz, unregisterFuzz, cloneFuzz, statusFuzz } from './steps/fuzz.js';
export * from './cost/index.js';
