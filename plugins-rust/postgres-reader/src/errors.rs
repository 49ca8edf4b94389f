//! A server error (its SQLSTATE) as a plugin error of the contract's kinds: bad credentials
//! are `auth` (the host's PLUGIN_AUTH); a session ended by the server, a connection
//! failure or a serialization failure are `connection`, retryable (the host reopens the
//! extraction at its last checkpoint); a wrong name is `config`; the rest `data`.

use dativo_plugin_sdk::PluginError;

pub fn server_error(sqlstate: &str, message: &str) -> PluginError {
    let text = format!("server error {sqlstate}: {message}");
    let class = sqlstate.get(..2).unwrap_or("");
    let code = format!("PG_{sqlstate}");
    match (class, sqlstate) {
        ("28", _) => PluginError::auth(code, text),
        // admin_shutdown (pg_terminate_backend), crash_shutdown, cannot_connect_now.
        (_, "57P01" | "57P02" | "57P03") | ("08", _) | ("53", _) | ("40", _) => PluginError::connection(code, text),
        ("3D" | "3F" | "42", _) => PluginError::config(code, text),
        _ => PluginError::data(code, text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dativo_plugin_sdk::ErrorKind;

    #[test]
    fn sqlstates_map_to_kinds() {
        let kind = |s: &str| { let e = server_error(s, "m"); (e.kind, e.retryable) };
        assert_eq!(kind("28P01"), (ErrorKind::Auth, false));
        assert_eq!(kind("57P01"), (ErrorKind::Connection, true));
        assert_eq!(kind("08006"), (ErrorKind::Connection, true));
        assert_eq!(kind("42P01"), (ErrorKind::Config, false));
        assert_eq!(kind("22003"), (ErrorKind::Data, false));
        assert_eq!(server_error("28P01", "x").code, "PG_28P01");
    }
}
