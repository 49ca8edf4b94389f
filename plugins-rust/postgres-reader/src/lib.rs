//! postgres-reader: a dativo reader plugin that speaks the PostgreSQL wire protocol itself
//! over wasi:sockets TCP (the host grants it one host:port and nothing else) and emits
//! Arrow IPC stream batches.
//!
//! Modules: net (the TCP connection), wire (protocol: startup, auth, queries, COPY),
//! errors (SQLSTATE -> error kinds), config, types (PostgreSQL -> Arrow), copy (binary
//! COPY tuples), columns (Arrow builders), numeric (binary numeric -> Decimal128),
//! cursor (incremental reads and checkpoints), widths (integer widths the contract asks for),
//! read (the extraction of rows), pgoutput and cdc (changes by logical replication), discover.

mod cdc;
mod columns;
mod config;
mod copy;
mod cursor;
mod discover;
mod errors;
mod net;
mod numeric;
mod pgoutput;
mod read;
mod types;
mod widths;
mod wire;

use dativo_plugin_sdk::{export_reader, Batch, Encoding, Extraction, ReadRequest, Reader, Result, Spec, StreamDescriptor};

use crate::config::Config;

struct PostgresReader;

impl Reader for PostgresReader {
    type Extraction = PgExtraction;

    fn spec() -> Spec {
        Spec {
            version: env!("CARGO_PKG_VERSION").into(),
            config_schema: serde_json::from_str(config::CONFIG_SCHEMA).expect("config schema"),
            encodings: vec![Encoding::ArrowIpcStream],
        }
    }

    fn check(config: &str) -> Result<()> {
        let config = Config::parse(config)?;
        read::connect(&config)?.query("SELECT 1")?;
        Ok(())
    }

    fn discover(config: &str) -> Result<Vec<StreamDescriptor>> {
        discover::discover(&Config::parse(config)?)
    }

    fn open(request: ReadRequest) -> Result<PgExtraction> {
        let config = Config::parse(&request.config)?;
        Ok(match &config.cdc {
            Some(cdc) => PgExtraction::Changes(cdc::CdcExtraction::open(&request, &config, cdc)?),
            None => PgExtraction::Rows(read::Extraction::open(&request)?),
        })
    }
}

enum PgExtraction {
    Rows(read::Extraction),
    Changes(cdc::CdcExtraction),
}

impl Extraction for PgExtraction {
    fn next(&mut self) -> Result<Option<Batch>> {
        match self {
            PgExtraction::Rows(e) => e.next(),
            PgExtraction::Changes(e) => e.next(),
        }
    }
}

export_reader!(PostgresReader);
