// The core's step generators, in the order templates select them (setup first: template 0 of
// every case is a setup, and a choice shrunk to 0 selects it).

import type { NamedFuzz } from '../types.js';
import { closeFuzz, fstatFuzz, pipeFuzz, readFuzz, socketFuzz, tmpfileFuzz, writeFuzz } from './files.js';
import { enterFuzz, observeFuzz, reapFuzz, registerFuzz, ringFdsFuzz } from './ring.js';
import { setupFuzz } from './setup.js';
import { chainFuzz, netFuzz, nopFuzz, nopMixFuzz, rwFuzz, waitedFuzz } from './sqe.js';
import { readMshotFuzz, shutdownFuzz, syncFuzz } from './vocab.js';
import { TIMEOUT_POLL_FUZZ } from './timeout-poll.js';

export const CORE_FUZZ: readonly NamedFuzz[] = [
  setupFuzz, nopFuzz, enterFuzz, reapFuzz, rwFuzz, netFuzz, chainFuzz, waitedFuzz, pipeFuzz, socketFuzz, tmpfileFuzz,
  writeFuzz, readFuzz, closeFuzz, observeFuzz, registerFuzz, syncFuzz, readMshotFuzz, shutdownFuzz, ...TIMEOUT_POLL_FUZZ, ringFdsFuzz,
  nopMixFuzz, fstatFuzz,
];
