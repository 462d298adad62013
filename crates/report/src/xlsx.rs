//! The Excel workbook: a contents sheet linking to every table, then every table on its own
//! sheet named by the report's table number (`table-07-pillar-b` is 表 7), with a frozen,
//! filterable header row, columns sized to their text, numbers as numbers shown with the
//! printed number of decimals, and a note on every value the audit shows inconsistent.

use crate::{Report, Text};
use rust_xlsxwriter::{Format, Note, Url, Workbook, XlsxError};

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

/// Display width of a text in Excel's character units (CJK counts twice).
fn width(s: &str) -> f64 {
    s.chars()
        .map(|c| if c as u32 >= 0x2E80 { 2.0 } else { 1.0 })
        .sum()
}

/// The number format that shows a value as the report prints it: as many decimals as the
/// printed text has (`63.15` → `0.00`, `7` → `0`).
fn number_format(shown: &str) -> Format {
    let decimals = shown
        .trim_end_matches('⚠')
        .trim()
        .split_once('.')
        .map_or(0, |(_, d)| {
            d.chars().take_while(char::is_ascii_digit).count()
        });
    if decimals == 0 {
        Format::new().set_num_format("0")
    } else {
        Format::new().set_num_format(format!("0.{}", "0".repeat(decimals)))
    }
}

/// The workbook's bytes.
pub fn workbook(r: &Report) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let mut used = vec!["About".to_string()];
    // Sheets in the order of the report's table numbers (ids are `table-NN-...`).
    let mut tables: Vec<&crate::Table> = r.tables().collect();
    tables.sort_by(|a, b| a.id.cmp(&b.id));
    let names: Vec<String> = tables
        .iter()
        .map(|t| sheet_name(&t.id, &mut used))
        .collect();
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
        about.write_string_with_format(3, 0, "目录 Contents", &bold)?;
        for (i, (t, name)) in tables.iter().zip(&names).enumerate() {
            let row = 4 + i as u32;
            about.write_url(
                row,
                0,
                Url::new(format!("internal:'{name}'!A1")).set_text(name),
            )?;
            about.write_string(row, 1, both(&t.title))?;
            about.write_string(row, 2, both(&t.source))?;
        }
        about.set_column_width(0, 30)?;
        about.set_column_width(1, 80)?;
        about.set_column_width(2, 60)?;
    }
    for (t, name) in tables.iter().zip(&names) {
        let ws = wb.add_worksheet().set_name(name)?;
        let mut widths: Vec<f64> = t.columns.iter().map(|c| width(&both(c))).collect();
        for (j, c) in t.columns.iter().enumerate() {
            ws.write_string_with_format(0, j as u16, both(c), &bold)?;
        }
        for (i, row) in t.rows.iter().enumerate() {
            let at = i as u32 + 1;
            for (j, c) in row.iter().enumerate() {
                let shown = both(&c.text);
                if let Some(w) = widths.get_mut(j) {
                    *w = w.max(width(&shown));
                }
                match c.number {
                    Some(v) if v.is_finite() => {
                        ws.write_number_with_format(at, j as u16, v, &number_format(&c.text.en))?;
                    }
                    _ => {
                        ws.write_string(at, j as u16, shown)?;
                    }
                }
                if c.flagged {
                    ws.insert_note(
                        at,
                        j as u16,
                        &Note::new("⚠ 审计显示该印刷值与其他表不一致 / the audit shows this printed value to be inconsistent with the other tables"),
                    )?;
                }
            }
        }
        for (j, w) in widths.iter().enumerate() {
            ws.set_column_width(j as u16, (w + 2.0).clamp(6.0, 60.0))?;
        }
        if !t.rows.is_empty() && !t.columns.is_empty() {
            ws.set_freeze_panes(1, 0)?;
            ws.autofilter(0, 0, t.rows.len() as u32, t.columns.len() as u16 - 1)?;
        }
        let note_row = t.rows.len() as u32 + 2;
        ws.write_string(note_row, 0, both(&t.source))?;
        if r.synthetic {
            ws.write_string(note_row + 1, 0, "SYNTHETIC DATA 合成数据")?;
        }
    }
    wb.save_to_buffer()
}
