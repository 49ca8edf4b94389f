//! Logging into the host's log (the contract's `log` import). The host adds the plugin's
//! name, the job and the stream to every line. Never log secrets.

use crate::bindings::reader::dativo::plugin::log as wit_log;

pub use wit_log::Level;

/// One log line with structured fields.
pub fn log(level: Level, message: &str, fields: &[(&str, &str)]) {
    let fields: Vec<(String, String)> = fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    wit_log::log(level, message, &fields);
}

pub fn trace(message: &str) {
    log(Level::Trace, message, &[]);
}
pub fn debug(message: &str) {
    log(Level::Debug, message, &[]);
}
pub fn info(message: &str) {
    log(Level::Info, message, &[]);
}
pub fn warn(message: &str) {
    log(Level::Warn, message, &[]);
}
pub fn error(message: &str) {
    log(Level::Error, message, &[]);
}
