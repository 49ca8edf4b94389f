//! The config's CSV options through a FileReader: values, the line of each batch's first
//! row (or none where the rows are not consecutive lines), the line of an error.

use std::io::Write;

use arrow_array::cast::AsArray;
use arrow_array::types::Int64Type;

use super::*;

fn temp(name: &str, bytes: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("csv-reader-options-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_str().unwrap().to_string()
}

fn columns() -> Vec<Column> {
    vec![
        Column { name: "id".into(), ty: ColumnType::Integer, nullable: false },
        Column { name: "name".into(), ty: ColumnType::String, nullable: true },
    ]
}

/// (ids, names, first line of each batch) of the whole file, or the error.
type ReadOut = (Vec<Option<i64>>, Vec<Option<String>>, Vec<Option<usize>>);

fn read(path: &str, extra: &str, batch_rows: usize) -> std::result::Result<ReadOut, String> {
    read_with(path, extra, batch_rows, READ_BUFFER)
}

fn read_with(path: &str, extra: &str, batch_rows: usize, buffer: usize) -> std::result::Result<ReadOut, String> {
    let config = Config::parse(&format!(r#"{{"files":["{path}"],"batch_rows":{batch_rows}{extra}}}"#)).unwrap();
    let options = ReadOptions { fast: true, buffer };
    let mut reader = FileReader::open_with(path, &config, &columns(), options).map_err(|e| e.to_string())?;
    let (mut ids, mut names, mut lines) = (vec![], vec![], vec![]);
    while let Some((batch, _)) = reader.next_with_last().map_err(|e| e.to_string())? {
        ids.extend(batch.column(0).as_primitive::<Int64Type>().iter());
        names.extend(batch.column(1).as_string::<i32>().iter().map(|s| s.map(str::to_string)));
        lines.push(batch.schema_ref().metadata().get(ipc::SOURCE_LINE_KEY).map(|l| l.parse().unwrap()));
    }
    Ok((ids, names, lines))
}

fn some(xs: &[&str]) -> Vec<Option<String>> {
    xs.iter().map(|s| Some(s.to_string())).collect()
}

#[test]
fn null_values() {
    let path = temp("nulls.csv", b"id,name\n1,NA\n2,\n3,x\n");
    let (ids, names, _) = read(&path, r#","null_values":["NA",""]"#, 10).unwrap();
    assert_eq!(ids, [Some(1), Some(2), Some(3)]);
    assert_eq!(names, [None, None, Some("x".into())]);
    // Without "" listed, an empty value is text.
    assert_eq!(read(&path, r#","null_values":["NA"]"#, 10).unwrap().1, [None, Some(String::new()), Some("x".into())]);
    let ints = temp("null-ints.csv", b"id,name\n1,a\nNA,b\n");
    let err = read(&ints, "", 10).unwrap_err();
    assert!(err.contains("line 3, column \"id\": cannot parse"), "{err}");
    let err = read(&ints, r#","null_values":["NA"]"#, 10).unwrap_err();
    assert!(err.contains("line 3, column \"id\": null value in a required column"), "{err}");
}

#[test]
fn quote_and_escape() {
    let path = temp("quote.csv", b"id,name\n1,'a,b'\n2,'it''s'\n");
    assert_eq!(read(&path, r#","quote":"'""#, 10).unwrap().1, some(&["a,b", "it's"]));
    let path = temp("escape.csv", b"id,name\n1,\"say \\\"hi\\\"\"\n2,\"x\"\"y\"\n");
    assert_eq!(read(&path, r#","escape":"\\""#, 10).unwrap().1, some(&["say \"hi\"", "x\"y"]));
}

#[test]
fn skip_rows_comments_and_lines() {
    let path = temp("skip.csv", b"exported by x\n\nid,name\n1,a\n2,b\n3,c\n");
    let (ids, _, lines) = read(&path, r#","skip_rows":2"#, 2).unwrap();
    assert_eq!(ids, [Some(1), Some(2), Some(3)]);
    assert_eq!(lines, [Some(4), Some(6)]);
    let err = read(&temp("skip-bad.csv", b"x\nid,name\n1,a\nz,b\n"), r#","skip_rows":1"#, 10).unwrap_err();
    assert!(err.contains("line 4, column \"id\""), "{err}");

    let path = temp("comment.csv", b"# head\nid,name\n1,a\n# mid\n2,b\n3,c\n4,d\n");
    let (ids, _, lines) = read(&path, r##","comment":"#""##, 2).unwrap();
    assert_eq!(ids, [Some(1), Some(2), Some(3), Some(4)]);
    // The first batch spans the comment line: no line; the next starts at line 6.
    assert_eq!(lines, [None, Some(6)]);
    let err = read(&temp("comment-bad.csv", b"# a\n# b\nid,name\n1,a\n#c\n2,b\nq,r\n"), r##","comment":"#""##, 10).unwrap_err();
    assert!(err.contains("line 7, column \"id\""), "{err}");
}

/// Comments and empty lines before a batch that span reads: the same lines and errors.
#[test]
fn lines_whatever_the_reads() {
    let comment = r##","comment":"#""##;
    let text = b"# one\n# two\nid,name\n1,a\n\n# long comment line\n\r\n2,b\n3,c\n# x\n4,d\n";
    let path = temp("reads.csv", text);
    let bad = temp("reads-bad.csv", &[&text[..], b"\n# y\nq,r\n"].concat());
    let want = read(&path, comment, 1).unwrap();
    assert_eq!(want.2, [Some(4), Some(8), Some(9), Some(11)]);
    for buffer in [1, 2, 3, 5, 8, 13, 64] {
        assert_eq!(read_with(&path, comment, 1, buffer).unwrap(), want, "buffer {buffer}");
        let err = read_with(&bad, comment, 2, buffer).unwrap_err();
        assert!(err.contains("line 14, column \"id\""), "buffer {buffer}: {err}");
    }
}

#[test]
fn embedded_newlines_and_crlf() {
    let path = temp("multi.csv", b"id,name\r\n1,\"a\r\nb\"\r\n2,c\r\n3,d\r\n4,e\r\n");
    let (ids, names, lines) = read(&path, "", 2).unwrap();
    assert_eq!(ids, [Some(1), Some(2), Some(3), Some(4)]);
    assert_eq!(names, some(&["a\r\nb", "c", "d", "e"]));
    assert_eq!(lines, [None, Some(5)]);
    // An error after a value spanning lines: the file's line, whichever path read it.
    let bad = temp("multi-bad.csv", b"id,name\n1,\"a\nb\nc\"\n2,d\nx,e\n");
    for batch_rows in [1, 2, 10] {
        let err = read(&bad, "", batch_rows).unwrap_err();
        assert!(err.contains("line 6, column \"id\""), "{batch_rows}: {err}");
    }
    let err = read(&temp("multi-null.csv", b"id,name\n1,\"a\nb\"\n,c\n"), "", 10).unwrap_err();
    assert!(err.contains("line 4, column \"id\": empty value"), "{err}");
}

#[test]
fn bom_encoding_and_empty_files() {
    let path = temp("bom.csv", b"\xEF\xBB\xBFid,name\n1,a\n");
    assert_eq!(read(&path, "", 10).unwrap().0, [Some(1)]);
    let path = temp("bom-no-header.csv", b"\xEF\xBB\xBF1,a\n");
    assert_eq!(read(&path, r#","has_header":false"#, 10).unwrap().0, [Some(1)]);
    // A text first column without a header: the fast path must not see the BOM either.
    let path = temp("bom-text.csv", b"\xEF\xBB\xBFa\nb\n");
    let config = Config::parse(&format!(r#"{{"files":["{path}"],"has_header":false}}"#)).unwrap();
    let text = vec![Column { name: "t".into(), ty: ColumnType::String, nullable: true }];
    let (batch, _) = FileReader::open(&path, &config, &text).unwrap().next_with_last().unwrap().unwrap();
    assert_eq!(batch.column(0).as_string::<i32>().value(0), "a");
    let path = temp("latin1.csv", b"id,name\n1,M\xFCller\n2,Caf\xE9\n");
    assert_eq!(read(&path, r#","encoding":"latin1""#, 10).unwrap().1, some(&["Müller", "Café"]));
    assert!(read(&path, "", 10).is_err(), "latin1 bytes are not UTF-8");
    for (name, bytes) in [("empty.csv", &b""[..]), ("bom-only.csv", b"\xEF\xBB\xBF")] {
        let path = temp(name, bytes);
        assert_eq!(read(&path, "", 10).unwrap(), (vec![], vec![], vec![]));
        assert_eq!(read(&path, r#","has_header":false"#, 10).unwrap(), (vec![], vec![], vec![]));
        let config = Config::parse(&format!(r#"{{"files":["{path}"]}}"#)).unwrap();
        let reader = FileReader::open(&path, &config, &columns()).unwrap();
        assert_eq!(reader.schema.fields().len(), 2, "an empty file has the stream's columns");
    }
}

#[test]
fn compressed_files() {
    let text = b"id,name\n1,a\n2,\"b\nc\"\n3,d\n".repeat(1);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&text).unwrap();
    let gz = gz.finish().unwrap();
    let zst = ruzstd::encoding::compress_to_vec(&text[..], ruzstd::encoding::CompressionLevel::Fastest);
    for (name, bytes, extra) in [
        ("a.csv.gz", &gz, ""),
        ("a.csv.zst", &zst, ""),
        ("gz-named.csv", &gz, r#","compression":"gzip""#),
        ("zst-named.csv", &zst, r#","compression":"zstd""#),
    ] {
        let path = temp(name, bytes);
        let (ids, names, _) = read(&path, extra, 2).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(ids, [Some(1), Some(2), Some(3)], "{name}");
        assert_eq!(names, some(&["a", "b\nc", "d"]), "{name}");
    }
    let err = read(&temp("plain.csv.gz", &text), "", 2).unwrap_err();
    assert!(err.contains("IO_ERROR") || err.contains("CSV_PARSE_ERROR"), "{err}");
}
