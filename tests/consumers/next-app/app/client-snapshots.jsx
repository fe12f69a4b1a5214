'use client';
// A client component: the browser entry of the package, calling this app's
// own /evs route (app/evs/[...path]/route.js), which signs on the server.
// No credential is in the page.
import { useEffect, useState } from 'react';
import { listSnapshots } from 'evs-snapshots';

export default function ClientSnapshots({ projectId }) {
  const [state, setState] = useState({ rows: null, error: null });
  useEffect(() => {
    const controller = new AbortController();
    listSnapshots({ projectId, endpoint: '/evs', signal: controller.signal }, { limit: 3 }).then(
      (page) => setState({ rows: page.snapshots, error: null }),
      (error) => error.kind !== 'aborted' && setState({ rows: null, error }),
    );
    return () => controller.abort();
  }, [projectId]);
  if (state.error) return <p id="client-error">{`${state.error.kind}: ${state.error.message}`}</p>;
  if (!state.rows) return <p id="client-loading">Loading…</p>;
  return (
    <ul id="client-rows">
      {state.rows.map((s) => (
        <li key={s.id}>{s.id}</li>
      ))}
    </ul>
  );
}
