//! Columns kept as JSON text: an arrow-json DecoderFactory that writes any value of a
//! marked Utf8 field back as compact JSON (objects, arrays, and scalars alike; null is null).

use std::sync::Arc;

use arrow_array::builder::StringBuilder;
use arrow_array::ArrayRef;
use arrow_json::reader::{ArrayDecoder, DecoderContext, DecoderFactory, Tape, TapeElement};
use arrow_schema::{ArrowError, Field, FieldRef};

const KEY: &str = "dativo.json_text";

/// The field, marked for JsonTextFactory.
pub fn mark(field: Field) -> Field {
    field.with_metadata([(KEY.to_string(), "1".to_string())].into_iter().collect::<std::collections::HashMap<_, _>>())
}

#[derive(Debug)]
pub struct JsonTextFactory;

impl DecoderFactory for JsonTextFactory {
    fn make_default_decoder(
        &self,
        _ctx: &DecoderContext,
        field: &FieldRef,
        _is_nullable: bool,
    ) -> Result<Option<Box<dyn ArrayDecoder>>, ArrowError> {
        Ok(field.metadata().contains_key(KEY).then(|| Box::new(JsonTextDecoder) as Box<dyn ArrayDecoder>))
    }
}

struct JsonTextDecoder;

impl ArrayDecoder for JsonTextDecoder {
    fn decode(&mut self, tape: &Tape<'_>, pos: &[u32]) -> Result<ArrayRef, ArrowError> {
        let mut builder = StringBuilder::with_capacity(pos.len(), pos.len() * 16);
        let mut text = String::new();
        for &p in pos {
            if matches!(tape.get(p), TapeElement::Null) {
                builder.append_null();
                continue;
            }
            text.clear();
            write_value(tape, p, &mut text)?;
            builder.append_value(&text);
        }
        Ok(Arc::new(builder.finish()))
    }
}

/// Writes the value at `idx` as JSON; returns the index after it.
fn write_value(tape: &Tape<'_>, idx: u32, out: &mut String) -> Result<u32, ArrowError> {
    match tape.get(idx) {
        TapeElement::StartObject(end) => {
            out.push('{');
            let mut cur = idx + 1;
            while cur < end {
                if cur > idx + 1 {
                    out.push(',');
                }
                cur = write_value(tape, cur, out)?;
                out.push(':');
                cur = write_value(tape, cur, out)?;
            }
            out.push('}');
            Ok(end + 1)
        }
        TapeElement::StartList(end) => {
            out.push('[');
            let mut cur = idx + 1;
            while cur < end {
                if cur > idx + 1 {
                    out.push(',');
                }
                cur = write_value(tape, cur, out)?;
            }
            out.push(']');
            Ok(end + 1)
        }
        TapeElement::String(s) => {
            out.push_str(&serde_json::to_string(tape.get_string(s)).map_err(|e| ArrowError::JsonError(e.to_string()))?);
            Ok(idx + 1)
        }
        TapeElement::Number(s) => {
            out.push_str(tape.get_string(s));
            Ok(idx + 1)
        }
        TapeElement::True => {
            out.push_str("true");
            Ok(idx + 1)
        }
        TapeElement::False => {
            out.push_str("false");
            Ok(idx + 1)
        }
        TapeElement::Null => {
            out.push_str("null");
            Ok(idx + 1)
        }
        TapeElement::I64(high) => match tape.get(idx + 1) {
            TapeElement::I32(low) => {
                out.push_str(&((i64::from(high) << 32) | i64::from(low as u32)).to_string());
                Ok(idx + 2)
            }
            _ => Err(tape.error(idx, "a 64-bit integer")),
        },
        TapeElement::I32(v) => {
            out.push_str(&v.to_string());
            Ok(idx + 1)
        }
        TapeElement::F64(high) => match tape.get(idx + 1) {
            TapeElement::F32(low) => {
                out.push_str(&f64::from_bits((u64::from(high) << 32) | u64::from(low)).to_string());
                Ok(idx + 2)
            }
            _ => Err(tape.error(idx, "a 64-bit float")),
        },
        TapeElement::F32(v) => {
            out.push_str(&f32::from_bits(v).to_string());
            Ok(idx + 1)
        }
        TapeElement::EndObject(_) | TapeElement::EndList(_) => Err(tape.error(idx, "a value")),
        #[allow(unreachable_patterns)]
        _ => Err(tape.error(idx, "a JSON value")),
    }
}
