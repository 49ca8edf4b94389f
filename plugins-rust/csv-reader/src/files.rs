//! Which files a config names (file-source's files module) and a stream's name.

pub use file_source::files::{check_readable, resolve};

/// The file name without its extension: /data/orders.csv -> orders.
pub fn stem(path: &str) -> String {
    file_source::files::stem(path, "csv")
}
