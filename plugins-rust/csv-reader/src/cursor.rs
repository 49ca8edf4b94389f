//! The cursor strategy (file-source's Cursor) on a column of this plugin's types.

use serde_json::Value;

pub use file_source::cursor::Cursor;
use file_source::cursor::{not_a_column, ColumnType as CursorType};

use crate::error::{Error, Result};
use crate::schema::{Column, ColumnType};

/// A cursor on the stream's column `field`; a boolean column cannot order rows.
pub fn new(field: &str, columns: &[Column], checkpoint: Option<&Value>) -> Result<Cursor> {
    let ty = columns.iter().find(|c| c.name == field).ok_or_else(|| not_a_column(field))?.ty;
    let ty = match ty {
        ColumnType::Integer => CursorType::Integer,
        // Extraction::open reads a cursor column as Int64 (the cursor compares i64 values).
        ColumnType::Int32 => return Err(Error::internal("CURSOR_TYPE", format!("cursor_field {field:?} read as Int32"))),
        ColumnType::Number => CursorType::Number,
        ColumnType::Timestamp => CursorType::Timestamp,
        ColumnType::Date => CursorType::Date,
        ColumnType::String => CursorType::String,
        ColumnType::Boolean => {
            return Err(Error::config("CURSOR_INVALID", format!("cursor_field {field:?} is boolean; it cannot order rows")))
        }
    };
    Cursor::new(field, ty, checkpoint)
}
