import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { listSnapshots } from 'evs-snapshots';

// A same-origin path: the console's proxy forwards /evs to EVS and adds the
// user's token, so the page holds no credential. The project is the mock's.
const config = { projectId: '0c2eba2c5af04d3f9e9d0d410b371fde', endpoint: '/evs' };

function Snapshots() {
  const [state, setState] = useState({ rows: null, error: null });
  useEffect(() => {
    const controller = new AbortController();
    listSnapshots({ ...config, signal: controller.signal }, { limit: 3 }).then(
      (page) => setState({ rows: page.snapshots, error: null }),
      (error) => error.kind !== 'aborted' && setState({ rows: null, error }),
    );
    return () => controller.abort();
  }, []);
  if (state.error) return <p id="error">{`${state.error.kind}: ${state.error.message}`}</p>;
  if (!state.rows) return <p id="loading">Loading…</p>;
  return (
    <ul id="rows">
      {state.rows.map((s) => (
        <li key={s.id}>{s.id}</li>
      ))}
    </ul>
  );
}

createRoot(document.getElementById('app')).render(
  <StrictMode>
    <Snapshots />
  </StrictMode>,
);
