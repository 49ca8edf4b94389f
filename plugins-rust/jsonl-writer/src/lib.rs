//! jsonl-writer: each stream's JSON Lines batches go to a hidden staging file in the
//! granted folder; commit syncs it and renames it to `<stream>-<n>.jsonl`, abort deletes
//! it. Readers of the folder never see a partial file.

use std::fs::{File, OpenOptions};
use std::io::{ErrorKind as IoKind, Write};
use std::path::{Path, PathBuf};

use dativo_plugin_sdk::serde_json::json;
use dativo_plugin_sdk::{config, export_writer, Batch, CommitInfo, Encoding, PluginError, Result, Sink, Spec, WriteRequest, Writer};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    /// The guest folder to write into (granted read-write by the manifest).
    dir: String,
}

struct Plugin;

export_writer!(Plugin);

fn io(what: &str, path: &Path, e: std::io::Error) -> PluginError {
    let message = format!("{what} {}: {e}", path.display());
    match e.kind() {
        IoKind::PermissionDenied => PluginError::auth("IO_DENIED", message),
        _ => PluginError::internal("IO_ERROR", message),
    }
}

/// A stream name made safe as a file name.
fn file_stem(stream: &str) -> String {
    let stem: String = stream.chars().map(|c| if c.is_ascii_alphanumeric() || "_-.".contains(c) { c } else { '_' }).collect();
    if stem.is_empty() || stem.starts_with('.') { format!("_{stem}") } else { stem }
}

impl Writer for Plugin {
    type Sink = JsonlSink;

    fn spec() -> Spec {
        Spec {
            version: env!("CARGO_PKG_VERSION").into(),
            config_schema: json!({
                "type": "object", "additionalProperties": false, "required": ["dir"],
                "properties": {"dir": {"type": "string", "description": "guest folder to write into"}}
            }),
            encodings: vec![Encoding::JsonLines],
        }
    }

    fn check(config: &str) -> Result<()> {
        let dir = PathBuf::from(config::parse::<Config>(config)?.dir);
        let meta = std::fs::metadata(&dir).map_err(|e| io("stat", &dir, e))?;
        if !meta.is_dir() {
            return Err(PluginError::config("CONFIG_INVALID", format!("{} is not a folder", dir.display())));
        }
        Ok(())
    }

    fn open(request: WriteRequest) -> Result<JsonlSink> {
        let dir = PathBuf::from(config::parse::<Config>(&request.config)?.dir);
        let stem = file_stem(&request.stream.name);
        for k in 0..10_000u32 {
            let staging = dir.join(format!(".staging-{stem}-{k}.jsonl"));
            match OpenOptions::new().write(true).create_new(true).open(&staging) {
                Ok(file) => return Ok(JsonlSink { dir, stem, open: Some((file, staging)), records: 0, bytes: 0 }),
                Err(e) if e.kind() == IoKind::AlreadyExists => continue,
                Err(e) => return Err(io("create", &staging, e)),
            }
        }
        Err(PluginError::internal("STAGING_EXHAUSTED", "10,000 staging files already exist"))
    }
}

pub struct JsonlSink {
    dir: PathBuf,
    stem: String,
    /// The staging file, until commit or abort.
    open: Option<(File, PathBuf)>,
    records: u64,
    bytes: u64,
}

fn closed() -> PluginError {
    PluginError::internal("SINK_CLOSED", "the sink was already committed or aborted")
}

impl Sink for JsonlSink {
    fn write(&mut self, batch: Batch) -> Result<()> {
        if batch.encoding != Encoding::JsonLines {
            return Err(PluginError::not_supported("ENCODING_NOT_SUPPORTED", "jsonl-writer accepts json-lines batches only"));
        }
        let (file, staging) = self.open.as_mut().ok_or_else(closed)?;
        let mut bytes = batch.bytes;
        if bytes.is_empty() {
            return Ok(());
        }
        if bytes.last() != Some(&b'\n') {
            bytes.push(b'\n');
        }
        file.write_all(&bytes).map_err(|e| io("write", staging, e))?;
        self.bytes += bytes.len() as u64;
        self.records += bytes.iter().filter(|&&b| b == b'\n').count() as u64;
        Ok(())
    }

    fn commit(&mut self) -> Result<CommitInfo> {
        let (file, staging) = self.open.take().ok_or_else(closed)?;
        file.sync_all().map_err(|e| io("fsync", &staging, e))?;
        drop(file);
        let mut n = 0u32;
        let target = loop {
            let candidate = self.dir.join(format!("{}-{n}.jsonl", self.stem));
            match std::fs::symlink_metadata(&candidate) {
                Ok(_) => n += 1,
                Err(e) if e.kind() == IoKind::NotFound => break candidate,
                Err(e) => return Err(io("stat", &candidate, e)),
            }
        };
        std::fs::rename(&staging, &target).map_err(|e| io("rename", &staging, e))?;
        Ok(CommitInfo { records: self.records, bytes: self.bytes, locations: vec![target.to_string_lossy().into_owned()] })
    }

    fn abort(&mut self) -> Result<()> {
        if let Some((file, staging)) = self.open.take() {
            drop(file);
            std::fs::remove_file(&staging).map_err(|e| io("remove", &staging, e))?;
        }
        Ok(())
    }
}
