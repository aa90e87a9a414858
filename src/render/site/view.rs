//! What templates see: plain, serialisable views with every string already worded
//! (amounts, dates, time limits). Templates only lay out; Tera escapes all of it.

use crate::catalogue::{Catalogue, Entry};
use crate::model::*;
use crate::render::markdown;
use crate::wording::{
    bring, by_channel, capitalise, channel_fees, channel_list, fee_amount, fee_note, fee_summary,
    time_limit, time_short, time_summary,
};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Serialize)]
pub struct SiteView {
    pub title: String,
    pub lang: String,
    pub base_url: String,
    pub authority: Authority,
    pub complaints_html: String,
    pub portal: Option<Portal>,
    pub last_updated: Option<String>,
    pub last_updated_iso: Option<String>,
    pub procedure_count: usize,
    /// Procedures that can be done online. Like `procedure_count`, it sets how many pages
    /// the lists have, so the live preview renders everything when either moves.
    pub online_count: usize,
    pub field_count: usize,
    /// Forms with a page under `bieu-mau/` (the menu links them when there are any).
    pub form_count: usize,
    /// Life events with a page under `su-kien/`.
    pub life_event_count: usize,
    /// Where citizens rate the service (`danh_gia` in `site.yaml`).
    pub feedback: Option<FeedbackView>,
    /// Whether the site has the page on creating a portal account.
    pub account_help: bool,
}

#[derive(Serialize, Clone)]
pub struct FeedbackView {
    pub url: String,
    pub label: String,
}

impl FeedbackView {
    pub fn new(site: &SiteConfig) -> Option<Self> {
        site.danh_gia.as_ref().map(|f| FeedbackView {
            url: f.url.clone(),
            label: f
                .nhan
                .clone()
                .unwrap_or_else(|| "Đánh giá mức độ hài lòng".to_owned()),
        })
    }
}

impl SiteView {
    pub fn new(site: &SiteConfig, cat: &Catalogue) -> Self {
        let last = cat.last_updated();
        SiteView {
            title: site.tieu_de.clone(),
            lang: site.ngon_ngu.clone(),
            base_url: site.base_url.clone(),
            authority: site.co_quan.clone(),
            complaints_html: markdown::to_html(&site.phan_anh_kien_nghi),
            portal: site.cong_dich_vu_cong.clone(),
            last_updated: last.map(|d| d.vn()),
            last_updated_iso: last.map(|d| d.iso()),
            procedure_count: cat.entries.len(),
            online_count: cat
                .entries
                .iter()
                .filter(|e| e.online().is_online())
                .count(),
            field_count: cat.fields.len(),
            form_count: cat.forms.list.len(),
            life_event_count: crate::catalogue::life_events(cat, site).len(),
            feedback: FeedbackView::new(site),
            account_help: site.huong_dan_tai_khoan.is_some(),
        }
    }
}

/// One line in a list of procedures.
#[derive(Serialize, PartialEq, Clone)]
pub struct Card {
    pub code: String,
    pub name: String,
    pub plain_name: String,
    pub url: String,
    pub field: String,
    pub field_url: String,
    pub online: bool,
    pub online_level: &'static str,
    pub online_label: &'static str,
    pub time: String,
    pub fee: String,
    pub updated: Option<String>,
    pub updated_iso: Option<String>,
}

impl Card {
    /// A card with every part present, for the `<template>` the search client clones:
    /// the theme's card markup, whose values the client replaces.
    pub fn template() -> Card {
        let x = || "…".to_owned();
        Card {
            code: x(),
            name: "… …".to_owned(),
            plain_name: x(),
            url: String::new(),
            field: x(),
            field_url: String::new(),
            online: true,
            online_level: level_slug(OnlineLevel::ToanTrinh),
            online_label: OnlineLevel::ToanTrinh.label(),
            time: x(),
            fee: x(),
            updated: None,
            updated_iso: None,
        }
    }
}

/// The level as a class name: `toan-trinh`, `mot-phan`, `khong`.
pub fn level_slug(level: OnlineLevel) -> &'static str {
    match level {
        OnlineLevel::ToanTrinh => "toan-trinh",
        OnlineLevel::MotPhan => "mot-phan",
        OnlineLevel::Khong => "khong",
    }
}

impl Card {
    pub fn new(e: &Entry, cat: &Catalogue) -> Self {
        let field = &cat.fields[e.field];
        let channels = &e.procedure.cach_thuc_thuc_hien;
        Card {
            code: e.code.clone(),
            name: e.name.clone(),
            plain_name: e.plain_name.clone(),
            url: e.url_path(),
            field: field.name.clone(),
            field_url: field.url_path(),
            online: e.online().is_online(),
            online_level: level_slug(e.online()),
            online_label: e.online().label(),
            time: time_summary(channels),
            fee: fee_summary(channels),
            updated: e.updated().map(|d| d.vn()),
            updated_iso: e.updated().map(|d| d.iso()),
        }
    }
}

#[derive(Serialize)]
pub struct FieldView {
    pub name: String,
    pub url: String,
    pub count: usize,
    pub online_count: usize,
}

#[derive(Serialize)]
pub struct ProcedureView {
    /// `<meta name="description">`: at most [`DESCRIPTION_MAX`] characters.
    pub meta_description: String,
    /// The facts a citizen looks for first, one a row.
    pub summary: SummaryView,
    /// Whether the guidance starts with its own heading (else the page gives it one).
    pub body_has_heading: bool,
    pub code: String,
    pub name: String,
    pub plain_name: String,
    pub has_plain_name: bool,
    /// An official name too long to stand under the heading on a phone (it folds away).
    pub long_name: bool,
    pub field: String,
    pub field_url: String,
    pub description: Option<String>,
    pub online: bool,
    pub online_level: &'static str,
    pub online_label: &'static str,
    pub online_url: Option<String>,
    pub portal_name: Option<String>,
    pub results: Vec<String>,
    pub applicants: Vec<String>,
    pub agency: Option<String>,
    pub agency_authority: Option<String>,
    pub agency_delegated: Option<String>,
    pub agency_coordinating: Option<String>,
    pub address: String,
    pub sets: Option<u32>,
    pub document_groups: Vec<GroupView>,
    pub document_count: usize,
    pub channels: Vec<ChannelView>,
    pub steps: Vec<StepView>,
    pub conditions: Vec<Condition>,
    pub legal: Vec<LegalView>,
    pub decisions: Vec<DecisionView>,
    pub effective: Option<String>,
    pub updated: Option<String>,
    pub updated_iso: Option<String>,
    pub levels: Vec<String>,
    pub kind: Option<String>,
    pub related: Vec<Card>,
    /// Related procedures this board does not post: code, name and a portal link.
    pub related_elsewhere: Vec<ElsewhereView>,
    /// The body that receives the procedure when it is posted here for guidance only.
    pub other_agency: Option<OtherAgencyView>,
    /// Keys the office has not verified (`chua_xac_minh`), and their labels.
    pub unverified_keys: Vec<String>,
    pub unverified: Vec<String>,
    /// "Cổng Dịch vụ công quốc gia, lấy ngày 07/12/2026".
    pub source: Option<String>,
    pub source_url: Option<String>,
    pub body_html: Option<String>,
    pub keywords: Vec<String>,
    pub life_events: Vec<String>,
    /// The printed versions (`output/in/`), when this build makes them (feature `pdf`).
    pub print: Option<crate::permalink::PrintFiles>,
    /// What the last amendment changed ("Thay đổi lần cuối").
    pub last_change: Option<LastChangeView>,
    /// Announced changes to this procedure that are not in force yet.
    pub coming: Vec<ComingView>,
    /// schema.org `GovernmentService`, already safe inside a script element.
    pub jsonld: String,
}

/// The summary list at the top of a procedure page (GOV.UK "summary list"): where to go,
/// how long, how much, whether it can be done online; what one gets and who may apply are
/// the view's `results` and `applicants`.
#[derive(Serialize)]
pub struct SummaryView {
    pub place: String,
    /// One line when every channel agrees; else one a group of channels that agree.
    pub time: Vec<ByChannel>,
    pub fee: Vec<ByChannel>,
    /// "Được: …", "Được một phần: …", "Không: …".
    pub online: String,
}

#[derive(Serialize)]
pub struct ByChannel {
    /// "Trực tiếp, qua bưu chính"; empty when the value holds for every channel.
    pub channels: String,
    pub text: String,
}

fn grouped(channels: &[Channel], say: impl Fn(&Channel) -> String) -> Vec<ByChannel> {
    let groups = by_channel(channels, say);
    let one = groups.len() == 1;
    groups
        .into_iter()
        .map(|(kinds, text)| ByChannel {
            channels: if one {
                String::new()
            } else {
                capitalise(&channel_list(&kinds))
            },
            text,
        })
        .collect()
}

/// Whether a procedure can be done online, as a sentence.
fn online_answer(level: OnlineLevel, channels: &[Channel]) -> String {
    match level {
        OnlineLevel::ToanTrinh => {
            "Được: nộp hồ sơ và nhận kết quả trực tuyến, không phải đến trụ sở.".into()
        }
        OnlineLevel::MotPhan => {
            "Được một phần: nộp hồ sơ trực tuyến; có bước vẫn phải làm trực tiếp.".into()
        }
        OnlineLevel::Khong => {
            if channels
                .iter()
                .any(|c| c.hinh_thuc == ChannelKind::BuuChinh)
            {
                "Không: nộp trực tiếp hoặc qua bưu chính.".into()
            } else {
                "Không: nộp trực tiếp tại nơi tiếp nhận.".into()
            }
        }
    }
}

/// Official names longer than this (in characters) fold away under the page heading:
/// portal names run to 400 and would fill a phone's first screen.
pub const LONG_NAME: usize = 140;

/// Longest `<meta name="description">`, in characters: what search engines show.
pub const DESCRIPTION_MAX: usize = 160;

pub use crate::wording::clip;

#[derive(Serialize, Clone)]
pub struct LastChangeView {
    pub date: Option<String>,
    pub date_iso: Option<String>,
    pub decision: Option<String>,
    pub changes: Vec<crate::lifecycle::Change>,
}

#[derive(Serialize, Clone)]
pub struct ComingView {
    pub date: String,
    pub date_iso: String,
    /// "Từ ngày 01/01/2027, thủ tục này được sửa đổi, bổ sung".
    pub text: String,
    pub decision: Option<String>,
    pub changes: Vec<crate::lifecycle::Change>,
}

/// What a procedure's document shows about the form it names: title and links, all
/// site-relative.
#[derive(Debug, Clone, Serialize)]
pub struct FormLink {
    pub title: String,
    pub page: String,
    pub blank_pdf: Option<String>,
    pub samples: Vec<SampleLink>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SampleLink {
    pub name: String,
    pub pdf: Option<String>,
}

impl FormLink {
    pub fn new(fe: &crate::catalogue::FormEntry) -> Self {
        use crate::permalink::{form_sample_pdf, FORM_BLANK_PDF};
        let page = fe.url_path();
        let pdfs = cfg!(feature = "pdf") && !fe.form.phan.is_empty();
        FormLink {
            title: fe.form.ten_mau.clone(),
            blank_pdf: pdfs.then(|| format!("{page}{FORM_BLANK_PDF}")),
            samples: fe
                .form
                .mau_dien
                .iter()
                .enumerate()
                .map(|(i, s)| SampleLink {
                    name: s.ten.clone(),
                    pdf: pdfs.then(|| format!("{page}{}", form_sample_pdf(i + 1))),
                })
                .collect(),
            page,
        }
    }
}

#[derive(Serialize, Clone)]
pub struct ElsewhereView {
    pub code: String,
    pub name: String,
    pub url: Option<String>,
}

#[derive(Serialize)]
pub struct OtherAgencyView {
    pub name: Option<String>,
    /// Everything the record gives, in one line ([`crate::wording::other_agency`]).
    pub line: String,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub hours: Option<String>,
    pub web: Option<String>,
}

#[derive(Serialize)]
pub struct GroupView {
    pub case: Option<String>,
    pub documents: Vec<DocView>,
    /// Notes on the documents ("Lưu ý").
    pub note: Option<String>,
}

#[derive(Serialize)]
pub struct DocView {
    pub name: String,
    /// "1 bản chính, 2 bản sao", "Xuất trình bản chính để đối chiếu".
    pub bring: String,
    pub originals: u32,
    pub copies: u32,
    pub present_only: bool,
    pub form: Option<String>,
    /// The form's page and PDFs, when `content/bieu-mau/` defines it.
    pub form_link: Option<FormLink>,
    /// A form this board does not post: where the source says it can be found.
    pub form_elsewhere: bool,
    pub form_url: Option<String>,
    /// "Chỉ khi …": the document is needed only in this case.
    pub applies_when: Option<String>,
    pub note: Option<String>,
    pub alternatives: Vec<String>,
}

#[derive(Serialize)]
pub struct ChannelView {
    pub kind: &'static str,
    /// Where the channel is offered when it is not at this office.
    pub elsewhere: Option<String>,
    pub time: String,
    pub fee_summary: String,
    pub free: bool,
    pub fees: Vec<FeeView>,
    pub note: Option<String>,
}

#[derive(Serialize, Debug, PartialEq)]
pub struct FeeView {
    pub kind: &'static str,
    pub amount: String,
    pub case: Option<String>,
    pub exemptions: Vec<String>,
    pub note: Option<String>,
}

#[derive(Serialize)]
pub struct StepView {
    pub name: Option<String>,
    pub text: Option<String>,
    pub branches: Vec<BranchView>,
}

#[derive(Serialize)]
pub struct BranchView {
    pub case: String,
    pub steps: Vec<StepView>,
}

#[derive(Serialize)]
pub struct LegalView {
    /// The whole line, worded once ([`crate::wording::legal_line`]).
    pub text: String,
    pub number: Option<String>,
    pub summary: Option<String>,
    pub date: Option<String>,
    pub issuer: Option<String>,
}

#[derive(Serialize)]
pub struct DecisionView {
    /// The whole line, worded once ([`crate::wording::decision_line`]).
    pub text: String,
    pub number: Option<String>,
    pub date: Option<String>,
    pub issuer: Option<String>,
    pub kind: &'static str,
    pub effective: Option<String>,
}

fn steps(list: &[Step]) -> Vec<StepView> {
    list.iter()
        .map(|s| StepView {
            name: s.ten.clone(),
            text: s.mo_ta.clone(),
            branches: s
                .nhanh
                .iter()
                .map(|b| BranchView {
                    case: b.truong_hop.clone(),
                    steps: steps(&b.cac_buoc),
                })
                .collect(),
        })
        .collect()
}

/// The link of the online button: the record's own link, else the portal's page for the
/// portal id, else the portal's search for the national code, else the portal's home.
pub fn online_url(p: &Procedure, code: &str, site: &SiteConfig) -> Option<String> {
    if let Some(url) = &p.lien_ket_truc_tuyen {
        return Some(url.clone());
    }
    let portal = site.cong_dich_vu_cong.as_ref()?;
    if let (Some(tpl), Some(id)) = (&portal.mau_lien_ket_thu_tuc, &p.ma_cong_dich_vu_cong) {
        return Some(tpl.replace("{ma}", id));
    }
    if let Some(tpl) = &portal.mau_lien_ket_tim_kiem {
        return Some(tpl.replace("{ma}", code));
    }
    Some(portal.url.clone())
}

/// The related procedures a record names as posted elsewhere, linked to the portal's
/// search for their code when the site gives one.
fn related_elsewhere(p: &Procedure, site: &SiteConfig) -> Vec<ElsewhereView> {
    let portal = site.cong_dich_vu_cong.as_ref();
    p.thu_tuc_lien_quan
        .iter()
        .filter_map(|r| match r {
            Related::Elsewhere { ma_thu_tuc, ten } => Some(ElsewhereView {
                code: ma_thu_tuc.to_string(),
                name: ten.clone(),
                url: portal.map(|c| match &c.mau_lien_ket_tim_kiem {
                    Some(tpl) => tpl.replace("{ma}", ma_thu_tuc.as_str()),
                    None => c.url.clone(),
                }),
            }),
            Related::Here(_) => None,
        })
        .collect()
}

/// What an announced change will do to the procedure on this page, as a sentence.
fn coming_text(u: &crate::lifecycle::Upcoming, code: &str) -> String {
    use crate::lifecycle::EventKind;
    let from = format!("Từ ngày {}, thủ tục này", u.date.vn());
    if u.code != code {
        return format!(
            "{from} được thay thế bởi thủ tục “{}” (mã {})",
            u.name, u.code
        );
    }
    match u.kind {
        EventKind::Abolished => format!("{from} bị bãi bỏ"),
        _ => format!("{from} được sửa đổi, bổ sung"),
    }
}

/// What a procedure page takes from the rest of the catalogue: its field, the forms
/// its documents name, related procedures and lifecycle notes. Everything else on the
/// page follows from the entry and the site config alone ([`ProcedureView::with`]
/// cannot see the catalogue), so a page's digest needs only this, the entry's
/// identity and the config: a rebuild lays out views only for the pages it writes.
#[derive(Serialize, Clone)]
pub struct Surroundings {
    field: String,
    field_url: String,
    forms: BTreeMap<String, FormLink>,
    related: Vec<Card>,
    last_change: Option<LastChangeView>,
    coming: Vec<ComingView>,
}

impl Surroundings {
    /// What surrounds `e` without the related procedures (what print shows).
    #[cfg_attr(not(feature = "pdf"), allow(dead_code))] // used by print
    pub fn new_without_related(e: &Entry, cat: &Catalogue) -> Self {
        Surroundings::around(e, cat, Vec::new())
    }

    /// What surrounds `e`, with every entry's card made already (`cards[i]` is entry
    /// `i`'s).
    pub fn with_cards(e: &Entry, cat: &Catalogue, cards: &[Card]) -> Self {
        let related = e
            .procedure
            .thu_tuc_lien_quan
            .iter()
            .filter_map(|c| cat.index_of(c.as_str()))
            .map(|i| cards[i].clone())
            .collect();
        Surroundings::around(e, cat, related)
    }

    fn around(e: &Entry, cat: &Catalogue, related: Vec<Card>) -> Self {
        let p = &e.procedure;
        let field = &cat.fields[e.field];
        Surroundings {
            field: field.name.clone(),
            field_url: field.url_path(),
            forms: p
                .thanh_phan_ho_so
                .iter()
                .flat_map(|g| &g.giay_to)
                .filter_map(|d| d.form_here())
                .filter_map(|b| Some((b.to_owned(), FormLink::new(cat.forms.get(b)?))))
                .collect(),
            related,
            last_change: cat
                .lifecycle
                .last_changes
                .get(&e.code)
                .map(|l| LastChangeView {
                    date: l.date.map(|d| d.vn()),
                    date_iso: l.date.map(|d| d.iso()),
                    decision: l.decision.as_ref().map(crate::wording::decision_ref),
                    changes: l.changes.clone(),
                }),
            coming: cat
                .lifecycle
                .upcoming
                .iter()
                .filter(|u| u.code == e.code || u.replaces.contains(&e.code))
                .map(|u| ComingView {
                    date: u.date.vn(),
                    date_iso: u.date.iso(),
                    text: coming_text(u, &e.code),
                    decision: u.decision.as_ref().map(crate::wording::decision_ref),
                    changes: if u.code == e.code {
                        u.changes.clone()
                    } else {
                        Vec::new()
                    },
                })
                .collect(),
        }
    }
}

/// Who a procedure view is for: the web page shows everything; a poster or guide sheet
/// leaves out what it does not print (guidance, description, related procedures,
/// keywords, life events, JSON-LD: its QR code leads to them), so editing them does not
/// lay its PDFs out again. Conditions and steps are printed: a citizen at the board must
/// know whether the procedure applies and what happens after submitting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Projection {
    Web,
    #[cfg_attr(not(feature = "pdf"), allow(dead_code))] // used by print
    Print,
}

impl ProcedureView {
    /// The web view of `e` among `around`.
    pub fn with(e: &Entry, around: Surroundings, site: &SiteConfig) -> Self {
        ProcedureView::project(e, around, site, Projection::Web)
    }

    /// The view of `e` among `around`, for the web or for print.
    pub fn project(e: &Entry, around: Surroundings, site: &SiteConfig, to: Projection) -> Self {
        let web = to == Projection::Web;
        let p = &e.procedure;
        let level = e.online();
        let document_groups: Vec<GroupView> = p
            .thanh_phan_ho_so
            .iter()
            .map(|g| GroupView {
                case: g.truong_hop.clone(),
                note: g.ghi_chu.clone(),
                documents: g
                    .giay_to
                    .iter()
                    .map(|d| DocView {
                        name: d.ten.clone().unwrap_or_default(),
                        bring: bring(d),
                        originals: d.ban_chinh,
                        copies: d.ban_sao,
                        present_only: d.xuat_trinh,
                        form: d.bieu_mau.as_ref().map(|f| f.to_string()),
                        form_link: d.form_here().and_then(|b| around.forms.get(b)).cloned(),
                        form_elsewhere: matches!(d.bieu_mau, Some(FormRef::Elsewhere { .. })),
                        form_url: match &d.bieu_mau {
                            Some(FormRef::Elsewhere { lien_ket, .. }) => lien_ket.clone(),
                            _ => None,
                        },
                        applies_when: d.ap_dung_khi.clone(),
                        note: d.ghi_chu.clone(),
                        alternatives: d.thay_the.clone(),
                    })
                    .collect(),
            })
            .collect();
        let other = p.tiep_nhan_tai.as_ref();
        let address = p
            .dia_chi_tiep_nhan
            .clone()
            .or_else(|| {
                other.map(|a| {
                    [a.ten.as_deref(), a.dia_chi.as_deref()]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(", ")
                })
            })
            .filter(|a| !a.is_empty())
            .unwrap_or_else(|| match &site.co_quan.bo_phan_tiep_nhan {
                Some(desk) => format!("{desk}, {}", site.co_quan.dia_chi),
                None => site.co_quan.dia_chi.clone(),
            });
        let channels = &p.cach_thuc_thuc_hien;
        // What the summary says is what this office does: channels offered elsewhere
        // (an embassy's) are listed below it, unless they are all there is.
        let here: Vec<Channel> = channels
            .iter()
            .filter(|c| c.noi_ap_dung.is_none())
            .cloned()
            .collect();
        let here = if here.is_empty() {
            channels.clone()
        } else {
            here
        };
        let view = ProcedureView {
            meta_description: clip(
                &format!(
                    "{}: giấy tờ cần mang, lệ phí, thời hạn, nơi nộp tại {}",
                    e.plain_name, site.co_quan.ten
                ),
                DESCRIPTION_MAX,
            ),
            summary: SummaryView {
                place: address.clone(),
                time: grouped(&here, |c| time_short(c.thoi_han.as_ref())),
                fee: grouped(&here, channel_fees),
                online: online_answer(level, &here),
            },
            body_has_heading: e
                .body
                .as_deref()
                .is_some_and(|b| b.trim_start().starts_with('#')),
            code: e.code.clone(),
            name: e.name.clone(),
            plain_name: e.plain_name.clone(),
            has_plain_name: p.ten_than_thien.is_some(),
            long_name: e.name.chars().count() > LONG_NAME,
            field: around.field,
            field_url: around.field_url,
            description: p.mo_ta.clone().filter(|_| web),
            online: level.is_online(),
            online_level: level_slug(level),
            online_label: level.label(),
            online_url: level
                .is_online()
                .then(|| online_url(p, &e.code, site))
                .flatten(),
            portal_name: site.cong_dich_vu_cong.as_ref().map(|c| c.ten.clone()),
            results: p.ket_qua_thuc_hien.clone(),
            applicants: p.doi_tuong_thuc_hien.clone(),
            agency: p.co_quan_thuc_hien.clone(),
            agency_authority: p.co_quan_co_tham_quyen.clone(),
            agency_delegated: p.co_quan_duoc_uy_quyen.clone(),
            agency_coordinating: p.co_quan_phoi_hop.clone(),
            address,
            sets: p.so_luong_ho_so,
            document_count: document_groups.iter().map(|g| g.documents.len()).sum(),
            document_groups,
            channels: channels
                .iter()
                .map(|c| ChannelView {
                    kind: c.hinh_thuc.label(),
                    elsewhere: c.noi_ap_dung.clone(),
                    time: c.thoi_han.as_ref().map(time_limit).unwrap_or_default(),
                    fee_summary: channel_fees(c),
                    free: c.phi_le_phi.as_ref().is_some_and(|f| f.is_empty()),
                    fees: c
                        .phi_le_phi
                        .iter()
                        .flatten()
                        .map(|f| FeeView {
                            kind: f.loai.label(),
                            amount: fee_amount(f),
                            case: f.truong_hop.clone(),
                            exemptions: f.mien_giam.clone(),
                            note: fee_note(f).map(str::to_owned),
                        })
                        .collect(),
                    note: c.mo_ta.clone(),
                })
                .collect(),
            steps: steps(&p.trinh_tu_thuc_hien),
            conditions: p.yeu_cau_dieu_kien.clone(),
            legal: p
                .can_cu_phap_ly
                .iter()
                .map(|l| LegalView {
                    text: crate::wording::legal_line(l),
                    number: l.so_hieu.clone(),
                    summary: l.trich_yeu.clone(),
                    date: l.ngay_ban_hanh.map(|d| d.vn()),
                    issuer: l.co_quan_ban_hanh.clone(),
                })
                .collect(),
            decisions: p
                .quyet_dinh_cong_bo
                .iter()
                .map(|d| DecisionView {
                    text: crate::wording::decision_line(d),
                    number: d.so_hieu.clone(),
                    date: d.ngay_ban_hanh.map(|x| x.vn()),
                    issuer: d.co_quan_ban_hanh.clone(),
                    kind: d.loai.label(),
                    effective: d.ngay_hieu_luc.map(|x| x.vn()),
                })
                .collect(),
            effective: p.ngay_hieu_luc.map(|d| d.vn()),
            updated: p.ngay_cap_nhat.map(|d| d.vn()),
            updated_iso: p.ngay_cap_nhat.map(|d| d.iso()),
            levels: p.cap_thuc_hien.clone(),
            kind: p.loai_thu_tuc.clone(),
            related: if web { around.related } else { Vec::new() },
            related_elsewhere: if web {
                related_elsewhere(p, site)
            } else {
                Vec::new()
            },
            other_agency: other.map(|a| OtherAgencyView {
                name: a.ten.clone(),
                line: crate::wording::other_agency(a),
                address: a.dia_chi.clone(),
                phone: a.dien_thoai.clone(),
                hours: a.gio_lam_viec.clone(),
                web: a.trang_web.clone(),
            }),
            unverified_keys: p.chua_xac_minh.clone(),
            unverified: p
                .chua_xac_minh
                .iter()
                .map(|k| keys::label(k).to_owned())
                .collect(),
            source: p.nguon.as_ref().map(crate::wording::source),
            source_url: p.nguon.as_ref().and_then(|n| n.lien_ket.clone()),
            body_html: e.body.as_deref().filter(|_| web).map(markdown::to_html),
            keywords: if web { p.tu_khoa.clone() } else { Vec::new() },
            life_events: if web {
                p.su_kien_cuoc_song.clone()
            } else {
                Vec::new()
            },
            print: cfg!(feature = "pdf").then(|| crate::permalink::print_files(&e.url_path())),
            last_change: around.last_change,
            coming: around.coming,
            jsonld: String::new(),
        };
        if !web {
            return view;
        }
        ProcedureView {
            jsonld: crate::render::jsonld::script(
                e,
                site,
                view.online_url.as_deref(),
                &view.address,
            ),
            ..view
        }
    }
}
