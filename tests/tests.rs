//! niemyet's integration tests: one test binary (so the crate and typst link once), one
//! module per part of the tool, each driving the real `niemyet` binary on real content
//! trees (or the library where a test needs the catalogue itself).
//!
//! Helpers live in [`util`]: running the binary, content trees and the one record builder
//! ([`util::fixture`]), reading PDFs with poppler, and the policy for external tools
//! (skip loudly on a machine with only Rust; `.ci/run` makes them required).

// A test's helper that cannot go on should panic where it stands (Cargo.toml's
// `unwrap_used` is about officers' input, which tests write themselves).
#![allow(clippy::unwrap_used)]

mod util;

mod cache;
mod cli;
mod forms;
mod fuzz;
mod gaps;
mod import;
mod kill;
mod layers;
mod lifecycle;
mod malformed;
mod portal_labels;
#[cfg(feature = "pdf")]
mod print;
mod province;
mod records;
mod search_quality;
mod serve;
#[cfg(feature = "pdf")]
mod sheets;
mod site;
mod spreadsheet;
mod xss;
