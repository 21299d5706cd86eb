//! Filters, sorting and pages for every `*.list` and `*.count` method (§3 of the API notes).
//!
//! Each object hands over rows: a *view* struct used for matching and sorting (the listed keys
//! plus virtual filter keys such as `vm_hostname` on IPs) and the *output* struct the client
//! receives. Filter keys an object does not know are refused, as a typo would otherwise match
//! everything.

use std::cmp::Ordering;

use time::PrimitiveDateTime;

use crate::xmlrpc::{Fault, Struct, Value};

use super::faults::{self, Obj};

/// One listable item.
pub(crate) struct Row {
    /// What filters and `sort_by` look at.
    pub(crate) view: Struct,
    /// What the client receives.
    pub(crate) out: Struct,
}

impl Row {
    /// A row whose view is its output.
    pub(crate) fn plain(out: Struct) -> Self {
        Self {
            view: out.clone(),
            out,
        }
    }
}

/// The paging keys; `count` accepts and ignores them.
const PAGING: [&str; 3] = ["items_per_page", "page", "sort_by"];

enum Test {
    Eq(Value),
    Like(String),
    Less(Value),
    Greater(Value),
}

struct Filter {
    field: String,
    test: Test,
}

struct Query {
    filters: Vec<Filter>,
    per_page: usize,
    page: usize,
    sort: Option<(String, bool)>,
}

/// Reads `opts`; with `paging` false (for `count`) the paging keys are skipped unread.
fn parse(opts: Option<&Struct>, obj: Obj, fields: &[&str], paging: bool) -> Result<Query, Fault> {
    let mut query = Query {
        filters: Vec::new(),
        per_page: 100,
        page: 0,
        sort: None,
    };
    let Some(opts) = opts else {
        return Ok(query);
    };
    for (key, value) in opts.iter() {
        if !paging && PAGING.contains(&key) {
            continue;
        }
        match key {
            "items_per_page" => {
                let n = paging_int(obj, key, value)?;
                if n < 1 {
                    return Err(faults::bad(obj, "items_per_page must be at least 1"));
                }
                query.per_page = usize::try_from(n).unwrap_or(usize::MAX);
            }
            "page" => {
                let n = paging_int(obj, key, value)?;
                if n < 0 {
                    return Err(faults::bad(obj, "page must not be negative"));
                }
                query.page = usize::try_from(n).unwrap_or(usize::MAX);
            }
            "sort_by" => {
                let Value::String(spec) = value else {
                    return Err(faults::bad(obj, "sort_by must be a string"));
                };
                query.sort = Some(parse_sort(spec, obj, fields)?);
            }
            _ => {
                let (field, test) = match key.as_bytes().first() {
                    Some(b'~') => {
                        let pattern = match value {
                            Value::String(s) => s.clone(),
                            Value::Int(i) => i.to_string(),
                            _ => {
                                return Err(faults::bad(obj, format!("{key} must be a string")));
                            }
                        };
                        (&key[1..], Test::Like(pattern))
                    }
                    Some(b'<') => (&key[1..], Test::Less(value.clone())),
                    Some(b'>') => (&key[1..], Test::Greater(value.clone())),
                    _ => (key, Test::Eq(value.clone())),
                };
                if !fields.contains(&field) {
                    return Err(faults::bad(obj, format!("unknown filter '{key}'")));
                }
                query.filters.push(Filter {
                    field: field.to_owned(),
                    test,
                });
            }
        }
    }
    Ok(query)
}

fn paging_int(obj: Obj, key: &str, value: &Value) -> Result<i64, Fault> {
    value
        .as_i64()
        .ok_or_else(|| faults::bad(obj, format!("{key} must be an int")))
}

fn parse_sort(spec: &str, obj: Obj, fields: &[&str]) -> Result<(String, bool), Fault> {
    let mut words = spec.split_whitespace();
    let field = words.next().unwrap_or("");
    let ascending = match words.next().map(str::to_ascii_uppercase).as_deref() {
        None | Some("ASC") => true,
        Some("DESC") => false,
        Some(_) => return Err(faults::bad(obj, format!("invalid sort_by '{spec}'"))),
    };
    if words.next().is_some() || !fields.contains(&field) {
        return Err(faults::bad(obj, format!("invalid sort_by '{spec}'")));
    }
    Ok((field.to_owned(), ascending))
}

/// Applies `opts` (filters, `sort_by`, pages) to `rows`; returns the output structs.
pub(crate) fn list(
    rows: Vec<Row>,
    opts: Option<&Struct>,
    obj: Obj,
    fields: &[&str],
) -> Result<Value, Fault> {
    let query = parse(opts, obj, fields, true)?;
    let mut rows: Vec<Row> = rows
        .into_iter()
        .filter(|row| query.filters.iter().all(|f| matches(&row.view, f)))
        .collect();
    if let Some((field, ascending)) = &query.sort {
        rows.sort_by(|a, b| {
            let ord = compare(
                a.view.get(field).unwrap_or(&Value::Nil),
                b.view.get(field).unwrap_or(&Value::Nil),
            );
            if *ascending { ord } else { ord.reverse() }
        });
    }
    let start = query.page.saturating_mul(query.per_page);
    Ok(Value::Array(
        rows.into_iter()
            .skip(start)
            .take(query.per_page)
            .map(|row| Value::Struct(row.out))
            .collect(),
    ))
}

/// Counts the `rows` matching the filters of `opts`; paging keys are accepted and ignored.
pub(crate) fn count(
    rows: Vec<Row>,
    opts: Option<&Struct>,
    obj: Obj,
    fields: &[&str],
) -> Result<Value, Fault> {
    let query = parse(opts, obj, fields, false)?;
    let n = rows
        .iter()
        .filter(|row| query.filters.iter().all(|f| matches(&row.view, f)))
        .count();
    Ok(Value::Int(i64::try_from(n).unwrap_or(i64::MAX)))
}

fn matches(view: &Struct, filter: &Filter) -> bool {
    let item = view.get(&filter.field).unwrap_or(&Value::Nil);
    match &filter.test {
        Test::Eq(Value::Array(wanted)) => wanted.iter().any(|w| equals(item, w)),
        Test::Eq(wanted) => equals(item, wanted),
        Test::Like(pattern) => text(item).is_some_and(|t| like(&t, pattern)),
        Test::Less(bound) => !item.is_nil() && compare(item, bound) == Ordering::Less,
        Test::Greater(bound) => !item.is_nil() && compare(item, bound) == Ordering::Greater,
    }
}

fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Int(i) => Some(i.to_string()),
        _ => None,
    }
}

/// Lenient equality: ints match numeric strings (`version: '4'`), bools match 0/1, an array
/// item matches when it contains the wanted value.
fn equals(item: &Value, wanted: &Value) -> bool {
    match (item, wanted) {
        (Value::Array(items), w) => items.iter().any(|i| equals(i, w)),
        (Value::Int(a), Value::String(b)) | (Value::String(b), Value::Int(a)) => {
            b.trim().parse::<i64>() == Ok(*a)
        }
        (Value::Bool(a), Value::Int(b)) | (Value::Int(b), Value::Bool(a)) => i64::from(*a) == *b,
        #[allow(clippy::cast_precision_loss)] // ids and sizes are far below 2^52
        (Value::Double(a), Value::Int(b)) | (Value::Int(b), Value::Double(a)) => *a == *b as f64,
        (Value::DateTime(a), Value::String(b)) => parse_date(b).is_some_and(|b| b == *a),
        (a, b) => a == b,
    }
}

/// SQL-like match, case-insensitive: `%` matches any run of characters, `_` one character;
/// a pattern without `%` matches as a substring.
pub(crate) fn like(text: &str, pattern: &str) -> bool {
    let text: Vec<char> = text.to_lowercase().chars().collect();
    let pattern = pattern.to_lowercase();
    let pattern: Vec<char> = if pattern.contains('%') {
        pattern.chars().collect()
    } else {
        format!("%{pattern}%").chars().collect()
    };
    // Iterative wildcard matching with backtracking to the last `%`.
    let (mut t, mut p) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && (pattern[p] == '_' || pattern[p] == text[t]) {
            t += 1;
            p += 1;
        } else if p < pattern.len() && pattern[p] == '%' {
            star = Some((p, t));
            p += 1;
        } else if let Some((sp, st)) = star {
            p = sp + 1;
            t = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|c| *c == '%')
}

/// Parses the date forms a client may send in a filter: whatever
/// [`parse_datetime`](crate::xmlrpc::parse_datetime) reads, and `YYYY-MM-DD HH:MM:SS` (a
/// space for the `T`), which it does not.
pub(crate) fn parse_date(s: &str) -> Option<PrimitiveDateTime> {
    let s = s.trim();
    crate::xmlrpc::parse_datetime(s).or_else(|| {
        let (date, time) = s.split_once(' ')?;
        crate::xmlrpc::parse_datetime(&format!("{date}T{}", time.trim_start()))
    })
}

/// A total order over values for `sort_by` and `<`/`>` filters: nil first, numbers by value,
/// dates by time (strings that parse as dates compare as dates), strings by text.
fn compare(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Nil, Value::Nil) => Ordering::Equal,
        (Value::Nil, _) => Ordering::Less,
        (_, Value::Nil) => Ordering::Greater,
        (Value::Int(x), Value::Int(y)) => x.cmp(y),
        (Value::Int(_) | Value::Double(_), Value::Int(_) | Value::Double(_)) => {
            number(a).partial_cmp(&number(b)).unwrap_or(Ordering::Equal)
        }
        (Value::Int(x), Value::String(s)) => s
            .trim()
            .parse::<i64>()
            .map_or(Ordering::Less, |y| x.cmp(&y)),
        (Value::String(s), Value::Int(y)) => s
            .trim()
            .parse::<i64>()
            .map_or(Ordering::Greater, |x| x.cmp(y)),
        (Value::DateTime(x), Value::DateTime(y)) => x.cmp(y),
        (Value::DateTime(x), Value::String(s)) => {
            parse_date(s).map_or(Ordering::Equal, |y| x.cmp(&y))
        }
        (Value::String(s), Value::DateTime(y)) => {
            parse_date(s).map_or(Ordering::Equal, |x| x.cmp(y))
        }
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        _ => a.type_name().cmp(b.type_name()),
    }
}

#[allow(clippy::cast_precision_loss)] // ids and sizes are far below 2^52
fn number(v: &Value) -> f64 {
    match v {
        Value::Int(i) => *i as f64,
        Value::Double(d) => *d,
        _ => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    fn rows() -> Vec<Row> {
        (1..=250)
            .map(|i| {
                Row::plain(
                    Struct::new()
                        .with("id", i)
                        .with("name", format!("disk{i:03}"))
                        .with("version", if i % 2 == 0 { 4 } else { 6 }),
                )
            })
            .collect()
    }

    const FIELDS: &[&str] = &["id", "name", "version"];

    fn ids(v: &Value) -> Vec<i64> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|s| s.get("id").unwrap().as_i64().unwrap())
            .collect()
    }

    #[test]
    fn lists_default_to_pages_of_one_hundred() {
        let out = list(rows(), None, Obj::Disk, FIELDS).unwrap();
        assert_eq!(ids(&out).len(), 100);
    }

    #[test]
    fn pages_are_zero_based() {
        let opts = Struct::new().with("items_per_page", 100).with("page", 2);
        let out = list(rows(), Some(&opts), Obj::Disk, FIELDS).unwrap();
        assert_eq!(ids(&out), (201..=250).collect::<Vec<_>>());
    }

    #[test]
    fn count_ignores_paging() {
        let opts = Struct::new()
            .with("items_per_page", 10)
            .with("page", 3)
            .with("sort_by", "id DESC");
        assert_eq!(
            count(rows(), Some(&opts), Obj::Disk, FIELDS).unwrap(),
            Value::Int(250)
        );
        let unread = Struct::new()
            .with("items_per_page", 0)
            .with("sort_by", "colour")
            .with("name", "disk001");
        assert_eq!(
            count(rows(), Some(&unread), Obj::Disk, FIELDS).unwrap(),
            Value::Int(1)
        );
    }

    #[test]
    fn array_filters_mean_in() {
        let opts = Struct::new().with("id", vec![3, 5, 999]);
        let out = list(rows(), Some(&opts), Obj::Disk, FIELDS).unwrap();
        assert_eq!(ids(&out), vec![3, 5]);
    }

    #[test]
    fn version_filter_accepts_int_or_string() {
        let a = Struct::new().with("version", 4);
        let b = Struct::new().with("version", "4");
        assert_eq!(
            count(rows(), Some(&a), Obj::Ip, FIELDS).unwrap(),
            Value::Int(125)
        );
        assert_eq!(
            count(rows(), Some(&b), Obj::Ip, FIELDS).unwrap(),
            Value::Int(125)
        );
    }

    #[test]
    fn tilde_filters_match_substrings_and_percent_wildcards() {
        let sub = Struct::new().with("~name", "k24");
        let out = list(rows(), Some(&sub), Obj::Disk, FIELDS).unwrap();
        assert_eq!(
            ids(&out),
            vec![240, 241, 242, 243, 244, 245, 246, 247, 248, 249]
        );
        let wild = Struct::new().with("~name", "DISK%9");
        let n = count(rows(), Some(&wild), Obj::Disk, FIELDS).unwrap();
        assert_eq!(n, Value::Int(25));
    }

    #[test]
    fn sort_by_accepts_field_asc_and_desc() {
        for spec in ["id DESC", "name desc"] {
            let opts = Struct::new()
                .with("sort_by", spec)
                .with("items_per_page", 2);
            let out = list(rows(), Some(&opts), Obj::Disk, FIELDS).unwrap();
            assert_eq!(ids(&out), vec![250, 249]);
        }
        let opts = Struct::new()
            .with("sort_by", "id")
            .with("items_per_page", 1);
        assert_eq!(
            ids(&list(rows(), Some(&opts), Obj::Disk, FIELDS).unwrap()),
            vec![1]
        );
    }

    #[test]
    fn unknown_filters_and_sort_fields_are_faults() {
        let opts = Struct::new().with("nmae", "x");
        assert!(list(rows(), Some(&opts), Obj::Disk, FIELDS).is_err());
        let opts = Struct::new().with("sort_by", "size");
        assert!(list(rows(), Some(&opts), Obj::Disk, FIELDS).is_err());
    }

    #[test]
    fn less_and_greater_filters_compare() {
        let opts = Struct::new().with(">id", 245).with("<id", "248");
        let out = list(rows(), Some(&opts), Obj::Disk, FIELDS).unwrap();
        assert_eq!(ids(&out), vec![246, 247]);
    }

    #[test]
    fn like_handles_underscore_and_anchors() {
        assert!(like("abc", "a_c%"));
        assert!(!like("abc", "b%"));
        assert!(like("abc", "%c"));
        assert!(like("ABC", "b"));
    }

    #[test]
    fn filter_dates_take_every_form_a_client_sends() {
        let at = datetime!(2011-09-21 12:57:05);
        for form in [
            "20110921T12:57:05",
            "2011-09-21T12:57:05",
            "2011-09-21 12:57:05",
            "20110921T125705",
            " 2011-09-21T12:57:05Z ",
        ] {
            assert_eq!(parse_date(form), Some(at), "{form:?}");
        }
        assert_eq!(parse_date("21 Sep 2011"), None);
        assert_eq!(parse_date("2011-09-21"), None);
    }
}
