//! A record file being written by `gihi records synth`: buffered columns flushed as Arrow
//! record batches to Parquet (with `gihi.synthetic` metadata), or as rows to CSV (under a
//! `# SYNTHETIC` comment line). Memory stays bounded: callers flush in chunks.

use crate::dates::iso;
use crate::synth::Format;
use crate::RecordsError;
use datafusion::arrow::array::{
    ArrayRef, BooleanBuilder, Date32Builder, Int64Builder, StringBuilder,
};
use datafusion::arrow::datatypes::{DataType, Schema};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::file::properties::WriterProperties;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

/// One cell of a row, in schema order.
#[derive(Debug, Clone, Copy)]
pub enum Cell<'a> {
    Text(&'a str),
    Null,
    Int(i64),
    Bool(bool),
    /// Days since 1970-01-01, or empty.
    Date(Option<i32>),
}

/// A file being written: buffered columns flushed as a record batch (Parquet) or rows (CSV).
pub struct Sink {
    schema: Arc<Schema>,
    text: Vec<StringBuilder>,
    bools: BooleanBuilder,
    dates: Vec<Date32Builder>,
    ints: Vec<Int64Builder>,
    rows: usize,
    out: SinkOut,
    path: String,
}

enum SinkOut {
    Parquet(Box<ArrowWriter<std::fs::File>>),
    Csv(Box<csv::Writer<std::io::BufWriter<std::fs::File>>>),
}

impl Sink {
    /// A sink writing `schema` to `file` (`name` for messages).
    pub fn new(
        file: std::fs::File,
        name: &str,
        schema: Arc<Schema>,
        format: Format,
    ) -> Result<Sink, RecordsError> {
        let path = Path::new(name);
        let io = |e: std::io::Error| RecordsError::io(path, e);
        let out = match format {
            Format::Parquet => {
                let props = WriterProperties::builder()
                    .set_key_value_metadata(Some(vec![
                        datafusion::parquet::file::metadata::KeyValue::new(
                            "gihi.synthetic".to_string(),
                            "SYNTHETIC records made by gihi records synth; not real data"
                                .to_string(),
                        ),
                    ]))
                    .build();
                SinkOut::Parquet(Box::new(
                    ArrowWriter::try_new(file, schema.clone(), Some(props))
                        .map_err(|e| RecordsError::io(path, std::io::Error::other(e)))?,
                ))
            }
            Format::Csv => {
                let mut w = std::io::BufWriter::new(file);
                writeln!(
                    w,
                    "# SYNTHETIC records made by gihi records synth: invented, not real data"
                )
                .map_err(io)?;
                let mut c = csv::Writer::from_writer(w);
                c.write_record(schema.fields().iter().map(|f| f.name().as_str()))
                    .map_err(|e| RecordsError::io(path, std::io::Error::other(e)))?;
                SinkOut::Csv(Box::new(c))
            }
        };
        let n_text = schema
            .fields()
            .iter()
            .filter(|f| f.data_type() == &DataType::Utf8)
            .count();
        let n_dates = schema
            .fields()
            .iter()
            .filter(|f| f.data_type() == &DataType::Date32)
            .count();
        let n_ints = schema
            .fields()
            .iter()
            .filter(|f| f.data_type() == &DataType::Int64)
            .count();
        Ok(Sink {
            schema,
            ints: (0..n_ints).map(|_| Int64Builder::new()).collect(),
            text: (0..n_text).map(|_| StringBuilder::new()).collect(),
            bools: BooleanBuilder::new(),
            dates: (0..n_dates).map(|_| Date32Builder::new()).collect(),
            rows: 0,
            out,
            path: name.to_string(),
        })
    }

    fn csv_row(&mut self, cells: &[&str]) -> Result<(), RecordsError> {
        if let SinkOut::Csv(c) = &mut self.out {
            let r = c.write_record(cells);
            r.map_err(|e| RecordsError::io(Path::new(&self.path), std::io::Error::other(e)))?;
        }
        Ok(())
    }

    /// Appends one row (cells in schema order).
    pub fn row(&mut self, cells: &[Cell]) -> Result<(), RecordsError> {
        debug_assert_eq!(cells.len(), self.schema.fields().len());
        self.rows += 1;
        if matches!(self.out, SinkOut::Csv(_)) {
            let text: Vec<String> = cells
                .iter()
                .map(|c| match c {
                    Cell::Text(s) => s.to_string(),
                    Cell::Null | Cell::Date(None) => String::new(),
                    Cell::Int(i) => i.to_string(),
                    Cell::Bool(b) => b.to_string(),
                    Cell::Date(Some(d)) => iso(*d),
                })
                .collect();
            let refs: Vec<&str> = text.iter().map(String::as_str).collect();
            return self.csv_row(&refs);
        }
        let (mut t, mut d, mut i) = (0, 0, 0);
        for c in cells {
            match c {
                Cell::Text(s) => {
                    self.text[t].append_value(s);
                    t += 1;
                }
                Cell::Null => {
                    self.text[t].append_null();
                    t += 1;
                }
                Cell::Int(v) => {
                    self.ints[i].append_value(*v);
                    i += 1;
                }
                Cell::Bool(b) => self.bools.append_value(*b),
                Cell::Date(v) => {
                    self.dates[d].append_option(*v);
                    d += 1;
                }
            }
        }
        Ok(())
    }

    /// Flushes when `at` rows are buffered.
    pub fn flush_if(&mut self, at: usize) -> Result<(), RecordsError> {
        if self.rows >= at {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), RecordsError> {
        if self.rows == 0 {
            return Ok(());
        }
        self.rows = 0;
        if let SinkOut::Parquet(w) = &mut self.out {
            let mut text = self.text.iter_mut();
            let mut dates = self.dates.iter_mut();
            let mut ints = self.ints.iter_mut();
            let mut columns: Vec<ArrayRef> = Vec::new();
            for f in self.schema.fields() {
                columns.push(match f.data_type() {
                    DataType::Boolean => Arc::new(self.bools.finish()),
                    DataType::Date32 => Arc::new(dates.next().expect("date column").finish()),
                    DataType::Int64 => Arc::new(ints.next().expect("integer column").finish()),
                    _ => Arc::new(text.next().expect("text column").finish()),
                });
            }
            let batch = RecordBatch::try_new(self.schema.clone(), columns)
                .expect("columns match the schema");
            w.write(&batch)
                .map_err(|e| RecordsError::io(Path::new(&self.path), std::io::Error::other(e)))?;
        }
        Ok(())
    }

    /// Flushes and closes the file.
    pub fn finish(mut self) -> Result<(), RecordsError> {
        self.flush()?;
        match self.out {
            SinkOut::Parquet(w) => {
                w.close().map_err(|e| {
                    RecordsError::io(Path::new(&self.path), std::io::Error::other(e))
                })?;
            }
            SinkOut::Csv(mut c) => {
                c.flush()
                    .map_err(|e| RecordsError::io(Path::new(&self.path), e))?;
            }
        }
        Ok(())
    }
}
