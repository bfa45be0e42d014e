/** The chatbot's pure core: points parser, award policy, ledger math, triggers and their matcher. */
export * from './points';
export * from './policy';
export * from './ledger';
export * from './triggers';
export * from './triggerMatcher';
export type { PatternAnalysis, Shortcut, Before, After } from './regexAnalysis';
