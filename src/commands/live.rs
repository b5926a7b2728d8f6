//! The last step before a key that may move real money creates anything: said, and at a
//! terminal asked. Shared by a single create and a batch.

use crate::error::Result;
use crate::prompt;
use crate::secret::{Environment, SecretKey};
use crate::ui::Ui;

/// The last step before a live key moves money: at a terminal, a summary and a question
/// (`ask`); otherwise (a script, `--yes`, `--no-input`) a one-line notice, never a wait.
/// `what` is the summary's rows; `many` when a batch creates one checkout per row.
pub fn confirm(
    ui: &Ui,
    key: &SecretKey,
    ask: bool,
    many: bool,
    what: impl FnOnce() -> Vec<(&'static str, String)>,
) -> Result<()> {
    // Only a key that says sandbox skips this: one orqex cannot place may move real money.
    let kind = match key.environment() {
        Environment::Sandbox => return Ok(()),
        Environment::Live => "a live key",
        Environment::Unknown => "a key that is not a sandbox key",
    };
    if !ask {
        let creates = if many {
            "each row creates a real checkout"
        } else {
            "this creates a real checkout"
        };
        ui.status(&format!("orqex: using {kind} ({key}): {creates}"));
        return Ok(());
    }
    let mut rows = what();
    rows.push(("environment", format!("live (key {key})")));
    if many {
        prompt::confirm_live(
            "This creates LIVE checkouts, one per row: real money.",
            &rows,
            "Create these live checkouts?",
        )
    } else {
        prompt::confirm_live(
            "This creates a LIVE checkout: real money.",
            &rows,
            "Create this live checkout?",
        )
    }
}
