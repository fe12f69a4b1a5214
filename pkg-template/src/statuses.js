// The statuses EVS documents for a snapshot: the one list the command's
// --status check and help, the types (index.d.ts `STATUSES`, whose tuple the
// build checks against this one, and `SnapshotStatus`) and the dashboard's
// filter take. The service may add others: a snapshot's `status` can be any
// string, and a filter for an unknown one is sent as given.
const STATUSES = Object.freeze(['creating', 'available', 'error', 'deleting', 'error_deleting', 'rollbacking', 'backing-up']);

/**
 * Whether `s` is one of `STATUSES` (a type guard in index.d.ts: `s is
 * SnapshotStatus`), for a string from a form, a URL or a snapshot before it
 * goes into `ListOptions.status` or `WaitOptions.status`. Anything that is
 * not a string is false; no exception for any value (a Proxy or a getter is
 * never read: only `typeof` and `===` against the seven strings).
 */
const isSnapshotStatus = (s) => typeof s === 'string' && STATUSES.includes(s);

export { STATUSES, isSnapshotStatus };
