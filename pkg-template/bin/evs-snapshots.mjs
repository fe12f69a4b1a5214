#!/usr/bin/env node
// The `evs-snapshots` command: list, show and sign from a terminal or a cron
// job, on the package's public API (../index.mjs), the duration grammar its
// configFromEnv reads (../lib/env.cjs), its own pure helpers (./format.mjs)
// and Node >= 20 built-ins; undici (the package's one dependency) only
// behind a proxy, loaded then and only then.
//
//   evs-snapshots list [--max-items N] [--page-size N] [--output F] [--csv-raw] [--columns a,b] [filters]
//   evs-snapshots get <snapshot-id> [--output F]
//   evs-snapshots wait <snapshot-id> [--status S] [--fail-on S,S] [--timeout 10m] [--interval 2s] [--output F]
//   evs-snapshots sign <METHOD> <URL> [-H 'Name: value']... [--data @file] [--curl]
//   evs-snapshots serve [--port N] [--host ADDR] [--open]   (the dashboard for the account: ./serve.mjs)
//
// The global options (the connection options, --attempt-timeout,
// --max-attempts, --debug, -h, -V) go before or after the command, as in
// `aws --debug ec2 …` and `git --no-pager log`.
//
// Exit codes: 0 ok (also when stdout's reader went away: `| head`, `| true`),
// 1 the service or the network failed (for `wait`: also a --fail-on status),
// 2 usage or invalid input, 124 `wait` timed out (as timeout(1) does), 130
// interrupted (Ctrl-C). No secret is ever written to stderr, --debug's lines
// included (the library's onAttempt info holds none; a proxy's user and
// password are never shown).
//
// Text from the service reaches a terminal only made harmless: controls
// (terminal escapes), bidirectional marks and controls and line separators
// (../lib/rules.js, the dashboard's rule too) are shown escaped in tables
// and on stderr, and escaped the JSON way (same values) in JSON and NDJSON.
// CSV cells a spreadsheet would run as a formula get a leading ' (OWASP).
// Those rules (shared with the dashboard: ../lib/rules.js), the output
// formats (OUTPUTS: --output's names, what list, get and wait write) and the
// reading of option values are format.mjs.
import * as util from 'node:util';
import { readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { getSnapshot, paginateSnapshots, waitForSnapshot, signRequest, configFromEnv, createProxy, EvsError, STATUSES } from '../index.mjs';
import { startServe, hostNames, BASE_PATH } from './serve.mjs';
// The grammar configFromEnv reads EVS_SNAPSHOTS_ATTEMPT_TIMEOUT with: the flags read durations the same way.
import { durationMs } from '../lib/env.js';
// The pure helpers: sanitising, JSON, widths, the output formats, option values, the lines of --debug and wait.
import {
  UsageError,
  safeLine,
  json,
  FIELDS,
  OUTPUTS,
  outputOf,
  outputHelp,
  columnsOf,
  integer,
  statusesOf,
  debugOn,
  attemptLine,
  waitLine,
  headersOf,
  markerArg,
  curlCommand,
  requestText,
  fill,
  orList,
  REGIONS,
  DNS_FAILURES,
  regionHint,
  proxyUrl,
  secretsOf,
  listenWarning,
} from './format.mjs';

const PROG = 'evs-snapshots';
const EXIT = { ok: 0, failed: 1, usage: 2, timeout: 124, interrupted: 130 };
const { stdout, stderr } = process;

// --- output: a reader that goes away is no failure ---------------------------

/**
 * stdout's state. When its reader goes away (`| head`, `| true`: EPIPE),
 * every later write is dropped, what waits on it (a walk's signal) is told,
 * and the exit code is what it would have been: 0 for a command that did its
 * work, as when the whole output was read. Node ignores SIGPIPE, so without
 * this the EPIPE would be an uncaught 'error' event: a stack trace and exit 1.
 */
const output = { closed: false, onClose: [] };

function stdoutFailed(e) {
  if (e && e.code === 'EPIPE') {
    if (output.closed) return;
    output.closed = true;
    for (const f of output.onClose) f();
    return;
  }
  // Any other failure (a full disk, a terminal gone): the output is incomplete.
  say(`${PROG}: cannot write the output (${e && e.code ? e.code : 'error'})`);
  process.exit(EXIT.failed);
}
stdout.on('error', stdoutFailed);
// stderr's own failures have nobody to be told to; the exit code still says it.
stderr.on('error', () => {});

/** Writes to stdout unless its reader has gone away. */
function out(s) {
  if (output.closed) return;
  try {
    stdout.write(s);
  } catch (e) {
    stdoutFailed(e); // a file or device is written synchronously: its errors are thrown
  }
}

/**
 * Resolves once what was written to stdout has gone out or failed, and a
 * failure has been seen (`output.closed`): a pipe's EPIPE is reported after
 * the write that met it, so a line that is only for a reader still there
 * waits for this.
 */
const drained = () => new Promise((resolve) => (output.closed ? resolve() : stdout.write('', () => setImmediate(resolve))));

/** Writes raw text to stderr (the help, the progress line's own escapes); never throws. */
function err(s) {
  try {
    stderr.write(s);
  } catch {
    // nobody to tell
  }
}

/**
 * What must never be shown, whatever carries it (an error's message, a
 * debug line): a proxy URL's user and password (`secretsOf` in format.mjs).
 * The library keeps its own credentials out of everything it says.
 */
const hidden = [];
/** Text with every run of a hidden value replaced by `***`. */
const hide = (s) => hidden.reduce((t, h) => t.split(h).join('***'), s);

/** One line on stderr: white space made one space, controls and bidi controls escaped (see `visible` in format.mjs), secrets hidden. */
const say = (s) => err(`${hide(safeLine(s))}\n`);

// --- colour --------------------------------------------------------------------

const useColor = (stream) =>
  typeof util.styleText === 'function' && stream.isTTY && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
/** `styleText` where Node has it (20.12+) and the stream is a colour terminal; plain text otherwise. */
const style = (stream, format, text) => (useColor(stream) ? util.styleText(format, text) : text);
/** A table's header, a field table's labels. */
const bold = (text) => style(stdout, 'bold', text);

// --- live lines (stderr, only on a terminal) ---------------------------------

/** The live line being shown (list's, wait's), if any: `note` takes it away for a line of its own. */
let live = null;

/**
 * A line on stderr redrawn in place (`text()` gives it), at most 10 times a
 * second: `update()` draws at once when the last drawing is 100 ms old or
 * more, else once at the end of those 100 ms. `clear()` takes it away (for
 * another line on stderr, or a write to stdout on the same terminal) and
 * says whether it was shown; `update()` brings it back. `done(always)` draws
 * it a last time (`text(true)`) and ends it with a newline, when it was drawn
 * before (or `always`). Disabled: nothing.
 */
function liveLine(enabled, text) {
  let last = 0; // when it was last drawn
  let visible = false;
  let timer = null;
  const draw = (final = false) => {
    timer = null;
    err(`\r\x1b[K${text(final)}`);
    visible = true;
    last = Date.now();
  };
  return {
    update() {
      if (!enabled || timer !== null) return;
      const wait = 100 - (Date.now() - last);
      if (last === 0 || wait <= 0) draw();
      else timer = setTimeout(() => draw(), wait);
    },
    clear() {
      if (!enabled || !visible) return false;
      err('\r\x1b[K');
      visible = false;
      return true;
    },
    done(always = false) {
      if (!enabled) return;
      clearTimeout(timer);
      timer = null;
      if (always || last !== 0) {
        draw(true);
        err('\n');
      }
      enabled = false;
    },
  };
}

/** A line on stderr while a live line may be shown (--debug's): the live line goes, the note is written, the live line comes back (within the 10 a second). */
function note(s) {
  const line = live;
  const shown = line ? line.clear() : false;
  say(s);
  if (shown) line.update();
}

/**
 * list's progress: pages, snapshots, snapshots per second. Shown from the
 * second page on: a list of one page needs none, and leaves no line.
 */
function progressLine(enabled) {
  const t0 = Date.now();
  let pages = 0;
  let rows = 0;
  const line = liveLine(enabled, () => {
    const secs = (Date.now() - t0) / 1000;
    const rate = secs > 0 ? Math.round(rows / secs) : 0;
    return `${PROG}: ${pages} page${pages === 1 ? '' : 's'}, ${rows} snapshot${rows === 1 ? '' : 's'}, ${rate}/s`;
  });
  const update = () => {
    if (pages >= 2) line.update();
  };
  return {
    clear: line.clear,
    update,
    page() {
      pages++;
    },
    row() {
      rows++;
      update();
    },
    /** Before a write to stdout when it is the same terminal: take the line away (true when it was shown); `update` puts it back. */
    hide: () => Boolean(stdout.isTTY) && line.clear(),
    /** The last drawing, when there was one. */
    done: () => line.done(),
  };
}

// --- configuration: flags, then the environment -----------------------------

const CONNECTION_OPTIONS = {
  endpoint: { type: 'string' },
  region: { type: 'string' },
  'project-id': { type: 'string' },
  'iam-endpoint': { type: 'string' },
  'token-file': { type: 'string' },
  'attempt-timeout': { type: 'string' },
  'max-attempts': { type: 'string' },
  debug: { type: 'boolean' },
};

/**
 * The variables each connection flag stands for. The flag's value is given
 * to configFromEnv as the first; the others are dropped (--region wins over
 * an endpoint from the environment, --token-file over EVS_SNAPSHOTS_TOKEN).
 * So the flags and the variables are read by the library's own
 * configFromEnv, as a script reads them (issue 27 §4).
 */
const FLAG_VARIABLES = {
  endpoint: ['EVS_SNAPSHOTS_ENDPOINT'],
  region: ['HUAWEICLOUD_SDK_REGION', 'EVS_SNAPSHOTS_ENDPOINT'],
  'project-id': ['HUAWEICLOUD_SDK_PROJECT_ID'],
  'iam-endpoint': ['HUAWEICLOUD_SDK_IAM_ENDPOINT'],
  'token-file': ['EVS_SNAPSHOTS_TOKEN_FILE', 'EVS_SNAPSHOTS_TOKEN'],
  'attempt-timeout': ['EVS_SNAPSHOTS_ATTEMPT_TIMEOUT'],
  'max-attempts': ['EVS_SNAPSHOTS_MAX_ATTEMPTS'],
};

/** A duration option in ms (`durationMs`: the grammar of EVS_SNAPSHOTS_ATTEMPT_TIMEOUT); anything else is a UsageError. */
function duration(flag, v) {
  if (v === undefined) return undefined;
  const ms = durationMs(v);
  if (Number.isNaN(ms)) throw new UsageError(`--${flag} must be a duration of at least 1 ms, such as 30s, 3m30s, 1h or 500ms (a bare number is seconds)`);
  return ms;
}

/** An integer option that must be at least 1 (--max-attempts, --max-items). */
function positive(flag, v) {
  const n = integer(flag, v);
  if (n !== undefined && n < 1) throw new UsageError(`--${flag} must be at least 1`);
  return n;
}

/**
 * The ClientConfig of a call: configFromEnv over the environment with the
 * flags given put in for their variables (FLAG_VARIABLES). An IAM token
 * (from a file or EVS_SNAPSHOTS_TOKEN, never a flag value) wins over AK/SK.
 * The project ID may be left out with an AK/SK pair and a region: the
 * library asks IAM for it. Then what the command adds: the call's `signal`
 * (`stop`'s), a proxy (HTTPS_PROXY, HTTP_PROXY, NO_PROXY), the hint for a
 * region DNS does not know, and with --debug (or EVS_SNAPSHOTS_DEBUG) the
 * onAttempt hook that writes its lines.
 */
async function connection(values, env, stop) {
  // Checked here, so that a mistake names the flag.
  duration('attempt-timeout', values['attempt-timeout']);
  positive('max-attempts', values['max-attempts']);
  const given = Object.keys(FLAG_VARIABLES).filter((flag) => values[flag] !== undefined);
  const vars = { ...env };
  for (const flag of given) for (const name of FLAG_VARIABLES[flag]) delete vars[name];
  for (const flag of given) vars[FLAG_VARIABLES[flag][0]] = values[flag];
  const config = fromEnvironment(vars, given);
  if (!config.projectId) {
    // IAM finds it for a key pair and a region (a token cannot ask: the library signs the lookup).
    const pair = config.auth !== undefined && config.auth.accessKey !== undefined;
    if (!pair || config.region === undefined) {
      let how = 'or HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK with a region, for IAM to find it';
      if (pair) how = 'with AK/SK, a region (--region or HUAWEICLOUD_SDK_REGION) lets IAM find it';
      else if (config.auth !== undefined) how = 'IAM finds it only with AK/SK and a region';
      throw new UsageError(`no project ID: give --project-id or set HUAWEICLOUD_SDK_PROJECT_ID (${how})`);
    }
    delete config.projectId;
  }
  if (config.endpoint === undefined && config.region === undefined) {
    throw new UsageError('no endpoint: give --endpoint or --region, or set EVS_SNAPSHOTS_ENDPOINT or HUAWEICLOUD_SDK_REGION');
  }
  const debug = debugOn(values.debug, env.EVS_SNAPSHOTS_DEBUG);
  config.signal = stop.signal;
  config.fetch = unknownRegion(config, (await proxy(env, debug, stop)) ?? globalThis.fetch, stop);
  asked.credentials = config.auth !== undefined;
  // A hook costs each attempt its info object: only with --debug, or where
  // the project ID is looked up (`asked` then tells its failure apart).
  if (debug || config.projectId === undefined) {
    config.onAttempt = (info) => {
      asked.last = info.operation;
      asked.failed = info.error !== undefined;
      if (debug) note(`${PROG}: debug: ${attemptLine(info)}`);
    };
  }
  return config;
}

/**
 * What the command's call was given and did, for `report` to explain a
 * failure: whether it had credentials (a 401 without any says which to
 * give), and the operation of its last attempt (onAttempt's `operation`)
 * and whether that attempt failed: an error after a failed "projectId"
 * attempt is the project ID lookup's at IAM, which the library's error
 * itself does not say (docs/contract.md "Errors" has no operation).
 */
const asked = { credentials: true, last: undefined, failed: false };

/** configFromEnv(vars); a mistake in a value a flag gave is a UsageError naming the flag, not its variable. */
function fromEnvironment(vars, given) {
  try {
    return configFromEnv(vars);
  } catch (e) {
    const flag = e instanceof EvsError ? given.find((f) => e.message.includes(FLAG_VARIABLES[f][0])) : undefined;
    if (flag === undefined) throw e;
    throw new UsageError(e.message.replace(/^configFromEnv: /, '').replace(FLAG_VARIABLES[flag][0], `--${flag}`));
  }
}

/**
 * A fetch through the proxy the environment names, as curl, pip and the
 * AWS CLI read it (undici's EnvHttpProxyAgent: HTTPS_PROXY for https: URLs,
 * else HTTP_PROXY; HTTP_PROXY for http: URLs; NO_PROXY's hosts go direct;
 * lower case first); undefined when no proxy is set. undici is loaded only
 * then. An http: URL goes to an http: proxy as a plain request with the
 * whole URL (as curl sends it); everything else through a CONNECT tunnel.
 * A proxy's user and password are sent to it (Proxy-Authorization) and
 * never shown: not in --debug's line, not in any error. A 407 from the
 * proxy ends the call at once (`stop`): asking again would not change it.
 */
async function proxy(env, debug, stop) {
  const pick = (lower, upper) => [env[lower], env[upper]].find((v) => typeof v === 'string' && v.trim() !== '');
  const set = { https: pick('https_proxy', 'HTTPS_PROXY'), http: pick('http_proxy', 'HTTP_PROXY') };
  if (set.https === undefined && set.http === undefined) return undefined;
  const urls = {};
  for (const [scheme, value] of Object.entries(set)) {
    if (value === undefined) continue;
    hidden.push(...secretsOf(value));
    urls[scheme] = proxyUrl(value);
    if (urls[scheme] === null) throw new UsageError(`${scheme.toUpperCase()}_PROXY (or ${scheme}_proxy) is not a proxy URL such as http://proxy.example:3128`);
  }
  const noProxy = pick('no_proxy', 'NO_PROXY') ?? '';
  let undici;
  try {
    undici = await import('undici');
  } catch (e) {
    throw new UsageError(`a proxy is set, but undici, the package's dependency for proxies, cannot be loaded (${e.code ?? 'error'}): reinstall evs-snapshots`);
  }
  const dispatcher = new undici.EnvHttpProxyAgent({ httpProxy: urls.http?.href ?? '', httpsProxy: urls.https?.href ?? '', noProxy, proxyTunnel: false });
  if (debug) {
    // Where requests go, without the user and password.
    const where = (u) => (u ? `${u.protocol}//${u.host}` : 'none');
    note(`${PROG}: debug: proxy for https: ${where(urls.https ?? urls.http)}, for http: ${where(urls.http)}${noProxy ? `, not for NO_PROXY ${noProxy}` : ''}`);
  }
  return async (request) => {
    try {
      return await globalThis.fetch(request, { dispatcher });
    } catch (e) {
      // undici's words for it, in the error's causes: "Proxy Authentication
      // Required (407)" (a forwarded request), "Proxy response (407) !== 200
      // when HTTP Tunneling" (CONNECT); its code alone says nothing to a person.
      const said = [];
      for (let c = e && e.cause, depth = 0; c && depth < 4; c = c.cause, depth++) said.push(String(c.message));
      if (said.some((m) => /\(407\)/.test(m))) {
        stop.fail(new Failure('network error: the proxy answered 407 Proxy Authentication Required: check the user and password in HTTPS_PROXY or HTTP_PROXY (http://user:password@host:port)'));
      }
      throw e;
    }
  };
}

/**
 * `fetch`, or, when the endpoint comes from a region the official SDK's
 * table does not have (REGIONS), a fetch that ends the call at the first
 * answer of DNS that there is no such host, with a hint naming the known
 * regions: the contract sends any region to evs.{region}.myhuaweicloud.com
 * (a new region works without a new release), so the region is not refused
 * before; but three attempts at a name that does not exist help nobody.
 */
function unknownRegion(config, fetch, stop) {
  if (config.endpoint !== undefined || config.region === undefined || REGIONS.includes(config.region)) return fetch;
  const host = `evs.${config.region}.myhuaweicloud.com`;
  return async (request, ...rest) => {
    try {
      return await fetch(request, ...rest);
    } catch (e) {
      const code = e && e.cause && e.cause.code;
      const url = typeof request === 'string' ? request : request && request.url;
      if (DNS_FAILURES.includes(code) && URL.canParse(url) && new URL(url).hostname === host) {
        stop.fail(new Failure(`network error: cannot resolve ${host} (${code}): ${regionHint(config.region)}`));
      }
      throw e;
    }
  };
}

// --- commands ----------------------------------------------------------------

/** A failure the command explains in its own words (exit 1): the line is the message. */
class Failure extends Error {}

/**
 * Aborts the call on Ctrl-C (and when stdout's reader goes away); a second
 * Ctrl-C exits at once. `fail(failure)` aborts it too, for a reason of the
 * command's (`cause`: a host DNS does not know) that `why` then reports in
 * place of the library's `aborted`.
 */
function interruption() {
  const controller = new AbortController();
  const state = {
    interrupted: false,
    cause: null,
    signal: controller.signal,
    fail(failure) {
      state.cause ??= failure;
      controller.abort();
    },
    /** The error to report for what a call rejected with. */
    why: (e) => (state.cause !== null && e instanceof EvsError && e.kind === 'aborted' ? state.cause : e),
  };
  process.on('SIGINT', () => {
    if (state.interrupted) process.exit(EXIT.interrupted);
    state.interrupted = true;
    controller.abort();
  });
  output.onClose.push(() => controller.abort());
  return state;
}

/** The largest page the service gives (docs/evs-api.md: `limit` at most 1000). */
const MAX_PAGE = 1000;

/**
 * list's paging options, as `aws ec2 describe-snapshots` has them: every
 * page unless --max-items stops the walk; --page-size is each request's
 * `limit`. Older scripts: --all (once needed to walk every page) is accepted
 * and changes nothing; --limit keeps what it did, with a warning: without
 * --all it printed one page of N, which is --max-items N now; with --all it
 * was each page's size, which is --page-size N.
 */
function pagingOf(values) {
  let maxItems = positive('max-items', values['max-items']);
  let pageSize = integer('page-size', values['page-size']);
  if (values.all && maxItems !== undefined) {
    throw new UsageError('--all and --max-items contradict each other; list walks every page unless --max-items stops it, so --all is no longer needed');
  }
  let warning = null;
  if (values.limit !== undefined) {
    if (maxItems !== undefined || pageSize !== undefined) {
      throw new UsageError('--limit is the old name of --max-items (with --all: of --page-size); give only --max-items and --page-size');
    }
    if (values.all) {
      pageSize = integer('limit', values.limit);
      warning = '--limit with --all is deprecated: it is --page-size (each request\'s size); list walks every page without --all';
    } else {
      maxItems = positive('limit', values.limit);
      warning = '--limit is deprecated: it is --max-items here (the first N snapshots, then the marker to go on from); --page-size sets each request\'s size';
    }
  }
  if (pageSize !== undefined && !(pageSize >= 1 && pageSize <= MAX_PAGE)) {
    throw new UsageError(`--page-size must be from 1 to ${MAX_PAGE} (the service's most per request)`);
  }
  // Under --max-items N, one more than N is asked for (up to the most a page
  // holds): whether there are more is known without another request.
  const limit = pageSize ?? (maxItems !== undefined ? Math.min(maxItems + 1, MAX_PAGE) : undefined);
  return { maxItems, limit, warning };
}

async function list(values, env) {
  const format = outputOf('rows', values.output, stdout.isTTY);
  if (values['csv-raw'] && format !== 'csv') throw new UsageError('--csv-raw goes with --output csv');
  const columns = columnsOf(values.columns);
  const options = {};
  for (const [flag, key] of [['status', 'status'], ['name', 'name'], ['volume-id', 'volumeId'], ['marker', 'marker']]) {
    if (values[flag] !== undefined) options[key] = values[flag];
  }
  const paging = pagingOf(values);
  const offset = integer('offset', values.offset);
  if (paging.limit !== undefined) options.limit = paging.limit;
  if (offset !== undefined) options.offset = offset;
  if (paging.warning) say(`${PROG}: warning: ${paging.warning}`);
  // The service may add statuses, so an unknown one is sent, with a warning:
  // a typo would otherwise look like "no snapshots". STATUSES: the package's list.
  if (options.status !== undefined) warnUnknown('--status', [options.status]);
  const stop = interruption();
  const config = await connection(attemptTimeout(values), env, stop);

  const progress = progressLine(Boolean(stderr.isTTY));
  live = progress;
  if (stderr.isTTY) {
    // Pages are counted as the answers arrive (IAM's, for the project ID, is none).
    const inner = config.fetch;
    config.fetch = async (request, ...rest) => {
      const r = await inner(request, ...rest);
      const url = typeof request === 'string' ? request : request.url;
      if (r.ok && new URL(url).pathname.endsWith('/snapshots')) progress.page();
      return r;
    };
  }
  const emit = (s) => {
    if (output.closed) return;
    // Rows never draw the line: only a walk past its first page does (`progress.row`).
    const shown = progress.hide();
    out(s);
    if (shown) progress.update();
  };
  // Under --max-items, JSON is {"snapshots": [...], "nextMarker": ...}: a script finds where to go on from.
  const rows = OUTPUTS[format].rows(columns, emit, {
    csvRaw: Boolean(values['csv-raw']),
    terminal: Boolean(stdout.isTTY),
    bold,
    envelope: paging.maxItems !== undefined,
  });
  let written = 0;
  let last = null;
  let cut = false;
  let failure = null;
  try {
    for await (const s of paginateSnapshots(config, options)) {
      if (written === paging.maxItems) {
        cut = true; // one more is there: the walk stops before it
        break;
      }
      progress.row();
      rows.row(s);
      written++;
      last = s;
    }
  } catch (e) {
    if (!(e instanceof EvsError && e.kind === 'aborted' && (stop.interrupted || output.closed))) failure = stop.why(e);
  }
  // Whatever happened, the output is well-formed (a table's buffered rows
  // shown, a JSON array closed); the exit code says whether it is all. The
  // marker to go on from: none when the walk reached the end.
  const next = cut || failure || stop.interrupted ? (last?.id ?? options.marker ?? null) : null;
  rows.end(next);
  progress.done();
  live = null;
  if (failure) throw failure;
  await drained();
  if (output.closed) return EXIT.ok;
  if (stop.interrupted) {
    say(`${PROG}: interrupted; the rows written so far are complete`);
    return EXIT.interrupted;
  }
  // On a terminal and in a pipe alike: a cron job's log shows it. The marker
  // is the service's text: made visible, and shell-quoted unless plain.
  if (cut) say(`${PROG}: more snapshots after these ${written}: go on with --marker ${markerArg(next)}`);
  return EXIT.ok;
}

/** list's and get's --timeout is the per-attempt limit, --attempt-timeout (wait's --timeout is the whole wait's). */
function attemptTimeout(values) {
  if (values.timeout === undefined) return values;
  if (values['attempt-timeout'] !== undefined) throw new UsageError('--timeout and --attempt-timeout are the same limit here: give one');
  duration('timeout', values.timeout);
  return { ...values, 'attempt-timeout': values.timeout };
}

async function get(values, positionals, env) {
  if (positionals.length !== 1) throw new UsageError('get needs exactly one snapshot ID');
  const format = outputOf('one', values.output, stdout.isTTY);
  const stop = interruption();
  const config = await connection(attemptTimeout(values), env, stop);
  let s;
  try {
    s = await getSnapshot(config, positionals[0]);
  } catch (e) {
    if (!(e instanceof EvsError && e.kind === 'aborted' && stop.interrupted)) throw stop.why(e);
    say(`${PROG}: interrupted`);
    return EXIT.interrupted;
  }
  out(OUTPUTS[format].one(s, { bold }));
  return EXIT.ok;
}

/** The status options of `wait` and `list`: a status none of STATUSES is sent as given, with a warning (a typo would wait for ever). */
function warnUnknown(flag, statuses) {
  for (const s of statuses) {
    if (!STATUSES.includes(s)) say(`${PROG}: warning: ${flag} ${JSON.stringify(s)} is none of ${STATUSES.join(', ')}; sent as given`);
  }
}

async function wait(values, positionals, env) {
  if (positionals.length !== 1) throw new UsageError('wait needs exactly one snapshot ID');
  const [id] = positionals;
  const format = outputOf('one', values.output, stdout.isTTY);
  const timeoutMs = duration('timeout', values.timeout);
  const intervalMs = duration('interval', values.interval);
  const status = values.status ?? 'available';
  if (status.trim() === '') throw new UsageError('--status must not be empty');
  // The default is the library's, ["error"], unless "error" is what is waited for.
  const failOn = statusesOf('fail-on', values['fail-on']) ?? (status === 'error' ? [] : ['error']);
  if (failOn.includes(status)) throw new UsageError(`--fail-on must not hold the status waited for (${JSON.stringify(status)})`);
  warnUnknown('--status', [status]);
  warnUnknown('--fail-on', failOn);
  const stop = interruption();
  const config = await connection(values, env, stop);

  // On a terminal: a live line with the status and percent of the last poll, and the time so far.
  const t0 = Date.now();
  let last = null;
  const onTerminal = Boolean(stderr.isTTY);
  const line = liveLine(onTerminal, (done) => {
    const columns = (stderr.columns || 80) - PROG.length - 2;
    return `${PROG}: ${waitLine(id, last, { target: status, elapsedMs: Date.now() - t0, columns, done })}`;
  });
  live = line;
  const ticker = onTerminal ? setInterval(line.update, 1000) : null;
  let snapshot;
  let failure = null;
  try {
    snapshot = await waitForSnapshot(config, id, {
      status,
      failOn,
      intervalMs,
      timeoutMs,
      onProgress: (s) => {
        last = s;
        // The last poll's line is the final one (done), not one more "waiting for".
        if (s.status !== status && !failOn.includes(s.status)) line.update();
      },
    });
  } catch (e) {
    failure = stop.why(e);
  }
  clearInterval(ticker);
  if (snapshot) last = snapshot;
  line.done();
  live = null;

  const print = (s) => out(OUTPUTS[format].one(s, { bold }));
  if (failure === null) {
    print(snapshot);
    return EXIT.ok;
  }
  if (!(failure instanceof EvsError)) throw failure;
  if (failure.kind === 'aborted' && stop.interrupted) {
    say(`${PROG}: interrupted`);
    return EXIT.interrupted;
  }
  if (failure.kind === 'failed' && failure.snapshot) {
    // The snapshot as the wait left it goes to stdout too: a script sees why.
    print(failure.snapshot);
    say(`${PROG}: snapshot ${id} reached status ${JSON.stringify(failure.snapshot.status)}, which ends the wait (--fail-on ${failOn.join(',')})`);
    return EXIT.failed;
  }
  // Timed out: 124 by the error's kind, not by the clock (the library ends
  // a wait at its deadline, a throttled or slow one included).
  if (failure.kind === 'timeout') {
    report(failure, 'wait');
    return EXIT.timeout;
  }
  throw failure;
}

async function sign(values, positionals, env) {
  if (positionals.length !== 2) throw new UsageError('sign needs a METHOD and a URL');
  const [rawMethod, url] = positionals;
  const method = rawMethod.toUpperCase();
  if (values.output !== undefined && values.output !== 'text' && values.output !== 'json') throw new UsageError('--output must be text or json');
  if (values.curl && values.output === 'json') throw new UsageError('--curl and --output json do not go together');
  const headers = headersOf(values.header);
  let body;
  const data = values.data;
  if (data !== undefined) {
    if (data.startsWith('@')) {
      const file = data.slice(1);
      try {
        body = new Uint8Array(readFileSync(file === '-' ? 0 : file));
      } catch (e) {
        throw new UsageError(`cannot read --data file ${JSON.stringify(file)} (${e.code ?? 'error'})`);
      }
    } else {
      body = data;
    }
  }
  const { auth } = configFromEnv(env);
  if (!auth) throw new UsageError('sign needs HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK in the environment');
  const signed = await signRequest({ method, url, headers, body }, auth);
  if (values.output === 'json') {
    out(`${json({ method, url: signed.url, headers: signed.headers }, 2)}\n`);
  } else if (values.curl) {
    out(curlCommand(method, signed, data));
  } else {
    out(requestText(method, signed));
  }
  return EXIT.ok;
}

/**
 * `serve`: the dashboard for the account the connection options name, on
 * this machine (./serve.mjs has the server's rules). The proxy holds the
 * config; the page gets the project, region and endpoint, never a
 * credential. Listens first (a used port fails at once), then finds the
 * project (IAM when needed), then prints the URL with its key as the first
 * line of stdout. Runs until Ctrl-C or SIGTERM: exit 0.
 */
async function serve(values, env) {
  const port = integer('port', values.port) ?? 8080;
  if (port < 0 || port > 65535) throw new UsageError('--port must be 0..65535 (0: a free port)');
  const host = values.host ?? '127.0.0.1';
  if (!/^[A-Za-z0-9.:_-]+$/.test(host)) throw new UsageError('--host must be a host name or an IP address');
  // A server has no one call to stop: nothing aborts its config (Ctrl-C
  // closes the server below), and a failure the command would explain
  // (an unknown region's DNS, a proxy's 407) stays each request's own.
  const config = await connection(values, env, { signal: undefined, fail() {}, why: (e) => e });
  delete config.signal;
  const proxy = createProxy({ config, basePath: BASE_PATH });
  const warning = listenWarning(host, hostNames(host));
  if (warning !== null) say(`${PROG}: ${warning}`);
  const upstream = config.endpoint ?? `https://evs.${config.region}.myhuaweicloud.com`;
  const page = proxy.projectId().then((projectId) => ({ projectId, region: config.region ?? '', upstream }));
  let server;
  try {
    server = await startServe({ proxy, connection: page, packageDir: fileURLToPath(new URL('..', import.meta.url)), port, host });
  } catch (e) {
    const why = e && e.code === 'EADDRINUSE' ? 'the port is in use' : e && e.code === 'EACCES' ? 'permission denied' : 'error';
    say(`${PROG} serve: cannot listen on ${host}:${port}: ${why} (${e && e.code ? e.code : 'error'})`);
    return EXIT.failed;
  }
  let stop;
  const stopped = new Promise((resolve) => (stop = resolve));
  // Not once: a second Ctrl-C (or make's SIGINT after the terminal's) must not kill it mid-close.
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => stop());
  let found;
  try {
    found = await Promise.race([page, stopped.then(() => null)]); // null: stopped during the IAM lookup
  } catch (e) {
    await server.close();
    throw e;
  }
  if (found !== null) {
    const { projectId } = found;
    out(`${server.url}\n`);
    say(`${PROG}: serving the dashboard for project ${projectId} (${upstream}); open the URL above (its key lets a browser in); Ctrl-C stops it`);
    if (values.open) openBrowser(server.url);
    await stopped;
  }
  await server.close();
  // Connections to the upstream kept alive would hold the process a few seconds more.
  process.exit(EXIT.ok);
}

/** --open: the system's browser on `url`, best effort (nothing waits for it, a failure is a line on stderr). */
function openBrowser(url) {
  const [cmd, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', () => say(`${PROG}: could not start ${cmd}; open the URL yourself`));
    child.unref();
  } catch {
    say(`${PROG}: could not start ${cmd}; open the URL yourself`);
  }
}

// --- help ----------------------------------------------------------------------

const CONNECTION_HELP = `Connection (a flag wins over its environment variable):
  --endpoint URL       EVS endpoint, e.g. https://evs.ap-southeast-1.myhuaweicloud.com
                       (env EVS_SNAPSHOTS_ENDPOINT; default from the region)
  --region R           https://evs.R.myhuaweicloud.com (env HUAWEICLOUD_SDK_REGION)
  --project-id ID      project ID (env HUAWEICLOUD_SDK_PROJECT_ID); may be left
                       out with AK/SK and a region: IAM is then asked for it
  --iam-endpoint URL   IAM, for that question (env HUAWEICLOUD_SDK_IAM_ENDPOINT;
                       default: from the region, as the official SDKs do)
  --token-file FILE    IAM token read from FILE (env EVS_SNAPSHOTS_TOKEN_FILE, or the
                       token itself in EVS_SNAPSHOTS_TOKEN); wins over AK/SK
  AK/SK signing: env HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK and, for temporary
  credentials, HUAWEICLOUD_SDK_SECURITY_TOKEN (never flags: they show in ps and history)
  --attempt-timeout D  time limit of each HTTP attempt (default 30s; env
                       EVS_SNAPSHOTS_ATTEMPT_TIMEOUT); list and get also take it
                       as --timeout
  --max-attempts N     attempts in all when one fails and may be retried (429,
                       5xx, network, timeout; default 3, 1 for none; env
                       EVS_SNAPSHOTS_MAX_ATTEMPTS)
  D, a duration: 30s, 3m30s, 1h, 500ms, or a number of seconds.
  Behind a proxy: HTTPS_PROXY, HTTP_PROXY and NO_PROXY (or lower case), as curl
  reads them; a proxy's user and password are never shown
  --debug              one line per HTTP attempt on stderr: method, URL, status,
                       request ID, ms, attempt n of m, the wait before the next,
                       a clock correction, never a secret (also with the
                       environment variable EVS_SNAPSHOTS_DEBUG=1)`;

const HELP = {
  main: `Usage: ${PROG} [global options] <command> [options]

Read Huawei Cloud EVS snapshots and sign Huawei Cloud API requests.

Commands:
  list                 list snapshots (every page, or --max-items N)
  get <snapshot-id>    show one snapshot
  wait <snapshot-id>   wait until a snapshot is available (or another status)
  sign <METHOD> <URL>  print the SDK-HMAC-SHA256 signed headers of a request
  serve                the dashboard for this account in your browser

Global options (before or after the command; sign takes only -h and -V):
  -h, --help           help (also: ${PROG} <command> --help)
  -V, --version        the version

${CONNECTION_HELP}

An option's value that begins with '-' is written --name=-x (a negative
number may also follow as its own argument: --max-items -3).

Exit codes: 0 ok (also when the reader of stdout went away, as with | head),
1 the service or the network failed (wait: also a --fail-on status), 2 usage or
invalid input, 124 wait timed out, 130 interrupted.

Text from the service is shown with control characters as \\xNN and
bidirectional marks and controls and line separators as \\uNNNN in tables and
on stderr, and with \\u escapes (the same values) in JSON.
`,
  list: `Usage: ${PROG} list [options]

Lists snapshots, newest first: every page, written as each arrives, unless
--max-items stops the walk.

Options:
  --status S           ${fill(orList(STATUSES), 23)}
  --name NAME          exact name
  --volume-id ID       snapshots of one volume
  --max-items N        stop after N snapshots; the marker to go on from is then
                       written to stderr ("go on with --marker ID"), and with
                       --output json the output is {"snapshots": [...],
                       "nextMarker": ID or null}
  --page-size N        snapshots per request, the service's limit (1..1000;
                       default 1000, or N+1 under --max-items N)
  --marker ID          start after this snapshot
  --offset N           skip N (the first page only)
  --timeout D          time limit of each HTTP attempt (--attempt-timeout)
  --limit N            deprecated: --max-items N (with --all: --page-size N)
  --all                accepted for older scripts; every page is the default
  -o, --output F       ${outputHelp('rows', 23)}
  --csv-raw            csv: cells as they are; by default a cell starting with
                       = + - @ TAB or CR gets a leading ' so that a spreadsheet
                       does not run it as a formula (CSV injection)
  --columns a,b,...    fields to show: ${FIELDS.join(',')}
  -h, --help           this help

${CONNECTION_HELP}

On a terminal, stderr shows pages, snapshots and snapshots per second from
the second page on. Ctrl-C stops at once: no further request, exit code 130,
rows already written complete.
`,
  get: `Usage: ${PROG} get <snapshot-id> [options]

Shows one snapshot with its project ID and progress.

Options:
  -o, --output F       ${outputHelp('one', 23)}
  --timeout D          time limit of each HTTP attempt (--attempt-timeout)
  -h, --help           this help

${CONNECTION_HELP}
`,
  wait: `Usage: ${PROG} wait <snapshot-id> [options]

Polls the snapshot until it has the status waited for, then shows it as get
does. When stderr is a terminal, a live line there shows the status and
percent of the last poll and the time so far; otherwise nothing is written
to stderr unless something fails. A status of --fail-on ends the wait: the
snapshot is shown all the same, and the exit code is 1.

Options:
  --status S           the status to wait for (default available)
  --fail-on S[,S]      statuses that end the wait as a failure (default error)
  --timeout D          give up after D, the whole wait (default 10m): exit 124,
                       as timeout(1) does; each HTTP attempt's own limit is
                       --attempt-timeout
  --interval D         between polls (default 2s)
  -o, --output F       ${outputHelp('one', 23)}
  -h, --help           this help

D, a duration: 30s, 3m30s, 1h, 500ms, or a number of seconds (1.5s works too).

${CONNECTION_HELP}

Exit codes: 0 the status was reached, 1 a --fail-on status or a failure (a
snapshot that does not exist: 404), 2 usage, 124 timed out, 130 Ctrl-C.
`,
  serve: `Usage: ${PROG} serve [--port N] [--host ADDR] [--open] [connection options]

Serves the dashboard for the account the connection options and variables
name (as list takes them), on this computer: the page, the package's browser
build and a signing proxy at ${BASE_PATH}, on one origin. The credentials stay in
this process; the page gets the project ID and endpoint, never a key. The
proxy forwards only the two snapshot reads for this project (GET or HEAD),
signed; it answers everything else itself.

The first line on stdout is the dashboard's URL with a random access key,
http://127.0.0.1:PORT/?key=KEY: opening it sets a session cookie (HttpOnly,
SameSite=Strict) in that browser. Without it, pages and ${BASE_PATH} answer 401.
Only a Host of the server's own address is answered (DNS rebinding).

Options:
  --port N             the port (default 8080; 0: a free one)
  --host ADDR          the address to listen on (default 127.0.0.1; another one
                       is reachable by others: a warning says so). Only a Host
                       of 127.0.0.1, localhost or ADDR is answered: to use it
                       from another machine, give the address or name it uses
                       (0.0.0.0 listens everywhere, but answers no other name)
  --open               open the URL in the system's browser
  -h, --help           this help

${CONNECTION_HELP}

Ctrl-C (or SIGTERM) stops it with exit code 0. A port in use: exit code 1.
`,
  sign: `Usage: ${PROG} sign <METHOD> <URL> [-H 'Name: value']... [--data @file] [--curl]

Signs any Huawei Cloud API request with SDK-HMAC-SHA256, as the official SDK
does, with HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK and (temporary credentials)
HUAWEICLOUD_SDK_SECURITY_TOKEN from the environment. Prints the request line
and the headers to send (the security token among them, when given).

Options:
  -H, --header 'N: v'  a header to send and sign (repeatable)
  --data DATA          the body: DATA itself, @FILE, or @- for stdin (with --curl,
                       feed curl the same body on its stdin)
  --curl               print a ready curl command instead
  -o, --output F       text (default) or json
  -h, --help           this help
`,
};

const OPTIONS = {
  list: {
    ...CONNECTION_OPTIONS,
    status: { type: 'string' },
    name: { type: 'string' },
    'volume-id': { type: 'string' },
    'max-items': { type: 'string' },
    'page-size': { type: 'string' },
    marker: { type: 'string' },
    offset: { type: 'string' },
    timeout: { type: 'string' },
    limit: { type: 'string' },
    all: { type: 'boolean' },
    output: { type: 'string', short: 'o' },
    columns: { type: 'string' },
    'csv-raw': { type: 'boolean' },
  },
  get: { ...CONNECTION_OPTIONS, output: { type: 'string', short: 'o' }, timeout: { type: 'string' } },
  wait: {
    ...CONNECTION_OPTIONS,
    status: { type: 'string' },
    'fail-on': { type: 'string' },
    timeout: { type: 'string' },
    interval: { type: 'string' },
    output: { type: 'string', short: 'o' },
  },
  serve: {
    ...CONNECTION_OPTIONS,
    port: { type: 'string' },
    host: { type: 'string' },
    open: { type: 'boolean' },
  },
  sign: {
    header: { type: 'string', short: 'H', multiple: true },
    data: { type: 'string' },
    curl: { type: 'boolean' },
    output: { type: 'string', short: 'o' },
  },
};

function version() {
  return JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
}

// --- main ----------------------------------------------------------------------

/** What `report` puts before the error of a failed project ID lookup (`asked`), */
const LOOKUP_FAILED = 'the project ID lookup at IAM failed';
/** and after it: how to do without the lookup. */
const LOOKUP_HINT = 'give --project-id or set HUAWEICLOUD_SDK_PROJECT_ID to skip the lookup';
/** What `report` adds to a 401 when the call had no credentials at all. */
const NO_CREDENTIALS_HINT =
  'no credentials were given: set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK, or give --token-file FILE (or set EVS_SNAPSHOTS_TOKEN_FILE or EVS_SNAPSHOTS_TOKEN)';

/** One line on stderr for a failure; returns the exit code. */
function report(e, command) {
  const where = command ? `${PROG} ${command}` : PROG;
  // parseArgs would quote a stray argument: it could be a secret pasted in the wrong place.
  if (e && e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') e = new UsageError(`${command} takes no arguments, only options`);
  if (e instanceof UsageError || (e && typeof e.code === 'string' && e.code.startsWith('ERR_PARSE_ARGS'))) {
    err(`${style(stderr, 'red', hide(safeLine(`${PROG}: ${e.message}`)))} (see ${where} --help)\n`);
    return EXIT.usage;
  }
  if (e instanceof Failure) {
    err(`${style(stderr, 'red', hide(safeLine(`${PROG}: ${e.message}`)))}\n`);
    return EXIT.failed;
  }
  if (e instanceof EvsError) {
    const parts = [`${e.kind} error`];
    if (e.status !== undefined) parts.push(`status ${e.status}`);
    if (e.code !== undefined) parts.push(`code ${e.code}`);
    if (e.requestId !== undefined) parts.push(`request ID ${e.requestId}`);
    // The project ID lookup's failures (IAM's "no project named" already says IAM).
    const lookup = asked.last === 'projectId' && asked.failed && !['invalid_input', 'aborted'].includes(e.kind);
    const before = lookup ? `${LOOKUP_FAILED}: ` : '';
    const after = [];
    if (lookup) after.push(LOOKUP_HINT);
    if (e.kind === 'http' && e.status === 401 && !asked.credentials) after.push(NO_CREDENTIALS_HINT);
    // The code, request ID and message are the service's text: see `safeLine`.
    const message = after.length ? `${e.message}; ${after.join('; ')}` : e.message;
    err(`${style(stderr, 'red', hide(safeLine(`${PROG}: ${before}${parts.join(', ')}:`)))} ${hide(safeLine(message))}\n`);
    if (e.kind === 'invalid_input') return EXIT.usage;
    return e.kind === 'aborted' ? EXIT.interrupted : EXIT.failed;
  }
  say(`${PROG}: internal error: ${e && e.message ? e.message : e}`);
  return EXIT.failed;
}

/**
 * The options that may come before the command as well as after it, as in
 * `aws --debug ec2 …` and `git --no-pager log`: the connection options,
 * --debug, -h and -V. (sign takes none of the connection options: given
 * before `sign`, they are refused as they are after it.)
 */
const GLOBAL_OPTIONS = {
  ...CONNECTION_OPTIONS,
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
};
const GLOBAL_NAMES = Object.keys(GLOBAL_OPTIONS).map((n) => (GLOBAL_OPTIONS[n].short ? `-${GLOBAL_OPTIONS[n].short}` : `--${n}`));

/**
 * Finds the command in argv: the first argument that is neither an option
 * nor a global option's value. Returns the command (undefined when there is
 * none), the arguments for its own parse (the global options given before
 * it, then everything after it, so that they are read the same wherever they
 * stand), those after it alone, and whether -h or -V came before it. An option before the command
 * that is not global is a usage mistake named by its flag (never its value).
 */
function splitCommand(argv) {
  const { tokens } = util.parseArgs({ args: argv, options: GLOBAL_OPTIONS, strict: false, allowPositionals: true, tokens: true });
  const at = tokens.findIndex((t) => t.kind !== 'option');
  const leading = at === -1 ? tokens : tokens.slice(0, at);
  const found = at === -1 ? undefined : tokens[at];
  const command = found && found.kind === 'positional' ? found.value : undefined;
  for (const t of leading) {
    if (t.name in GLOBAL_OPTIONS) continue;
    const someCommands = Object.values(OPTIONS).some((o) => t.name in o || Object.values(o).some((d) => d.short === t.name));
    const where = someCommands ? `${t.rawName} goes after the command` : `unknown option ${t.rawName}`;
    throw new UsageError(`${where}; before it only ${GLOBAL_NAMES.join(', ')}`);
  }
  if (found && found.kind === 'option-terminator') throw new UsageError('the command goes before --');
  const end = found ? found.index : argv.length;
  const rest = found ? argv.slice(found.index + 1) : [];
  const lead = leading.map((t) => t.name);
  return { command, args: [...argv.slice(0, end), ...rest], rest, help: lead.includes('help'), version: lead.includes('version') };
}

/** A negative number, such as -3 or -1.5: taken as an option's value (no option is named by a digit), as Python's argparse takes it. */
const NEGATIVE_NUMBER = /^-\d+(\.\d+)?$/;

/**
 * `args` with every option's value that begins with '-' read the command's
 * way, before parseArgs (strict) sees them: parseArgs refuses
 * `--max-items -3` as ambiguous, in its own words. A negative number is
 * taken as the value (`--max-items=-3`), so the option's own check answers
 * ("--max-items must be at least 1"); anything else that begins with '-',
 * and a value left out, is a UsageError naming the option (never the
 * argument: it could be a secret pasted in the wrong place). The same for
 * every option that takes a value, long or short.
 */
function dashValues(args, options) {
  const { tokens } = util.parseArgs({ args, options, strict: false, allowPositionals: true, tokens: true });
  const out = [...args];
  for (const t of tokens) {
    if (t.kind !== 'option' || !Object.hasOwn(options, t.name) || options[t.name].type !== 'string' || t.inlineValue) continue;
    if (t.value === undefined) throw new UsageError(`${t.rawName} needs a value`);
    // parseArgs's own rule for a value it would call ambiguous: two characters or more, the first a dash.
    if (!(t.value.length > 1 && t.value.startsWith('-'))) continue;
    if (!NEGATIVE_NUMBER.test(t.value) || out[t.index] !== t.rawName) {
      throw new UsageError(`${t.rawName} needs a value; one that begins with '-' is written --${t.name}=-VALUE`);
    }
    out[t.index] = `--${t.name}=${t.value}`;
    out[t.index + 1] = undefined;
  }
  return out.filter((a) => a !== undefined);
}

async function main(argv, env) {
  let split;
  try {
    split = splitCommand(argv);
  } catch (e) {
    return report(e);
  }
  const { command, args } = split;
  if (command === undefined) {
    if (split.help) {
      out(HELP.main);
      return EXIT.ok;
    }
    if (split.version) {
      out(`${version()}\n`);
      return EXIT.ok;
    }
    err(HELP.main);
    return EXIT.usage;
  }
  if (command === 'help') {
    const topic = split.rest[0];
    out(HELP[topic in OPTIONS ? topic : 'main']);
    return EXIT.ok;
  }
  if (!(command in OPTIONS)) return report(new UsageError(`unknown command ${JSON.stringify(command)}`));
  try {
    const options = { ...OPTIONS[command], help: GLOBAL_OPTIONS.help, version: GLOBAL_OPTIONS.version };
    const { values, positionals } = util.parseArgs({
      args: dashValues(args, options),
      options,
      allowPositionals: command !== 'list' && command !== 'serve',
      strict: true,
    });
    if (values.help) {
      out(HELP[command]);
      return EXIT.ok;
    }
    if (values.version) {
      out(`${version()}\n`);
      return EXIT.ok;
    }
    if (command === 'list') return await list(values, env);
    if (command === 'get') return await get(values, positionals, env);
    if (command === 'wait') return await wait(values, positionals, env);
    if (command === 'serve') return await serve(values, env);
    return await sign(values, positionals, env);
  } catch (e) {
    return report(e, command);
  }
}

process.exitCode = await main(process.argv.slice(2), process.env);
