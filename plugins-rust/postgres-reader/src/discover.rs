//! discover: the tables, views and materialized views of the config's schema, each with
//! its columns (JSON Schema of the Arrow types read gives), primary key and cursor
//! candidates; plus one stream per configured query.

use std::collections::BTreeMap;

use dativo_plugin_sdk::{Result, StreamDescriptor};
use serde_json::{json, Map, Value};

use crate::config::{Config, Source};
use crate::read::{connect, describe};
use crate::types::{column_kind, is_cursor_type, json_schema, quote_literal};
use crate::wire::Connection;

const COLUMNS: &str = "SELECT c.relname, a.attname, a.atttypid::int8, a.atttypmod, a.attnotnull \
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
    JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid \
    WHERE c.relkind IN ('r', 'v', 'm', 'p', 'f') AND a.attnum > 0 AND NOT a.attisdropped \
    AND n.nspname = {schema} AND NOT c.relispartition \
    ORDER BY c.relname, a.attnum";

const PRIMARY_KEYS: &str = "SELECT c.relname, a.attname \
    FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indrelid \
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
    JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY (i.indkey) \
    WHERE i.indisprimary AND n.nspname = {schema} \
    ORDER BY c.relname, array_position(i.indkey::int2[], a.attnum)";

struct Table {
    /// (name, type oid, type modifier, NOT NULL)
    columns: Vec<(String, u32, i32, bool)>,
    key: Vec<String>,
}

pub fn discover(config: &Config) -> Result<Vec<StreamDescriptor>> {
    let mut conn = connect(config)?;
    let schema = quote_literal(&config.schema);
    let mut tables: BTreeMap<String, Table> = BTreeMap::new();
    for row in conn.query(&COLUMNS.replace("{schema}", &schema))?.1 {
        let [Some(table), Some(column), Some(oid), Some(typmod), Some(not_null)] = &row[..] else { continue };
        let t = tables.entry(table.clone()).or_insert_with(|| Table { columns: vec![], key: vec![] });
        t.columns.push((column.clone(), oid.parse().unwrap_or(25), typmod.parse().unwrap_or(-1), not_null == "t"));
    }
    for row in conn.query(&PRIMARY_KEYS.replace("{schema}", &schema))?.1 {
        if let [Some(table), Some(column)] = &row[..] {
            if let Some(t) = tables.get_mut(table) {
                t.key.push(column.clone());
            }
        }
    }
    let mut streams: Vec<StreamDescriptor> = tables.into_iter().map(|(name, t)| descriptor(name, &t.columns, t.key)).collect();
    for stream in config.queries.keys() {
        streams.push(query_stream(&mut conn, config, stream)?);
    }
    Ok(streams)
}

fn query_stream(conn: &mut Connection, config: &Config, stream: &str) -> Result<StreamDescriptor> {
    let Source::Query(_) = config.source(stream) else { unreachable!("a configured query") };
    let columns = describe(conn, &config.source(stream).from_sql())?;
    let columns: Vec<_> = columns.into_iter().map(|c| (c.name, c.type_oid, c.type_modifier, false)).collect();
    Ok(descriptor(stream.to_string(), &columns, vec![]))
}

fn descriptor(name: String, columns: &[(String, u32, i32, bool)], key: Vec<String>) -> StreamDescriptor {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for (column, oid, typmod, not_null) in columns {
        properties.insert(column.clone(), json_schema(column_kind(*oid, *typmod), !not_null));
        if *not_null {
            required.push(Value::String(column.clone()));
        }
    }
    let cursor_fields: Vec<String> = columns.iter().filter(|(_, oid, _, _)| is_cursor_type(*oid)).map(|(c, _, _, _)| c.clone()).collect();
    StreamDescriptor {
        name,
        json_schema: json!({"type": "object", "properties": properties, "required": required}),
        primary_key: key,
        supports_incremental: !cursor_fields.is_empty(),
        cursor_fields,
    }
}
