//! Pieces of `WHERE` clauses every module's list queries share.

use chrono::{DateTime, Utc};
use medusa_core::request::Comparison;
use sea_orm::sea_query::LikeExpr;
use sea_orm::{ColumnTrait, Condition};

/// `%needle%` (lower-cased) for a case-insensitive `LOWER(col) LIKE`, with the needle's own
/// wildcards escaped so a client's `%` or `_` matches literally.
pub fn contains_pattern(needle: &str) -> LikeExpr {
    let mut escaped = String::with_capacity(needle.len() + 2);
    escaped.push('%');
    for ch in needle.to_lowercase().chars() {
        if matches!(ch, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(ch);
    }
    escaped.push('%');
    LikeExpr::new(escaped).escape('\\')
}

/// Adds Medusa's date operators (`created_at[$gt]=...`) on `col` to `cond`.
pub fn compare<C: ColumnTrait>(
    mut cond: Condition,
    col: C,
    cmp: &Comparison<DateTime<Utc>>,
) -> Condition {
    if let Some(v) = cmp.eq {
        cond = cond.add(col.eq(v));
    }
    if let Some(v) = cmp.ne {
        cond = cond.add(col.ne(v));
    }
    if let Some(v) = cmp.gt {
        cond = cond.add(col.gt(v));
    }
    if let Some(v) = cmp.gte {
        cond = cond.add(col.gte(v));
    }
    if let Some(v) = cmp.lt {
        cond = cond.add(col.lt(v));
    }
    if let Some(v) = cmp.lte {
        cond = cond.add(col.lte(v));
    }
    cond
}
