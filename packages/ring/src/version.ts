// Which copy of @uringlab/ring this is. Extensions are stamped with the copy they were defined
// against, so a second copy in node_modules (npm installs one when ring is upgraded alone) is
// detected instead of silently mixing two cores' objects and module state.

/** Kept equal to package.json's version by test/version.test.ts. */
export const VERSION = '0.1.0';

/** This copy's identity: a fresh symbol per loaded module instance. */
export const CORE_COPY: unique symbol = Symbol(`@uringlab/ring@${VERSION}`);

/** Where this copy was loaded from, for the message that names both copies. */
export const CORE_URL: string = import.meta.url;

export interface CoreStamp {
  readonly copy: symbol;
  readonly version: string;
  readonly url: string;
}

export const THIS_CORE: CoreStamp = Object.freeze({ copy: CORE_COPY, version: VERSION, url: CORE_URL });
