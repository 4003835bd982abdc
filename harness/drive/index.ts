export { drive } from './run.ts';
export type { DriveEvents, DriveInput, DriveOutput, DrivePhase, Populations } from './types.ts';
