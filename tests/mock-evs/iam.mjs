// The mock's IAM: the one Keystone call a client makes to find a region's
// project ID, `GET /v3/projects?name={region}` (docs/evs-api.md "IAM:
// finding a region's project ID"), and the switch of what it finds.
import { randomBytes } from 'node:crypto';
import { PROJECT_ID, DOMAIN_ID, SECOND_PROJECT_ID } from './data.mjs';
import { send, formQuery } from './http.mjs';

/**
 * What `GET /v3/projects?name={region}` finds (`--iam-projects`): no project,
 * the seeded one (the default), or the seeded one and a sub-project named
 * like the region.
 */
export const IAM_MODES = ['none', 'one', 'two'];

/** `mode` when it is one of IAM_MODES; else throws, naming the option `what`. */
export function checkIamMode(mode, what = 'iamProjects') {
  if (!IAM_MODES.includes(mode)) throw new Error(`${what} must be one of ${IAM_MODES.join(', ')}`);
  return mode;
}

/** Keystone's error shape. */
const keystoneError = (code, title, message) => ({ error: { code, title, message } });

/**
 * IAM for `region`, finding `iamProjects` (one of IAM_MODES) until switched;
 * `links` point at `linkBase`. A request passes `faults` (op "iam") and then
 * `checkAuth`, as an EVS call does.
 */
export function createIam({ region, linkBase, iamProjects, faults, checkAuth }) {
  let mode = iamProjects;

  /** The projects IAM knows now, in Keystone's shape. */
  function projects() {
    const project = (id, parentId) => ({
      id,
      name: region,
      domain_id: DOMAIN_ID,
      enabled: true,
      is_domain: false,
      parent_id: parentId,
      description: '',
      links: { self: `${linkBase}/v3/projects/${id}` },
    });
    if (mode === 'none') return [];
    const seeded = project(PROJECT_ID, DOMAIN_ID); // a region's project: its parent is the account
    return mode === 'one' ? [seeded] : [seeded, project(SECOND_PROJECT_ID, PROJECT_ID)];
  }

  /** `GET /v3/projects`: `name` exact (read as a form query); without it, every project. */
  function projectsBody(url) {
    const name = formQuery(url.search).get('name');
    const found = projects().filter((p) => name === undefined || p.name === name);
    return { projects: found, links: { self: `${linkBase}/v3/projects${url.search}`, next: null, previous: null } };
  }

  /**
   * An IAM request (any path under /v3/, op "iam" to the faults): faults,
   * then the method, the auth check and the route, in the EVS API's order.
   */
  async function serve(req, res, requestId, url, apiPath) {
    if (await faults.apply(req, res, 'iam', url.pathname, () => Buffer.from(JSON.stringify(projectsBody(url))))) return;
    res.setHeader('X-IAM-Trace-Id', randomBytes(16).toString('hex'));
    if (req.method !== 'GET') return send(res, 405, keystoneError(405, 'Method Not Allowed', `method ${req.method} is not allowed here`));
    if (!checkAuth(req, res, requestId, url)) return;
    if (apiPath === '/v3/projects') return send(res, 200, projectsBody(url));
    return send(res, 404, keystoneError(404, 'Not Found', `no IAM API at ${apiPath}`));
  }

  return {
    serve,
    mode: () => mode,
    /** Switches what IAM finds (checked). */
    setMode(m) {
      mode = checkIamMode(m);
    },
    reset() {
      mode = iamProjects;
    },
    /** The body of `GET /__mock/iam`. */
    state: () => ({ projects: mode, region, list: projects() }),
  };
}
