/**
 * The pure sync core. Start with `plan(desired, actual, settings)`; then `checkSafety` before writing,
 * `summarize` for the contract's Summary, and `resumeIndex`/`opPosition` to apply in chunks.
 * Types and rules are documented in ./types.ts and ./plan.ts.
 */
export * from './types';
export { plan, normalizeEmail, displayName } from './plan';
export { roomNameBase, RoomNamer, ROOM_NAME_MAX_BASE, ROOM_NAME_PATTERN } from './names';
export type { OpPosition } from './order';
export { opPhase, opPosition, opScope, opId, opKey, comparePositions, compareStrings, resumeIndex, planFingerprint } from './order';
export { summarize, countOps, writeCount } from './summary';
export type { SafetyOptions, SafetyFigures, SafetyVerdict } from './safety';
export { checkSafety } from './safety';
export type { SimulationIds } from './simulate';
export { applyPlanToActual } from './simulate';
