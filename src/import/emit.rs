//! A record as YAML an officer can read and edit: only the keys that say something (no
//! `null`, no empty lists, no defaults), multi-line portal text as `|` blocks, and the
//! importer's to-do list as comments on top.

use crate::model::Procedure;
use serde_yaml::{Mapping, Value};

/// The record's keys and values as YAML data, pruned of what says nothing.
pub fn value(p: &Procedure) -> Value {
    let mut v = serde_yaml::to_value(p).unwrap_or(Value::Null);
    prune(&mut v);
    v
}

/// Keys whose empty list is a statement: `phi_le_phi: []` is "free of charge".
const EMPTY_SAYS: &[&str] = &["phi_le_phi"];

fn prune(v: &mut Value) {
    match v {
        Value::Mapping(m) => {
            m.values_mut().for_each(prune);
            // `retain` keeps the record's key order (a removal would swap keys).
            m.retain(|k, x| {
                let name = k.as_str().unwrap_or_default();
                let empty = match &*x {
                    Value::Null => true,
                    Value::Sequence(s) => s.is_empty() && !EMPTY_SAYS.contains(&name),
                    Value::Mapping(inner) => inner.is_empty(),
                    Value::Bool(b) => !b,
                    Value::Number(n) => {
                        n.as_u64() == Some(0) && matches!(name, "ban_chinh" | "ban_sao")
                    }
                    Value::String(s) => name == "tien_te" && s == "VND",
                    _ => false,
                };
                !empty
            });
        }
        Value::Sequence(s) => s.iter_mut().for_each(prune),
        // Whole numbers read as officers write them: `so: 5`, not `so: 5.0`.
        Value::Number(n) => {
            if let Some(f) = n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 1e15) {
                if n.is_f64() {
                    *v = Value::Number((f as i64).into());
                }
            }
        }
        _ => {}
    }
}

/// The YAML text of `v` under a comment block (each line of `header` after "# ").
pub fn text(v: &Value, header: &[String]) -> String {
    let mut out = String::new();
    for line in header {
        out.push_str("# ");
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(&serde_yaml::to_string(v).unwrap_or_default());
    out
}

/// One top-level key and its value as YAML lines (`key: …` or `key:\n  - …`).
pub fn key_block(key: &str, v: &Value) -> String {
    let mut m = Mapping::new();
    m.insert(Value::String(key.to_owned()), v.clone());
    serde_yaml::to_string(&Value::Mapping(m)).unwrap_or_default()
}
