// A server component: it calls EVS with the AK/SK of the server's
// environment (HUAWEICLOUD_SDK_AK, _SK, _PROJECT_ID), which never reach the
// browser.
import { connection } from 'next/server';
import { configFromEnv, listSnapshots } from 'evs-snapshots';

export default async function ServerSnapshots() {
  // Under cacheComponents, a call that reads the clock (signing, timeouts)
  // may not run while the page is prerendered: this renders it per request.
  await connection();
  const config = { ...configFromEnv(), endpoint: process.env.EVS_ENDPOINT };
  const page = await listSnapshots(config, { limit: 3 });
  return (
    <ul id="server-rows">
      {page.snapshots.map((s) => (
        <li key={s.id}>{s.id}</li>
      ))}
    </ul>
  );
}
