// Node (import): the CommonJS entry re-exported, so that import and
// require share one module instance and one EvsError class.
import cjs from './index.cjs';

export const { getSnapshot, listSnapshots, paginateSnapshots, waitForSnapshot, signRequest, ready, EvsError } = cjs;
export const { configFromEnv, STATUSES } = cjs;
export const { isSnapshotStatus } = cjs;
