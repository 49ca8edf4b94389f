//! The wit-bindgen bindings of the dativo:plugin contract (../../wit), generated in this
//! crate, not in the plugin.
//!
//! Two worlds, one module each. `pub_export_macro` makes each world's `export!` macro
//! usable from the plugin crate, and wit-bindgen then places the world's full type
//! description (imports and exports) in the plugin crate, where the macro expands; this
//! crate only carries the imports-only description. So a reader plugin's component
//! exports the reader interface only, though this crate knows both worlds.
//! The writer world reuses the reader world's imported interfaces (`with`), so
//! `types`, `log` and `secrets` exist once.
//!
//! Plugin authors never touch these: use the traits in `reader` / `writer`.

#[doc(hidden)]
pub mod reader {
    wit_bindgen::generate!({
        path: "../../wit",
        world: "reader-plugin",
        pub_export_macro: true,
        export_macro_name: "export",
        default_bindings_module: "dativo_plugin_sdk::bindings::reader",
    });
}

#[doc(hidden)]
pub mod writer {
    wit_bindgen::generate!({
        path: "../../wit",
        world: "writer-plugin",
        pub_export_macro: true,
        export_macro_name: "export",
        default_bindings_module: "dativo_plugin_sdk::bindings::writer",
        with: {
            "dativo:plugin/types@0.1.0": crate::bindings::reader::dativo::plugin::types,
            "dativo:plugin/log@0.1.0": crate::bindings::reader::dativo::plugin::log,
            "dativo:plugin/secrets@0.1.0": crate::bindings::reader::dativo::plugin::secrets,
        },
    });
}

/// The contract's generated types (shared by both worlds).
pub use reader::dativo::plugin::types as wit;
