//! The record model: what one procedure file and the site config may say.
//!
//! Field names are ASCII snake_case transliterations of the national portal's labels
//! ("Mã thủ tục" → `ma_thu_tuc`), so officers recognise them. Every struct denies unknown
//! keys: a misspelt key is an error with a suggestion, never silently ignored.
//! Shape only lives here; rules that span fields or files live in `validate`.

mod date;
pub mod form;
pub mod keys;
mod procedure;
mod site;

pub use date::Date;
pub use procedure::*;
pub use site::*;
