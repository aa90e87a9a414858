//! External tools some tests read outputs with (poppler, zbar, node). `cargo test` on a
//! machine with only Rust still passes: a test that needs a missing tool says loudly that
//! it skipped. `.ci/run` installs them and sets `NIEMYET_REQUIRE_TOOLS=1`, which turns a
//! missing tool into a failure, so nothing is skipped where it counts.

use std::process::{Command, Stdio};
use std::sync::Mutex;

/// Every tool a test may need, and the Debian package that has it.
pub const PACKAGES: &[(&str, &str)] = &[
    ("pdfinfo", "poppler-utils"),
    ("pdffonts", "poppler-utils"),
    ("pdftotext", "poppler-utils"),
    ("pdftoppm", "poppler-utils"),
    ("zbarimg", "zbar-tools"),
    ("node", "nodejs"),
];

static WARNED: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Whether `name` runs here. When it does not: panics if `NIEMYET_REQUIRE_TOOLS` is set,
/// else prints a skip notice (once per tool and test binary) and returns false.
pub fn have(name: &str) -> bool {
    let runs = Command::new(name)
        .arg("-v")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if runs {
        return true;
    }
    let package = PACKAGES
        .iter()
        .find(|(t, _)| *t == name)
        .map_or(name, |(_, p)| p);
    if std::env::var_os("NIEMYET_REQUIRE_TOOLS").is_some() {
        panic!("`{name}` is required (NIEMYET_REQUIRE_TOOLS is set): apt-get install {package}");
    }
    let mut warned = WARNED.lock().unwrap_or_else(|p| p.into_inner());
    if !warned.iter().any(|w| w == name) {
        warned.push(name.to_owned());
        // Straight to the terminal: the test harness hides what a passing test prints.
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr(),
            "\n*** SKIPPED: `{name}` is not installed, so checks that read outputs with it did \
             not run. Install it (apt-get install {package}) or run .ci/run, which does. ***"
        );
    }
    false
}

/// [`have`] for every tool in `names` (each missing one is reported).
pub fn have_all(names: &[&str]) -> bool {
    names.iter().filter(|n| !have(n)).count() == 0
}

/// The tools that read PDFs and their QR codes.
pub const PDF_TOOLS: &[&str] = &["pdfinfo", "pdffonts", "pdftotext", "pdftoppm", "zbarimg"];
