// The same-origin proxy the client component calls: evs-snapshots's
// createProxy, signing on the server with the AK/SK of the server's
// environment. It forwards only reads of this project's snapshots (the list
// and one snapshot's details) and answers everything else itself: a proxy
// that signed whatever it was sent would lend the server's keys to anyone who
// can reach it. A console also checks its user's session here (authorize).
import { configFromEnv, createProxy } from 'evs-snapshots';

// Made on the first request, so that `next build` needs no credentials.
let proxy;
const handle = (request) => (proxy ??= createProxy({ config: { ...configFromEnv(), endpoint: process.env.EVS_ENDPOINT }, basePath: '/evs' })).handle(request);

// Every method goes to it: it answers 405 (and preflights) itself.
export { handle as GET, handle as HEAD, handle as POST, handle as PUT, handle as PATCH, handle as DELETE, handle as OPTIONS };
