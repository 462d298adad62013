//! `GET /api/v1/download`: every table the explorer shows, as CSV (UTF-8, with the SYNTHETIC
//! banner line when the data are invented) or XLSX (a banner row likewise).

use crate::api::{table_request, AppState};
use crate::error::{ApiError, ApiQuery, ErrorBody};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use gihi_service::types::Table;
use serde::Deserialize;
use utoipa::IntoParams;

/// What to download.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DownloadQuery {
    /// `ranking`, `profile`, `compare`, `regions`, `modes` or `audit`.
    #[param(example = "ranking")]
    pub table: String,
    /// `csv` (default) or `xlsx`.
    pub format: Option<String>,
    /// For `ranking` and `regions`: the level (default `composite`).
    pub level: Option<String>,
    /// For `ranking`: continent filter.
    pub continent: Option<String>,
    /// For `ranking`: country filter (ISO alpha-2).
    pub country: Option<String>,
    /// For `ranking`: search text.
    pub search: Option<String>,
    /// For `profile` (one) and `compare` (2 to 4): comma-separated city ids or names.
    pub cities: Option<String>,
}

/// A table as CSV or XLSX, as an attachment.
#[utoipa::path(get, path = "/api/v1/download", params(DownloadQuery),
    responses(
        (status = 200, description = "The table", content(
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 400, body = ErrorBody)))]
pub async fn download(
    State(a): State<AppState>,
    ApiQuery(q): ApiQuery<DownloadQuery>,
) -> Result<Response, ApiError> {
    let format = q.format.as_deref().unwrap_or("csv");
    if format != "csv" && format != "xlsx" {
        return Err(ApiError::bad_request(
            "invalid",
            "format: expected csv or xlsx",
        ));
    }
    let table = a
        .explorer
        .table_for_download(&q.table, &table_request(&q))?;
    let stem = format!(
        "gihi-{}{}",
        table.name,
        if table.synthetic { "-synthetic" } else { "" }
    );
    let (bytes, mime) = if format == "csv" {
        (csv_bytes(&table)?, "text/csv; charset=utf-8")
    } else {
        (
            xlsx_bytes(&table)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    };
    // The name is made of ids and level names only (ASCII letters, digits, '-').
    let safe: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok((
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{safe}.{format}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

fn csv_bytes(t: &Table) -> Result<Vec<u8>, ApiError> {
    let banner = if t.synthetic {
        gihi_output::SYNTHETIC_CSV_BANNER
    } else {
        ""
    };
    let mut w = csv::Writer::from_writer(banner.as_bytes().to_vec());
    w.write_record(&t.header)
        .map_err(|_| ApiError::internal())?;
    for r in &t.rows {
        w.write_record(r).map_err(|_| ApiError::internal())?;
    }
    w.into_inner().map_err(|_| ApiError::internal())
}

fn xlsx_bytes(t: &Table) -> Result<Vec<u8>, ApiError> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let fail = |_| ApiError::internal();
    let mut row = 0;
    if t.synthetic {
        sheet
            .write_string(
                0,
                0,
                gihi_output::SYNTHETIC_CSV_BANNER
                    .trim_start_matches("# ")
                    .trim(),
            )
            .map_err(fail)?;
        row = 1;
    }
    for (c, h) in t.header.iter().enumerate() {
        sheet.write_string(row, c as u16, h).map_err(fail)?;
    }
    for r in &t.rows {
        row += 1;
        for (c, v) in r.iter().enumerate() {
            // Numbers as numbers (sortable in a spreadsheet), everything else as text.
            match v.parse::<f64>() {
                Ok(x) if x.is_finite() && !v.is_empty() => {
                    sheet.write_number(row, c as u16, x).map_err(fail)?
                }
                _ => sheet.write_string(row, c as u16, v).map_err(fail)?,
            };
        }
    }
    book.save_to_buffer().map_err(fail)
}
