// createProxy (docs/contract.md "Serving browsers: the signing proxy"), for
// the Node, Deno and Bun entries only: a page bundle never holds it, and the
// browser's module has no proxy export (Cargo.toml's `proxy` feature).
//
// This file only maps HTTP to the module's ProxyCore and back: a fetch
// `Request` (handle) or node:http's request and response (listener) become
// the parts the core judges; its answer becomes a `Response` or is written
// to `res`. Every rule (origin, preflight, method, path, project, query,
// authorize, signing, the clock, redaction) is the Rust core's, in
// src/core/proxy.rs and src/wasm/proxy.rs.
//
// The build turns this file into lib/proxy.js and lib/proxy.cjs; it must keep its
// single `export { ... }` line at the end and import nothing.

/** An answer when the module itself failed (not expected: a trap). */
const broken = (e) => ({
  status: 502,
  headers: [
    ['Content-Type', 'application/json'],
    ['Cache-Control', 'no-store'],
    ['X-Content-Type-Options', 'nosniff'],
  ],
  body: new TextEncoder().encode(JSON.stringify({ error: { code: 'PROXY.502', message: `internal error in evs-snapshots: ${(e && e.message) || e}` } })),
});

/** A header's value, or undefined: node:http gives an array for a repeated one. */
function nodeHeader(req, name) {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
}

/** The browser's headers as a `Headers`, for `authorize`; one that cannot be held is left out. */
function headersOf(req) {
  const h = new Headers();
  const raw = req.rawHeaders || [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    try {
      h.append(raw[i], raw[i + 1]);
    } catch {
      // An HTTP/2 pseudo-header or a value fetch refuses.
    }
  }
  return h;
}

/**
 * `createProxy(options)`, given the entry's way to load the module
 * synchronously (load.js's loadWasmSync with the entry's places), its
 * EvsError class and its error conversion. A module that cannot be loaded
 * is a `load` EvsError, thrown by createProxy.
 */
function proxyFactory(loadSync, EvsError, toError) {
  let module = null;
  function wasmSync() {
    if (module) return module;
    let w;
    try {
      w = loadSync();
    } catch (e) {
      throw new EvsError({ kind: 'load', message: `could not load the evs-snapshots WebAssembly module: ${(e && e.message) || e}`, retryable: false });
    }
    w.setErrorFactory((fields) => new EvsError(fields));
    return (module = w);
  }

  return function createProxy(options) {
    const w = wasmSync();
    let core;
    try {
      core = new w.ProxyCore(options);
    } catch (e) {
      throw toError(e);
    }

    /** The core's answer to the parts (never throws). */
    async function serve(parts, request, signal) {
      try {
        return await core.serve(parts, request, signal);
      } catch (e) {
        return broken(e);
      }
    }

    /** Fetch-standard: a Next.js route handler, `Deno.serve`, `Bun.serve`. */
    async function handle(request) {
      let parts = { method: '', path: '' };
      let signal;
      try {
        const url = new URL(request.url);
        const h = request.headers;
        const get = (n) => h.get(n) ?? undefined;
        parts = {
          method: request.method,
          path: url.pathname,
          query: url.search ? url.search.slice(1) : undefined,
          ownOrigin: url.origin,
          origin: get('origin'),
          fetchSite: get('sec-fetch-site'),
          requestHeaders: get('access-control-request-headers'),
        };
        signal = request.signal;
      } catch {
        // Not a Request: the core refuses an empty method.
      }
      const out = await serve(parts, request, signal);
      const body = parts.method === 'HEAD' || out.body.length === 0 ? null : out.body;
      return new Response(body, { status: out.status, headers: out.headers });
    }

    /**
     * node:http and Express (`app.use(proxy.listener)` or under its base
     * path: Express's `originalUrl` is read, so the path is the one the
     * browser sent). The browser going away (`close` before the answer is
     * written) aborts the upstream request.
     */
    function listener(req, res) {
      const ac = new AbortController();
      res.once('close', () => {
        if (!res.writableFinished) ac.abort();
      });
      const target = typeof req.originalUrl === 'string' ? req.originalUrl : String(req.url ?? '');
      const q = target.indexOf('?');
      const host = nodeHeader(req, 'host');
      let ownOrigin;
      try {
        if (host) ownOrigin = new URL(`${req.socket && req.socket.encrypted ? 'https' : 'http'}://${host}`).origin;
      } catch {
        // A Host that is no host: no own origin, so any Origin is another.
      }
      let request;
      try {
        request = new Request(new URL(target, ownOrigin ?? 'http://localhost'), { method: req.method, headers: headersOf(req), signal: ac.signal });
      } catch {
        // A method or URL fetch cannot hold (CONNECT, TRACE): refused before authorize.
      }
      const parts = {
        method: String(req.method ?? ''),
        path: q < 0 ? target : target.slice(0, q),
        query: q < 0 ? undefined : target.slice(q + 1),
        ownOrigin,
        origin: nodeHeader(req, 'origin'),
        fetchSite: nodeHeader(req, 'sec-fetch-site'),
        requestHeaders: nodeHeader(req, 'access-control-request-headers'),
      };
      serve(parts, request, ac.signal).then((out) => {
        if (res.destroyed || res.writableEnded) return;
        const head = req.method === 'HEAD';
        const headers = Object.fromEntries(out.headers);
        // The whole body is here: its length, not chunked framing (what
        // node:http does for a body given to end() after writeHead). A
        // browser reads a body of known length whole; one without it a
        // page's client reads as a stream, and Chromium then reports a
        // `Cache-Control: no-store` response read to its end as cancelled
        // (net::ERR_ABORTED) in DevTools, its body gone from there. None for
        // HEAD (the GET's length is not known here) nor for a 204 or 304,
        // which have no body (RFC 9110, 8.6).
        if (!head && out.status !== 204 && out.status !== 304) headers['Content-Length'] = String(out.body.length);
        res.writeHead(out.status, headers);
        res.end(head || out.body.length === 0 ? undefined : out.body);
      });
    }

    async function projectId() {
      try {
        return await core.projectId();
      } catch (e) {
        throw toError(e);
      }
    }

    return Object.freeze({ handle, listener, projectId });
  };
}

export { proxyFactory };
