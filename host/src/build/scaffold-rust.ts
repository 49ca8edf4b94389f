/**
 * The files of a new Rust plugin crate (see scaffold.ts). Each template compiles and
 * passes `dativo-host plugin test` unchanged; comments say what to replace.
 */
import type { ScaffoldKind, ScaffoldResult } from './scaffold.js';

interface TemplateInput {
  name: string;
  kind: ScaffoldKind;
  sdk: ScaffoldResult['sdk'];
}

export function rustTemplates(t: TemplateInput): Record<string, string> {
  return {
    'Cargo.toml': cargoToml(t),
    '.cargo/config.toml': cargoConfig(),
    'plugin.yaml': pluginYaml(t),
    'src/lib.rs': t.kind === 'reader' ? readerLib(t) : writerLib(t),
    'src/logic.rs': t.kind === 'reader' ? READER_LOGIC : WRITER_LOGIC,
    'test-config.json': `${JSON.stringify(t.kind === 'reader' ? { stream: 'greetings', count: 3 } : {}, null, 2)}\n`,
    '.gitignore': 'target/\ndist/\n',
    'README.md': readme(t),
  };
}

function cargoToml(t: TemplateInput): string {
  const sdk =
    'path' in t.sdk
      ? `dativo-plugin-sdk = { path = ${JSON.stringify(t.sdk.path)} }`
      : `# Not on crates.io yet: point this at a checkout of dativo-host, e.g.\n# dativo-plugin-sdk = { path = "../dativo-host/plugins-rust/dativo-plugin-sdk" }\ndativo-plugin-sdk = ${JSON.stringify(t.sdk.version)}`;
  return `[package]
name = "${t.name}"
version = "0.1.0"
edition = "2021"
publish = false

[lib]
# A plugin is a cdylib: \`dativo-host plugin build\` turns it into a WebAssembly component.
crate-type = ["cdylib"]

[dependencies]
${sdk}
# Arrow IPC batches (the fast path): add features = ["arrow"] to the SDK.
serde = { version = "1", features = ["derive"] }
serde_json = "1"

# Its own workspace: the crate builds standalone, wherever it is.
[workspace]

# \`cargo component build --release\` (cargo-component 0.21) builds it too; the SDK makes
# the bindings (wit-bindgen), so no target world is named here. Settings: .cargo/config.toml.
[package.metadata.component]
${componentPackage(t.name)}
[profile.release]
opt-level = 3
lto = true
codegen-units = 1
panic = "abort"
strip = "debuginfo"
`;
}

/** The component's package name (for publishing), when the crate name makes a valid one. */
function componentPackage(name: string): string {
  const kebab = name.replace(/_/g, '-');
  return /^[a-z][a-z0-9]*(-[a-z][a-z0-9]*)*$/.test(kebab) ? `package = "dativo:${kebab}"\n` : '';
}

/** What \`cargo component build\` needs with Debian's toolchain (docs/rust-plugins.md). */
function cargoConfig(): string {
  return `# For \`cargo component build --release\` with Debian's toolchain (docs/rust-plugins.md):
# no prebuilt wasm32-wasip1 standard library exists here, so cargo builds it (build-std,
# with RUSTC_BOOTSTRAP=1) and links with lld 19 against Debian's wasi-libc. Run it as
#   eval "$(dativo-host plugin cargo-env)" && /usr/bin/cargo component build --release
# or let \`dativo-host plugin build --cargo-component .\` do it. \`dativo-host plugin build\`
# passes these settings itself.
[unstable]
build-std = ["std", "panic_abort"]

[target.wasm32-wasip1]
linker = "/usr/bin/wasm-ld-19"
rustflags = ["-C", "link-self-contained=no", "-L", "/usr/lib/wasm32-wasi"]
`;
}

function pluginYaml(t: TemplateInput): string {
  return `# Source manifest. \`dativo-host plugin build .\` builds the component and writes
# dist/plugin.yaml (this file plus component and sha256); \`dativo-host plugin test .\`
# builds, then runs the plugin in its sandbox with test-config.json.
name: ${t.name}
version: 0.1.0
kind: ${t.kind}
contract: 0.1.0
description: TODO say what this ${t.kind} does
# Everything the plugin may touch. Nothing else is granted: add what it needs, e.g.
#   http: ["https://api.example.com"]     outbound HTTP to that origin (wasi:http)
#   secrets: [api_token]                   dativo_plugin_sdk::secrets::get("api_token")
#   filesystem: [{guest: /data, access: read}]   a folder the job binds
capabilities: {}
limits:
  memory_mb: 256
  call_timeout_ms: 30000
`;
}

function readerLib(t: TemplateInput): string {
  return `//! ${t.name}: a dativo reader plugin (dativo-plugin-sdk). It emits \`count\` greeting rows
//! as one JSON Lines batch; replace \`open\` and \`next\` with your source.

use dativo_plugin_sdk::serde_json::json;
use dativo_plugin_sdk::{
    config, export_reader, log, Batch, Encoding, Extraction, JsonLinesBatch, ReadRequest, Reader, Result, Spec, StreamDescriptor,
};
use serde::Deserialize;

/// The pure logic (no host calls): \`cargo test --lib\` runs it on the build machine.
mod logic;

/// The config (JSON); its schema is in \`spec\`. The SDK hands over the plugin's own keys
/// only: the job's incremental block arrives as \`ReadRequest::incremental\`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    #[serde(default = "default_stream")]
    stream: String,
    #[serde(default = "default_count")]
    count: u64,
}

fn default_stream() -> String {
    "greetings".into()
}

fn default_count() -> u64 {
    3
}

struct Plugin;

export_reader!(Plugin);

impl Reader for Plugin {
    type Extraction = Greetings;

    fn spec() -> Spec {
        Spec {
            version: env!("CARGO_PKG_VERSION").into(),
            config_schema: json!({
                "type": "object",
                "additionalProperties": false,
                "properties": {"stream": {"type": "string"}, "count": {"type": "integer", "minimum": 0}}
            }),
            encodings: vec![Encoding::JsonLines],
        }
    }

    fn check(config: &str) -> Result<()> {
        config::parse::<Config>(config)?;
        Ok(())
    }

    fn discover(config: &str) -> Result<Vec<StreamDescriptor>> {
        let config: Config = config::parse(config)?;
        let mut stream = StreamDescriptor::new(config.stream);
        stream.json_schema = json!({
            "type": "object",
            "properties": {"id": {"type": "integer"}, "greeting": {"type": "string"}},
            "required": ["id"]
        });
        stream.primary_key = vec!["id".into()];
        stream.cursor_fields = vec!["id".into()];
        stream.supports_incremental = true;
        Ok(vec![stream])
    }

    fn open(request: ReadRequest) -> Result<Greetings> {
        let config: Config = config::parse(&request.config)?;
        // The job's source.incremental (strategy, cursor_field, ...), when it has one.
        if let Some(inc) = &request.incremental {
            log::debug(&format!("incremental read: {} on {:?}", inc.strategy, inc.cursor_field));
        }
        // Incremental: the checkpoint of the last run says where to resume.
        let next_id = logic::first_id(request.checkpoint.as_deref())?;
        Ok(Greetings { next_id, last_id: config.count, done: false })
    }
}

pub struct Greetings {
    next_id: u64,
    last_id: u64,
    done: bool,
}

impl Extraction for Greetings {
    fn next(&mut self) -> Result<Option<Batch>> {
        if self.done || self.next_id > self.last_id {
            return Ok(None);
        }
        self.done = true;
        let mut batch = JsonLinesBatch::new();
        for id in self.next_id..=self.last_id {
            batch.push(&logic::greeting(id))?;
        }
        log::debug(&format!("emitting {} rows", batch.rows()));
        // The host persists the checkpoint only after this batch is committed.
        Ok(Some(batch.finish(Some(logic::checkpoint(self.last_id)))))
    }
}
`;
}

function writerLib(t: TemplateInput): string {
  return `//! ${t.name}: a dativo writer plugin (dativo-plugin-sdk). It checks and counts the
//! JSON Lines rows it is given and reports them on commit; replace \`write\` and
//! \`commit\` with your destination (nothing may be visible before commit).

use dativo_plugin_sdk::serde_json::json;
use dativo_plugin_sdk::{
    config, export_writer, json_lines_rows, log, Batch, CommitInfo, Encoding, Result, Sink, Spec, WriteRequest, Writer,
};
use serde::Deserialize;

/// The pure logic (no host calls): \`cargo test --lib\` runs it on the build machine.
mod logic;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {}

struct Plugin;

export_writer!(Plugin);

impl Writer for Plugin {
    type Sink = CountingSink;

    fn spec() -> Spec {
        Spec {
            version: env!("CARGO_PKG_VERSION").into(),
            config_schema: json!({"type": "object", "additionalProperties": false, "properties": {}}),
            encodings: vec![Encoding::JsonLines],
        }
    }

    fn check(config: &str) -> Result<()> {
        config::parse::<Config>(config)?;
        Ok(())
    }

    fn open(request: WriteRequest) -> Result<CountingSink> {
        config::parse::<Config>(&request.config)?;
        Ok(CountingSink { stream: request.stream.name, totals: logic::Totals::default() })
    }
}

pub struct CountingSink {
    stream: String,
    totals: logic::Totals,
}

impl Sink for CountingSink {
    fn write(&mut self, batch: Batch) -> Result<()> {
        let rows = json_lines_rows(&batch)?; // a not-supported error for other encodings
        self.totals.add(rows.len(), batch.bytes.len());
        Ok(())
    }

    fn commit(&mut self) -> Result<CommitInfo> {
        let logic::Totals { records, bytes } = self.totals;
        log::info(&format!("{}: {} records committed", self.stream, records));
        Ok(CommitInfo { records, bytes, locations: vec![] })
    }

    fn abort(&mut self) -> Result<()> {
        self.totals = logic::Totals::default();
        Ok(())
    }
}
`;
}

function readme(t: TemplateInput): string {
  return `# ${t.name}

A dativo ${t.kind} plugin (Rust, dativo-plugin-sdk).

    dativo-host plugin build .     # -> dist/${t.name}.wasm and dist/plugin.yaml
    dativo-host plugin test .      # build, then spec/check/${t.kind === 'reader' ? 'discover/read' : 'open/write/commit'} in the sandbox

\`plugin test\` uses test-config.json as the plugin config (or --config FILE). Secrets
come from DATIVO_SECRET_<NAME> environment variables. See docs/rust-plugins.md in
dativo-host.
`;
}

const LOGIC_HEADER = `//! The plugin's pure logic: no host call in here, so \`cargo test --lib\` runs it on the
//! build machine's own target (the WebAssembly parts run in the host: test/plugin.test.ts).
`;

const READER_LOGIC = `${LOGIC_HEADER}
use dativo_plugin_sdk::serde_json::{self, json, Value};

/// The first id to emit: one after the checkpoint's \`last_id\` (1 without a checkpoint).
pub fn first_id(checkpoint: Option<&str>) -> serde_json::Result<u64> {
    Ok(match checkpoint {
        Some(cp) => serde_json::from_str::<Value>(cp)?["last_id"].as_u64().unwrap_or(0) + 1,
        None => 1,
    })
}

/// One record of the stream.
pub fn greeting(id: u64) -> Value {
    json!({"id": id, "greeting": format!("hello #{id}")})
}

/// The checkpoint after record \`last_id\`: where the next run resumes.
pub fn checkpoint(last_id: u64) -> String {
    json!({"last_id": last_id}).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resumes_after_the_checkpoint() {
        assert_eq!(first_id(None).unwrap(), 1);
        assert_eq!(first_id(Some(&checkpoint(41))).unwrap(), 42);
        assert!(first_id(Some("not json")).is_err());
    }

    #[test]
    fn greets_by_id() {
        assert_eq!(greeting(7), json!({"id": 7, "greeting": "hello #7"}));
    }
}
`;

const WRITER_LOGIC = `${LOGIC_HEADER}
/// What a sink was given since it opened (or aborted): reported on commit.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Totals {
    pub records: u64,
    pub bytes: u64,
}

impl Totals {
    pub fn add(&mut self, records: usize, bytes: usize) {
        self.records += records as u64;
        self.bytes += bytes as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds_up_batches() {
        let mut t = Totals::default();
        t.add(3, 30);
        t.add(2, 12);
        assert_eq!(t, Totals { records: 5, bytes: 42 });
    }
}
`;
