//! A list's rows as a person or a spreadsheet reads them: the columns of a payment and of a
//! refund, and the totals under a table. Every value from the API is made printable here.

use std::collections::BTreeMap;

use serde_json::Value;

use super::money::Decimal;

/// One column: its title in a table and in CSV, and how a table lays it out.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub title: &'static str,
    /// Shares what the fixed columns leave of the width, cut to fit (or left out).
    pub flex: bool,
    /// Figures line up on the right.
    pub right: bool,
}

const fn fixed(title: &'static str) -> Column {
    Column {
        title,
        flex: false,
        right: false,
    }
}

const fn flex(title: &'static str) -> Column {
    Column {
        title,
        flex: true,
        right: false,
    }
}

const AMOUNT: Column = Column {
    title: "AMOUNT",
    flex: false,
    right: true,
};

/// What a kind of row shows.
pub struct Kind {
    pub columns: &'static [Column],
    /// The table's cells of one row, as many as `columns`.
    pub cells: fn(&Value) -> Vec<String>,
    pub csv_header: &'static [&'static str],
    pub csv_cells: fn(&Value) -> Vec<String>,
    /// `payment` or `refund`, for the totals line.
    pub noun: &'static str,
}

pub const PAYMENTS: Kind = Kind {
    columns: &[
        fixed("ID"),
        fixed("STATUS"),
        AMOUNT,
        fixed("CREATED (UTC)"),
        flex("CUSTOMER"),
        flex("DESCRIPTION"),
    ],
    cells: |p| {
        vec![
            text(p, "/id"),
            text(p, "/status"),
            text(p, "/amount/formatted"),
            created(p),
            text(p, "/customer/email"),
            text(p, "/description"),
        ]
    },
    csv_header: &[
        "id",
        "status",
        "amount",
        "currency",
        "customer_id",
        "customer_email",
        "created_at",
        "description",
    ],
    csv_cells: |p| {
        [
            "/id",
            "/status",
            "/amount/formatted",
            "/amount/currency",
            "/customer/id",
            "/customer/email",
            "/created_at",
            "/description",
        ]
        .iter()
        .map(|at| text(p, at))
        .collect()
    },
    noun: "payment",
};

pub const REFUNDS: Kind = Kind {
    columns: &[
        fixed("ID"),
        fixed("STATUS"),
        AMOUNT,
        fixed("TYPE"),
        fixed("REASON"),
        fixed("CREATED (UTC)"),
        flex("NOTE"),
    ],
    cells: |r| {
        vec![
            text(r, "/id"),
            text(r, "/status"),
            text(r, "/amount/formatted"),
            text(r, "/type"),
            text(r, "/reason/value"),
            created(r),
            text(r, "/note"),
        ]
    },
    csv_header: &[
        "id",
        "status",
        "amount",
        "currency",
        "type",
        "reason",
        "created_at",
        "note",
        "failure_message",
    ],
    csv_cells: |r| {
        [
            "/id",
            "/status",
            "/amount/formatted",
            "/amount/currency",
            "/type",
            "/reason/value",
            "/created_at",
            "/note",
            "/failure_message",
        ]
        .iter()
        .map(|at| text(r, at))
        .collect()
    },
    noun: "refund",
};

/// The text at `pointer`, printable; numbers as written; anything else empty.
pub fn text(row: &Value, pointer: &str) -> String {
    match row.pointer(pointer) {
        Some(Value::String(s)) => crate::text::printable(s),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        _ => String::new(),
    }
}

/// `created_at` to the minute in UTC (`2026-12-04 10:00`), or as given when it is not a UTC
/// timestamp.
pub fn created(row: &Value) -> String {
    let raw = text(row, "/created_at");
    match humantime::parse_rfc3339_weak(&raw) {
        Ok(at) => {
            let t = humantime::format_rfc3339_seconds(at).to_string();
            format!("{} {}", &t[..10], &t[11..16])
        }
        Err(_) => raw,
    }
}

/// What a table's footer adds up: rows per currency and status, and their amounts where every
/// one could be read.
#[derive(Debug, Default)]
pub struct Totals {
    rows: u64,
    by: BTreeMap<(String, String), (u64, Option<Decimal>)>,
}

impl Totals {
    pub fn add(&mut self, row: &Value) {
        self.rows += 1;
        let formatted = text(row, "/amount/formatted");
        let read = Decimal::of_formatted(&formatted);
        let currency = match &read {
            Some((_, c)) => c.clone(),
            None => text(row, "/amount/currency"),
        };
        let entry = self
            .by
            .entry((currency, text(row, "/status")))
            .or_insert((0, Some(Decimal::zero())));
        entry.0 += 1;
        entry.1 = match (entry.1, read) {
            (Some(sum), Some((amount, _))) => sum.add(amount),
            _ => None,
        };
    }

    /// The footer: a line of the count, then one per currency and status, aligned.
    pub fn lines(&self, noun: &str) -> Vec<String> {
        let plural = |n: u64| {
            if n == 1 {
                noun.to_string()
            } else {
                format!("{noun}s")
            }
        };
        let mut lines = vec![format!("{} {}", self.rows, plural(self.rows))];
        let cells: Vec<[String; 4]> = self
            .by
            .iter()
            .map(|((currency, status), (n, sum))| {
                [
                    if currency.is_empty() {
                        "?".into()
                    } else {
                        currency.clone()
                    },
                    if status.is_empty() {
                        "?".into()
                    } else {
                        status.clone()
                    },
                    n.to_string(),
                    match sum {
                        Some(sum) => format!("{sum} {currency}"),
                        None => "(not summed: an amount is not a plain figure)".into(),
                    },
                ]
            })
            .collect();
        let width = |i: usize| {
            cells
                .iter()
                .map(|c| c[i].chars().count())
                .max()
                .unwrap_or(0)
        };
        let (w0, w1, w2) = (width(0), width(1), width(2));
        for [currency, status, n, sum] in &cells {
            lines.push(format!("  {currency:<w0$}  {status:<w1$}  {n:>w2$}  {sum}"));
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn payment(status: &str, formatted: &str, currency: &str) -> Value {
        json!({"id": "TRX1", "status": status, "amount": {"formatted": formatted, "currency": currency},
               "created_at": "2026-12-04T10:00:00.000000Z", "customer": {"email": "a@b.c"}})
    }

    #[test]
    fn totals_add_up_per_currency_and_status() {
        let mut t = Totals::default();
        for (status, formatted, currency) in [
            ("completed", "1,000.50 XOF", "XOF"),
            ("completed", "2.50 XOF", "XOF"),
            ("failed", "7.00 XOF", "XOF"),
            ("completed", "12.00 GHS", "GHS"),
            ("completed", "twelve", "USD"),
        ] {
            t.add(&payment(status, formatted, currency));
        }
        assert_eq!(
            t.lines("payment"),
            [
                "5 payments",
                "  GHS  completed  1  12.00 GHS",
                "  USD  completed  1  (not summed: an amount is not a plain figure)",
                "  XOF  completed  2  1,003.00 XOF",
                "  XOF  failed     1  7.00 XOF",
            ]
        );
        assert_eq!(Totals::default().lines("refund"), ["0 refunds"]);
    }

    #[test]
    fn cells_are_printable_and_times_are_utc_minutes() {
        let mut p = payment("completed", "5.00 XOF", "XOF");
        p["description"] = json!("Order\u{1b}[31m red");
        let cells = (PAYMENTS.cells)(&p);
        assert_eq!(
            cells,
            [
                "TRX1",
                "completed",
                "5.00 XOF",
                "2026-12-04 10:00",
                "a@b.c",
                "Order\\x1b[31m red"
            ]
        );
        assert_eq!(cells.len(), PAYMENTS.columns.len());
        assert_eq!((PAYMENTS.csv_cells)(&p).len(), PAYMENTS.csv_header.len());
        assert_eq!((REFUNDS.cells)(&p).len(), REFUNDS.columns.len());
        assert_eq!((REFUNDS.csv_cells)(&p).len(), REFUNDS.csv_header.len());
        p["created_at"] = json!("2026-12-04T10:00:00+01:00");
        assert_eq!(created(&p), "2026-12-04T10:00:00+01:00");
    }
}
