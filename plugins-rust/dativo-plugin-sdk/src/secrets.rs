//! Secrets the manifest declares (`capabilities.secrets`), resolved by the host from the
//! job's secret manager. Every read is audited by the host; values are never logged.

use crate::bindings::reader::dativo::plugin::secrets as wit_secrets;
use crate::Result;

/// The value of a declared secret. An undeclared name fails with kind `auth`, code
/// `CAPABILITY_DENIED`; a declared but unset one with kind `auth` too.
pub fn get(name: &str) -> Result<String> {
    wit_secrets::get(name).map_err(Into::into)
}
