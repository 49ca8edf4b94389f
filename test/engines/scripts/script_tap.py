"""A tiny Singer tap for the engine failure tests: its config's "mode" picks a behaviour.

Stream "items" (id integer, note string). Modes: ok, exit (records, STATE, records, then
exit 3 with an error on stderr), hang (records, then silence), malformed (a line that is
not JSON), env (one record describing what the tap was given: environment, cwd, files),
typed (records of every column type, typed by SCHEMA), retyped (its SCHEMA message types
"amount" otherwise than its --discover did). calls_file: each call appends discover or read.
"""
import json, os, stat, sys, time

args = sys.argv[1:]
opt = lambda name: args[args.index(name) + 1] if name in args else None
config = json.load(open(opt("--config")))
mode = config.get("mode", "ok")
out = lambda m: print(json.dumps(m), flush=True)
SCHEMA = {"type": "object", "properties": {"id": {"type": "integer"}, "note": {"type": ["string", "null"]},
          "amount": {"type": ["number", "null"]}, "seen_at": {"type": ["string", "null"], "format": "date-time"},
          "flag": {"type": ["boolean", "null"]}, "day": {"type": "string", "format": "date"}, "either": {"type": ["string", "integer"]}}}
if config.get("calls_file"):
    with open(config["calls_file"], "a") as f:
        f.write("discover\n" if "--discover" in args else "read\n")

if "--discover" in args:
    out({"streams": [{"tap_stream_id": "items", "stream": "items", "schema": SCHEMA, "key_properties": ["id"],
                      "metadata": [{"breadcrumb": [], "metadata": {"valid-replication-keys": ["id"]}}]}]})
    sys.exit(0)

if config.get("pid_file"):
    with open(config["pid_file"], "w") as f:
        f.write(str(os.getpid()))
state = json.load(open(opt("--state"))) if opt("--state") else {}
start = state.get("bookmarks", {}).get("items", {}).get("id", 0)
if mode == "retyped":  # the SCHEMA message says otherwise than the discovered catalog
    SCHEMA = {**SCHEMA, "properties": {**SCHEMA["properties"], "amount": {"type": ["string", "null"]}}}
out({"type": "SCHEMA", "stream": "items", "schema": SCHEMA, "key_properties": ["id"]})
rec = lambda i, note=None: out({"type": "RECORD", "stream": "items", "record": {"id": i, "note": note}})
st = lambda i: out({"type": "STATE", "value": {"bookmarks": {"items": {"id": i}}}})

if mode == "env":
    cfg = opt("--config")
    info = {"env": sorted(os.environ), "cwd": os.getcwd(), "config_dir": os.path.dirname(cfg),
            "config_mode": oct(stat.S_IMODE(os.stat(cfg).st_mode)), "dir_mode": oct(stat.S_IMODE(os.stat(os.getcwd()).st_mode)),
            "secret": config.get("password"), "limit_as": open("/proc/self/limits").read(),
            "status": open("/proc/self/status").read()}
    rec(1, json.dumps(info))
    st(1)
    sys.exit(0)

if mode in ("typed", "retyped"):
    for i in range(1, 4):
        out({"type": "RECORD", "stream": "items", "record": {"id": i, "note": f"n{i}", "amount": i * 1.5,
             "seen_at": f"2024-01-0{i}T03:04:05Z", "flag": i % 2 == 1, "day": f"2024-02-0{i}", "either": "x"}})
    st(3)
    sys.exit(0)

for i in range(start + 1, start + 4):
    rec(i)
st(start + 3)
if mode == "malformed":
    print("this is not a JSON message", flush=True)
if mode == "hang":
    time.sleep(120)
for i in range(start + 4, start + 6):
    rec(i)
if mode == "exit":
    print("connecting to the warehouse...", file=sys.stderr, flush=True)
    print("FATAL: database unreachable (code 57)", file=sys.stderr, flush=True)
    sys.exit(3)
st(start + 5)
