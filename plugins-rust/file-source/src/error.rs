//! The error type of file-source and the plugins using it, independent of the generated
//! WIT bindings: each plugin's lib.rs converts it into the contract's plugin-error.

use std::fmt;

/// The contract's error kinds the file plugins use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Config,
    Data,
    Internal,
}

#[derive(Debug, Clone)]
pub struct Error {
    pub kind: Kind,
    /// Stable, machine-readable: FILE_NOT_FOUND, CSV_PARSE_ERROR, JSON_PARSE_ERROR, ...
    pub code: &'static str,
    pub message: String,
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn config(code: &'static str, message: impl Into<String>) -> Self {
        Error { kind: Kind::Config, code, message: message.into() }
    }

    pub fn data(code: &'static str, message: impl Into<String>) -> Self {
        Error { kind: Kind::Data, code, message: message.into() }
    }

    pub fn internal(code: &'static str, message: impl Into<String>) -> Self {
        Error { kind: Kind::Internal, code, message: message.into() }
    }

    /// An I/O failure on `path` while reading (after check/open succeeded).
    pub fn io(path: &str, err: std::io::Error) -> Self {
        Error::internal("IO_ERROR", format!("reading {path}: {err}"))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {}", self.code, self.message)
    }
}
