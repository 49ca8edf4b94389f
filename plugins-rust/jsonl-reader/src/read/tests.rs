//! FileReader over crafted files: types, JSON text columns, lines, errors, compression.

use std::io::Write;

use arrow_array::cast::AsArray;
use arrow_array::types::{Int64Type, TimestampMicrosecondType};
use arrow_array::Array;

use super::*;
use crate::schema::ColumnType;

fn temp(name: &str, bytes: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("jsonl-reader-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_str().unwrap().to_string()
}

fn columns() -> Vec<Column> {
    let col = |name: &str, ty| Column { name: name.into(), ty, nullable: true };
    vec![col("id", ColumnType::Integer), col("at", ColumnType::Timestamp), col("tags", ColumnType::Json), col("name", ColumnType::String)]
}

fn read(path: &str, batch_rows: usize) -> std::result::Result<Vec<RecordBatch>, String> {
    let config = Config::parse(&format!(r#"{{"files":["{path}"],"batch_rows":{batch_rows}}}"#)).unwrap();
    let mut reader = FileReader::open(path, &config, &columns()).map_err(|e| e.to_string())?;
    let mut out = vec![];
    while let Some(b) = reader.read_batch().map_err(|e| e.to_string())? {
        out.push(b);
    }
    Ok(out)
}

fn line(b: &RecordBatch) -> Option<usize> {
    b.schema_ref().metadata().get(ipc::SOURCE_LINE_KEY).map(|l| l.parse().unwrap())
}

const TEXT: &str = r#"{"id":1,"at":"2024-01-01T00:00:01Z","tags":{"a":[1,2.5,"x\"y"],"b":null},"name":"ada"}
{"id":2,"tags":[true,false],"extra":5,"name":7}
{"id":3,"at":"2024-01-01T10:00:00+02:00","tags":"s"}
"#;

#[test]
fn values_json_text_and_lines() {
    let batches = read(&temp("a.jsonl", TEXT.as_bytes()), 2).unwrap();
    assert_eq!(batches.iter().map(line).collect::<Vec<_>>(), [Some(1), Some(3)]);
    let ids: Vec<_> = batches.iter().flat_map(|b| b.column(0).as_primitive::<Int64Type>().iter().collect::<Vec<_>>()).collect();
    assert_eq!(ids, [Some(1), Some(2), Some(3)]);
    let tags = batches[0].column(2).as_string::<i32>();
    assert_eq!(tags.value(0), r#"{"a":[1,2.5,"x\"y"],"b":null}"#);
    assert_eq!(tags.value(1), "[true,false]");
    assert_eq!(batches[1].column(2).as_string::<i32>().value(0), r#""s""#);
    assert_eq!(batches[0].column(3).as_string::<i32>().value(1), "7", "a scalar in a text column is its text");
    let at = batches[1].column(1).as_primitive::<TimestampMicrosecondType>();
    assert_eq!(at.value(0), 1_704_096_000_000_000);
    assert!(batches[0].column(1).is_null(1));
    assert_eq!(batches[0].schema_ref().field(2).metadata().len(), 0, "the mark stays inside the plugin");
    // A key the stream does not name comes after its columns, as JSON text.
    let names: Vec<&str> = batches[0].schema_ref().fields().iter().map(|f| f.name().as_str()).collect();
    assert_eq!(names, ["id", "at", "tags", "name", "extra"]);
    let extra = batches[0].column(4).as_string::<i32>();
    assert!(extra.is_null(0));
    assert_eq!(extra.value(1), "5");
}

#[test]
fn a_key_first_seen_past_the_sample_fails_the_read() {
    let mut text: String = (1..=schema::SAMPLE_ROWS).map(|i| format!("{{\"id\":{i}}}\n")).collect();
    text.push_str("{\"id\":0,\"late\":true}\n");
    let err = read(&temp("late.jsonl", text.as_bytes()), 100).unwrap_err();
    assert!(err.contains(&format!("line {}", schema::SAMPLE_ROWS + 1)) && err.contains("late"), "{err}");
}

#[test]
fn blank_lines_and_errors_by_line() {
    let text = "\n{\"id\":1}\n\n{\"id\":2}\n{\"id\":3}\n{\"id\":4}\n";
    let batches = read(&temp("blank.jsonl", text.as_bytes()), 2).unwrap();
    // The first batch spans a blank line: no line; the next starts at line 5.
    assert_eq!(batches.iter().map(line).collect::<Vec<_>>(), [None, Some(5)]);
    let bad = temp("bad.jsonl", b"{\"id\":1}\n\n{\"id\":2}\n{\"id\":\"x\"}\n{\"id\":4}\n");
    for batch_rows in [1, 2, 100] {
        let err = read(&bad, batch_rows).unwrap_err();
        assert!(err.contains("bad.jsonl line 4:") && err.contains("JSON_PARSE_ERROR"), "{batch_rows}: {err}");
    }
    let err = read(&temp("broken.jsonl", b"{\"id\":1}\n{\"id\":2,\n"), 10).unwrap_err();
    assert!(err.contains("line 2"), "{err}");
}

#[test]
fn compressed_and_empty_files() {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(TEXT.as_bytes()).unwrap();
    let gz = gz.finish().unwrap();
    let zst = ruzstd::encoding::compress_to_vec(TEXT.as_bytes(), ruzstd::encoding::CompressionLevel::Fastest);
    for (name, bytes) in [("a.jsonl.gz", gz), ("a.ndjson.zst", zst)] {
        let batches = read(&temp(name, &bytes), 10).unwrap();
        assert_eq!(batches.iter().map(|b| b.num_rows()).sum::<usize>(), 3, "{name}");
    }
    assert!(read(&temp("empty.jsonl", b""), 10).unwrap().is_empty());
    assert!(read(&temp("blank-only.jsonl", b"\n\n"), 10).unwrap().is_empty());
}

#[test]
fn inferred_columns() {
    let path = temp("infer.jsonl", TEXT.as_bytes());
    let config = Config::parse(&format!(r#"{{"files":["{path}"]}}"#)).unwrap();
    let cols = schema::infer(&path, &config).unwrap();
    let types: Vec<(&str, ColumnType)> = cols.iter().map(|c| (c.name.as_str(), c.ty.clone())).collect();
    assert!(types.contains(&("id", ColumnType::Integer)) && types.contains(&("tags", ColumnType::Json)), "{types:?}");
}

#[test]
fn nested_struct_and_list_natively() {
    let schema = r#"{"properties":{"id":{"type":"integer"},"p":{"type":"object","properties":{"n":{"type":"integer"},"q":{"type":"array","items":{"type":"integer"}}}}}}"#;
    let cols = crate::schema::from_json_schema(schema).unwrap();
    let path = temp("nested.jsonl", b"{\"id\":1,\"p\":{\"n\":5,\"q\":[1,null]}}\n{\"id\":2,\"p\":{}}\n{\"id\":3}\n{\"id\":4,\"p\":{\"n\":\"x\"}}\n");
    let config = Config::parse(&format!(r#"{{"files":["{path}"],"batch_rows":2}}"#)).unwrap();
    let mut reader = FileReader::open(&path, &config, &cols).unwrap();
    let first = reader.read_batch().unwrap().unwrap();
    let p = first.column(1).as_struct();
    assert_eq!(p.column(0).as_primitive::<Int64Type>().value(0), 5);
    assert_eq!(p.column(1).as_list::<i32>().value(0).as_primitive::<Int64Type>().iter().collect::<Vec<_>>(), [Some(1), None]);
    assert!(p.is_valid(1) && p.column(0).is_null(1) && p.column(1).is_null(1), "missing nested keys are null");
    let err = reader.read_batch().unwrap_err().to_string();
    assert!(err.contains("nested.jsonl line 4") && err.contains("'n'"), "{err}");
    // A nested key the contract does not name fails the read (arrow-json strict mode).
    let path = temp("nested-extra.jsonl", b"{\"id\":1,\"p\":{\"n\":5,\"zz\":1}}\n");
    let config = Config::parse(&format!(r#"{{"files":["{path}"],"batch_rows":2}}"#)).unwrap();
    let err = FileReader::open(&path, &config, &cols).unwrap().read_batch().unwrap_err().to_string();
    assert!(err.contains("line 1") && err.contains("zz"), "{err}");
}
