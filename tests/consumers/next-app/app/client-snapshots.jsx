'use client';
// A client component: the browser entry of the package, calling this app's
// own /evs route (app/evs/[...path]/route.js, createProxy), which signs on
// the server. No credential is in the page.
import { useEffect, useState } from 'react';
import { getSnapshot, listSnapshots } from 'evs-snapshots';

export default function ClientSnapshots({ projectId }) {
  const [state, setState] = useState({ rows: null, details: null, error: null });
  useEffect(() => {
    const controller = new AbortController();
    const config = { projectId, endpoint: '/evs', signal: controller.signal };
    listSnapshots(config, { limit: 3 })
      .then(async (page) => {
        setState({ rows: page.snapshots, details: null, error: null });
        // The details panel's call: one snapshot, through the same proxy.
        const details = await getSnapshot(config, page.snapshots[0].id);
        setState({ rows: page.snapshots, details, error: null });
      })
      .catch((error) => error.kind !== 'aborted' && setState({ rows: null, details: null, error }));
    return () => controller.abort();
  }, [projectId]);
  if (state.error) return <p id="client-error">{`${state.error.kind}: ${state.error.message}`}</p>;
  if (!state.rows) return <p id="client-loading">Loading…</p>;
  return (
    <>
      <ul id="client-rows">
        {state.rows.map((s) => (
          <li key={s.id}>{s.id}</li>
        ))}
      </ul>
      {state.details && <p id="client-details">{`${state.details.id} ${state.details.status} ${state.details.size} GB`}</p>}
    </>
  );
}
