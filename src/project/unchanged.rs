//! A build with nothing to do. When every input file (the content folder, the site's
//! themes and templates) is as the build that made the output folder found it, and the
//! build date, the features and this niemyet are the same, the folder already holds
//! this build: `niemyet build` says so, repeats that build's warnings and writes nothing.
//!
//! Inputs are compared by what the file system says of each file (path, size, inode,
//! change and modification times), not by reading them, which is what makes the check
//! cheap at 10,000 records. The change time cannot be set back by a tool, so a file put
//! back as it was still counts as changed. Clocks are coarse (a tick of milliseconds on
//! Linux, two seconds on FAT): a fingerprint taken within [`SETTLE`] of a file's last
//! change could miss a second change in the same tick, so it is not taken, and that build
//! runs in full. The output folder itself must be intact: every file its page memo
//! describes keeps the length and time its build left (see `cache::pages`).

use super::{BuildReport, Summary};
use crate::cache::{Digest32, Key};
use crate::diagnostic::{Diagnostic, Diagnostics, FieldPath, Seg, Severity};
use crate::model::Date;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How long after a file's last change its times are trusted.
const SETTLE: Duration = Duration::from_secs(3);

/// The digest of a build's inputs, without reading them; `None` when some input changed
/// too recently to be trusted (or cannot be described).
pub fn fingerprint(
    content: Option<&Path>,
    site_root: Option<&Path>,
    as_of: Date,
) -> Option<Digest32> {
    let mut k = Key::new();
    k.part(&crate::cache::stamp()?)
        .part(as_of.to_string().as_bytes())
        .part(&[cfg!(feature = "pdf") as u8]);
    let Some(content) = content else {
        // The embedded sample and theme are part of the executable, which the stamp names.
        return Some(k.digest());
    };
    let now = SystemTime::now();
    let mut newest = UNIX_EPOCH;
    let mut folders = vec![("content", content.to_path_buf())];
    if let Some(root) = site_root {
        folders.push(("themes", root.join("themes")));
        folders.push(("templates", root.join("templates")));
    }
    for (name, dir) in folders {
        k.part(name.as_bytes());
        if !dir.exists() {
            continue;
        }
        for entry in walkdir::WalkDir::new(&dir)
            .follow_links(true)
            .sort_by_file_name()
        {
            let entry = entry.ok()?;
            if !entry.file_type().is_file() {
                continue;
            }
            let meta = entry.metadata().ok()?;
            let rel = entry.path().strip_prefix(&dir).ok()?;
            k.part(rel.to_string_lossy().as_bytes());
            let (times, latest) = file_times(&meta)?;
            k.part(&meta.len().to_le_bytes()).part(&times);
            newest = newest.max(latest);
        }
    }
    let settled = newest
        .checked_add(SETTLE)
        .is_some_and(|trusted_from| trusted_from <= now);
    settled.then(|| k.digest())
}

/// Inode, change and modification times as bytes, and the later of the two times.
fn file_times(meta: &std::fs::Metadata) -> Option<([u8; 40], SystemTime)> {
    let mut out = [0u8; 40];
    #[cfg(unix)]
    let (ino, changed) = {
        use std::os::unix::fs::MetadataExt;
        let changed = UNIX_EPOCH.checked_add(Duration::new(
            u64::try_from(meta.ctime()).ok()?,
            u32::try_from(meta.ctime_nsec()).ok()?,
        ))?;
        (meta.ino(), changed)
    };
    // Elsewhere the modification time alone; creation time where there is one.
    #[cfg(not(unix))]
    let (ino, changed) = (0u64, meta.created().unwrap_or(UNIX_EPOCH));
    let modified = meta.modified().ok()?;
    let nanos = |t: SystemTime| t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    out[..8].copy_from_slice(&ino.to_le_bytes());
    out[8..24].copy_from_slice(&nanos(changed).to_le_bytes());
    out[24..].copy_from_slice(&nanos(modified).to_le_bytes());
    Some((out, changed.max(modified)))
}

/// What a build keeps of its report for a build with nothing to do.
#[derive(Serialize, Deserialize)]
struct Kept {
    procedures: usize,
    fields: usize,
    pages: usize,
    files: usize,
    bytes: usize,
    diagnostics: Vec<KeptDiagnostic>,
}

/// A diagnostic with the one line of its file the report shows, not the whole file.
#[derive(Serialize, Deserialize)]
struct KeptDiagnostic {
    severity: Severity,
    file: PathBuf,
    line: usize,
    column: usize,
    field: Vec<Seg>,
    message: String,
    fix: Option<String>,
    shown: Option<String>,
}

/// The report of a finished build, as bytes for its page memo.
pub fn keep(summary: &Summary, diagnostics: &Diagnostics) -> Vec<u8> {
    let kept = Kept {
        procedures: summary.procedures,
        fields: summary.fields,
        pages: summary.pages,
        files: summary.files,
        bytes: summary.bytes,
        diagnostics: diagnostics
            .0
            .iter()
            .map(|d| KeptDiagnostic {
                severity: d.severity,
                file: d.file.clone(),
                line: d.line,
                column: d.column,
                field: d.field.0.clone(),
                message: d.message.clone(),
                fix: d.fix.clone(),
                shown: d
                    .source
                    .as_deref()
                    .and_then(|src| src.lines().nth(d.line.saturating_sub(1)))
                    .map(str::to_owned),
            })
            .collect(),
    };
    serde_json::to_vec(&kept).unwrap_or_default()
}

/// The report of the build that made the folder, said again; `None` if it cannot be read.
pub fn recall(kept: &[u8], elapsed: Duration) -> Option<BuildReport> {
    let kept: Kept = serde_json::from_slice(kept).ok()?;
    let diagnostics = Diagnostics(
        kept.diagnostics
            .into_iter()
            .map(|d| Diagnostic {
                severity: d.severity,
                // The report shows line `line` of `source`: the kept line, in its place.
                source: d.shown.map(|line| {
                    Arc::from(format!("{}{line}", "\n".repeat(d.line.saturating_sub(1))))
                }),
                file: d.file,
                line: d.line,
                column: d.column,
                field: FieldPath(d.field),
                message: d.message,
                fix: d.fix,
            })
            .collect(),
    );
    let summary = Summary {
        procedures: kept.procedures,
        fields: kept.fields,
        pages: kept.pages,
        files: kept.files,
        bytes: kept.bytes,
        warnings: diagnostics.warnings(),
        unchanged: true,
        cached_records: 0,
        reused_pages: kept.files,
        reused_pieces: 0,
        elapsed,
        stages: vec![("so dấu tệp", elapsed)],
    };
    Some(BuildReport {
        diagnostics,
        summary: Some(summary),
    })
}
