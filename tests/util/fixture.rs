//! The one builder of valid records for tests: a minimal record every rule accepts, and
//! methods that set what a test varies. `FULL_RECORD` (in `util`) stays for the tests
//! that need every part of the model or exact line numbers.

use std::fmt::Write as _;

/// A valid procedure record, as YAML (or Markdown with front matter when it has a body).
#[derive(Clone, Debug)]
pub struct Record {
    code: String,
    name: String,
    plain: Option<String>,
    field: String,
    fees: Vec<(String, u32, Option<String>)>,
    documents: Vec<String>,
    keywords: Vec<String>,
    events: Vec<String>,
    related: Vec<String>,
    updated: String,
    extra: String,
    body: Option<String>,
}

impl Record {
    /// `code` ("1.000001") and official name; field Hộ tịch, one channel with a fee of
    /// 8.000 đồng a copy, one document, updated 2025-12-01.
    pub fn new(code: &str, name: &str) -> Record {
        Record {
            code: code.to_owned(),
            name: name.to_owned(),
            plain: None,
            field: "Hộ tịch".to_owned(),
            fees: vec![("Lệ phí".to_owned(), 8000, Some("bản".to_owned()))],
            documents: vec!["Tờ khai".to_owned()],
            keywords: Vec::new(),
            events: Vec::new(),
            related: Vec::new(),
            updated: "2025-12-01".to_owned(),
            extra: String::new(),
            body: None,
        }
    }

    pub fn plain(mut self, name: &str) -> Record {
        self.plain = Some(name.to_owned());
        self
    }

    pub fn field(mut self, field: &str) -> Record {
        self.field = field.to_owned();
        self
    }

    /// The channel's one fee (Lệ phí, per copy); 0 means free of charge for that case.
    pub fn fee(mut self, amount: u32) -> Record {
        self.fees = vec![("Lệ phí".to_owned(), amount, Some("bản".to_owned()))];
        self
    }

    /// The channel's fees, replacing the default: `(kind, amount, per)`.
    pub fn fees(mut self, fees: &[(&str, u32, Option<&str>)]) -> Record {
        self.fees = fees
            .iter()
            .map(|(k, a, u)| (k.to_string(), *a, u.map(str::to_owned)))
            .collect();
        self
    }

    pub fn documents(mut self, names: &[&str]) -> Record {
        self.documents = names.iter().map(|d| d.to_string()).collect();
        self
    }

    pub fn keywords(mut self, words: &[&str]) -> Record {
        self.keywords = words.iter().map(|w| w.to_string()).collect();
        self
    }

    pub fn life_events(mut self, events: &[&str]) -> Record {
        self.events = events.iter().map(|e| e.to_string()).collect();
        self
    }

    pub fn related(mut self, codes: &[&str]) -> Record {
        self.related = codes.iter().map(|c| c.to_string()).collect();
        self
    }

    /// `ngay_cap_nhat`, as YAML writes a date (`2026-10-31` or `31/10/2026`).
    pub fn updated(mut self, date: &str) -> Record {
        self.updated = date.to_owned();
        self
    }

    /// More keys, as YAML at the top level (dates, decisions, versions…).
    pub fn yaml(mut self, keys: &str) -> Record {
        self.extra.push_str(keys.trim_end());
        self.extra.push('\n');
        self
    }

    /// Markdown guidance: the record becomes a `.md` file with YAML front matter.
    pub fn body(mut self, markdown: &str) -> Record {
        self.body = Some(markdown.to_owned());
        self
    }

    /// The file name extension the text needs: `md` with a body, else `yaml`.
    pub fn ext(&self) -> &'static str {
        if self.body.is_some() {
            "md"
        } else {
            "yaml"
        }
    }

    /// The record's text.
    pub fn text(&self) -> String {
        let q = |s: &str| serde_json::to_string(s).expect("string");
        let list = |items: &[String]| items.iter().map(|i| q(i)).collect::<Vec<_>>().join(", ");
        let mut y = String::new();
        let _ = writeln!(y, "ma_thu_tuc: {}", q(&self.code));
        let _ = writeln!(y, "ten_thu_tuc: {}", q(&self.name));
        if let Some(p) = &self.plain {
            let _ = writeln!(y, "ten_than_thien: {}", q(p));
        }
        let _ = writeln!(y, "linh_vuc: {}", q(&self.field));
        y.push_str("cap_thuc_hien: [Xã]\n");
        y.push_str(
            "trinh_tu_thuc_hien:\n  - { ten: Nộp hồ sơ, mo_ta: Nộp tại Bộ phận Một cửa. }\n",
        );
        y.push_str("cach_thuc_thuc_hien:\n  - hinh_thuc: Trực tiếp\n");
        y.push_str("    thoi_han: { so: 3, don_vi: ngày làm việc }\n");
        if self.fees.is_empty() {
            y.push_str("    phi_le_phi: []\n");
        } else {
            y.push_str("    phi_le_phi:\n");
            for (kind, amount, per) in &self.fees {
                let _ = write!(y, "      - {{ loai: {kind}, muc_thu: {amount}");
                if let Some(u) = per {
                    let _ = write!(y, ", don_vi: {}", q(u));
                }
                y.push_str(" }\n");
            }
        }
        y.push_str("thanh_phan_ho_so:\n  - giay_to:\n");
        for d in &self.documents {
            let _ = writeln!(y, "      - {{ ten: {}, ban_chinh: 1 }}", q(d));
        }
        y.push_str("so_luong_ho_so: 1\n");
        y.push_str("doi_tuong_thuc_hien: [Công dân Việt Nam]\n");
        y.push_str("co_quan_thuc_hien: Ủy ban nhân dân cấp xã\n");
        y.push_str("ket_qua_thuc_hien: [Giấy xác nhận]\n");
        let _ = writeln!(y, "ngay_cap_nhat: {}", self.updated);
        if !self.keywords.is_empty() {
            let _ = writeln!(y, "tu_khoa: [{}]", list(&self.keywords));
        }
        if !self.events.is_empty() {
            let _ = writeln!(y, "su_kien_cuoc_song: [{}]", list(&self.events));
        }
        if !self.related.is_empty() {
            let _ = writeln!(y, "thu_tuc_lien_quan: [{}]", list(&self.related));
        }
        y.push_str(&self.extra);
        match &self.body {
            Some(body) => format!("---\n{y}---\n{body}\n"),
            None => y,
        }
    }
}
