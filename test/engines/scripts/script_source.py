"""A tiny Airbyte source for the engine failure tests: its config's "mode" picks a behaviour.

Stream "items" (id integer, note string). Modes: ok; transient (the first read, counted in
config "attempts_file", fails with TRACE ERROR transient_error); config_error; control (a
CONTROL message with an updated config, then records); state_stream, state_global,
state_legacy (the state of that type; a record's note is the state file the read got).
"""
import json, sys

cmd, args = sys.argv[1], sys.argv[2:]
opt = lambda name: args[args.index(name) + 1] if name in args else None
config = json.load(open(opt("--config"))) if opt("--config") else {}
mode = config.get("mode", "ok")
out = lambda m: print(json.dumps(m), flush=True)
SCHEMA = {"type": "object", "properties": {"id": {"type": "integer"}, "note": {"type": ["string", "null"]}}}
STREAM = {"name": "items", "json_schema": SCHEMA, "supported_sync_modes": ["full_refresh", "incremental"],
          "source_defined_cursor": True, "default_cursor_field": ["id"], "source_defined_primary_key": [["id"]]}
error = lambda kind, msg: out({"type": "TRACE", "trace": {"type": "ERROR", "emitted_at": 0,
                                 "error": {"message": msg, "internal_message": "internal " + msg, "failure_type": kind}}})

if cmd == "spec":
    out({"type": "SPEC", "spec": {"connectionSpecification": {"type": "object", "properties": {"mode": {"type": "string"}}}}})
elif cmd == "check":
    out({"type": "CONNECTION_STATUS", "connectionStatus": {"status": "FAILED" if mode == "bad_check" else "SUCCEEDED", "message": "wrong password"}})
elif cmd == "discover":
    out({"type": "CATALOG", "catalog": {"streams": [STREAM]}})
elif cmd == "read":
    state_text = open(opt("--state")).read() if opt("--state") else None
    out({"type": "LOG", "log": {"level": "INFO", "message": "reading items"}})
    out({"type": "TRACE", "trace": {"type": "ESTIMATE", "emitted_at": 0, "estimate": {"name": "items", "type": "STREAM", "row_estimate": 3}}})
    if mode == "transient":
        with open(config["attempts_file"], "a") as f:
            f.write("x")
        if len(open(config["attempts_file"]).read()) == 1:
            error("transient_error", "rate limited, try again")
            sys.exit(1)
    if mode == "config_error":
        with open(config["attempts_file"], "a") as f:
            f.write("x")
        error("config_error", "the api_key is not valid")
        sys.exit(1)
    if mode == "control":
        out({"type": "CONTROL", "control": {"type": "CONNECTOR_CONFIG", "emitted_at": 0,
             "connectorConfig": {"config": {**config, "refresh_token": "rotated-2"}}}})
    for i in range(1, 4):
        out({"type": "RECORD", "record": {"stream": "items", "data": {"id": i, "note": state_text}, "emitted_at": 0}})
    if mode == "state_global":
        out({"type": "STATE", "state": {"type": "GLOBAL", "global": {"shared_state": {"lsn": 3}, "stream_states": [
            {"stream_descriptor": {"name": "items"}, "stream_state": {"id": 3}}]}}})
    elif mode == "state_legacy":
        out({"type": "STATE", "state": {"data": {"items": {"id": 3}}}})
    else:
        out({"type": "STATE", "state": {"type": "STREAM", "stream": {"stream_descriptor": {"name": "other"}, "stream_state": {"id": 99}}}})
        out({"type": "STATE", "state": {"type": "STREAM", "stream": {"stream_descriptor": {"name": "items"}, "stream_state": {"id": 3}}}})
    out({"type": "TRACE", "trace": {"type": "STREAM_STATUS", "emitted_at": 0, "stream_status": {"stream_descriptor": {"name": "items"}, "status": "COMPLETE"}}})
