//! The chart kinds the report needs, built once on plotters' SVG backend: ranked bars,
//! paired bars, box plots, small multiples (profiles), rank trend lines, bubbles and heatmaps.
//!
//! Text is written as SVG `<text>` in a sans-serif family, so the browser renders Chinese with
//! whatever CJK font the machine has (the tests install Noto CJK). A chart from synthetic
//! data carries a "SYNTHETIC 合成数据" watermark.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
type Fallible = Result<(), Box<dyn std::error::Error>>;

/// Colours of series and groups.
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(31, 94, 160),
    RGBColor(214, 98, 40),
    RGBColor(46, 139, 87),
    RGBColor(150, 60, 150),
    RGBColor(180, 150, 20),
    RGBColor(90, 90, 90),
    RGBColor(20, 160, 170),
    RGBColor(200, 40, 80),
];

const FONT: &str = "sans-serif";

fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// Renders into an SVG string whose `<title>` is `title` (not drawn: the page shows it as the
/// caption); a drawing error yields a small SVG saying so (never a panic).
fn render(
    size: (u32, u32),
    title: &str,
    synthetic: bool,
    draw: impl FnOnce(&Area) -> Fallible,
) -> String {
    let mut svg = String::new();
    let result = {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        (|| -> Fallible {
            root.fill(&WHITE)?;
            draw(&root.margin(8, 6, 6, 6))?;
            if synthetic {
                let (w, h) = root.dim_in_pixel();
                root.draw(&Text::new(
                    "SYNTHETIC 合成数据".to_string(),
                    (w as i32 / 2, h as i32 / 2),
                    (FONT, 44)
                        .into_font()
                        .color(&RGBColor(200, 0, 0).mix(0.18))
                        .pos(Pos::new(HPos::Center, VPos::Center)),
                ))?;
            }
            root.present()?;
            Ok(())
        })()
    };
    match result {
        // The title is the SVG's accessible <title> (screen readers, a file opened alone);
        // the page's caption shows it once.
        Ok(()) => match svg.find('>') {
            Some(end) => format!("{}<title>{}</title>{}", &svg[..=end], escape(title), &svg[end + 1..]),
            None => svg,
        },
        Err(e) => format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"60\"><text x=\"10\" y=\"30\">{}: chart could not be drawn ({})</text></svg>",
            size.0,
            escape(title),
            escape(&e.to_string())
        ),
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Draws text at an absolute backend position (as `backend_coord` returns).
fn label(area: &Area, text: &str, at: (i32, i32), anchor: (HPos, VPos), size: u32) -> Fallible {
    let (bx, by) = area.get_base_pixel();
    let at = (at.0 - bx, at.1 - by);
    area.draw(&Text::new(
        text.to_string(),
        at,
        (FONT, size)
            .into_font()
            .color(&BLACK)
            .pos(Pos::new(anchor.0, anchor.1)),
    ))?;
    Ok(())
}

/// A label's box in backend pixels: (left, top, width, height).
type Rect = (i32, i32, i32, i32);

/// Estimated width of a label at `size` px (CJK characters are about twice as wide).
fn text_width(s: &str, size: u32) -> i32 {
    s.chars()
        .map(|c| {
            if c as u32 >= 0x2E80 {
                size as f64
            } else {
                size as f64 * 0.56
            }
        })
        .sum::<f64>()
        .ceil() as i32
}

fn overlaps(a: Rect, b: Rect) -> bool {
    a.0 < b.0 + b.2 && b.0 < a.0 + a.2 && a.1 < b.1 + b.3 && b.1 < a.1 + a.3
}

/// The first spot for a `size` label around bubble `(x, y, r)`, inside `bounds`, that overlaps
/// no placed label and no bubble's centre: right, left, above, below, then diagonals, ring
/// after ring (24 rings of 12 px).
fn label_spot(
    bubble: (i32, i32, i32),
    size: (i32, i32),
    bounds: Rect,
    placed: &[Rect],
    marks: &[(i32, i32, i32)],
) -> Rect {
    let (x, y, r) = bubble;
    let (w, h) = size;
    let inside = |(lx, ly, lw, lh): Rect| {
        lx >= bounds.0
            && ly >= bounds.1
            && lx + lw <= bounds.0 + bounds.2
            && ly + lh <= bounds.1 + bounds.3
    };
    for ring in 0..24 {
        let d = r + 2 + ring * 12;
        let candidates = [
            (x + d, y - h / 2),
            (x - d - w, y - h / 2),
            (x - w / 2, y - d - h),
            (x - w / 2, y + d),
            (x + d, y - d - h),
            (x + d, y + d),
            (x - d - w, y - d - h),
            (x - d - w, y + d),
        ];
        for (lx, ly) in candidates {
            let rect = (lx, ly, w, h);
            let clear_of_marks = marks
                .iter()
                .all(|(mx, my, _)| !overlaps(rect, (mx - 3, my - 3, 6, 6)));
            if inside(rect) && clear_of_marks && placed.iter().all(|p| !overlaps(rect, *p)) {
                return rect;
            }
        }
    }
    (x + r + 2, y - h / 2, w, h)
}

/// Room for labels drawn left of a chart (pixels): the widest label's estimated width at
/// `px` pixels (a CJK character one em, other characters 0.62 em, the widest sans-serif
/// fonts in use), plus a margin; between 60 and 380.
fn label_area<'a>(labels: impl Iterator<Item = &'a str>, px: u32) -> u32 {
    let em = |c: char| if c.is_ascii() { 0.62 } else { 1.0 };
    let widest = labels
        .map(|l| l.chars().map(em).sum::<f64>())
        .fold(0.0, f64::max);
    ((widest * f64::from(px)) as u32 + 14).clamp(60, 380)
}

fn max_of(v: impl Iterator<Item = f64>) -> f64 {
    let m = v.fold(0.0f64, f64::max);
    if m > 0.0 {
        m * 1.05
    } else {
        1.0
    }
}

/// Horizontal bars, best first (ranked lists such as the top 20).
pub fn ranked_bars(title: &str, items: &[(String, f64)], lo: f64, synthetic: bool) -> String {
    let h = 50 + 22 * items.len() as u32;
    let names = label_area(items.iter().map(|x| x.0.as_str()), 12);
    render((760, h.max(160)), title, synthetic, |area| {
        let hi = max_of(items.iter().map(|x| x.1));
        let mut chart = ChartBuilder::on(area)
            .margin_right(20)
            .x_label_area_size(24)
            .y_label_area_size(names)
            .build_cartesian_2d(lo..hi, 0f64..items.len() as f64)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .disable_y_axis()
            .x_labels(6)
            .label_style((FONT, 12))
            .draw()?;
        let n = items.len() as f64;
        chart.draw_series(items.iter().enumerate().map(|(i, (_, v))| {
            let y = n - i as f64;
            Rectangle::new([(lo, y - 0.85), (*v, y - 0.15)], colour(0).filled())
        }))?;
        for (i, (name, v)) in items.iter().enumerate() {
            let y = n - i as f64 - 0.5;
            let (px, py) = chart.backend_coord(&(lo, y));
            label(area, name, (px - 6, py), (HPos::Right, VPos::Center), 12)?;
            let (vx, _) = chart.backend_coord(&(*v, y));
            label(
                area,
                &format!("{v:.2}"),
                (vx + 4, py),
                (HPos::Left, VPos::Center),
                11,
            )?;
        }
        Ok(())
    })
}

/// Two indicators side by side for the same cities (two panels, each in its own unit);
/// negative values (a fall) extend left of zero.
pub fn paired_bars(
    title: &str,
    items: &[(String, f64, f64)],
    series: [&str; 2],
    synthetic: bool,
) -> String {
    let h = 70 + 22 * items.len() as u32;
    let names = label_area(items.iter().map(|x| x.0.as_str()), 12);
    render((900, h.max(180)), title, synthetic, |area| {
        let (left, right) = area.split_horizontally(500);
        let n = items.len() as f64;
        for (k, (panel, name)) in [(&left, series[0]), (&right, series[1])]
            .into_iter()
            .enumerate()
        {
            let values: Vec<f64> = items
                .iter()
                .map(|x| if k == 0 { x.1 } else { x.2 })
                .collect();
            let hi = max_of(values.iter().copied());
            let lo = values.iter().copied().fold(0.0f64, f64::min);
            let lo = if lo < 0.0 { lo - 0.05 * (hi - lo) } else { 0.0 };
            let mut chart = ChartBuilder::on(panel)
                .caption(name, (FONT, 13))
                .margin_right(16)
                .x_label_area_size(24)
                .y_label_area_size(if k == 0 { names } else { 8 })
                .build_cartesian_2d(lo..hi, 0f64..n)?;
            chart
                .configure_mesh()
                .disable_y_mesh()
                .disable_y_axis()
                .x_labels(4)
                .label_style((FONT, 11))
                .draw()?;
            chart.draw_series(values.iter().enumerate().map(|(i, v)| {
                let y = n - i as f64;
                Rectangle::new([(0.0, y - 0.85), (*v, y - 0.15)], colour(k).filled())
            }))?;
            if k == 0 {
                for (i, it) in items.iter().enumerate() {
                    let (px, py) = chart.backend_coord(&(lo, n - i as f64 - 0.5));
                    label(panel, &it.0, (px - 6, py), (HPos::Right, VPos::Center), 12)?;
                }
            }
        }
        Ok(())
    })
}

/// One box per group: (label, [min, q1, median, q3, max], n). Ranks: 1 at the top.
pub fn box_plots(
    title: &str,
    groups: &[(String, [f64; 5], usize)],
    axis_max: f64,
    rank_axis: &str,
    synthetic: bool,
) -> String {
    render((760, 420), title, synthetic, |area| {
        let k = groups.len() as f64;
        let mut chart = ChartBuilder::on(area)
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(50)
            .build_cartesian_2d(-0.5..k - 0.5, axis_max..0.0)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .disable_x_axis()
            .y_desc(rank_axis)
            .label_style((FONT, 12))
            .draw()?;
        for (i, (name, q, n)) in groups.iter().enumerate() {
            let x = i as f64;
            let c = colour(i);
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(x, q[0]), (x, q[1])],
                c.stroke_width(2),
            )))?;
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(x, q[3]), (x, q[4])],
                c.stroke_width(2),
            )))?;
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x - 0.25, q[1]), (x + 0.25, q[3])],
                c.mix(0.35).filled(),
            )))?;
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x - 0.25, q[1]), (x + 0.25, q[3])],
                c.stroke_width(2),
            )))?;
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(x - 0.25, q[2]), (x + 0.25, q[2])],
                BLACK.stroke_width(3),
            )))?;
            let (px, py) = chart.backend_coord(&(x, axis_max));
            label(
                area,
                &format!("{name} (n={n})"),
                (px, py + 10),
                (HPos::Center, VPos::Top),
                13,
            )?;
        }
        Ok(())
    })
}

/// Small multiples: one mini bar chart of node scores per city (development status profiles).
pub fn small_multiples(
    title: &str,
    cities: &[(String, Vec<f64>)],
    nodes: &[String],
    lo: f64,
    synthetic: bool,
) -> String {
    let cols = 5usize;
    let rows = cities.len().div_ceil(cols).max(1);
    render((1000, 60 + 150 * rows as u32), title, synthetic, |area| {
        let cells = area.split_evenly((rows, cols));
        for (cell, (name, values)) in cells.iter().zip(cities) {
            // A long name gets a smaller caption so that it fits its panel.
            let room = cell.dim_in_pixel().0.saturating_sub(12);
            let size = (1..=12u32)
                .rev()
                .find(|&px| label_area(std::iter::once(name.as_str()), px) - 14 <= room)
                .unwrap_or(7)
                .max(7);
            let mut chart = ChartBuilder::on(cell)
                .caption(name, (FONT, size))
                .margin(4)
                .x_label_area_size(16)
                .y_label_area_size(26)
                .build_cartesian_2d(0f64..nodes.len() as f64, lo..100.0)?;
            chart
                .configure_mesh()
                .disable_x_mesh()
                .disable_x_axis()
                .y_labels(3)
                .label_style((FONT, 9))
                .draw()?;
            chart.draw_series(values.iter().enumerate().map(|(i, v)| {
                Rectangle::new(
                    [(i as f64 + 0.15, lo), (i as f64 + 0.85, v.max(lo))],
                    colour(i).filled(),
                )
            }))?;
            for (i, n) in nodes.iter().enumerate() {
                let (px, py) = chart.backend_coord(&(i as f64 + 0.5, lo));
                label(area, n, (px, py + 2), (HPos::Center, VPos::Top), 9)?;
            }
        }
        Ok(())
    })
}

/// Rank histories across editions (1 at the top).
pub fn rank_trends(
    title: &str,
    series: &[(String, Vec<(u16, u32)>)],
    rank_axis: &str,
    synthetic: bool,
) -> String {
    render((980, 560), title, synthetic, |area| {
        let years: Vec<u16> = series
            .iter()
            .flat_map(|s| s.1.iter().map(|p| p.0))
            .collect();
        let (y0, y1) = (
            years.iter().min().copied().unwrap_or(2022),
            years.iter().max().copied().unwrap_or(2024),
        );
        // The axis covers the ranks of the latest year; an earlier rank far below (one city
        // at 95 would squeeze the other 19 into a strip) is drawn at the axis' bottom edge,
        // marked with its value.
        let latest_worst = series
            .iter()
            .filter_map(|s| s.1.iter().max_by_key(|p| p.0).map(|p| p.1))
            .max()
            .unwrap_or(20);
        let cut = (latest_worst + 5).max(25);
        let worst = series
            .iter()
            .flat_map(|s| s.1.iter().map(|p| p.1))
            .max()
            .unwrap_or(20)
            .min(cut) as f64;
        let mut chart = ChartBuilder::on(area)
            .margin(10)
            .margin_right(300)
            .x_label_area_size(30)
            .y_label_area_size(40)
            .build_cartesian_2d(y0 as f64 - 0.1..y1 as f64 + 0.1, worst + 0.5..0.5)?;
        chart
            .configure_mesh()
            .x_labels((y1 - y0 + 1) as usize)
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| format!("{y:.0}"))
            .y_desc(rank_axis)
            .label_style((FONT, 12))
            .draw()?;
        let mut ends: Vec<(i32, i32, usize)> = Vec::new();
        let mut outliers: Vec<(u16, u32)> = Vec::new();
        for (i, (_, pts)) in series.iter().enumerate() {
            let line: Vec<(f64, f64)> = pts
                .iter()
                .map(|(y, r)| (*y as f64, (*r).min(cut) as f64))
                .collect();
            chart.draw_series(LineSeries::new(line.clone(), colour(i).stroke_width(2)))?;
            chart.draw_series(line.iter().map(|p| Circle::new(*p, 3, colour(i).filled())))?;
            outliers.extend(pts.iter().filter(|(_, r)| *r > cut).copied());
            if let Some(last) = line.last() {
                let (px, py) = chart.backend_coord(last);
                ends.push((px, py, i));
            }
        }
        // Ranks below the axis, marked at its bottom edge: one marker per rank, stacked
        // upwards per year (best first) so that markers of one year never overlap.
        outliers.sort();
        let mut stacked = 0;
        for (k, (y, r)) in outliers.iter().enumerate() {
            stacked = if k > 0 && outliers[k - 1].0 == *y {
                stacked + 1
            } else {
                0
            };
            let (px, py) = chart.backend_coord(&(*y as f64, cut as f64));
            label(
                area,
                &format!("↓{r}"),
                (px + 5, py - 2 - 12 * stacked),
                (HPos::Left, VPos::Bottom),
                10,
            )?;
        }
        let names: Vec<&str> = series.iter().map(|s| s.0.as_str()).collect();
        end_labels(area, ends, &names)
    })
}

/// Labels at the ends of lines (pixel end point, series index): top to bottom, each at
/// least a line below the previous and all above the area's bottom (lines that end together
/// spread upwards), joined to its line's end by a leader where it had to move.
fn end_labels(area: &Area, mut ends: Vec<(i32, i32, usize)>, names: &[&str]) -> Fallible {
    const LINE_GAP: i32 = 14;
    ends.sort_by_key(|e| (e.1, e.2));
    let (bx, by) = area.get_base_pixel();
    let bottom = by + area.dim_in_pixel().1 as i32 - 8;
    let mut ys: Vec<i32> = Vec::with_capacity(ends.len());
    let mut next_free = i32::MIN;
    for e in &ends {
        let y = e.1.max(next_free);
        next_free = y + LINE_GAP;
        ys.push(y);
    }
    let mut limit = bottom;
    for y in ys.iter_mut().rev() {
        *y = (*y).min(limit);
        limit = *y - LINE_GAP;
    }
    for ((px, py, i), y) in ends.into_iter().zip(ys) {
        let lx = px + 30;
        area.draw(&PathElement::new(
            vec![(px + 4 - bx, py - by), (lx - 4 - bx, y - by)],
            colour(i).mix(if y == py { 0.3 } else { 0.7 }),
        ))?;
        label(area, names[i], (lx, y), (HPos::Left, VPos::Center), 11)?;
    }
    Ok(())
}

/// Counts over years, one line per city (families per year of the top cities), labelled at
/// their ends.
pub fn count_trends(
    title: &str,
    series: &[(String, Vec<(i32, f64)>)],
    count_axis: &str,
    synthetic: bool,
) -> String {
    render((980, 560), title, synthetic, |area| {
        let years: Vec<i32> = series
            .iter()
            .flat_map(|s| s.1.iter().map(|p| p.0))
            .collect();
        let (y0, y1) = (
            years.iter().min().copied().unwrap_or(2000),
            years
                .iter()
                .max()
                .copied()
                .unwrap_or(2023)
                .max(years.iter().min().copied().unwrap_or(2000) + 1),
        );
        let top = series
            .iter()
            .flat_map(|s| s.1.iter().map(|p| p.1))
            .fold(0.0, f64::max);
        let mut chart = ChartBuilder::on(area)
            .margin(10)
            .margin_right(260)
            .x_label_area_size(30)
            .y_label_area_size(50)
            .build_cartesian_2d(
                y0 as f64 - 0.3..y1 as f64 + 0.3,
                0.0..max_of(std::iter::once(top)),
            )?;
        chart
            .configure_mesh()
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| format!("{y:.0}"))
            .y_desc(count_axis)
            .label_style((FONT, 12))
            .draw()?;
        let mut ends = Vec::new();
        for (i, (_, pts)) in series.iter().enumerate() {
            let line: Vec<(f64, f64)> = pts.iter().map(|(y, v)| (*y as f64, *v)).collect();
            chart.draw_series(LineSeries::new(line.clone(), colour(i).stroke_width(2)))?;
            if let Some(last) = line.last() {
                let (px, py) = chart.backend_coord(last);
                ends.push((px, py, i));
            }
        }
        let names: Vec<&str> = series.iter().map(|s| s.0.as_str()).collect();
        end_labels(area, ends, &names)
    })
}

/// Bubbles: x, y, size per labelled point, coloured by group (development modes).
pub fn bubbles(
    title: &str,
    points: &[(String, f64, f64, f64, usize)],
    axes: [&str; 2],
    groups: &[String],
    synthetic: bool,
) -> String {
    render((900, 620), title, synthetic, |area| {
        let xmax = max_of(points.iter().map(|p| p.1)).max(1.0);
        let ymax = max_of(points.iter().map(|p| p.2)).max(1.0);
        let smax = points.iter().map(|p| p.3).fold(1e-9, f64::max);
        let mut chart = ChartBuilder::on(area)
            .margin(10)
            .margin_right(230)
            .x_label_area_size(36)
            .y_label_area_size(50)
            .build_cartesian_2d(0f64..xmax, 0f64..ymax)?;
        chart
            .configure_mesh()
            .x_desc(axes[0])
            .y_desc(axes[1])
            .label_style((FONT, 12))
            .draw()?;
        let mut placed: Vec<Rect> = Vec::new();
        let mut marks: Vec<(i32, i32, i32)> = Vec::new();
        for (_, x, y, s, g) in points {
            let r = (6.0 + 16.0 * (s / smax).max(0.0)) as i32;
            chart.draw_series(std::iter::once(Circle::new(
                (*x, *y),
                r,
                colour(*g).mix(0.55).filled(),
            )))?;
            let (px, py) = chart.backend_coord(&(*x, *y));
            marks.push((px, py, r));
        }
        // Labels without collisions: the biggest bubbles first, each at the first free spot of
        // a ring of candidates around its bubble (further rings if needed), with a leader line
        // when it had to move away.
        let mut order: Vec<usize> = (0..points.len()).collect();
        order.sort_by(|a, b| points[*b].3.total_cmp(&points[*a].3).then(a.cmp(b)));
        for i in order {
            let (px, py, r) = marks[i];
            let name = &points[i].0;
            let (w, h) = (text_width(name, 10), 12);
            let (xr, yr) = area.get_pixel_range();
            // Labels stay left of the legend column (the right margin's last 225 px).
            let bounds = (
                xr.start,
                yr.start,
                xr.end - 225 - xr.start,
                yr.end - yr.start,
            );
            let spot = label_spot((px, py, r), (w, h), bounds, &placed, &marks);
            placed.push(spot);
            let near = (spot.0 - (px + r + 2)).abs() + (spot.1 + h / 2 - py).abs() < 4;
            if !near {
                let (bx, by) = area.get_base_pixel();
                let to = (spot.0.max(px.min(spot.0 + w)), spot.1 + h / 2);
                area.draw(&PathElement::new(
                    vec![(px - bx, py - by), (to.0 - bx, to.1 - by)],
                    BLACK.mix(0.35),
                ))?;
            }
            label(
                area,
                name,
                (spot.0, spot.1 + h / 2),
                (HPos::Left, VPos::Center),
                10,
            )?;
        }
        let (w, _) = area.dim_in_pixel();
        let (bx, by) = area.get_base_pixel();
        for (i, g) in groups.iter().enumerate() {
            let y = 30 + 22 * i as i32;
            area.draw(&Circle::new(
                (w as i32 - 215, y),
                7,
                colour(i).mix(0.55).filled(),
            ))?;
            label(
                area,
                g,
                (bx + w as i32 - 200, by + y),
                (HPos::Left, VPos::Center),
                12,
            )?;
        }
        Ok(())
    })
}

/// A heatmap of values on [lo, 100] (rows: cities, columns: nodes); empty cells are grey.
pub fn heatmap(
    title: &str,
    rows: &[String],
    cols: &[String],
    values: &[Vec<Option<f64>>],
    lo: f64,
    synthetic: bool,
) -> String {
    let h = 80 + 20 * rows.len() as u32;
    let names = label_area(rows.iter().map(String::as_str), 11);
    render((820, h.max(200)), title, synthetic, |area| {
        let (nr, nc) = (rows.len() as f64, cols.len() as f64);
        let mut chart = ChartBuilder::on(area)
            .margin(6)
            .x_label_area_size(24)
            .y_label_area_size(names)
            .build_cartesian_2d(0f64..nc, 0f64..nr)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .disable_axes()
            .draw()?;
        for (i, row) in values.iter().enumerate() {
            for (j, v) in row.iter().enumerate() {
                let y = nr - i as f64;
                let fill = match v {
                    Some(v) => {
                        let t = ((v - lo) / (100.0 - lo)).clamp(0.0, 1.0);
                        RGBColor(
                            (255.0 - 224.0 * t) as u8,
                            (255.0 - 161.0 * t) as u8,
                            (255.0 - 95.0 * t) as u8,
                        )
                    }
                    None => RGBColor(225, 225, 225),
                };
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(j as f64, y - 1.0), (j as f64 + 1.0, y)],
                    fill.filled(),
                )))?;
                if let Some(v) = v {
                    let (px, py) = chart.backend_coord(&(j as f64 + 0.5, y - 0.5));
                    label(
                        area,
                        &format!("{v:.0}"),
                        (px, py),
                        (HPos::Center, VPos::Center),
                        10,
                    )?;
                }
            }
            let (px, py) = chart.backend_coord(&(0.0, nr - i as f64 - 0.5));
            label(
                area,
                &rows[i],
                (px - 6, py),
                (HPos::Right, VPos::Center),
                11,
            )?;
        }
        for (j, c) in cols.iter().enumerate() {
            let (px, py) = chart.backend_coord(&(j as f64 + 0.5, 0.0));
            label(area, c, (px, py + 4), (HPos::Center, VPos::Top), 11)?;
        }
        Ok(())
    })
}

/// Rank intervals: for each city (ordered by nominal rank) a line from p05 to p95, a dot at
/// the median and a cross at the nominal rank.
pub fn rank_intervals(
    title: &str,
    rows: &[(String, f64, f64, f64, f64)],
    rank_axis: &str,
    synthetic: bool,
) -> String {
    let h = 70 + 14 * rows.len() as u32;
    let names = label_area(rows.iter().map(|r| r.0.as_str()), 10);
    render((820, h.max(200)), title, synthetic, |area| {
        let n = rows.len() as f64;
        let worst = rows.iter().map(|r| r.4).fold(1.0, f64::max);
        let mut chart = ChartBuilder::on(area)
            .margin(8)
            .x_label_area_size(28)
            .y_label_area_size(names)
            .build_cartesian_2d(0.5..worst + 0.5, 0f64..n)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .disable_y_axis()
            .x_desc(rank_axis)
            .x_label_formatter(&|v| format!("{v:.0}"))
            .label_style((FONT, 11))
            .draw()?;
        for (i, (name, nominal, p05, median, p95)) in rows.iter().enumerate() {
            let y = n - i as f64 - 0.5;
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(*p05, y), (*p95, y)],
                colour(0).stroke_width(2),
            )))?;
            chart.draw_series(std::iter::once(Circle::new(
                (*median, y),
                3,
                colour(0).filled(),
            )))?;
            chart.draw_series(std::iter::once(Cross::new(
                (*nominal, y),
                4,
                colour(1).stroke_width(2),
            )))?;
            let (px, py) = chart.backend_coord(&(0.5, y));
            label(area, name, (px - 6, py), (HPos::Right, VPos::Center), 10)?;
        }
        Ok(())
    })
}

/// A network: nodes on a circle (in the given order, so the layout is deterministic), sized
/// by value and coloured by group; edges as lines whose width follows their weight.
pub fn network(
    title: &str,
    nodes: &[(String, f64, usize)],
    edges: &[(usize, usize, f64)],
    groups: &[String],
    synthetic: bool,
) -> String {
    render((900, 760), title, synthetic, |area| {
        let (w, h) = area.dim_in_pixel();
        let (bx, by) = area.get_base_pixel();
        // The layout fills a box with room for labels at its sides and the legend below.
        let (left, top) = (bx as f64 + 150.0, by as f64 + 30.0);
        let (bw, bh) = (
            w as f64 - 300.0,
            h as f64 - 60.0 - 24.0 * groups.len() as f64,
        );
        let pos = force_layout(nodes.len(), edges);
        let at = |i: usize| {
            let (x, y) = pos[i];
            ((left + x * bw) as i32, (top + y * bh) as i32)
        };
        let wmax = edges.iter().map(|e| e.2).fold(1e-12, f64::max);
        for &(a, b, weight) in edges {
            let width = 1 + (3.0 * weight / wmax).round() as u32;
            let (pa, pb) = (at(a), at(b));
            area.draw(&PathElement::new(
                vec![(pa.0 - bx, pa.1 - by), (pb.0 - bx, pb.1 - by)],
                RGBColor(120, 130, 145).mix(0.6).stroke_width(width),
            ))?;
        }
        let (vmin, vmax) = nodes
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), n| {
                (lo.min(n.1), hi.max(n.1))
            });
        let mut marks = Vec::new();
        for (i, (_, value, group)) in nodes.iter().enumerate() {
            let size = if vmax > vmin {
                6.0 + 12.0 * (value - vmin) / (vmax - vmin)
            } else {
                10.0
            };
            let (x, y) = at(i);
            area.draw(&Circle::new(
                (x - bx, y - by),
                size as i32,
                colour(*group).mix(0.8).filled(),
            ))?;
            marks.push((x, y, size as i32));
        }
        let bounds = (bx, by, w as i32, h as i32 - 24 * groups.len() as i32 - 10);
        let mut placed: Vec<Rect> = Vec::new();
        for (i, (name, ..)) in nodes.iter().enumerate() {
            let size = (text_width(name, 10), 12);
            let spot = label_spot(marks[i], size, bounds, &placed, &marks);
            placed.push(spot);
            label(
                area,
                name,
                (spot.0, spot.1 + 6),
                (HPos::Left, VPos::Center),
                10,
            )?;
        }
        for (i, g) in groups.iter().enumerate() {
            let y = h as i32 - 20 - 20 * (groups.len() - 1 - i) as i32;
            area.draw(&Circle::new((20, y), 7, colour(i).mix(0.8).filled()))?;
            label(area, g, (bx + 34, by + y), (HPos::Left, VPos::Center), 12)?;
        }
        Ok(())
    })
}

/// Node positions in [0, 1]² by the Fruchterman–Reingold force model (linked nodes attract,
/// all repel), from a circle, 300 iterations with a cooling step, then rescaled to fill the
/// square. Deterministic (fixed start and order; no fused arithmetic). A few lines here
/// rather than a layout crate: those bring a GUI or a large graph stack for this one step.
fn force_layout(n: usize, edges: &[(usize, usize, f64)]) -> Vec<(f64, f64)> {
    if n == 0 {
        return Vec::new();
    }
    let mut p: Vec<(f64, f64)> = (0..n)
        .map(|i| {
            let a = std::f64::consts::TAU * i as f64 / n as f64;
            (0.5 + 0.4 * a.cos(), 0.5 + 0.4 * a.sin())
        })
        .collect();
    let k = (1.0 / n as f64).sqrt();
    let mut step = 0.1;
    for _ in 0..300 {
        let mut d = vec![(0.0f64, 0.0f64); n];
        for i in 0..n {
            for j in 0..n {
                if i == j {
                    continue;
                }
                let (dx, dy) = (p[i].0 - p[j].0, p[i].1 - p[j].1);
                let dist = (dx * dx + dy * dy).sqrt().max(1e-6);
                let f = k * k / dist;
                d[i].0 += dx / dist * f;
                d[i].1 += dy / dist * f;
            }
        }
        for &(a, b, _) in edges {
            let (dx, dy) = (p[a].0 - p[b].0, p[a].1 - p[b].1);
            let dist = (dx * dx + dy * dy).sqrt().max(1e-6);
            let f = dist * dist / k;
            d[a].0 -= dx / dist * f;
            d[a].1 -= dy / dist * f;
            d[b].0 += dx / dist * f;
            d[b].1 += dy / dist * f;
        }
        for i in 0..n {
            let len = (d[i].0 * d[i].0 + d[i].1 * d[i].1).sqrt().max(1e-9);
            let m = len.min(step);
            p[i].0 += d[i].0 / len * m;
            p[i].1 += d[i].1 / len * m;
        }
        step *= 0.985;
    }
    let (x0, x1) = p
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), q| {
            (a.min(q.0), b.max(q.0))
        });
    let (y0, y1) = p
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), q| {
            (a.min(q.1), b.max(q.1))
        });
    p.iter()
        .map(|q| {
            (
                if x1 > x0 { (q.0 - x0) / (x1 - x0) } else { 0.5 },
                if y1 > y0 { (q.1 - y0) / (y1 - y0) } else { 0.5 },
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The (x, y) position of the text element holding exactly `text`.
    fn text_at(svg: &str, text: &str) -> (i32, i32) {
        let tag = svg
            .split("<text")
            .skip(1)
            .find(|t| {
                t.split_once('>')
                    .and_then(|(_, rest)| rest.split("</text>").next())
                    .is_some_and(|c| c.trim() == text)
            })
            .expect(text);
        let attr = |name: &str| -> i32 {
            let v = tag.split(&format!(" {name}=\"")).nth(1).unwrap();
            v.split('"').next().unwrap().parse::<f64>().unwrap() as i32
        };
        (attr("x"), attr("y"))
    }

    /// Bubble labels are placed without overlaps even when every bubble is at one spot.
    #[test]
    fn bubble_labels_do_not_overlap() {
        let points: Vec<(String, f64, f64, f64, usize)> = (0..12)
            .map(|k| {
                (
                    format!("城市 {k}"),
                    20.0 + (k % 3) as f64,
                    20.0,
                    1.0 + k as f64,
                    k % 4,
                )
            })
            .collect();
        let svg = bubbles("t", &points, ["A", "B"], &["g".into()], false);
        let boxes: Vec<Rect> = points
            .iter()
            .map(|p| {
                let (x, y) = text_at(&svg, &p.0);
                (x, y - 6, text_width(&p.0, 10), 12)
            })
            .collect();
        for (i, a) in boxes.iter().enumerate() {
            for b in &boxes[i + 1..] {
                assert!(!overlaps(*a, *b), "{a:?} and {b:?} in {boxes:?}");
            }
        }
    }

    /// End labels of a bump chart never collide, even when every line ends at the same rank,
    /// and a far earlier rank is marked instead of stretching the axis.
    #[test]
    fn trend_labels_are_separated_and_outliers_marked() {
        let series: Vec<(String, Vec<(u16, u32)>)> = (0..6)
            .map(|k| {
                (
                    format!("City {k}"),
                    vec![(2022, if k == 0 { 95 } else { k + 1 }), (2024, 1)],
                )
            })
            .collect();
        let svg = rank_trends("t", &series, "rank", false);
        let mut ys: Vec<i32> = (0..6)
            .map(|k| text_at(&svg, &format!("City {k}")).1)
            .collect();
        ys.sort();
        assert!(ys.windows(2).all(|w| w[1] - w[0] >= 14), "{ys:?}");
        assert!(svg.contains("↓95"));
    }
}
