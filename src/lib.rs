//! niemyet: administrative-procedure records → a public noticeboard.
//!
//! Data flows one way, each stage a module that uses only those before it:
//!
//! [`model`] (what a record may say) → [`load`] (files to typed records, located
//! diagnostics) → [`validate`] (rules on meaning, across files) → [`identity`] (each
//! record's code, names, address) → [`lifecycle`] (in force, upcoming, retired at the
//! build date) → [`catalogue`] (fields, forms, life events; built once) → [`render`]
//! (views worded by [`wording`], one renderer per output kind) → [`writer`] (staging,
//! then the swap). [`project`] wires them for `check`, `build` and `serve` alike;
//! [`permalink`] says where every output lives; [`cache`] keeps what a rebuild need not
//! redo. `tests/layers.rs` fails on a cycle between them.

pub mod cache;
pub mod catalogue;
pub mod diagnostic;
pub mod diff;
pub mod identity;
pub mod lifecycle;
pub mod load;
pub mod model;
pub mod permalink;
pub mod project;
pub mod render;
pub mod report;
pub mod serve;
pub mod text;
pub mod validate;
pub mod wording;
pub mod writer;
