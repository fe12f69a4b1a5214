// The same-origin proxy the client component calls: GET /evs/<path>
// forwards to EVS_ENDPOINT/<path>, signed here with the server's AK/SK.
// It forwards only reads of this project's snapshots: a proxy that signs
// whatever it is sent lends the server's keys to anyone who can reach it.
// A console also checks its user's session here.
import { signRequest } from 'evs-snapshots';

export async function GET(request, { params }) {
  const { path } = await params;
  const projectId = process.env.HUAWEICLOUD_SDK_PROJECT_ID;
  if (path[0] !== 'v2' || path[1] !== projectId || path[2] !== 'snapshots' || path.length > 4) {
    return Response.json({ error: { message: 'not forwarded', code: 'PROXY.403' } }, { status: 403 });
  }
  const url = `${process.env.EVS_ENDPOINT}/${path.map(encodeURIComponent).join('/')}${new URL(request.url).search}`;
  const signed = await signRequest(
    { method: 'GET', url, headers: { 'Content-Type': 'application/json', 'X-Project-Id': projectId } },
    { accessKey: process.env.HUAWEICLOUD_SDK_AK, secretKey: process.env.HUAWEICLOUD_SDK_SK },
  );
  const res = await fetch(signed.url, { headers: signed.headers, signal: request.signal });
  const headers = {};
  for (const name of ['content-type', 'x-request-id', 'date']) {
    const value = res.headers.get(name);
    if (value) headers[name] = value;
  }
  return new Response(await res.arrayBuffer(), { status: res.status, headers });
}
