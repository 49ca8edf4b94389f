//! The checkpoint (file-source's checkpoint module) parsed for this plugin's config.

pub use file_source::checkpoint::Checkpoint;

use crate::config::Config;
use crate::error::Result;

pub fn parse(text: Option<&str>, config: &Config) -> Result<Checkpoint> {
    file_source::checkpoint::parse(text, config.strategy(), config.cursor_field())
}
