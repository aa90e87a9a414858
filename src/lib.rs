//! niemyet: administrative-procedure records → a public noticeboard.
//!
//! Data flows one way: [`load`] reads `content/` into typed records, [`validate`] finds
//! every problem at once, [`catalogue`] derives what pages need, [`render`] writes each
//! output kind, and [`writer`] swaps the finished folder in. [`build`] wires them up;
//! [`cache`] keeps what a rebuild of unchanged content need not redo.

pub mod build;
pub mod cache;
pub mod catalogue;
pub mod diagnostic;
pub mod diff;
pub mod identity;
pub mod incremental;
pub mod lifecycle;
pub mod load;
pub mod model;
pub mod permalink;
pub mod render;
pub mod report;
pub mod serve;
pub mod text;
pub mod validate;
pub mod wording;
pub mod writer;
