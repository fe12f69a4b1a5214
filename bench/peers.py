"""The Python peers of `make bench`, driven by bench/run.mjs.

One long-lived process in bench/.venv (pinned versions: bench/requirements.txt)
holding both clients, built once:

- python-cinderclient 9.10.0 (`cinderclient.client.Client('3', session=...)`)
  on a keystoneauth1 session whose `token_endpoint.Token` points at
  `{endpoint}/v2/{projectId}`, the token sent as X-Auth-Token;
- Huawei's Python SDK (`huaweicloudsdkevs` 3.1.219, `EvsClient`) built with
  `with_endpoint('http://127.0.0.1:PORT')` and `BasicCredentials(ak, sk,
  project_id)`: it signs each request with SDK-HMAC-SHA256; no `with_region`,
  so it never asks IAM for the project.

Reads one JSON command a line on stdin, answers one JSON line on stdout:
  {"op": "walk", "limit": 1000}        the marker loop over every snapshot
  {"op": "gets", "n": 200, "concurrency": 1|16, "id": ...}  ShowSnapshot
  {"op": "quit"}
or, with a second argument (the cold mode of bench/run.mjs), runs that one
command in this fresh process and exits.
Each answer carries "ms": time.perf_counter() around the loop alone (imports
and client construction are outside it), and what the loop saw, so that the
bench can check the peers did the same work as the package.
"""

import time

_T0 = time.perf_counter()  # before the clients' imports: the cold mode's start

import json  # noqa: E402
import sys  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402

from cinderclient import client as cinder_client  # noqa: E402
from huaweicloudsdkcore.auth.credentials import BasicCredentials  # noqa: E402
from huaweicloudsdkcore.http.http_config import HttpConfig  # noqa: E402
from huaweicloudsdkevs.v2 import EvsClient, ShowSnapshotRequest  # noqa: E402
from keystoneauth1 import session as ks_session  # noqa: E402
from keystoneauth1 import token_endpoint  # noqa: E402


def main():
    cfg = json.loads(sys.argv[1])
    endpoint, project_id = cfg["endpoint"], cfg["projectId"]

    session = ks_session.Session(auth=token_endpoint.Token(f"{endpoint}/v2/{project_id}", cfg["token"]))
    cinder = cinder_client.Client("3", session=session)

    http = HttpConfig.get_default_config()
    # 16 requests at a time need 16 pooled connections (the default is 10).
    http.pool_connections = 16
    http.pool_maxsize = 16
    http.timeout = (10, 30)
    evs = (
        EvsClient.new_builder()
        .with_http_config(http)
        .with_credentials(BasicCredentials(cfg["ak"], cfg["sk"], project_id))
        .with_endpoint(endpoint)
        .build()
    )
    pool = ThreadPoolExecutor(max_workers=16)

    def walk(limit):
        # The marker loop a cinderclient user writes: the last ID of each
        # page is the next marker, until a page comes back empty (after a
        # full last page, as the package and the Node loop do too).
        marker, count, requests = None, 0, 0
        t0 = time.perf_counter()
        while True:
            page = cinder.volume_snapshots.list(detailed=False, marker=marker, limit=limit)
            requests += 1
            if not page:
                break
            count += len(page)
            marker = page[-1].id
        ms = (time.perf_counter() - t0) * 1000
        return {"ms": ms, "count": count, "requests": requests, "last": marker}

    def show(snapshot_id):
        return evs.show_snapshot(ShowSnapshotRequest(snapshot_id=snapshot_id)).snapshot

    def gets(n, concurrency, snapshot_id):
        t0 = time.perf_counter()
        if concurrency == 1:
            out = [show(snapshot_id) for _ in range(n)]
        else:
            out = list(pool.map(lambda _: show(snapshot_id), range(n), chunksize=1))
        ms = (time.perf_counter() - t0) * 1000
        ok = sum(1 for s in out if s.id == snapshot_id)
        return {"ms": ms, "ok": ok, "sample": {"id": out[0].id, "status": out[0].status, "size": out[0].size}}

    if len(sys.argv) > 2:
        # The cold mode: one command from argv in this fresh process, its
        # answer with importMs (the imports and both clients built, from the
        # first line of this file), workMs (the loop) and inProcessMs (both).
        t1 = time.perf_counter()
        cmd = json.loads(sys.argv[2])
        res = walk(cmd["limit"]) if cmd["op"] == "walk" else gets(cmd["n"], cmd["concurrency"], cmd["id"])
        t2 = time.perf_counter()
        res.update(importMs=(t1 - _T0) * 1000, workMs=res["ms"], inProcessMs=(t2 - _T0) * 1000)
        sys.stdout.write(json.dumps(res) + "\n")
        pool.shutdown()
        return

    for line in sys.stdin:
        cmd = json.loads(line)
        op = cmd["op"]
        try:
            if op == "walk":
                res = walk(cmd["limit"])
            elif op == "gets":
                res = gets(cmd["n"], cmd["concurrency"], cmd["id"])
            elif op == "quit":
                break
            else:
                res = {"error": f"unknown op {op}"}
        except Exception as e:  # reported to the bench with its text, never hidden
            res = {"error": f"{type(e).__name__}: {e}"}
        sys.stdout.write(json.dumps(res) + "\n")
        sys.stdout.flush()
    pool.shutdown()


if __name__ == "__main__":
    main()
