#!/usr/bin/env python3
"""Takeover time of a cluster (not a test): two members over one PostgreSQL and Redis, workflows of
one SIMPLE task started on both; the member that owns some of them is SIGKILLed, and a worker on the
survivor polls and completes tasks, retrying what fails, until every workflow is COMPLETED. Prints
the seconds from the kill until the first and the last workflow owned by the dead member
completed. Run from the project root after `mvn -q -B package -DskipTests`:

    python3 benchmarks/cluster-takeover.py            # defaults: 40 workflows, lease 10 s
    LEASE_MS=3000 WORKFLOWS=100 python3 benchmarks/cluster-takeover.py
"""
import json, os, signal, subprocess, time, urllib.request

LEASE_MS = int(os.environ.get("LEASE_MS", "10000"))
WORKFLOWS = int(os.environ.get("WORKFLOWS", "40"))
BASE = int(os.environ.get("BASE_PORT", "18160"))
DB = os.environ.get("MEMBERS_DB", "cvx_cluster_takeover")
REDIS_DB = os.environ.get("REDIS_DB", "9")
PG = os.environ.get("POSTGRES", "postgresql://postgres@127.0.0.1:5432")


def call(port, method, path, body=None, timeout=30):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}/api{path}", data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        text = resp.read().decode()
        return json.loads(text) if text and text[0] in "[{" else text


def member(i):
    env = dict(os.environ, CONDUCTOR_PORT=str(BASE + i), CONDUCTOR_STORE="postgres", CONDUCTOR_QUEUE="redis",
               CONDUCTOR_POSTGRES_URL=f"{PG}/{DB}", CONDUCTOR_REDIS_URL=f"redis://127.0.0.1:6379/{REDIS_DB}",
               CONDUCTOR_CLUSTER="true", CONDUCTOR_CLUSTER_PORT=str(BASE + 10 + i),
               CONDUCTOR_CLUSTER_LEASE_MS=str(LEASE_MS))
    log = open(f"benchmarks/target/cluster-takeover-member{i}.log", "w")
    p = subprocess.Popen(["java", "@config/jvm.options", "-jar", "target/conductor-vx.jar"], env=env,
                         stdout=log, stderr=subprocess.STDOUT)
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{BASE + i}/health", timeout=2)
            return p
        except Exception:
            time.sleep(0.2)
    raise SystemExit(f"member {i} did not start")


def main():
    os.makedirs("benchmarks/target", exist_ok=True)
    subprocess.run(["psql", "-q", f"{PG}/postgres", "-c", f"DROP DATABASE IF EXISTS {DB}", "-c", f"CREATE DATABASE {DB}"],
                   check=True, capture_output=True)
    subprocess.run(["redis-cli", "-n", REDIS_DB, "flushdb"], check=True, capture_output=True)
    a = member(1)
    time.sleep(1)
    b = member(2)
    try:
        for _ in range(60):
            view = call(BASE + 1, "GET", "/admin/cluster")
            if sum(1 for m in view["members"] if m.get("partitionCount", 0) > 0) >= 2:
                break
            time.sleep(1)
        call(BASE + 1, "POST", "/metadata/taskdefs", [{"name": "takeover_task", "responseTimeoutSeconds": 3600}])
        call(BASE + 1, "POST", "/metadata/workflow", {"name": "takeover", "version": 1, "schemaVersion": 2,
             "tasks": [{"name": "takeover_task", "taskReferenceName": "t", "type": "SIMPLE"}]})
        ids = [call(BASE + 1 + (i % 2), "POST", "/workflow/takeover", {}) for i in range(WORKFLOWS)]
        view = call(BASE + 2, "GET", "/admin/cluster")
        mine = set(next(m for m in view["members"] if m["self"])["partitions"])
        total = view["partitions"]
        b.send_signal(signal.SIGKILL)
        killed = time.time()
        done = {}
        while len(done) < len(ids) and time.time() - killed < 120:
            try:
                tasks = call(BASE + 1, "GET", "/tasks/poll/batch/takeover_task?workerid=w&count=20&timeout=200")
            except Exception:
                tasks = []
            for t in tasks:
                try:
                    call(BASE + 1, "POST", "/tasks", {"workflowInstanceId": t["workflowInstanceId"], "taskId": t["taskId"],
                                                     "status": "COMPLETED", "outputData": {}})
                except Exception:
                    pass  # its owner is gone: the task comes back after the takeover
            for wid in ids:
                if wid in done:
                    continue
                try:
                    if call(BASE + 1, "GET", f"/workflow/{wid}?includeTasks=false", timeout=5)["status"] == "COMPLETED":
                        done[wid] = time.time() - killed
                except Exception:
                    pass
        times = sorted(done.values())
        late = [t for t in times if t > 1.0]
        print(json.dumps({"leaseMs": LEASE_MS, "workflows": len(ids), "completed": len(done),
                          "deadMemberPartitions": len(mine), "partitions": total,
                          "firstCompletedS": round(times[0], 2) if times else None,
                          "lastCompletedS": round(times[-1], 2) if times else None,
                          "completedAfterTakeover": len(late),
                          "firstAfterTakeoverS": round(late[0], 2) if late else None}))
    finally:
        for p in (a, b):
            if p.poll() is None:
                p.kill()
                p.wait()


if __name__ == "__main__":
    main()
