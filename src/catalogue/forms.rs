//! Forms as renderers need them: each definition with its URL slug, its attachments
//! (bytes and content hash) and the procedures that use it.

use crate::catalogue::Entry;
use crate::model::form::Form;
use crate::text::{code_key, slugify};
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct FormEntry {
    pub form: Form,
    /// `tp-ht-2020-tkks`: the folder under `bieu-mau/`.
    pub slug: String,
    pub source: PathBuf,
    pub attachments: Vec<Attachment>,
    /// Indices into `Catalogue::entries` of the procedures naming this form, by code.
    pub used_by: Vec<usize>,
}

impl FormEntry {
    /// Site-relative URL path, e.g. `bieu-mau/tp-ht-2020-tkks/`.
    pub fn url_path(&self) -> String {
        format!("bieu-mau/{}/", self.slug)
    }
}

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

/// Every valid form, sorted by code.
#[derive(Debug, Clone, Default)]
pub struct Forms {
    pub list: Vec<FormEntry>,
}

/// The folder name of a form id: `Mẫu số 1a` → `mau-so-1a`.
pub fn form_slug(id: &str) -> String {
    slugify(id, 80)
}

impl Forms {
    /// The form a procedure names; ids match ignoring case, spaces and diacritics.
    pub fn get(&self, id: &str) -> Option<&FormEntry> {
        let key = code_key(id);
        self.list.iter().find(|f| code_key(&f.form.ma_mau) == key)
    }

    /// Fill in `used_by` from the catalogue's documents.
    pub fn link(&mut self, entries: &[Entry]) {
        for f in &mut self.list {
            let key = code_key(&f.form.ma_mau);
            f.used_by = entries
                .iter()
                .enumerate()
                .filter(|(_, e)| {
                    e.procedure
                        .thanh_phan_ho_so
                        .iter()
                        .flat_map(|g| &g.giay_to)
                        .any(|d| d.bieu_mau.as_deref().is_some_and(|b| code_key(b) == key))
                })
                .map(|(i, _)| i)
                .collect();
        }
    }
}
