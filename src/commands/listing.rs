//! How `payments list` and `refunds list` print: a table cut to the terminal with its totals,
//! or rows for a program (JSON Lines, a JSON array, CSV, TSV, or `--jq` of each row), each
//! row printed as its page arrives, so memory stays flat over any number of pages.

use serde_json::Value;

use crate::cli::payments::{ListOutputArgs, OneOutputArgs};
use crate::client::{Client, Pages};
use crate::error::{Error, Result};
use crate::format::Format;
use crate::jq::Jq;
use crate::payments::rows::{Kind, Totals};
use crate::payments::table::{self, Layout};
use crate::ui::Ui;
use crate::wait::Plan;

/// Rows in one page of 20 unless `--limit` or `--all` says otherwise.
pub const DEFAULT_LIMIT: u64 = 20;
/// The most rows the API gives in one page.
pub const MAX_PER_PAGE: u64 = 100;

/// The list's output flags, validated.
#[derive(Debug)]
pub struct ListShape {
    pub format: Format,
    pub jq: Option<Jq>,
    /// None: every row (`--all`).
    pub limit: Option<u64>,
}

impl ListShape {
    pub fn from(ui: &Ui, args: &ListOutputArgs) -> Result<ListShape> {
        let format = match (args.output, args.json) {
            (Some(f), true) if f != Format::Json => {
                return Err(Error::usage(format!(
                    "--json means --output json, which contradicts --output {}; keep one of them",
                    f.name()
                )));
            }
            (_, true) => Format::Json,
            (Some(f), false) => f,
            (None, false) if ui.stdout_is_terminal() && args.jq.is_none() => Format::Table,
            (None, false) => Format::Jsonl,
        };
        let jq = match &args.jq {
            Some(_) if !matches!(format, Format::Jsonl | Format::Json) => {
                return Err(Error::usage(format!(
                    "--jq prints what it makes of each row, which contradicts --output {}; keep one of them",
                    format.name()
                )));
            }
            Some(expr) => Some(Jq::compile(expr)?),
            None => None,
        };
        Ok(ListShape {
            format,
            jq,
            limit: if args.all {
                None
            } else {
                Some(args.limit.unwrap_or(DEFAULT_LIMIT))
            },
        })
    }

    /// Rows to ask for in each request.
    pub fn per_page(&self) -> u64 {
        self.limit.unwrap_or(MAX_PER_PAGE).min(MAX_PER_PAGE)
    }
}

/// Prints every row of `pages` that `keep` keeps, up to the shape's limit, and what a
/// table adds. A note says when rows were left beyond the limit.
pub fn print_all(
    ui: &Ui,
    pages: &mut Pages<'_>,
    kind: &'static Kind,
    shape: &ListShape,
    keep: impl Fn(&Value) -> bool,
) -> Result<()> {
    let mut printer = Printer::new(*ui, kind, shape);
    let mut left_over = false;
    while let Some(rows) = pages.next_page()? {
        let kept: Vec<Value> = rows.into_iter().filter(|r| keep(r)).collect();
        match shape.limit.map(|l| l.saturating_sub(printer.printed)) {
            Some(room) if kept.len() as u64 >= room => {
                left_over = kept.len() as u64 > room || pages.more();
                printer.page(&kept[..room as usize])?;
                break;
            }
            _ => printer.page(&kept)?,
        }
    }
    let printed = printer.printed;
    printer.finish()?;
    if left_over && shape.format == Format::Table {
        ui.status(&format!(
            "orqex: showing the first {printed}; there may be more: raise --limit, or list them all with --all"
        ));
    }
    Ok(())
}

struct Printer<'a> {
    ui: Ui,
    kind: &'static Kind,
    shape: &'a ListShape,
    printed: u64,
    /// The table's layout, from its first page.
    layout: Option<Layout>,
    totals: Totals,
    /// `--output json`: the row before, printed once it is known whether another follows.
    held: Option<String>,
}

impl<'a> Printer<'a> {
    fn new(ui: Ui, kind: &'static Kind, shape: &'a ListShape) -> Printer<'a> {
        Printer {
            ui,
            kind,
            shape,
            printed: 0,
            layout: None,
            totals: Totals::default(),
            held: None,
        }
    }

    fn page(&mut self, rows: &[Value]) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        match self.shape.format {
            Format::Table => self.table(rows)?,
            Format::Jsonl => match &self.shape.jq {
                Some(jq) => {
                    for row in rows {
                        self.ui.out_jq(jq, row)?;
                    }
                }
                // A page's lines in one write: a write per row costs more than the rows.
                None => {
                    let lines: Vec<String> = rows
                        .iter()
                        .map(|row| crate::text::json_safe(&row.to_string()))
                        .collect();
                    self.ui.out(&lines.join("\n"))?;
                }
            },
            Format::Json => {
                for row in rows {
                    if let Some(jq) = &self.shape.jq {
                        self.ui.out_jq(jq, row)?;
                        continue;
                    }
                    match self.held.replace(crate::text::json_safe(&row.to_string())) {
                        Some(before) => self.ui.out(&format!("  {before},"))?,
                        None => self.ui.out("[")?,
                    }
                }
            }
            // csv, tsv: the rest of Format::LIST.
            _ => {
                if self.printed == 0 {
                    self.separated(self.kind.csv_header.iter().map(|h| h.to_string()))?;
                }
                for row in rows {
                    self.separated((self.kind.csv_cells)(row).into_iter())?;
                }
            }
        }
        self.printed += rows.len() as u64;
        Ok(())
    }

    fn table(&mut self, rows: &[Value]) -> Result<()> {
        let cells: Vec<Vec<String>> = rows.iter().map(|r| (self.kind.cells)(r)).collect();
        let columns = self.kind.columns;
        if self.layout.is_none() {
            let layout = table::layout(columns, &cells, terminal_width());
            self.ui.out(&table::header(columns, &layout))?;
            self.layout = Some(layout);
        }
        let Some(layout) = &self.layout else {
            return Ok(());
        };
        let lines: Vec<String> = cells
            .iter()
            .map(|c| table::line(columns, layout, c))
            .collect();
        self.ui.out(&lines.join("\n"))?;
        rows.iter().for_each(|r| self.totals.add(r));
        Ok(())
    }

    /// One CSV or TSV line. TSV cells hold no tab or newline: values are printable already,
    /// with those written as `\t` and `\n`.
    fn separated(&self, cells: impl Iterator<Item = String>) -> Result<()> {
        let cells: Vec<String> = cells.collect();
        if self.shape.format == Format::Tsv {
            return self.ui.out(&cells.join("\t"));
        }
        let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
        w.write_record(&cells)
            .map_err(|e| Error::Other(format!("cannot write CSV: {e}")))?;
        let bytes = w
            .into_inner()
            .map_err(|e| Error::Other(format!("cannot write CSV: {e}")))?;
        self.ui
            .out(String::from_utf8_lossy(&bytes).trim_end_matches('\n'))
    }

    fn finish(mut self) -> Result<()> {
        match self.shape.format {
            Format::Table => {
                let mut lines = Vec::new();
                if self.printed > 0 {
                    lines.push(String::new());
                }
                lines.extend(self.totals.lines(self.kind.noun));
                self.ui.out(&lines.join("\n"))
            }
            Format::Json if self.shape.jq.is_none() => match self.held.take() {
                Some(last) => self.ui.out(&format!("  {last}\n]")),
                None => self.ui.out("[]"),
            },
            _ => Ok(()),
        }
    }
}

/// The terminal's width when stdout is one (or `COLUMNS` says it), else no limit: a table
/// sent to a file or `less -S` keeps every character.
fn terminal_width() -> Option<usize> {
    let term = console::Term::stdout();
    if let Some((_, cols)) = term.size_checked() {
        return Some(usize::from(cols));
    }
    std::env::var("COLUMNS").ok()?.trim().parse().ok()
}

/// One payment or refund's output flags, validated.
#[derive(Debug)]
pub struct OneShape {
    pub format: Format,
    pub jq: Option<Jq>,
    pub wait: Option<Plan>,
}

impl OneShape {
    pub fn from(ui: &Ui, args: &OneOutputArgs) -> Result<OneShape> {
        let format = match (args.output, args.json) {
            (Some(Format::Text), true) => {
                return Err(Error::usage(
                    "--json means --output json, which contradicts --output text; keep one of them",
                ));
            }
            (_, true) => Format::Json,
            (Some(f), false) => f,
            (None, false) if ui.stdout_is_terminal() && args.jq.is_none() => Format::Text,
            (None, false) => Format::Json,
        };
        let jq = match &args.jq {
            Some(_) if format == Format::Text => {
                return Err(Error::usage(
                    "--jq filters the whole JSON answer, which contradicts --output text; keep one of them",
                ));
            }
            Some(expr) => Some(Jq::compile(expr)?),
            None => None,
        };
        let wait = if args.wait.wait {
            Some(Plan::new(args.wait.interval, args.wait.wait_timeout))
        } else {
            None
        };
        Ok(OneShape { format, jq, wait })
    }

    /// Prints an answer: `text` (lines for a person, made from it) or the JSON, or `--jq`.
    pub fn print(
        &self,
        ui: &Ui,
        body: &Value,
        text: impl FnOnce() -> Vec<(String, String)>,
    ) -> Result<()> {
        if let Some(jq) = &self.jq {
            return ui.out_jq(jq, body);
        }
        match self.format {
            Format::Text => {
                let rows = text();
                let width = rows
                    .iter()
                    .map(|(l, _)| l.chars().count())
                    .max()
                    .unwrap_or(0);
                let lines: Vec<String> = rows
                    .iter()
                    .map(|(label, value)| format!("{label:<width$}  {value}"))
                    .collect();
                ui.out(&lines.join("\n"))
            }
            // json, the other word of Format::ONE.
            _ => ui.out_json(body),
        }
    }
}

/// The id of the payment `target` names: as given, or read from its checkout.
pub fn payment_id(client: &Client, target: &crate::payments::Target) -> Result<String> {
    use crate::payments::Target;
    match target {
        Target::Payment(id) => Ok(id.clone()),
        Target::Checkout(id) => {
            let resp = client.get_checkout(id, None)?;
            crate::payments::payment_of_checkout(id, &resp.body)
        }
    }
}
