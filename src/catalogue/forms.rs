//! Forms as renderers need them: each definition with its URL slug, its attachments
//! (bytes and content hash) and the procedures that use it.

use crate::catalogue::Entry;
pub use crate::load::Attachment;
use crate::load::CheckedForm;
use crate::model::form::Form;
use std::collections::HashMap;
use std::path::PathBuf;

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
        crate::permalink::form(&self.slug)
    }
}

/// Every valid form, sorted by code.
#[derive(Debug, Clone, Default)]
pub struct Forms {
    pub list: Vec<FormEntry>,
    /// Each code, exactly as written → index in `list`.
    by_code: HashMap<String, usize>,
}

impl Forms {
    /// `checked` must hold distinct codes (validation reports duplicates).
    pub fn new(checked: Vec<CheckedForm>) -> Self {
        let mut list: Vec<FormEntry> = checked
            .into_iter()
            .map(|c| FormEntry {
                form: c.form,
                slug: c.slug,
                source: c.source,
                attachments: c.attachments,
                used_by: Vec::new(),
            })
            .collect();
        list.sort_by(|a, b| a.form.ma_mau.cmp(&b.form.ma_mau));
        let by_code = list
            .iter()
            .enumerate()
            .map(|(i, f)| (f.form.ma_mau.trim().to_owned(), i))
            .collect();
        Forms { list, by_code }
    }

    /// The form a procedure names: codes match exactly (text is NFC from loading; spaces
    /// around are trimmed). "Mẫu số 1đ" and "Mẫu số 1d" are different forms, and a
    /// near miss is an error in `check`, never a silent link to another form.
    pub fn get(&self, id: &str) -> Option<&FormEntry> {
        self.by_code.get(id.trim()).map(|&i| &self.list[i])
    }

    /// Fill in `used_by` from the catalogue's documents: one pass over the entries, so a
    /// province-sized catalogue does not pay forms × documents.
    pub fn link(&mut self, entries: &[Entry]) {
        for f in &mut self.list {
            f.used_by.clear();
        }
        for (i, e) in entries.iter().enumerate() {
            let docs = e.procedure.thanh_phan_ho_so.iter().flat_map(|g| &g.giay_to);
            for id in docs.filter_map(|d| d.form_here()) {
                if let Some(&f) = self.by_code.get(id.trim()) {
                    // A procedure naming the form twice is listed once.
                    if self.list[f].used_by.last() != Some(&i) {
                        self.list[f].used_by.push(i);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::form_slug;

    fn entry(code: &str) -> CheckedForm {
        let form: Form =
            serde_yaml::from_str(&format!("ma_mau: \"{code}\"\nten_mau: Tờ khai\n")).unwrap();
        CheckedForm {
            slug: form_slug(code),
            form,
            source: PathBuf::from("x.yaml"),
            attachments: Vec::new(),
        }
    }

    #[test]
    fn codes_match_exactly_and_slug_to_ascii() {
        let forms = Forms::new(vec![entry("TP/HT-2020-TKKS"), entry("Mẫu số 1d")]);
        assert_eq!(forms.list[0].form.ma_mau, "Mẫu số 1d", "sorted by code");
        assert!(forms.get("TP/HT-2020-TKKS").is_some());
        assert!(forms.get(" TP/HT-2020-TKKS ").is_some());
        assert!(forms.get("TP-HT-2020-TKKS").is_none());
        assert!(forms.get("Mẫu số 1đ").is_none(), "đ is not d");
        assert!(forms.get("Mau so 1d").is_none());
        assert_eq!(form_slug("TP/HT-2020-TKKS"), "tp-ht-2020-tkks");
        assert_eq!(form_slug("Mẫu số 11/ĐK"), "mau-so-11-dk");
        let a = Attachment::new("a.pdf".into(), std::sync::Arc::from(&b"abc"[..]));
        assert_eq!(a.hash8, "ba7816bf", "SHA-256 of abc");
    }
}
