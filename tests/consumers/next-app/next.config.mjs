// What a console team's next.config needs for evs-snapshots (README "Next.js").
/** @type {import('next').NextConfig} */
const nextConfig = {
  // create-next-app 16 turns this on: a server component that calls the
  // package awaits connection() first (app/server-snapshots.jsx).
  cacheComponents: true,
  // create-next-app 16 sets it beside cacheComponents (next build warns
  // when it is missing); it changes nothing for the package.
  partialPrefetching: true,
  // The package is loaded from node_modules on the server, where its Node entry
  // finds its .wasm beside it; bundled, every server entry carries the
  // inline copy instead.
  serverExternalPackages: ['evs-snapshots'],
};

export default nextConfig;
