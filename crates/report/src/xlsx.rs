//! The Excel workbook: every table on its own sheet, bilingual headers, numbers as numbers.

use crate::{Report, Text};
use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// Sheet names: at most 31 characters, unique, without `[]:*?/\`.
fn sheet_name(id: &str, used: &mut Vec<String>) -> String {
    let clean: String = id
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(28)
        .collect();
    let mut name = clean.clone();
    let mut k = 2;
    while used.contains(&name) {
        name = format!("{}-{k}", &clean[..clean.len().min(26)]);
        k += 1;
    }
    used.push(name.clone());
    name
}

fn both(t: &Text) -> String {
    if t.zh == t.en {
        t.en.clone()
    } else {
        format!("{} {}", t.zh, t.en)
    }
}

/// The workbook's bytes.
pub fn workbook(r: &Report) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let mut used = Vec::new();
    {
        let about = wb.add_worksheet().set_name("About")?;
        about.write_string_with_format(0, 0, both(&r.title), &bold)?;
        about.write_string(1, 0, both(&r.subtitle))?;
        if r.synthetic {
            about.write_string_with_format(
                2,
                0,
                "SYNTHETIC DATA 合成数据: invented values, not real GIHI results",
                &bold,
            )?;
        }
        for (i, t) in r.tables().enumerate() {
            about.write_string(4 + i as u32, 0, &t.id)?;
            about.write_string(4 + i as u32, 1, both(&t.title))?;
            about.write_string(4 + i as u32, 2, both(&t.source))?;
        }
        about.set_column_width(0, 34)?;
        about.set_column_width(1, 70)?;
        used.push("About".to_string());
    }
    for t in r.tables() {
        let ws = wb.add_worksheet().set_name(sheet_name(&t.id, &mut used))?;
        for (j, c) in t.columns.iter().enumerate() {
            ws.write_string_with_format(0, j as u16, both(c), &bold)?;
        }
        for (i, row) in t.rows.iter().enumerate() {
            for (j, c) in row.iter().enumerate() {
                match c.number {
                    Some(v) if v.is_finite() => {
                        ws.write_number(i as u32 + 1, j as u16, v)?;
                    }
                    _ => {
                        ws.write_string(i as u32 + 1, j as u16, both(&c.text))?;
                    }
                }
            }
        }
        let note_row = t.rows.len() as u32 + 2;
        ws.write_string(note_row, 0, both(&t.source))?;
        if r.synthetic {
            ws.write_string(note_row + 1, 0, "SYNTHETIC DATA 合成数据")?;
        }
        ws.set_column_width(1, 28)?;
    }
    wb.save_to_buffer()
}
