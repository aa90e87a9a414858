//! How big any one input may be. Each limit is far above what a real record needs (the
//! longest portal record seen is ~60 KB, its longest text ~8,000 characters) and low
//! enough that a hostile or broken file is refused at its line in bounded time and
//! memory, instead of exhausting the machine. Documented in docs/record-format.md
//! ("Limits"); every one is reported as a located error.

/// Bytes of one content file (record, form, `site.yaml`). Checked before reading it.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// Characters of one text value (a name, a step, the complaints notice).
pub const MAX_TEXT_CHARS: usize = 20_000;

/// Items of one list (documents, fees, conditions, keywords…).
pub const MAX_LIST_ITEMS: usize = 1_000;

/// What a file may grow to once its aliases (`*ten`) are expanded, in bytes: an alias
/// repeats the whole text of its anchor, so 2,000 aliases of a 1 MB anchor are 2 GB.
pub const MAX_EXPANDED_BYTES: usize = 4 * 1024 * 1024;

/// Blank rows of one table on a printed form.
pub const MAX_FORM_ROWS: usize = 100;

/// Diagnostics shown for one file; the rest are counted in one last message, so that
/// 10,000 empty strings make one screen of errors, not 600 MB of them.
pub const MAX_DIAGNOSTICS_PER_FILE: usize = 100;

/// Characters of a source line shown under a diagnostic (around its column).
pub const SNIPPET_CHARS: usize = 120;
