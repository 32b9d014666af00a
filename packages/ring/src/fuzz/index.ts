// The differential fuzzer's pieces: seeded templates, the realiser, the shrinker, and the types
// extension step generators implement.

export type { FuzzChoices, FuzzEnv, FuzzFd, FuzzFdKind, FuzzRegion, FuzzRing, FuzzTemplate, NamedFuzz, StepFuzz } from './types.js';
export { Choices } from './choices.js';
export { caseSeed, generateTemplates, type TemplateBounds } from './templates.js';
export { fuzzGenerators, generatorOf, realise, totalWeight, type Realised, type RealiseOptions, type ScenarioDoc } from './realise.js';
export { Shrinker, type ShrinkOptions } from './shrink.js';
export { CORE_FUZZ } from './gen/index.js';
export { BOUND_WAIT_NS } from './gen/ring.js';
export { BY_DESIGN, EXCLUSIONS, KNOWN_DIVERGENCES, avoids, type AvoidId, type Exclusion } from './exclusions.js';
