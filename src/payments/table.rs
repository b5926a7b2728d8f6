//! A table cut to a terminal's width. The widths come from the first rows (a list is
//! printed as it arrives, so later rows cannot widen a column already drawn): a fixed
//! column is as wide as its widest value there, a longer one later overflows rather than
//! lose a character; flexible columns (a customer, a description) share what is left, cut
//! with `…`, and the last ones are left out when even their least does not fit.

use console::{Alignment, measure_text_width, pad_str};

use super::rows::Column;

const GAP: &str = "  ";
/// The least a flexible column is shown at; below it, it is left out.
const FLEX_MIN: usize = 8;

/// Each column's width, `None` for a column left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout(Vec<Option<usize>>);

/// Lays out `columns` for `sample` (cells of the first rows) within `width` characters, or
/// without a limit.
pub fn layout(columns: &[Column], sample: &[Vec<String>], width: Option<usize>) -> Layout {
    let want = |i: usize| {
        sample
            .iter()
            .map(|cells| cells.get(i).map_or(0, |c| measure_text_width(c)))
            .chain([measure_text_width(columns[i].title)])
            .max()
            .unwrap_or(0)
    };
    let mut widths: Vec<Option<usize>> = (0..columns.len()).map(|i| Some(want(i))).collect();
    let Some(width) = width else {
        return Layout(widths);
    };
    let fixed: usize = columns
        .iter()
        .zip(&widths)
        .filter(|(c, _)| !c.flex)
        .map(|(_, w)| w.unwrap_or(0) + GAP.len())
        .sum();
    let mut left = width.saturating_sub(fixed);
    let flex: Vec<usize> = (0..columns.len()).filter(|i| columns[*i].flex).collect();
    // Each flexible column at its least, leaving out the last ones while that does not fit.
    let mut shown = flex.len();
    while shown > 0 && shown * (FLEX_MIN + GAP.len()) > left + GAP.len() {
        shown -= 1;
    }
    for (n, i) in flex.iter().enumerate() {
        if n >= shown {
            widths[*i] = None;
        }
    }
    left = (left + GAP.len()).saturating_sub(shown * GAP.len());
    // What is left after every shown one's least goes to them in order, up to what each wants.
    let mut spare = left.saturating_sub(shown * FLEX_MIN);
    for i in flex.iter().take(shown) {
        let extra = want(*i).saturating_sub(FLEX_MIN).min(spare);
        spare -= extra;
        widths[*i] = Some((FLEX_MIN + extra).min(want(*i).max(FLEX_MIN)));
    }
    Layout(widths)
}

/// One line of the table: each shown cell padded (or, if flexible, cut) to its width.
pub fn line(columns: &[Column], layout: &Layout, cells: &[String]) -> String {
    let shown: Vec<String> = columns
        .iter()
        .zip(&layout.0)
        .zip(cells)
        .filter_map(|((column, width), cell)| {
            let width = (*width)?;
            let align = if column.right {
                Alignment::Right
            } else {
                Alignment::Left
            };
            let cut = column.flex.then_some("…");
            Some(pad_str(cell, width, align, cut).into_owned())
        })
        .collect();
    shown.join(GAP).trim_end().to_string()
}

/// The header line.
pub fn header(columns: &[Column], layout: &Layout) -> String {
    let titles: Vec<String> = columns.iter().map(|c| c.title.to_string()).collect();
    line(columns, layout, &titles)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payments::rows::PAYMENTS;

    fn cells(id: &str, email: &str, description: &str) -> Vec<String> {
        [
            id,
            "completed",
            "1,001.00 XOF",
            "2026-12-04 10:00",
            email,
            description,
        ]
        .map(String::from)
        .to_vec()
    }

    #[test]
    fn flexible_columns_share_what_is_left_and_are_cut() {
        let rows = vec![
            cells(
                "TRX1A2B3C4D",
                "ama.mensah@example.com",
                "Order 1024: two bags of rice",
            ),
            cells("TRX2", "k@example.com", "Refill"),
        ];
        let wide = layout(PAYMENTS.columns, &rows, Some(200));
        let lines: Vec<String> = rows
            .iter()
            .map(|r| line(PAYMENTS.columns, &wide, r))
            .collect();
        assert_eq!(
            header(PAYMENTS.columns, &wide),
            "ID           STATUS           AMOUNT  CREATED (UTC)     CUSTOMER                DESCRIPTION"
        );
        assert_eq!(
            lines[0],
            "TRX1A2B3C4D  completed  1,001.00 XOF  2026-12-04 10:00  ama.mensah@example.com  Order 1024: two bags of rice"
        );
        assert_eq!(
            lines[1],
            "TRX2         completed  1,001.00 XOF  2026-12-04 10:00  k@example.com           Refill"
        );
        let narrow = layout(PAYMENTS.columns, &rows, Some(80));
        let line0 = line(PAYMENTS.columns, &narrow, &rows[0]);
        assert_eq!(
            line0,
            "TRX1A2B3C4D  completed  1,001.00 XOF  2026-12-04 10:00  ama.mensah@ex…  Order 1…"
        );
        assert_eq!(measure_text_width(&line0), 80);
        // Too narrow for both: the description goes, then the customer.
        let tight = layout(PAYMENTS.columns, &rows, Some(70));
        assert_eq!(
            line(PAYMENTS.columns, &tight, &rows[0]),
            "TRX1A2B3C4D  completed  1,001.00 XOF  2026-12-04 10:00  ama.mensah@ex…"
        );
        let none = layout(PAYMENTS.columns, &rows, Some(40));
        assert_eq!(
            line(PAYMENTS.columns, &none, &rows[1]),
            "TRX2         completed  1,001.00 XOF  2026-12-04 10:00"
        );
    }

    #[test]
    fn without_a_width_nothing_is_cut() {
        let rows = vec![cells("TRX1", "a@b.c", "x".repeat(300).as_str())];
        let l = layout(PAYMENTS.columns, &rows, None);
        assert!(line(PAYMENTS.columns, &l, &rows[0]).ends_with(&"x".repeat(300)));
    }
}
