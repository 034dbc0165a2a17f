export * from './studies.ts';
export * from './judging.ts';
export * from './llm-runs.ts';
export * from './llm.ts';
export * from './plans.ts';
export * from './integrity.ts';
export * from './qualification.ts';
export * from './audit.ts';
