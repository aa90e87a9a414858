//! Form definitions (`bieu-mau/*.yaml`): typed with the same located diagnostics as
//! records, keeping the text so later checks can point at a line.

use super::locate::Locator;
use super::{parse_yaml_file, SourceFile};
use crate::diagnostic::{Diagnostic, Diagnostics, Finding};
use crate::model::form::Form;
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use std::sync::Arc;

/// An official file shipped next to a definition ("bản gốc").
#[derive(Debug, Clone)]
pub struct Attachment {
    /// File name as the officer wrote it (spaces and diacritics kept).
    pub name: String,
    pub bytes: Arc<[u8]>,
    /// First 8 hex digits of the SHA-256 of the bytes, for `?v=` cache busting.
    pub hash8: String,
}

impl Attachment {
    pub fn new(name: String, bytes: Arc<[u8]>) -> Self {
        let digest = Sha256::digest(&bytes);
        let hash8 = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
        Attachment { name, bytes, hash8 }
    }
}

/// A form definition that passed every check, with its attachments read: what the
/// catalogue lists.
#[derive(Debug, Clone)]
pub struct CheckedForm {
    pub form: Form,
    /// `tp-ht-2020-tkks`: the folder under `bieu-mau/` ([`form_slug`]).
    pub slug: String,
    pub source: PathBuf,
    pub attachments: Vec<Attachment>,
}

/// The folder name of a form id: `Mẫu số 1a` → `mau-so-1a`.
pub fn form_slug(id: &str) -> String {
    crate::text::slugify(id, 80)
}

#[derive(Debug, Clone)]
pub struct LoadedForm {
    pub path: PathBuf,
    pub text: Arc<str>,
    pub form: Form,
}

impl LoadedForm {
    /// Locate findings (path-only) in this file's text.
    pub fn locate(&self, findings: Vec<Finding>) -> Vec<Diagnostic> {
        if findings.is_empty() {
            return Vec::new();
        }
        Locator::new(&self.text, 0).diagnostics(&self.path, &self.text, findings)
    }
}

/// Parse one form file; `None` when its shape is wrong (the diagnostics say where).
pub fn parse_form(file: &SourceFile) -> (Option<LoadedForm>, Diagnostics) {
    let (form, diags) = parse_yaml_file::<Form>(file);
    let form = form.map(|form| LoadedForm {
        path: file.path.clone(),
        text: Arc::from(file.text.as_str()),
        form,
    });
    (form, diags)
}
