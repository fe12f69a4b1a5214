// One walk of "Overview and export" as data, without the DOM: its kind
// (`overview`, `csv` or `json`), the filters and project it was started
// with, what it gathers as pages arrive (the overview's summary, or the
// export's file as a Blob part per page), how it ended, and the file at the
// end. overview.js starts jobs and draws them.
//
//   const job = createJob('csv', { filters, projectId, config, onBatch });
//   await runJob(job);   // 'done' | 'cancelled' | 'error' (job.error: the EvsError)
//   await runJob(job);   // after 'error': resumes (walk.js)
//   exportFile(job);     // { blob, name } of a finished export

import { createWalk } from './walk.js';
import { newSummary, addSnapshots } from './summary.js';
import { FORMATS, exportFileName } from './export.js';

/** Per kind of walk: its message saying what it is doing, and the status line when it is cancelled (www/messages/overview.js). */
export const KINDS = {
  overview: { doing: 'overview.doing.overview', cancelled: 'overview.cancelled.overview' },
  csv: { doing: 'overview.doing.csv', cancelled: 'export.cancelled.csv' },
  json: { doing: 'overview.doing.json', cancelled: 'export.cancelled.json' },
};

/** What a walk of `kind` gathers: `add(batch)` for each batch; the summary (`sum`) or the file's parts (`parts`). */
function sinkFor(kind) {
  if (kind === 'overview') {
    const sum = newSummary();
    return { sum, add: (batch) => addSnapshots(sum, batch) };
  }
  const format = FORMATS[kind];
  const parts = [format.head];
  return {
    parts,
    add: (batch) => parts.push(new Blob([format.rows(batch, parts.length === 1)])),
  };
}

/**
 * A job of `kind` over the snapshots `filters` ({ status, name, volumeId })
 * match, not started. `config(signal)` gives the package's config;
 * `onBatch(job)` is called after each batch is gathered (`job.walk.received`
 * counts them).
 */
export function createJob(kind, { filters, projectId, config, onBatch }) {
  const f = { status: filters.status || '', name: filters.name || '', volumeId: filters.volumeId || '' };
  const options = {};
  if (f.status) options.status = f.status;
  if (f.name) options.name = f.name;
  if (f.volumeId) options.volumeId = f.volumeId;
  const job = { kind, filters: f, projectId, startedAt: new Date(), sink: sinkFor(kind), error: null };
  job.walk = createWalk({
    config,
    options,
    onBatch(batch) {
      job.sink.add(batch);
      onBatch(job);
    },
  });
  return job;
}

/** Runs the job's walk, or resumes it after a failure: 'done', 'cancelled', or 'error' with the error in `job.error`. */
export async function runJob(job) {
  job.error = null;
  try {
    return await job.walk.run();
  } catch (e) {
    job.error = e;
    return 'error';
  }
}

/** A finished export's file: the Blob of its parts, and its name. */
export function exportFile(job) {
  const format = FORMATS[job.kind];
  return {
    blob: new Blob([...job.sink.parts, format.tail], { type: format.type }),
    name: exportFileName({ projectId: job.projectId, ...job.filters }, format.ext, job.startedAt),
  };
}
