//! The PDFs niemyet writes, read back as a printer's tools see them: poppler's `pdfinfo`,
//! `pdffonts`, `pdftotext` (and `pdftoppm` with zbar's `zbarimg` for QR codes).

use std::path::Path;
use std::process::{Command, Output};

/// Run a tool; a missing one fails with how to install it.
pub fn tool(name: &str, args: &[&str]) -> Output {
    Command::new(name).args(args).output().unwrap_or_else(|e| {
        panic!(
            "cannot run `{name}` ({e}): install poppler-utils (pdfinfo, pdffonts, pdftotext, \
             pdftoppm) and zbar-tools (zbarimg), e.g. `apt-get install poppler-utils zbar-tools`; \
             .ci/run installs them"
        )
    })
}

/// Run a tool that must succeed; its standard output.
pub fn tool_ok(name: &str, args: &[&str]) -> String {
    let o = tool(name, args);
    assert!(
        o.status.success(),
        "{name} {args:?} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn path_str(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// What `pdfinfo` says of a file.
pub struct Info {
    pub pages: usize,
    /// Width and height of the first page in points.
    pub size: (f64, f64),
    /// As printed: "595.276 x 841.89 pts (A4)".
    pub size_text: String,
}

pub fn info(path: &Path) -> Info {
    let out = tool_ok("pdfinfo", &[path_str(path)]);
    let field = |name: &str| {
        out.lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.trim().to_owned())
            .unwrap_or_else(|| panic!("{}: no {name} in pdfinfo:\n{out}", path.display()))
    };
    let pages: usize = field("Pages:").parse().expect("page count");
    let size_text = field("Page size:");
    let nums: Vec<f64> = size_text
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    assert!(nums.len() >= 2, "{}: page size {size_text}", path.display());
    Info {
        pages,
        size: (nums[0], nums[1]),
        size_text,
    }
}

/// Every font `pdffonts` lists is embedded, and there is at least one; returns the rows.
pub fn assert_fonts_embedded(path: &Path) -> Vec<String> {
    let out = tool_ok("pdffonts", &[path_str(path)]);
    let rows: Vec<String> = out
        .lines()
        .skip(2)
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect();
    assert!(!rows.is_empty(), "{}: no fonts?\n{out}", path.display());
    for row in &rows {
        // name type [type…] encoding emb sub uni object ID: emb is 5th from the end.
        let cols: Vec<&str> = row.split_whitespace().collect();
        let emb = cols.get(cols.len().saturating_sub(5)).copied();
        assert_eq!(
            emb,
            Some("yes"),
            "{}: font not embedded: {row}",
            path.display()
        );
    }
    rows
}

/// The text of a PDF as `pdftotext -layout` reads it; `None` (after a loud skip notice)
/// when poppler is not installed and not required.
pub fn text_of(path: &Path) -> Option<String> {
    if !super::tools::have("pdftotext") {
        return None;
    }
    Some(tool_ok("pdftotext", &["-layout", path_str(path), "-"]))
}

/// Which pages [`qr_codes`] renders.
#[derive(Clone, Copy)]
pub enum Pages {
    All,
    First,
}

/// The QR codes zbar reads from `path` rendered at `dpi` (the codes of all pages, or of
/// page 1). Renders go to `scratch` and are removed.
pub fn qr_codes(path: &Path, dpi: u32, pages: Pages, scratch: &Path) -> Vec<String> {
    let prefix = scratch.join(format!(
        "qr{dpi}-{}",
        path.to_string_lossy().replace(['/', '\\', '.'], "_")
    ));
    let dpi = dpi.to_string();
    let mut args = vec!["-r", dpi.as_str(), "-png"];
    if let Pages::First = pages {
        args.extend(["-f", "1", "-l", "1"]);
    }
    args.extend([path_str(path), path_str(&prefix)]);
    tool_ok("pdftoppm", &args);
    let mut codes = Vec::new();
    for png in super::files_with_ext(scratch, &["png"]) {
        if !png
            .to_string_lossy()
            .starts_with(&*prefix.to_string_lossy())
        {
            continue;
        }
        // zbarimg exits 4 when a page has no code: not an error here.
        let o = tool("zbarimg", &["--quiet", "--raw", path_str(&png)]);
        codes.extend(
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .filter(|l| !l.is_empty())
                .map(str::to_owned),
        );
        let _ = std::fs::remove_file(&png);
    }
    codes
}
