// The mock's control endpoints, `/__mock/*` under the API prefix
// (tests/mock-evs/README.md, "Control endpoints"): the request log, the
// faults, the clock and IAM switches, the data set and a reset. Same origin
// only (server.mjs checks that); never faulted or logged.
import { IAM_MODES } from './iam.mjs';
import { send, evsError } from './http.mjs';

/** Control bodies (`PUT /__mock/faults`, `PUT /__mock/clock`) above this are refused with 413. */
export const CONTROL_BODY_LIMIT = 1024 * 1024;
/** What is read of an oversized body before the connection is closed. */
const DRAIN_LIMIT = 16 * 1024 * 1024;

/**
 * A control body, at most CONTROL_BODY_LIMIT bytes; null when it was
 * larger (then answered 413, and the connection closed once a bounded
 * amount has been read, so the client sees the answer, not a reset).
 */
function controlBody(req, res) {
  const tooLarge = () => {
    res.setHeader('Connection', 'close');
    send(res, 413, { error: { message: `a control body is at most ${CONTROL_BODY_LIMIT} bytes` } });
  };
  const declared = Number(req.headers['content-length']);
  return new Promise((done) => {
    const parts = [];
    let size = 0;
    let over = declared > CONTROL_BODY_LIMIT;
    req.on('data', (c) => {
      size += c.length;
      if (size > CONTROL_BODY_LIMIT) over = true;
      if (over) parts.length = 0;
      else parts.push(c);
      if (size > DRAIN_LIMIT) {
        if (!res.headersSent) tooLarge();
        req.destroy();
        done(null);
      }
    });
    req.on('end', () => {
      if (!over) return done(Buffer.concat(parts).toString('utf8'));
      if (!res.headersSent) tooLarge();
      done(null);
    });
    req.on('error', () => done(null));
  });
}

/** `JSON.parse(body)[key]`, or undefined when the body is not JSON. */
function field(body, key) {
  try {
    return JSON.parse(body)[key];
  } catch {
    return undefined;
  }
}

/**
 * The control routes over the mock's parts (`log`, `faults`, `evs`, `iam`,
 * `clock`; `reset` puts them all back). Returns `control(req, res, path)`,
 * `path` the part after the API prefix.
 */
export function createControl({ log, faults, evs, iam, clock, reset }) {
  return async function control(req, res, path) {
    const body = await controlBody(req, res);
    if (body === null) return;
    const route = `${req.method} ${path}`;
    if (route === 'GET /__mock/requests') return send(res, 200, log.state());
    if (route === 'DELETE /__mock/requests') return log.clear(), send(res, 204, '');
    if (route === 'GET /__mock/snapshots') return send(res, 200, { snapshots: evs.snapshots() });
    if (route === 'DELETE /__mock/faults') return faults.clear(), send(res, 204, '');
    if (route === 'POST /__mock/reset') return reset(), send(res, 204, '');
    if (route === 'GET /__mock/clock') return send(res, 200, clock.state());
    if (route === 'DELETE /__mock/clock') return clock.reset(), send(res, 200, clock.state());
    if (route === 'PUT /__mock/clock') {
      const offset = field(body, 'offsetMs');
      if (!Number.isSafeInteger(offset)) return send(res, 400, { error: { message: 'the body must be {"offsetMs": <integer>}' } });
      clock.set(offset);
      return send(res, 200, clock.state());
    }
    if (route === 'GET /__mock/iam') return send(res, 200, iam.state());
    if (route === 'DELETE /__mock/iam') return iam.reset(), send(res, 200, iam.state());
    if (route === 'PUT /__mock/iam') {
      const mode = field(body, 'projects');
      if (!IAM_MODES.includes(mode)) return send(res, 400, { error: { message: `the body must be {"projects": ${IAM_MODES.map((m) => `"${m}"`).join(' | ')}}` } });
      iam.setMode(mode);
      return send(res, 200, iam.state());
    }
    if (route === 'PUT /__mock/faults') {
      try {
        const list = JSON.parse(body);
        if (!Array.isArray(list)) throw new Error('not an array');
        faults.set(list);
        return send(res, 204, '');
      } catch (e) {
        return send(res, 400, { error: { message: `faults must be a JSON array: ${e.message}` } });
      }
    }
    return send(res, 404, evsError('itemNotFound', `no control endpoint ${route}`, 'MOCK.404'));
  };
}
