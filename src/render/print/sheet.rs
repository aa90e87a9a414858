//! What a procedure's printed sheets say beyond its view: the same facts folded for paper.
//! A wall has room for one telling of each fact, so channels that agree share a line
//! ("Trực tiếp, qua bưu chính: …"), nested conditions run on as sentences, steps shrink
//! to their names, and legal bases to number and title. The procedure's page (the QR
//! code's target) keeps every word.

use super::super::site::view::{ChannelView, FeeView, ProcedureView};
use crate::catalogue::Entry;
use crate::model::{ChannelKind, Condition};
use crate::wording::{
    capitalise, channel_elsewhere, channel_list, clip, decision_short, group_equal, legal_short,
};
use serde::Serialize;

/// Characters of a legal basis title kept on a poster.
const LEGAL_TITLE: usize = 70;
/// Characters of a step kept when the step has no name.
const STEP: usize = 110;

/// One value shared by some channels; `channels` is empty when every channel shares it.
#[derive(Serialize, Debug, PartialEq)]
pub struct Shared<T> {
    pub channels: String,
    pub value: T,
}

#[derive(Serialize, Debug, PartialEq)]
pub struct Fees<'a> {
    /// The fee lines; empty when the record says none are due, or does not say.
    pub fees: &'a [FeeView],
    /// "Miễn phí", "Không thu phí, lệ phí", "Chưa có thông tin": what to print without lines.
    pub summary: &'a str,
}

#[derive(Serialize)]
pub struct Folded<'a> {
    pub times: Vec<Shared<&'a str>>,
    pub fees: Vec<Shared<Fees<'a>>>,
    /// Channel notes ("Cước chuyển phát trả cho doanh nghiệp bưu chính…").
    pub channel_notes: Vec<Shared<&'a str>>,
    /// Channels offered elsewhere (an embassy's), one line each, apart from this
    /// office's times and fees.
    pub elsewhere: Vec<String>,
    /// Each top-level condition with its details run on as one paragraph.
    pub conditions: Vec<String>,
    pub steps: Vec<String>,
    pub legal: Vec<String>,
    pub decisions: Vec<String>,
}

impl<'a> Folded<'a> {
    pub fn new(e: &Entry, p: &'a ProcedureView) -> Self {
        let record = &e.procedure.cach_thuc_thuc_hien;
        // This office's channels fold together; those offered elsewhere get lines of
        // their own (unless they are all there is).
        let any_here = record.iter().any(|c| c.noi_ap_dung.is_none());
        let (kinds, local): (Vec<ChannelKind>, Vec<&'a ChannelView>) = record
            .iter()
            .zip(&p.channels)
            .filter(|(c, _)| !any_here || c.noi_ap_dung.is_none())
            .map(|(c, v)| (c.hinh_thuc, v))
            .unzip();
        let fees = |c: &'a ChannelView| Fees {
            fees: &c.fees,
            summary: &c.fee_summary,
        };
        Folded {
            times: shared(&kinds, &local, |c| Some(c.time.as_str())),
            fees: shared(&kinds, &local, |c| Some(fees(c))),
            channel_notes: shared(&kinds, &local, |c| c.note.as_deref()),
            elsewhere: if any_here {
                record.iter().filter_map(channel_elsewhere).collect()
            } else {
                Vec::new()
            },
            conditions: p.conditions.iter().map(condition).collect(),
            steps: p
                .steps
                .iter()
                .filter_map(|s| match (&s.name, &s.text) {
                    (Some(n), _) => Some(n.clone()),
                    (None, Some(t)) => Some(clip(t, STEP)),
                    (None, None) => None,
                })
                .collect(),
            legal: e
                .procedure
                .can_cu_phap_ly
                .iter()
                .map(|l| legal_short(l, LEGAL_TITLE))
                .filter(|s| !s.is_empty())
                .collect(),
            decisions: e
                .procedure
                .quyet_dinh_cong_bo
                .iter()
                .map(decision_short)
                .collect(),
        }
    }
}

/// Group channels whose `value` is equal, in the record's order. A channel without a
/// value (no note) is left out; when every channel shares one value it names none.
fn shared<'a, T: PartialEq>(
    kinds: &[ChannelKind],
    channels: &[&'a ChannelView],
    value: impl Fn(&'a ChannelView) -> Option<T>,
) -> Vec<Shared<T>> {
    let given: Vec<(ChannelKind, T)> = kinds
        .iter()
        .zip(channels)
        .filter_map(|(kind, c)| Some((*kind, value(c)?)))
        .collect();
    let every = given.len() == channels.len();
    let groups = group_equal(given);
    let all = every && groups.len() == 1;
    groups
        .into_iter()
        .map(|(ks, value)| Shared {
            channels: if all {
                String::new()
            } else {
                capitalise(&channel_list(&ks))
            },
            value,
        })
        .collect()
}

/// "Trẻ chưa xác định được cha: họ, dân tộc… theo người mẹ; nếu cùng lúc có người nhận
/// con: kết hợp…": the details of a condition, to any depth, as one paragraph.
fn condition(c: &Condition) -> String {
    let head = c.noi_dung.trim();
    if c.chi_tiet.is_empty() {
        return head.to_owned();
    }
    let mut out = head.to_owned();
    out.push_str(if head.ends_with(':') { " " } else { ": " });
    for (i, d) in c.chi_tiet.iter().map(condition).enumerate() {
        if i > 0 {
            // A detail that ends its sentence is followed by the next; else a semicolon.
            out.push_str(if out.ends_with(['.', ';', '!', '?']) {
                " "
            } else {
                "; "
            });
        }
        out.push_str(&d);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(text: &str, details: Vec<Condition>) -> Condition {
        Condition {
            noi_dung: text.into(),
            chi_tiet: details,
        }
    }

    #[test]
    fn nested_conditions_run_on() {
        let x = c(
            "Trẻ chưa xác định được cha:",
            vec![
                c("Họ theo người mẹ.", vec![]),
                c(
                    "Nếu có người nhận con:",
                    vec![c("Kết hợp hai việc.", vec![])],
                ),
            ],
        );
        assert_eq!(
            condition(&x),
            "Trẻ chưa xác định được cha: Họ theo người mẹ. Nếu có người nhận con: Kết hợp hai việc."
        );
        let y = c("Một trong hai", vec![c("a", vec![]), c("b", vec![])]);
        assert_eq!(condition(&y), "Một trong hai: a; b");
    }
}
