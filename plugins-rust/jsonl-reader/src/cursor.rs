//! The cursor strategy (file-source's Cursor) on a column of this plugin's types.

use serde_json::Value;

pub use file_source::cursor::Cursor;
use file_source::cursor::{not_a_column, ColumnType as CursorType};

use crate::error::{Error, Result};
use crate::schema::{Column, ColumnType};

/// A cursor on the stream's column `field`; boolean and JSON columns cannot order rows.
pub fn new(field: &str, columns: &[Column], checkpoint: Option<&Value>) -> Result<Cursor> {
    let ty = columns.iter().find(|c| c.name == field).ok_or_else(|| not_a_column(field))?.ty.clone();
    let ty = match ty {
        ColumnType::Integer => CursorType::Integer,
        ColumnType::Number => CursorType::Number,
        ColumnType::Timestamp => CursorType::Timestamp,
        ColumnType::Date => CursorType::Date,
        ColumnType::String => CursorType::String,
        ColumnType::Boolean | ColumnType::Json | ColumnType::Nested(_) => {
            return Err(Error::config("CURSOR_INVALID", format!("cursor_field {field:?} is {ty:?}; it cannot order rows")))
        }
    };
    Cursor::new(field, ty, checkpoint)
}
