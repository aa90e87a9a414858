//! Form definitions (`bieu-mau/*.yaml`): typed with the same located diagnostics as
//! records, keeping the text so later checks can point at a line.

use super::locate::Locator;
use super::{parse_yaml_file, SourceFile};
use crate::diagnostic::{Diagnostic, Diagnostics, Finding};
use crate::model::form::Form;
use std::path::PathBuf;
use std::sync::Arc;

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
