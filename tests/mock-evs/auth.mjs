// The API gateway's credential check of the mock's EVS and IAM calls: an
// X-Auth-Token, or an SDK-HMAC-SHA256 signature (signature.mjs, with the
// security token of temporary credentials); a failure answers 401 in the
// gateway's shape (docs/evs-api.md).
import { verifySignature } from './signature.mjs';
import { send } from './http.mjs';

function authFailure(res, requestId, msg) {
  send(res, 401, { error_code: 'APIGW.0301', error_msg: `Incorrect IAM authentication information: ${msg}`, request_id: requestId });
}

/**
 * The check for `token` and/or `ak`/`sk`/`securityToken` (none: every
 * request passes), signatures checked against the clock `now`. The check
 * returns true when the request may pass; false when it has answered 401.
 */
export function createAuth({ token, ak, sk, securityToken, now }) {
  return function checkAuth(req, res, requestId, url) {
    if (!token && !ak) return true;
    if (token && req.headers['x-auth-token'] === token) return true;
    if (ak) {
      if (req.headers.authorization) {
        const v = verifySignature(
          { method: req.method, path: url.pathname, query: url.search.slice(1), headers: req.headers, body: '' },
          { ak, sk, securityToken, now },
        );
        if (v.ok) return true;
        authFailure(res, requestId, v.reason);
        return false;
      }
    }
    authFailure(res, requestId, token ? 'the X-Auth-Token header is missing or invalid' : 'the request is not signed');
    return false;
  };
}
