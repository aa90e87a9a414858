//! niemyet: administrative-procedure records → a public noticeboard.
//!
//! Data flows one way, each stage a module that uses only those before it:
//!
//! `model` (what a record may say) → `load` (files to typed records, located
//! diagnostics) → `validate` (rules on meaning, across files) → `identity` (each
//! record's code, names, address) → `lifecycle` (in force, upcoming, retired at the
//! build date) → `catalogue` (fields, forms, life events; built once) → `render`
//! (views worded by `wording`, one renderer per output kind) → `writer` (staging,
//! then the swap). `project` wires them for `check`, `build` and `serve` alike;
//! `permalink` says where every output lives; `cache` keeps what a rebuild need not
//! redo. `tests/layers.rs` fails on a cycle between them.
//!
//! The stages are private to the crate, so that any of them can change shape without
//! a caller noticing. What the `niemyet` binary, the tests and a program embedding
//! niemyet may use is below: [`model`] (the record format) and [`diagnostic`] (what a
//! check reports) whole, and the items re-exported here.

mod cache;
mod catalogue;
pub mod diagnostic;
mod diff;
mod identity;
pub mod import;
pub mod init;
mod lifecycle;
mod limits;
mod load;
pub mod model;
mod permalink;
mod project;
pub mod province;
mod render;
mod report;
mod serve;
mod spreadsheet;
mod text;
mod validate;
mod wording;
mod writer;

/// Check, build and preview a content folder (or the embedded sample).
pub use project::{
    checked, parse_config, parse_record, BuildReport, Checked, ParsedConfig, ParsedRecord, Project,
    Rendered, Source, Summary,
};

/// The catalogue a check makes when nothing is wrong.
pub use catalogue::{Catalogue, Entry, FormEntry};

/// `niemyet diff`: what a new build changes against an old one.
pub use diff::{diff, render_text as render_diff, Report as DiffReport};

/// Diagnostics for people (text with the offending line) and tools (JSON).
pub use report::{counts, render_json, render_one, render_text, summary};

/// `niemyet export` and `niemyet import sheet`: the list of records as a spreadsheet, and
/// its edited list-level columns written back into the record files.
pub use spreadsheet::{
    export as export_list, import as import_sheet, Exported, Imported, ListFormat,
};

/// `niemyet serve`, and its preview folder for tests that drive it without a server.
pub use serve::{preview::Preview, run as serve, ServeOptions};

/// Reading content the way `niemyet` does: a folder's files, one record file parsed
/// (through the record cache, or not).
pub mod read {
    pub use crate::load::{
        parse_record, parse_record_cached, read_dir, ContentFiles, LoadedRecord, RecordCache,
        SourceFile,
    };
}

/// The search contract the Rust indexer shares with the theme's `search.js`: one fold
/// (diacritics off, đ→d), one way to cut a query into terms, one shard key.
/// Print: each record's sheets as `check` reports them.
#[cfg(feature = "pdf")]
pub mod print {
    pub use crate::render::print::{sheets_text, PrintStats, RecordSheets};
}

pub mod search {
    pub use crate::render::search::shard_key;
    pub use crate::text::{code_key, fold, search_terms};
}
