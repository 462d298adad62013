//! gihi's kernels as DataFusion scalar UDFs, so that the record pipelines stay DataFusion
//! plans (and can run distributed on executors that register the same functions):
//!
//! - `gihi_ipc_rows(ipc)`: the Appendix 7 rows a symbol qualifies under (Int64 bit set),
//!   null when the text is not an IPC symbol (bit sets are Int64: at most 64 rows);
//! - `gihi_ipc_valid(ipc)`: whether the text parses as an IPC symbol;
//! - `gihi_keyword_rows(title, abstract)`: the keyword rows whose keywords occur in either;
//! - `gihi_fields(rows, keyword_rows)`: the fields (bit set) a publication is in;
//! - `gihi_days(text)`: an ISO date as days since 1970-01-01 (null when empty), or
//!   `i32::MIN` when the text is not a date (the validation finds those).

use crate::dates::parse_iso;
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

/// Marks a text that is not a date in `gihi_days`.
pub const NOT_A_DATE: i32 = i32::MIN;

/// Which kernel a UDF runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kernel {
    IpcRows,
    IpcValid,
    KeywordRows,
    FieldsOf,
    Days,
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
}

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
    let masks = Signature::exact(
        vec![DataType::Int64, DataType::Int64],
        Volatility::Immutable,
    );
    [
        (Kernel::IpcRows, "gihi_ipc_rows", one.clone()),
        (Kernel::IpcValid, "gihi_ipc_valid", one.clone()),
        (Kernel::KeywordRows, "gihi_keyword_rows", two),
        (Kernel::FieldsOf, "gihi_fields", masks),
        (Kernel::Days, "gihi_days", one),
    ]
    .into_iter()
    .map(|(kernel, name, signature)| {
        ScalarUDF::from(GihiUdf {
            kernel,
            name,
            signature,
            fields: fields.clone(),
            table_key,
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
            Kernel::IpcRows | Kernel::KeywordRows | Kernel::FieldsOf => DataType::Int64,
            Kernel::IpcValid => DataType::Boolean,
            Kernel::Days => DataType::Int32,
        })
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let n = args.number_rows;
        let out: ArrayRef = match self.kernel {
            Kernel::IpcRows => {
                let s = text(&args.args[0], n)?;
                let f = &self.fields;
                Arc::new(
                    s.iter()
                        .map(|x| {
                            x.and_then(|t| Symbol::parse(t).ok())
                                .map(|sym| f.rows_of(&sym) as i64)
                        })
                        .collect::<Int64Array>(),
                )
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
        };
        Ok(ColumnarValue::Array(out))
    }
}
