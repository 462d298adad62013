//! A record file read as runs of rows by id, beside a main file in id order (the ordered
//! walks of [`crate::paper_walk`] and [`crate::patent_walk`]): exports deliver a paper's
//! fields or a publication's symbols and parties together, ids in increasing order, so the
//! rows of id `x` are found by moving forward, never by a join.
//!
//! The cursor proves that order as it goes. Ids are asked for in strictly increasing order;
//! a row between the previous id asked for and the current one belongs to an id absent from
//! the main file (handed to the caller as skipped, as a join would drop it), and a row at or
//! below the previous id proves the file unsorted: the cursor sets `give_up` and the walk
//! returns `None`, so that the caller runs the generic plan, which hashes.

use crate::engine::Engine;
use crate::paper_walk::{decode_ahead, text, Batches};
use crate::texts::inline_view;
use crate::RecordsError;
use datafusion::arrow::array::{Array, RecordBatch, StringViewArray};
use futures::StreamExt;

/// The columns of a batch after its id, as a walk reads them.
pub(crate) trait Columns: Sized {
    /// Reads the columns after the id (column 0) of `b`.
    fn read(b: &RecordBatch) -> Result<Self, RecordsError>;
    /// Columns of no rows.
    fn empty() -> Self;
}

/// Every column read as text.
impl Columns for Vec<StringViewArray> {
    fn read(b: &RecordBatch) -> Result<Self, RecordsError> {
        b.columns()[1..].iter().map(text).collect()
    }

    fn empty() -> Self {
        Vec::new()
    }
}

/// A file's rows, id first, as a cursor over id-ordered runs.
pub(crate) struct RunCursor<C: Columns = Vec<StringViewArray>> {
    batches: Batches,
    /// The current batch's ids.
    ids: StringViewArray,
    /// The current batch's other columns.
    columns: C,
    row: usize,
    /// The id asked for last: every row still to come must be greater.
    floor: Vec<u8>,
    /// Set when the file proves unsorted (or a caller refuses a row): the walk gives up.
    pub(crate) give_up: bool,
}

impl<C: Columns> RunCursor<C> {
    /// Starts decoding `query` (id first) in file order.
    pub(crate) async fn open(engine: &Engine, query: &str) -> Result<RunCursor<C>, RecordsError> {
        Ok(RunCursor {
            batches: decode_ahead(engine, query).await?,
            ids: StringViewArray::from(Vec::<&str>::new()),
            columns: C::empty(),
            row: 0,
            floor: Vec::new(),
            give_up: false,
        })
    }

    async fn ready(&mut self) -> Result<bool, RecordsError> {
        while self.row >= self.ids.len() {
            let Some(b) = self.batches.next().await else {
                return Ok(false);
            };
            let b = b?;
            self.ids = text(b.column(0))?;
            self.columns = C::read(&b)?;
            self.row = 0;
        }
        Ok(true)
    }

    /// Calls `f(columns, row, true)` for every row of id `id` and `f(columns, row, false)`
    /// for the rows before them (ids absent from the main file). A row with a null id, or
    /// at or below the previous id asked for, sets `give_up`.
    pub(crate) async fn run(
        &mut self,
        id: &[u8],
        mut f: impl FnMut(&C, usize, bool),
    ) -> Result<(), RecordsError> {
        // Most rows carry the id asked for: equal string views (an inline id) prove it
        // without comparing bytes; anything else is compared in full.
        let view = inline_view(id);
        while !self.give_up && self.ready().await? {
            let ids = &self.ids;
            if ids.is_null(self.row) {
                self.give_up = true;
                break;
            }
            if view.is_some_and(|v| v == ids.views()[self.row]) {
                f(&self.columns, self.row, true);
                self.row += 1;
                continue;
            }
            let row_id = ids.value(self.row).as_bytes();
            match row_id.cmp(id) {
                std::cmp::Ordering::Greater => break,
                std::cmp::Ordering::Equal => f(&self.columns, self.row, true),
                std::cmp::Ordering::Less => {
                    if row_id <= self.floor.as_slice() {
                        self.give_up = true;
                        break;
                    }
                    f(&self.columns, self.row, false);
                }
            }
            self.row += 1;
        }
        self.floor.clear();
        self.floor.extend_from_slice(id);
        Ok(())
    }

    /// After the main file's last id: the rows left belong to absent ids (`f` sees each),
    /// unless one is at or below the last id asked for (the file is then unsorted).
    pub(crate) async fn finish(
        &mut self,
        mut f: impl FnMut(&C, usize),
    ) -> Result<(), RecordsError> {
        while !self.give_up && self.ready().await? {
            let ids = &self.ids;
            if ids.is_null(self.row) || ids.value(self.row).as_bytes() <= self.floor.as_slice() {
                self.give_up = true;
                break;
            }
            f(&self.columns, self.row);
            self.row += 1;
        }
        Ok(())
    }
}
