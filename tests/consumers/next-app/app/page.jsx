import { Suspense } from 'react';
import ServerSnapshots from './server-snapshots';
import ClientSnapshots from './client-snapshots';

export default function Page() {
  return (
    <main>
      <h1>Snapshots</h1>
      <h2>Rendered on the server</h2>
      <Suspense fallback={<p id="server-loading">Loading…</p>}>
        <ServerSnapshots />
      </Suspense>
      <h2>Fetched in the browser</h2>
      {/* The project ID is no secret; the keys stay on the server. */}
      <ClientSnapshots projectId={process.env.HUAWEICLOUD_SDK_PROJECT_ID} />
    </main>
  );
}
