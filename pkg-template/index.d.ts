// Types for evs-snapshots: a client for Huawei Cloud EVS snapshots that runs
// in browsers, Web Workers and Node >= 20.
//
// `fetch`, `Response` and `AbortSignal` are the platform's: TypeScript's
// "DOM" lib (browsers) or @types/node >= 20 (Node) provides them.

/**
 * The statuses EVS documents for a snapshot, as a frozen array (the
 * `evs-snapshots` command's `--status` check takes this list, and a status
 * filter can offer it). The service may add others.
 */
export declare const STATUSES: readonly ["creating", "available", "error", "deleting", "error_deleting", "rollbacking", "backing-up"];

/**
 * The statuses EVS documents for a snapshot: one of `STATUSES`. The filters
 * (`ListOptions.status`, `WaitOptions.status` and `failOn`) take only these,
 * so that a misspelt status is a compile error rather than an empty list or
 * a wait that runs into its timeout. A string from elsewhere (a form, a URL,
 * a `Snapshot`'s `status`) goes in through `isSnapshotStatus`. At run time
 * any non-empty string is sent as given (the service may add statuses): for
 * one EVS added after this list, cast (`"new_status" as SnapshotStatus`).
 */
export type SnapshotStatus = (typeof STATUSES)[number];

/**
 * Whether `s` is one of `STATUSES`: narrows a `string` (or anything) to
 * `SnapshotStatus`, which `STATUSES.includes(s)` does not (TypeScript types
 * its argument as the tuple's members). False for every value that is not
 * one of the seven strings; never throws.
 *
 * ```ts
 * const wanted = new URLSearchParams(location.search).get("status");
 * const page = await listSnapshots(config, { status: isSnapshotStatus(wanted) ? wanted : undefined });
 * ```
 */
export declare function isSnapshotStatus(s: unknown): s is SnapshotStatus;

/** IAM token authentication: sent as `X-Auth-Token`. */
export interface TokenAuth {
  /** An IAM token; must not be empty. */
  token: string;
  accessKey?: never;
  secretKey?: never;
  securityToken?: never;
}

/**
 * AK/SK authentication: every request is signed with SDK-HMAC-SHA256, as
 * Huawei's official SDK signs, with `X-Sdk-Date`, `X-Project-Id` and (for
 * temporary credentials) `X-Security-Token`.
 *
 * A wrong clock is corrected once: a 401 whose server time (the `Date`
 * header, or the server time in the API gateway's message when `Date`
 * cannot be read cross-origin) is more than 5 minutes from this machine's
 * clock is sent again at once, signed with the server's time, without
 * counting against `maxAttempts`. The correction is kept for later calls in
 * the same module instance, `signRequest` without a `date` included. A 401
 * with a correct clock is final.
 *
 * Never put a secret key into a page that strangers can load.
 */
export interface AccessKeyAuth {
  /** Access key ID; must not be empty. */
  accessKey: string;
  /** Secret access key; must not be empty. Never appears in any error. */
  secretKey: string;
  /** Security token of temporary credentials; when given, must not be empty. */
  securityToken?: string | null | undefined;
  token?: never;
}

/** How requests authenticate. Absent: no auth header (e.g. a proxy adds it). */
export type Auth = TokenAuth | AccessKeyAuth;

/**
 * Where and how to call EVS. At run time `null` and `undefined` both mean
 * "not given" for the optional fields. Anything invalid rejects with
 * `kind: "invalid_input"` before a request is sent: a key not defined here
 * (the message names the key meant: `token` → `auth`), or a getter or Proxy
 * that throws while the config is read (the message names the field).
 * Each member is read once, when the call starts.
 *
 * `projectId` may be left out (or empty) only with an AK/SK pair and a
 * `region`: the first call then asks IAM for it (see `iamEndpoint`).
 */
export type ClientConfig = ClientConfigFields & ({ projectId: string; auth?: Auth | null | undefined } | { projectId?: string | null | undefined; auth: AccessKeyAuth; region: string });

/** The members of every `ClientConfig`. */
export interface ClientConfigFields {
  /**
   * Project ID: a non-empty single path segment. With an AK/SK pair and a
   * `region` it may be left out: the first call asks IAM, as Huawei's SDKs
   * do (`GET {iam}/v3/projects?name={region}`, signed with the pair), keeps
   * the answer per key and region in the module, and shares one request
   * among concurrent first calls. No project, or several, is
   * `invalid_input` saying so (several: listing their IDs).
   */
  projectId?: string | null | undefined;
  /**
   * IAM, for the project-ID lookup: an `http:`/`https:` URL, or in a
   * browser a same-origin path (IAM sends no CORS headers: put a proxy in
   * front). Default: `https://iam.{region}.myhuaweicloud.com` for the
   * regions of the official SDK's table, else `https://iam.myhuaweicloud.com`.
   * `configFromEnv` reads `HUAWEICLOUD_SDK_IAM_ENDPOINT`.
   */
  iamEndpoint?: string | null | undefined;
  /**
   * An `http:`/`https:` URL (a path prefix is kept, a trailing `/` ignored,
   * no query or fragment), or in a browser a same-origin path such as
   * `"/evs"`. Wins over `region`.
   */
  endpoint?: string | null | undefined;
  /** Used when `endpoint` is absent: `https://evs.{region}.myhuaweicloud.com`. Lower-case letters, digits and `-`. */
  region?: string | null | undefined;
  /** Token, AK/SK, or absent for no auth header. */
  auth?: Auth | null | undefined;
  /**
   * Extra request headers. Names must be valid HTTP tokens (RFC 9110);
   * values as RFC 9110 allows: no control character but a tab, nothing
   * above U+00FF. The client's own headers (`Accept`, `Authorization`,
   * `Host`, `X-Auth-Token`, `X-Project-Id`, `X-Sdk-Date`,
   * `X-Security-Token`) are dropped from it, in any case. `Connection`,
   * `Content-Length`, `Expect`, `Keep-Alive`, `Proxy-Connection`, `TE`,
   * `Trailer`, `Transfer-Encoding` and `Upgrade` are `invalid_input` naming
   * the header, before any request, in every runtime: `fetch` manages them
   * itself (each is a forbidden request-header of the Fetch standard, which
   * a browser drops; Node's fetch, undici, refuses most of them with a
   * `TypeError`). Other names the Fetch standard forbids (`Cookie`,
   * `Origin`, `Referer`, `Sec-…`) are passed on: Node, Deno and Bun send
   * them, a browser drops them.
   */
  headers?: Record<string, string> | null | undefined;
  /** Time limit of each attempt, in milliseconds, from the call of `fetch` to the last byte of the body, whether or not a custom `fetch` honours the request's signal; a positive integer. Default 30000. */
  timeoutMs?: number | null | undefined;
  /** Attempts in all for retryable failures (429, 500, 502, 503, 504, network, timeout); a positive integer. Default 3; 1 disables retries. */
  maxAttempts?: number | null | undefined;
  /** Aborts the whole call at once, retries and backoff included, with `kind: "aborted"`. Any number of calls may share one signal: it gets one listener, removed when the last call ends. */
  signal?: AbortSignal | null | undefined;
  /**
   * The fetch to use. Default: the global `fetch`. It is called as
   * `fetch(request)` with the `Request` the client built (URL, method,
   * headers, the attempt's abort signal and `redirect: "manual"`: a
   * redirect is never followed, so credentials never reach another
   * origin; pass the `Request` on, or keep that setting), and must resolve
   * to a `Response` (or an object with a whole-number `status` from 200 to
   * 599, `headers.get()`, and `arrayBuffer()` or a `body` stream of
   * `Uint8Array` chunks). A throw, a rejection of any value, or anything
   * else it resolves to is a `network` failure, retried like one; one that
   * never settles is a `timeout`.
   */
  fetch?: typeof fetch | null | undefined;
  /**
   * Called after every attempt (retries, a clock correction and IAM's
   * lookup included) with what it did. Nothing in `info` holds a credential;
   * a hook that throws, or returns a promise that rejects, changes nothing.
   */
  onAttempt?: ((info: AttemptInfo) => void) | null | undefined;
  /** Not a config key: a token goes in `auth: { token }`. */
  token?: never;
  /** Not a config key: a key pair goes in `auth: { accessKey, secretKey }`. */
  accessKey?: never;
  /** Not a config key: a key pair goes in `auth: { accessKey, secretKey }`. */
  secretKey?: never;
}

/** What one attempt did, for `onAttempt`. */
export interface AttemptInfo {
  /** The call: `waitForSnapshot` for its polls, `projectId` for IAM's lookup. */
  operation: "getSnapshot" | "listSnapshots" | "waitForSnapshot" | "projectId";
  method: "GET";
  /** The URL sent, query included (it carries no credential). */
  url: string;
  /**
   * The project the EVS request was addressed to (the `{project_id}` of its
   * `/v2/{project_id}/…` path, docs/evs-api.md): `config.projectId`, or the
   * one IAM gave when it was left out. Absent for the `projectId` operation
   * (IAM's lookup, which asks for it). An ID, not a credential.
   */
  projectId?: string;
  /** This attempt's number, from 1; a resend for a corrected clock keeps it. */
  attempt: number;
  maxAttempts: number;
  /** The HTTP status, when the service answered. */
  status?: number;
  /** The answer's request ID: its `X-Request-Id` header, else `X-Openstack-Request-Id` (Cinder's), when present. */
  requestId?: string;
  /** From the call of `fetch` to the end of the body, in ms. */
  durationMs: number;
  /** The attempt's failure, also when it is retried. */
  error?: EvsError;
  /** The wait before the next attempt, in ms, when there is one. */
  retryInMs?: number;
  /** How far the clock offset moved, in ms, when this attempt corrected it. */
  clockCorrectedMs?: number;
}

/**
 * Filters and paging of `listSnapshots` and `paginateSnapshots`. `null` and
 * `undefined` both mean "not given" (so `{ marker: page.nextMarker }` works).
 */
export interface ListOptions {
  /** Start after the snapshot with this ID (the `nextMarker` of the previous page). */
  marker?: string | null | undefined;
  /** Skip this many (an integer >= 0); `paginateSnapshots` applies it to the first page only. */
  offset?: number | null | undefined;
  /** At most this many per page: an integer from 1 to 1000 (the service's default is 1000). */
  limit?: number | null | undefined;
  /** Exact name (no fuzzy match), at most 255 UTF-8 bytes. */
  name?: string | null | undefined;
  /** Only snapshots in this status (a documented one: see `SnapshotStatus`; `isSnapshotStatus` narrows a string). */
  status?: SnapshotStatus | null | undefined;
  /** Only snapshots of this volume (disk). */
  volumeId?: string | null | undefined;
  /** Not an option: the filter is `volumeId` (the wire's `volume_id`). */
  volume_id?: never;
}

/** A snapshot, as a plain object: `JSON.stringify` round-trips it. */
export interface Snapshot {
  id: string;
  /** `""` when the service sends none. */
  name: string;
  description: string | null;
  /** A `SnapshotStatus`, or whatever new status the service sends; `""` when none. */
  status: SnapshotStatus | (string & {});
  /** Size in GB. */
  size: number;
  /** The volume (disk) the snapshot belongs to; `""` when none. */
  volumeId: string;
  /** UTC, exactly as `Date.prototype.toISOString()` writes it ("2016-02-16T16:54:14.981Z"), so `new Date(createdAt)` is the right instant everywhere. A value the client cannot read as a time is passed through unchanged. */
  createdAt: string | null;
  /** Same form as `createdAt`. */
  updatedAt: string | null;
  /** A plain object; `__system__enableActive` marks a snapshot made by a server backup. Non-string values are converted as `String()` would. */
  metadata: Record<string, string>;
  /** Tenant ID (`getSnapshot` only, when the service sends it). */
  projectId?: string;
  /** Creation progress 0..100 (`getSnapshot` only, when readable). */
  progress?: number;
}

/** One page of `listSnapshots`. */
export interface SnapshotPage {
  snapshots: Snapshot[];
  /** The marker of the next page, or `null` on the last page. */
  nextMarker: string | null;
}

/** Why a call failed. */
export type EvsErrorKind =
  | "invalid_input"
  | "http"
  | "network"
  | "timeout"
  | "aborted"
  | "invalid_response"
  | "load"
  | "failed";

/** The fields of an `EvsError`, as its constructor takes them and `toJSON` gives them. */
export interface EvsErrorFields {
  kind: EvsErrorKind;
  message: string;
  status?: number;
  code?: string;
  errorType?: string;
  requestId?: string;
  retryable?: boolean;
  /** For `failed`: the snapshot as it was when the wait ended. */
  snapshot?: Snapshot;
}

/** Every failure of this package rejects with an `EvsError`. */
export declare class EvsError extends Error {
  /**
   * The package makes these; a test may too, with the fields it needs
   * (`retryable` defaults to `false`).
   */
  constructor(fields: EvsErrorFields);
  readonly name: "EvsError";
  /** `invalid_input`: rejected before any request; `http`: a non-2xx answer; `network`: fetch failed (refused, DNS, CORS); `timeout`: the last attempt ran out of time; `aborted`: the signal aborted the call; `invalid_response`: 2xx but not what the API documents; `load`: the WebAssembly module could not be found or instantiated (the message names each place looked in); `failed`: `waitForSnapshot` saw a status of `failOn`. */
  readonly kind: EvsErrorKind;
  /**
   * One readable sentence; for `http`, the service's own message when it
   * sent one. A body in no documented shape is quoted after a colon, white
   * space folded, with what it was: `EVS answered HTTP 400 Bad Request with
   * a plain-text body: invalid json data`, `… with a JSON body in no known
   * error shape: [1,2]`, `… with a JSON body cut short: {"itemNotFound":
   * {"mess`, `… with a body that is not valid JSON: …`; an HTML page is
   * named by its title (`… with an HTML page: "502 Bad Gateway"`), an empty
   * body is said to be one. Never contains a secret (service text is
   * redacted, then cut to 512 bytes). The service's text is data: escape
   * it before putting it into a page or a terminal.
   */
  readonly message: string;
  /** HTTP status, for `http`. */
  readonly status?: number;
  /** The service's error code ("EVS.0004", "APIGW.0301", ...), when sent. */
  readonly code?: string;
  /** The key of the documented error body ("itemNotFound", "badRequest", ...), when present. */
  readonly errorType?: string;
  /** The answer's request ID, when present: its `X-Request-Id` header, else `X-Openstack-Request-Id` (Cinder's), else a `request_id` in the error body. Quote it to support. */
  readonly requestId?: string;
  /** True exactly for what the client retries: 429, 500, 502, 503, 504, network, timeout; for `load`, true only when the network failed to bring the module. */
  readonly retryable: boolean;
  /** For `failed`: the snapshot as it was when the wait ended. */
  readonly snapshot?: Snapshot;
  /** The fields above as a plain object (what `JSON.stringify` writes). */
  toJSON(): EvsErrorFields & { name: "EvsError"; retryable: boolean };
}

/** `GET {endpoint}/v2/{projectId}/cloudsnapshots/{snapshotId}`. */
export declare function getSnapshot(config: ClientConfig, snapshotId: string): Promise<Snapshot>;

/** `GET {endpoint}/v2/{projectId}/snapshots?...`: one page. */
export declare function listSnapshots(config: ClientConfig, options?: ListOptions): Promise<SnapshotPage>;

/**
 * Every snapshot, page after page, one page in memory at a time. Stops on an
 * empty page; rejects with `invalid_response` instead of looping on a repeated
 * marker. Breaking out of the loop sends no further request. Errors (invalid
 * input included) reject the first `next()` that meets them.
 */
export declare function paginateSnapshots(config: ClientConfig, options?: ListOptions): AsyncIterable<Snapshot>;

/** Options of `waitForSnapshot`. */
export interface WaitOptions {
  /** The status to wait for (typed as `ListOptions.status`: see `SnapshotStatus`). Default `"available"`. */
  status?: SnapshotStatus | null | undefined;
  /** Statuses that end the wait with `kind: "failed"`; must not hold `status`. Default `["error"]`. */
  failOn?: readonly SnapshotStatus[] | null | undefined;
  /** Between polls, in ms (from the end of one poll to the start of the next, whatever retries it made); a positive integer. Default 2000. */
  intervalMs?: number | null | undefined;
  /** The whole wait, in ms; a positive integer. Default 600000 (10 minutes). A deadline for all of it (IAM's project-ID lookup, each poll, attempt and pause): the wait rejects with `timeout` when it comes, not before, even when a `Retry-After` reaches past it; nothing is sent once the wait has settled (docs/contract.md "waitForSnapshot"). */
  timeoutMs?: number | null | undefined;
  /** Aborts the wait at once, like `config.signal`. */
  signal?: AbortSignal | null | undefined;
  /** After each poll whose status or progress changed (the first one too). A hook that throws changes nothing. */
  onProgress?: ((snapshot: Snapshot) => void) | null | undefined;
}

/**
 * Polls `getSnapshot` (with the config's retries) until the snapshot's
 * status is `options.status`, and resolves with it. Rejects with
 * `kind: "failed"` (the error's `snapshot` holds it) on a status of
 * `failOn`, `kind: "timeout"` when `timeoutMs` passes (the message names the
 * last status and progress), `kind: "aborted"` at once on either signal, and
 * with a poll's own error otherwise (a 404 is `http`, not retried).
 */
export declare function waitForSnapshot(config: ClientConfig, snapshotId: string, options?: WaitOptions): Promise<Snapshot>;

/** A request to sign with `signRequest`. */
export interface SignRequestInput {
  /** "GET", "POST", ... */
  method: string;
  /** Absolute URL; its query is percent-decoded ("+" stays "+"). */
  url: string;
  /** Headers to send and sign (names containing "_" are sent but not signed). An `X-Sdk-Date` here wins over `date`. */
  headers?: Record<string, string> | null | undefined;
  /** Absent or empty for GET. */
  body?: string | Uint8Array | null | undefined;
}

/** AK/SK credentials for `signRequest`. */
export interface SignRequestCredentials {
  accessKey: string;
  secretKey: string;
  securityToken?: string | null | undefined;
}

/** What to send. */
export interface SignedRequest {
  /** The URL with its query in canonical (sorted, encoded) form. */
  url: string;
  /** The given headers, each value as it was signed (leading and trailing white space removed, as the official SDK returns it), plus `X-Sdk-Date`, `X-Security-Token` (when given), `X-Sdk-Content-Sha256` (non-JSON content types) and `Authorization`. `Host` is signed but not returned. */
  headers: Record<string, string>;
}

/** Signs any Huawei Cloud API request with SDK-HMAC-SHA256, exactly as the official SDK does. */
export declare function signRequest(
  request: SignRequestInput,
  credentials: SignRequestCredentials,
  date?: Date,
): Promise<SignedRequest>;

/**
 * The environment variables `configFromEnv` reads. `HUAWEICLOUD_SDK_AK`,
 * `_SK`, `_SECURITY_TOKEN` and `_PROJECT_ID` are the names the official
 * Huawei Cloud SDKs' environment credential provider (`EnvCredentialProvider`)
 * reads; `HUAWEICLOUD_SDK_REGION` follows the same naming (the SDKs
 * themselves take the region in code), `HUAWEICLOUD_SDK_IAM_ENDPOINT` is the
 * SDKs' own. `EVS_SNAPSHOTS_*` are this package's, the ones the
 * `evs-snapshots` command reads (through `configFromEnv`), so that one
 * environment sends a script and the command to the same place. Any other
 * keys are ignored.
 */
export interface HuaweiCloudEnv {
  /** Access key ID: `auth.accessKey`. Needs `HUAWEICLOUD_SDK_SK`. */
  HUAWEICLOUD_SDK_AK?: string;
  /** Secret access key: `auth.secretKey`. Needs `HUAWEICLOUD_SDK_AK`. */
  HUAWEICLOUD_SDK_SK?: string;
  /** Security token of temporary credentials: `auth.securityToken`. Needs both keys. */
  HUAWEICLOUD_SDK_SECURITY_TOKEN?: string;
  /** `projectId`. */
  HUAWEICLOUD_SDK_PROJECT_ID?: string;
  /** `region` (e.g. `ap-southeast-1`): the endpoint is then `https://evs.{region}.myhuaweicloud.com`. */
  HUAWEICLOUD_SDK_REGION?: string;
  /** `iamEndpoint`, for the project-ID lookup. */
  HUAWEICLOUD_SDK_IAM_ENDPOINT?: string;
  /** `endpoint` (wins over the region for EVS, as in a `ClientConfig`). */
  EVS_SNAPSHOTS_ENDPOINT?: string;
  /** A file holding an IAM token: `auth: { token }`, read at each call (white space around it removed); wins over `EVS_SNAPSHOTS_TOKEN` and AK/SK. Needs a file system (Node, Deno, Bun). */
  EVS_SNAPSHOTS_TOKEN_FILE?: string;
  /** An IAM token: `auth: { token }`; wins over AK/SK. */
  EVS_SNAPSHOTS_TOKEN?: string;
  /** `timeoutMs`, a duration: `30s`, `3m30s`, `1h`, `500ms`, or a number of seconds. */
  EVS_SNAPSHOTS_ATTEMPT_TIMEOUT?: string;
  /** `maxAttempts`, a whole number from 1. */
  EVS_SNAPSHOTS_MAX_ATTEMPTS?: string;
  [name: string]: string | undefined;
}

/**
 * A `ClientConfig` from the environment, without loading the wasm module:
 *
 * | variable | field |
 * | --- | --- |
 * | `HUAWEICLOUD_SDK_PROJECT_ID` | `projectId` (`""` when unset: a call then rejects with `invalid_input` naming the variables to set, unless a key pair and a region let IAM find it) |
 * | `HUAWEICLOUD_SDK_REGION` | `region` (absent when unset) |
 * | `HUAWEICLOUD_SDK_IAM_ENDPOINT` | `iamEndpoint` |
 * | `EVS_SNAPSHOTS_ENDPOINT` | `endpoint` |
 * | `HUAWEICLOUD_SDK_AK`, `HUAWEICLOUD_SDK_SK` | `auth: { accessKey, secretKey }` (absent when both are unset) |
 * | `HUAWEICLOUD_SDK_SECURITY_TOKEN` | `auth.securityToken` |
 * | `EVS_SNAPSHOTS_TOKEN_FILE`, else `EVS_SNAPSHOTS_TOKEN` | `auth: { token }`, winning over the key pair |
 * | `EVS_SNAPSHOTS_ATTEMPT_TIMEOUT` | `timeoutMs` (`30s`, `3m30s`, `1h`, `500ms`; a bare number is seconds) |
 * | `EVS_SNAPSHOTS_MAX_ATTEMPTS` | `maxAttempts` |
 *
 * An empty (or white-space-only) variable counts as unset. `env` (absent
 * or `null`) defaults to `process.env` where `process` exists (Node, Deno,
 * Bun) and to `{}` elsewhere (browsers, workers). The result is a fresh plain object: spread it to add or override
 * fields (`{ ...configFromEnv(), endpoint, signal }`).
 *
 * Throws (synchronously) an `EvsError` with `kind: "invalid_input"`, naming
 * the variable and never its value, when `HUAWEICLOUD_SDK_AK` is set without
 * `HUAWEICLOUD_SDK_SK` or the other way round, when
 * `HUAWEICLOUD_SDK_SECURITY_TOKEN` is set without the key pair, when the
 * file `EVS_SNAPSHOTS_TOKEN_FILE` names cannot be read or is empty (or there
 * is no file system: a browser), when `EVS_SNAPSHOTS_ATTEMPT_TIMEOUT` is not
 * a duration or `EVS_SNAPSHOTS_MAX_ATTEMPTS` not a whole number from 1, when
 * a variable's value is not a string, or when `env` is not a plain object
 * (an array, a string, a number).
 * Everything else (region format, project ID form) is checked by the call.
 */
export declare function configFromEnv(env?: HuaweiCloudEnv | Record<string, string | undefined>): ClientConfig;

/** Instantiates the WebAssembly module now (optional: every function does it on first use). */
export declare function ready(): Promise<void>;

/**
 * Options of `createProxy` (docs/contract.md "Serving browsers: the signing
 * proxy"). Keys not named here are `invalid_input`, as in a `ClientConfig`.
 */
export interface ProxyOptions {
  /**
   * The server's own connection: auth (a key pair or a token), region or
   * endpoint (an `http:`/`https:` URL: a server has no page to resolve a
   * path against), `projectId` or the IAM lookup, `timeoutMs` (each upstream
   * attempt, and `authorize`'s answer), `fetch`, `signal` (aborts every
   * forwarded request: a server shutting down) and `onAttempt` (for the
   * server's logs; `operation` is `getSnapshot`, `listSnapshots` or
   * `projectId`). It never reaches a page. `maxAttempts` is not used: the
   * proxy makes one attempt per request (plus at most the one
   * clock-corrected resend), since the page's client retries.
   */
  config: ClientConfig;
  /**
   * The path the page uses as its `endpoint`: `/` and path segments
   * (letters, digits and `-._~!$&'()*+,=:@`); a trailing `/` is ignored.
   * Default `"/evs"`.
   */
  basePath?: string | null | undefined;
  /**
   * Other origins allowed to call it from a page (CORS, `GET` and `HEAD`),
   * each `scheme://host[:port]` (`"https://console.example.com"`); never
   * `"*"`: every origin allowed is one more that uses the server's
   * credentials. Default: none (its own origin only).
   */
  allowOrigins?: readonly string[] | null | undefined;
  /**
   * The console's own check of its user (a session cookie, a header of
   * its own), called with the browser's request once every other rule has
   * let it through. Only `true` (or a promise of it, within `timeoutMs`)
   * forwards the request; `false`, anything else, a throw or a rejection
   * answers 403 and sends nothing upstream.
   */
  authorize?: ((request: Request) => boolean | Promise<boolean>) | null | undefined;
}

/**
 * What `listener` reads of a request: `node:http`'s `IncomingMessage` (and
 * Express's request) is one. Declared here, not imported, so that these
 * types need no `@types/node` in a project that does not use them.
 */
export interface ProxyNodeRequest {
  method?: string | undefined;
  /** The request target as the browser sent it (path and query). */
  url?: string | undefined;
  /** Express's: the target before a mount path was taken off; read first. */
  originalUrl?: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  /** The headers as sent, for the `Request` handed to `authorize`. */
  rawHeaders?: string[] | undefined;
  /** A TLS socket (`encrypted`) makes its own origin `https:`. */
  socket?: unknown;
}

/** What `listener` does with a response: `node:http`'s `ServerResponse` is one. */
export interface ProxyNodeResponse {
  once(event: "close", listener: () => void): unknown;
  writeHead(statusCode: number, headers: Record<string, string>): unknown;
  end(body?: Uint8Array): unknown;
  readonly writableFinished: boolean;
  readonly writableEnded: boolean;
  readonly destroyed: boolean;
}

/**
 * A signing proxy: what a server on the page's own origin runs, so that a
 * page can call EVS (which sends no CORS headers) without ever holding a
 * credential. Its functions are bound: `Deno.serve(proxy.handle)` works.
 */
export interface EvsProxy {
  /**
   * Fetch-standard: a Next.js route handler (`export const GET =
   * proxy.handle`), `Deno.serve`, `Bun.serve`. Never rejects: every failure
   * is an answer. The browser going away (`request.signal`) aborts the
   * upstream request.
   *
   * It forwards exactly `GET` or `HEAD` of
   * `{basePath}/v2/{projectId}/snapshots` (only the query keys `marker`,
   * `offset`, `limit`, `name`, `status`, `volume_id`, each once, read as
   * `signRequest` reads a query, with `listSnapshots`'s checks) and
   * `{basePath}/v2/{projectId}/cloudsnapshots/{snapshotId}` (one path
   * segment), for its own project, signed with the config's key pair or
   * carrying its token; nothing the browser sent but the path and those
   * query values reaches EVS. EVS's answer comes back with its status and
   * body (a non-2xx body with every credential of the config redacted) and
   * only `Content-Type`, `X-Request-Id`, `X-Openstack-Request-Id`,
   * `Retry-After` and `Date`, plus `Cache-Control: no-store` and
   * `X-Content-Type-Options: nosniff`.
   *
   * Everything else it answers itself, as
   * `{"error": {"code": "PROXY.<status>", "message": "…"}}`, judged in
   * this order: an `Origin` neither its own nor allowed, or
   * `Sec-Fetch-Site: cross-site` without an allowed `Origin`: 403; an
   * `OPTIONS` preflight: 204 with CORS headers from an allowed origin, else
   * 403; a method other than `GET` or `HEAD`: 405 (`Allow: GET, HEAD`); a
   * path that is not one of the two (outside `basePath`, an encoded `/` or
   * `\`, a `.` or `..` segment, an empty segment, a `;`; `%2F`, `%5C`,
   * `%2E` and `%3B` count as what they encode): 404; another project ID:
   * 403; an unknown or repeated query key or a refused value: 400 naming
   * the key; `authorize` saying no: 403. EVS redirecting (never followed)
   * or unreachable: 502; too slow (`timeoutMs`): 504; the IAM lookup
   * failing: 502.
   */
  handle(request: Request): Promise<Response>;
  /**
   * The same for `node:http` (`createServer(proxy.listener)`) and Express
   * (`app.use(proxy.listener)`; the path read is `originalUrl`, so it may be
   * mounted anywhere). The response's `close` before it is written (the
   * browser went away) aborts the upstream request. An answer with a body
   * is written with its `Content-Length` in bytes, never chunked (a
   * Chromium page reading a chunked `no-store` answer as a stream sees it
   * reported as cancelled in DevTools); `HEAD`, `204` and `304` carry none
   * (RFC 9110, 8.6).
   */
  listener(req: ProxyNodeRequest, res: ProxyNodeResponse): void;
  /**
   * The project it serves, to hand to the page (its client's `projectId`):
   * the config's, or IAM's (asked as the calls ask, once per key pair and
   * region in the module). Rejects with an `EvsError` when IAM cannot say.
   */
  projectId(): Promise<string>;
}

/**
 * The signing proxy, in the Node, Deno and Bun entries only (the package's
 * `node` export condition: `index.cjs` and `index.mjs`); the browser and
 * worker builds do not have it, so that a page bundle does not grow for it.
 * Checks `options` at once, as the calls check theirs: throws an `EvsError`
 * with `kind: "invalid_input"` naming the field (never a credential's value),
 * or `kind: "load"` when the WebAssembly module cannot be loaded.
 *
 * A proxy that signed whatever it was sent would lend the server's keys to
 * anyone who can reach it: this one forwards only the two reads, for its own
 * project. Put it behind the console's own sign-in (`authorize`).
 */
export declare function createProxy(options: ProxyOptions): EvsProxy;
