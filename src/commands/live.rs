//! The last step before a key that may move real money creates anything: said, and at a
//! terminal asked. Shared by a single create and a batch.

use crate::error::Result;
use crate::prompt;
use crate::secret::{Environment, SecretKey};
use crate::ui::Ui;

/// How a key that may move real money is named, or None for a sandbox key. Only a key that
/// says sandbox is spared the confirmation: one orqex cannot place may move real money.
fn money_key(key: &SecretKey) -> Option<&'static str> {
    match key.environment() {
        Environment::Sandbox => None,
        Environment::Live => Some("a live key"),
        Environment::Unknown => Some("a key that is not a sandbox key"),
    }
}

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
    let Some(kind) = money_key(key) else {
        return Ok(());
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

/// The last step before a live key sends money back to a customer: at a terminal, what goes
/// back and a question (`ask`); with `--yes` a one-line notice. Anywhere else it is refused:
/// nobody saw what would go out, and a refund cannot be taken back.
pub fn confirm_refund(
    ui: &Ui,
    key: &SecretKey,
    ask: bool,
    yes: bool,
    what: impl FnOnce() -> Vec<(&'static str, String)>,
) -> Result<()> {
    let Some(kind) = money_key(key) else {
        return Ok(());
    };
    if yes {
        ui.status(&format!(
            "orqex: using {kind} ({key}): this refund sends real money back"
        ));
        return Ok(());
    }
    if !ask {
        return Err(crate::error::Error::usage(format!(
            "a refund with {kind} ({key}) sends real money back and is confirmed at a terminal; nothing was sent: run it at a terminal, or pass --yes"
        )));
    }
    let mut rows = what();
    rows.push(("environment", format!("live (key {key})")));
    prompt::confirm_live(
        "This refunds a LIVE payment: real money goes back to the customer.",
        &rows,
        "Send this refund?",
    )
}
