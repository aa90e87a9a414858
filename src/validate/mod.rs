//! Validate: every rule about what a record *means*, reported all at once.
//!
//! `record` holds the rules one file can break on its own (mandatory parts of Nghị định
//! 63/2010 Điều 8.2, codes, amounts, dates, empty text); `cross` those that need the
//! whole catalogue (duplicate codes, related codes that do not exist); `site` the link
//! templates of `site.yaml`. Shape errors (types, unknown keys, YAML syntax) are found
//! earlier, by `load`; rules about versions and effective dates live in `lifecycle`.

mod blank;
mod cross;
mod forms;
mod record;
mod site;

pub use cross::check_catalogue;
pub use forms::{check_form, check_forms, is_vn_date};
pub use record::{check_code, check_record};
pub use site::{check_feedback, check_life_events, check_lists, check_portal};
