//! From files to a checked catalogue: parse `site.yaml`, the synonyms and each record
//! (each on its own, so the live preview re-parses only what changed), then the rules
//! across files, identity, lifecycle and the catalogue, with every diagnostic at once.

use crate::catalogue::Catalogue;
use crate::diagnostic::{Diagnostic, Diagnostics, FieldPath, Severity};
use crate::identity::Keys;
use crate::load::{self, FormFiles, LoadedRecord, RecordCache, SourceFile};
use crate::model::{Date, SiteConfig, Synonyms};
use crate::validate;
use std::path::PathBuf;
use std::sync::Arc;

/// Loaded and validated content: what `check` reports and `build` renders.
pub struct Checked {
    pub site: Option<SiteConfig>,
    pub synonyms: Synonyms,
    /// How many record files were read.
    pub record_files: usize,
    pub catalogue: Option<Catalogue>,
    pub diagnostics: Diagnostics,
}

/// `site.yaml` and `tu-dong-nghia.yaml`, parsed and checked.
#[derive(Clone)]
pub struct ParsedConfig {
    pub site: Option<SiteConfig>,
    /// `site.yaml` as read: rules that need the records (life events) locate their
    /// findings in it.
    pub site_file: Option<SourceFile>,
    pub synonyms: Synonyms,
    pub diagnostics: Diagnostics,
}

pub fn parse_config(site: Option<&SourceFile>, synonyms: Option<&SourceFile>) -> ParsedConfig {
    let mut diagnostics = Diagnostics::default();
    let site_file = site;
    let site = match site {
        Some(file) => {
            let (mut site, diags) = load::parse_yaml_file::<SiteConfig>(file);
            diagnostics.extend(diags);
            // Every output writes the address with one final `/`: made so once, here.
            if let Some(s) = &mut site {
                s.base_url = crate::permalink::normalise_base(&s.base_url);
            }
            if let Some(s) = &site {
                diagnostics.0.extend(check_site(s, file));
            }
            site
        }
        None => {
            diagnostics.push(Diagnostic {
                severity: Severity::Error,
                file: PathBuf::from("content/site.yaml"),
                line: 1,
                column: 1,
                field: FieldPath::root(),
                message: "thiếu tệp cấu hình site.yaml".into(),
                fix: Some(
                    "tạo content/site.yaml (xem docs/record-format.md, mục site.yaml)".into(),
                ),
                source: None,
            });
            None
        }
    };
    let synonyms = match synonyms {
        Some(file) => {
            let (syn, diags) = load::parse_yaml_file::<Synonyms>(file);
            diagnostics.extend(diags);
            syn.unwrap_or_default()
        }
        None => Synonyms::default(),
    };
    ParsedConfig {
        site,
        site_file: site_file.cloned(),
        synonyms,
        diagnostics,
    }
}

/// A record that parsed, with its identity keys.
pub type Keyed = (LoadedRecord, Arc<Keys>);

/// One record file, parsed and checked on its own (cross-file rules come later), with
/// what the catalogue derives from it.
#[derive(Clone)]
pub struct ParsedRecord {
    pub record: Option<Keyed>,
    pub diagnostics: Diagnostics,
    /// The code a file that could not be read seems to carry: other records may name it,
    /// and that is not a second mistake.
    pub claimed_code: Option<String>,
}

pub fn parse_record(file: SourceFile) -> ParsedRecord {
    parse_record_cached(file, &RecordCache::off())
}

/// [`parse_record`], reading the record back from `cache` when its text is unchanged.
pub fn parse_record_cached(file: SourceFile, cache: &RecordCache) -> ParsedRecord {
    let (record, mut diagnostics) = load::parse_record_cached(&file, cache);
    let claimed_code = record.is_none().then(|| claimed_code(&file.text)).flatten();
    drop(file);
    if let Some(r) = &record {
        diagnostics
            .0
            .extend(r.locate(validate::check_record(&r.procedure)));
    }
    ParsedRecord {
        record: record.map(|r| {
            let keys = Arc::new(Keys::of(&r));
            (r, keys)
        }),
        diagnostics,
        claimed_code,
    }
}

/// `ma_thu_tuc: "1.001193"` read off a line, without YAML (the file did not parse).
fn claimed_code(text: &str) -> Option<String> {
    text.lines()
        .find_map(|l| l.strip_prefix("ma_thu_tuc:"))
        .map(|v| v.trim().trim_matches(['"', '\'', '[', ']', ' ']).to_owned())
        .filter(|c| !c.is_empty())
}

/// Cross-file rules, then the catalogue when nothing is wrong. `diagnostics` holds
/// what the per-file stages found.
pub fn assemble(
    config: ParsedConfig,
    forms: &FormFiles,
    as_of: Date,
    record_files: usize,
    records: Vec<Keyed>,
    unreadable_codes: &[String],
    mut diagnostics: Diagnostics,
) -> Checked {
    let (records, keys): (Vec<LoadedRecord>, Vec<Arc<Keys>>) = records.into_iter().unzip();
    diagnostics.extend(config.diagnostics);
    if let (Some(site), Some(file)) = (&config.site, &config.site_file) {
        let codes: std::collections::HashSet<&str> = records
            .iter()
            .filter_map(|r| r.procedure.ma_thu_tuc.as_ref().map(|c| c.as_str()))
            .chain(unreadable_codes.iter().map(String::as_str))
            .collect();
        let found = validate::check_life_events(site, &|c| codes.contains(c));
        diagnostics
            .0
            .extend(load::locate::Locator::new(&file.text, 0).diagnostics(
                &file.path,
                &Arc::from(file.text.as_str()),
                found,
            ));
    }
    diagnostics.extend(validate::check_catalogue(&records, unreadable_codes));
    diagnostics.extend(crate::lifecycle::check(&records, as_of));
    let (mut forms, form_diags) = check_form_files(&forms.files, &forms.assets, &records);
    diagnostics.extend(form_diags);
    let catalogue = if diagnostics.has_errors() || config.site.is_none() {
        None
    } else {
        let (placed, warnings) = crate::identity::place(records, keys);
        diagnostics.0.extend(warnings);
        let (current, life) = crate::lifecycle::apply(placed, as_of);
        let mut cat = Catalogue::build(current, life);
        forms.link(&cat.entries);
        cat.forms = forms;
        Some(cat)
    };
    diagnostics.sort();
    diagnostics.cap_per_file(crate::limits::MAX_DIAGNOSTICS_PER_FILE);
    Checked {
        site: config.site,
        synonyms: config.synonyms,
        record_files,
        catalogue,
        diagnostics,
    }
}

/// Parse the form definitions and check them against each other and the records.
fn check_form_files(
    files: &[SourceFile],
    assets: &[(PathBuf, Vec<u8>)],
    records: &[LoadedRecord],
) -> (crate::catalogue::Forms, Diagnostics) {
    let mut diagnostics = Diagnostics::default();
    let mut loaded = Vec::new();
    for f in files {
        let (form, diags) = load::parse_form(f);
        diagnostics.extend(diags);
        loaded.extend(form);
    }
    let (forms, diags) = validate::check_forms(loaded, assets, records);
    diagnostics.extend(diags);
    (crate::catalogue::Forms::new(forms), diagnostics)
}

fn check_site(site: &SiteConfig, file: &SourceFile) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut bad_url = |key: &str, url: &str| {
        if !validate::is_web_address(url) {
            let loc = load::locate::Locator::new(&file.text, 0);
            let field = FieldPath::root().key(key);
            let pos = loc.find(&field);
            out.push(Diagnostic {
                severity: Severity::Error,
                file: file.path.clone(),
                line: pos.line,
                column: pos.column,
                field,
                message: format!("\"{url}\" không phải địa chỉ web"),
                fix: Some("ghi đầy đủ, ví dụ https://niemyet.phuong.gov.vn/".into()),
                source: Some(Arc::from(file.text.as_str())),
            });
        }
    };
    bad_url("base_url", &site.base_url);
    out.extend(
        load::locate::Locator::new(&file.text, 0).diagnostics(
            &file.path,
            &Arc::from(file.text.as_str()),
            validate::check_portal(site)
                .into_iter()
                .chain(validate::check_lists(site))
                .chain(validate::check_feedback(site))
                .chain(validate::check_site_text(site))
                .chain(validate::check_not_given(site))
                .collect::<Vec<_>>(),
        ),
    );
    out
}
