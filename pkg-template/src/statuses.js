// The statuses EVS documents for a snapshot: the one list the command's
// --status check and help, the types (index.d.ts `STATUSES`, whose tuple the
// build checks against this one, and `SnapshotStatus`) and the dashboard's
// filter take. The service may add others: a snapshot's `status` can be any
// string, and a filter for an unknown one is sent as given.
const STATUSES = Object.freeze(['creating', 'available', 'error', 'deleting', 'error_deleting', 'rollbacking', 'backing-up']);

export { STATUSES };
