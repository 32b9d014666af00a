// @uringlab/ring/testing: fixtures for testing tools built on the core (a fuzz driver, a
// shrinker): extensions whose behaviour is known, to run as "the kernel" and as the judged model.

export { truthfulFadvise, plantedFadvise } from './testing/fuzz-plant.js';
