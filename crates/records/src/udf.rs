//! gihi's kernels as DataFusion scalar UDFs, so that the record pipelines stay DataFusion
//! plans (and can run distributed on executors that register the same functions):
//!
//! - `gihi_ipc_rows(ipc)`: the Appendix 7 rows a symbol qualifies under (Int64 bit set),
//!   null when the text is not an IPC symbol (bit sets are Int64: at most 64 rows);
//! - `gihi_ipc_valid(ipc)`: whether the text parses as an IPC symbol;
//! - `gihi_keyword_rows(title, abstract)`: the keyword rows whose keywords occur in either;
//! - `gihi_fields(rows, keyword_rows)`: the fields (bit set) a publication is in;
//! - `gihi_days(text)`: an ISO date as days since 1970-01-01 (null when empty), or
//!   `i32::MIN` when the text is not a date (the validation finds those);
//! - `gihi_division(field)`: the Field of Research division of a `paper_fields` value
//!   ([`division`]), null when it is not one;
//! - `gihi_blank(text)`: whether a text is null, empty or only spaces (a missing id), without
//!   building the trimmed strings that `trim(x) = ''` builds.

use crate::dates::parse_iso;
use crate::texts::TextMap;
use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, Int32Array, Int64Array, StringViewArray,
};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{exec_err, Result};
use datafusion::logical_expr::{
    ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use gihi_ipc::{Fields, Symbol};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// The division of a Field of Research value: spaces trimmed, two digits followed by the
/// end or a space (`31`, `31 Biological Sciences`), within [`crate::papers::DIVISIONS`].
pub(crate) fn division(field: &str) -> Option<u32> {
    let d = match field.trim_matches(' ').as_bytes() {
        [x @ b'0'..=b'9', y @ b'0'..=b'9'] | [x @ b'0'..=b'9', y @ b'0'..=b'9', b' ', ..] => {
            u32::from(x - b'0') * 10 + u32::from(y - b'0')
        }
        _ => return None,
    };
    crate::papers::DIVISIONS
        .contains(&i64::from(d))
        .then_some(d)
}

/// Marks a text that is not a date in `gihi_days`.
pub const NOT_A_DATE: i32 = i32::MIN;

/// Distinct IPC texts a thread remembers the rows of before it starts afresh (about
/// 100 MB at most; an export holds some 100,000 distinct texts).
const IPC_MEMO_LIMIT: usize = 1 << 20;

thread_local! {
    /// This thread's classified IPC texts: the UDF instance, then text → rows (None:
    /// not a symbol). An export repeats each of its symbols many times (4 million rows,
    /// 100,000 distinct texts in the benchmark corpus), and a lookup costs a fraction of a
    /// parse and classification. Keyed as [`TextMap`] keys texts (aHash, Arrow's hasher: the
    /// default SipHash doubled the cost).
    static IPC_MEMO: std::cell::RefCell<(u64, TextMap<Option<i64>>)> =
        std::cell::RefCell::new((0, TextMap::default()));
}

/// `gihi_ipc_rows` over an array: each distinct text parsed and classified once per thread.
fn ipc_rows(fields: &Fields, instance: u64, s: &StringViewArray) -> Int64Array {
    IPC_MEMO.with(|memo| {
        let mut memo = memo.borrow_mut();
        if memo.0 != instance || memo.1.len() > IPC_MEMO_LIMIT {
            memo.1.clear();
            memo.0 = instance;
        }
        let map = &mut memo.1;
        let classify = |t: &str| Symbol::parse(t).ok().map(|sym| fields.rows_of(&sym) as i64);
        let rows = map.values(s, classify);
        rows.into_iter()
            .enumerate()
            .map(|(k, r)| if s.is_null(k) { None } else { r })
            .collect()
    })
}

/// Which kernel a UDF runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kernel {
    IpcRows,
    IpcValid,
    KeywordRows,
    FieldsOf,
    Days,
    Division,
    Blank,
}

/// One gihi UDF: a kernel with the field table it classifies against.
#[derive(Debug)]
struct GihiUdf {
    kernel: Kernel,
    name: &'static str,
    signature: Signature,
    fields: Arc<Fields>,
    /// Identifies the field table (two UDFs are equal when kernel and table are).
    table_key: u64,
    /// Distinct for every call of [`udfs`] (from 1), so that a thread's IPC memo never
    /// serves another field table.
    instance: u64,
}

/// The last [`GihiUdf::instance`] given.
static INSTANCES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

impl PartialEq for GihiUdf {
    fn eq(&self, o: &Self) -> bool {
        self.kernel == o.kernel && self.table_key == o.table_key
    }
}
impl Eq for GihiUdf {}
impl Hash for GihiUdf {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.kernel.hash(h);
        self.table_key.hash(h);
    }
}

fn strings() -> Vec<DataType> {
    vec![DataType::Utf8View, DataType::Utf8, DataType::LargeUtf8]
}

/// Every gihi UDF for a field table (`table_key` identifies it, e.g. a hash of its text).
pub fn udfs(fields: Arc<Fields>, table_key: u64) -> Vec<ScalarUDF> {
    let one = Signature::uniform(1, strings(), Volatility::Immutable);
    let two = Signature::uniform(2, strings(), Volatility::Immutable);
    let instance = INSTANCES.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
    let masks = Signature::exact(
        vec![DataType::Int64, DataType::Int64],
        Volatility::Immutable,
    );
    [
        (Kernel::IpcRows, "gihi_ipc_rows", one.clone()),
        (Kernel::IpcValid, "gihi_ipc_valid", one.clone()),
        (Kernel::KeywordRows, "gihi_keyword_rows", two),
        (Kernel::FieldsOf, "gihi_fields", masks),
        (Kernel::Days, "gihi_days", one.clone()),
        (Kernel::Division, "gihi_division", one.clone()),
        (Kernel::Blank, "gihi_blank", one),
    ]
    .into_iter()
    .map(|(kernel, name, signature)| {
        ScalarUDF::from(GihiUdf {
            kernel,
            name,
            signature,
            fields: fields.clone(),
            table_key,
            instance,
        })
    })
    .collect()
}

/// The argument as a string-view array (any string type; scalars broadcast).
fn text(arg: &ColumnarValue, rows: usize) -> Result<StringViewArray> {
    let a: ArrayRef = arg.to_array(rows)?;
    let v = if a.data_type() == &DataType::Utf8View {
        a
    } else {
        cast(&a, &DataType::Utf8View)?
    };
    Ok(v.as_string_view().clone())
}

impl ScalarUDFImpl for GihiUdf {
    fn name(&self) -> &str {
        self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _args: &[DataType]) -> Result<DataType> {
        Ok(match self.kernel {
            Kernel::IpcRows | Kernel::KeywordRows | Kernel::FieldsOf | Kernel::Division => {
                DataType::Int64
            }
            Kernel::IpcValid | Kernel::Blank => DataType::Boolean,
            Kernel::Days => DataType::Int32,
        })
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let n = args.number_rows;
        let out: ArrayRef = match self.kernel {
            Kernel::IpcRows => {
                let s = text(&args.args[0], n)?;
                Arc::new(ipc_rows(&self.fields, self.instance, &s))
            }
            Kernel::IpcValid => {
                let s = text(&args.args[0], n)?;
                Arc::new(
                    s.iter()
                        .map(|x| x.map(|t| Symbol::parse(t).is_ok()))
                        .collect::<BooleanArray>(),
                )
            }
            Kernel::KeywordRows => {
                let t = text(&args.args[0], n)?;
                let a = text(&args.args[1], n)?;
                let f = &self.fields;
                Arc::new(
                    t.iter()
                        .zip(a.iter())
                        .map(|(t, a)| {
                            Some(
                                (t.map_or(0, |t| f.keyword_hits(t))
                                    | a.map_or(0, |a| f.keyword_hits(a)))
                                    as i64,
                            )
                        })
                        .collect::<Int64Array>(),
                )
            }
            Kernel::FieldsOf => {
                let r = args.args[0].to_array(n)?;
                let k = args.args[1].to_array(n)?;
                let (Some(r), Some(k)) = (
                    r.as_any().downcast_ref::<Int64Array>(),
                    k.as_any().downcast_ref::<Int64Array>(),
                ) else {
                    return exec_err!("gihi_fields expects two Int64 bit sets");
                };
                let f = &self.fields;
                Arc::new(
                    r.iter()
                        .zip(k.iter())
                        .map(|(r, k)| {
                            Some(i64::from(
                                f.fields_of(r.unwrap_or(0) as u64, k.unwrap_or(0) as u64),
                            ))
                        })
                        .collect::<Int64Array>(),
                )
            }
            Kernel::Days => {
                let s = text(&args.args[0], n)?;
                Arc::new(
                    s.iter()
                        .map(|x| match x.map(str::trim) {
                            None | Some("") => None,
                            Some(t) => Some(parse_iso(t).unwrap_or(NOT_A_DATE)),
                        })
                        .collect::<Int32Array>(),
                )
            }
            Kernel::Division => {
                let s = text(&args.args[0], n)?;
                Arc::new(
                    s.iter()
                        .map(|x| x.and_then(division).map(i64::from))
                        .collect::<Int64Array>(),
                )
            }
            Kernel::Blank => {
                let s = text(&args.args[0], n)?;
                Arc::new(
                    s.iter()
                        .map(|x| Some(x.is_none_or(|t| t.bytes().all(|b| b == b' '))))
                        .collect::<BooleanArray>(),
                )
            }
        };
        Ok(ColumnarValue::Array(out))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn divisions_read_as_the_layout_says() {
        use super::division;
        assert_eq!(division("31"), Some(31));
        assert_eq!(division("  52 Psychology "), Some(52));
        assert_eq!(division("30"), Some(30));
        for bad in [
            "29", "53", "3", "x1", "311", "31-Bio", "", "  ", "+3", "3 1",
        ] {
            assert_eq!(division(bad), None, "{bad}");
        }
    }

    use super::*;

    #[test]
    fn the_ipc_memo_gives_what_a_fresh_parse_gives() {
        let fields = Fields::appendix_7();
        let texts = [
            Some("G06N 3/08"),
            Some("G06N0003080000"),
            Some("not a symbol"),
            None,
            Some("G06N 3/08"),
            Some("A61K 31/00"),
            Some("not a symbol"),
            Some("H01L 21/02 (2006.01)"),
        ];
        let fresh: Vec<Option<i64>> = texts
            .iter()
            .map(|t| {
                t.and_then(|t| Symbol::parse(t).ok())
                    .map(|s| fields.rows_of(&s) as i64)
            })
            .collect();
        let array = StringViewArray::from(texts.to_vec());
        // Twice with one instance (the second from the memo), then with another instance.
        for instance in [u64::MAX - 1, u64::MAX - 1, u64::MAX] {
            let got: Vec<Option<i64>> = ipc_rows(&fields, instance, &array).iter().collect();
            assert_eq!(got, fresh);
        }
        assert_ne!(fresh[0], Some(0), "G06N 3/08 is an AI symbol");
    }

    #[test]
    fn a_memo_never_serves_another_field_table() {
        let ai_only = Fields::from_toml_str(
            r#"
source = "test"
[[field]]
id = "ai"
name_zh = "人工智能"
name_en = "AI"
source = "test"
[[field.row]]
branch = "all"
include = ["G06N*"]
"#,
            "test",
        )
        .expect("a valid field table");
        let array = StringViewArray::from(vec![Some("A61K 31/00")]);
        let a = ipc_rows(&Fields::appendix_7(), 1_000_001, &array).value(0);
        let b = ipc_rows(&ai_only, 1_000_002, &array).value(0);
        assert_ne!(a, 0);
        assert_eq!(b, 0);
    }
}
