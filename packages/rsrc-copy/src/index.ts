// @uringlab/rsrc-copy: registered buffers, fixed I/O and cloning buffer tables between rings.
export {};
export * from './cost/index.js';
