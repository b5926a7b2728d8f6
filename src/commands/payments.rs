//! `orqex payments list` and `orqex payments get`: which payments came in, and where one
//! stands.

use serde_json::Value;

use super::listing::{self, ListShape, OneShape};
use super::net;
use super::show::Live;
use crate::cli::payments::{PaymentStatus, PaymentsGetArgs, PaymentsListArgs};
use crate::client::{ApiResponse, Call, Client, Pages};
use crate::error::{Error, Result};
use crate::payments::refund::Availability;
use crate::payments::rows::{self, PAYMENTS};
use crate::payments::{self, when};
use crate::ui::Ui;
use crate::wait::{self, Judge, Outcome, Plan};

pub fn list(ui: &Ui, profile: Option<&str>, args: PaymentsListArgs) -> Result<()> {
    let shape = ListShape::from(ui, &args.output)?;
    let query = filters(&args, shape.per_page())?;
    let statuses: Vec<&str> = args.status.iter().map(|s| status_name(*s)).collect();
    let settings = super::settings(ui, profile)?;
    let key = settings.require_key()?;
    let client = net::client(&args.net, &settings, key)?;
    let mut pages = Pages::new(&client, format!("/payment/intents?{query}"));
    // One status is the API's filter; several are kept here, from every payment's pages.
    listing::print_all(ui, &mut pages, &PAYMENTS, &shape, |row| {
        statuses.len() < 2
            || row
                .get("status")
                .and_then(Value::as_str)
                .is_some_and(|s| statuses.contains(&s))
    })
}

fn status_name(status: PaymentStatus) -> &'static str {
    match status {
        PaymentStatus::Pending => "pending",
        PaymentStatus::Completed => "completed",
        PaymentStatus::Failed => "failed",
        PaymentStatus::Expired => "expired",
        PaymentStatus::Refunded => "refunded",
        PaymentStatus::PartiallyRefunded => "partially_refunded",
    }
}

/// The list's query: the filters the API has, and the page size.
fn filters(args: &PaymentsListArgs, per_page: u64) -> Result<String> {
    let mut query = form_urlencoded::Serializer::new(String::new());
    let mut statuses = args.status.clone();
    statuses.sort();
    statuses.dedup();
    if let [one] = statuses.as_slice() {
        query.append_pair("status", status_name(*one));
    }
    if let Some(customer) = &args.customer {
        let customer =
            crate::checkout::checks::text(customer.trim(), Some(255)).map_err(|why| {
                Error::usage(format!(
                    "--customer {why}; give a customer id like cus_8f2k"
                ))
            })?;
        query.append_pair("customer_id", &customer);
    }
    let range = when::range(
        args.since.as_deref(),
        args.until.as_deref(),
        std::time::SystemTime::now(),
    )?;
    for (name, value) in range {
        query.append_pair(name, &value);
    }
    query.append_pair("per_page", &per_page.to_string());
    Ok(query.finish())
}

pub fn get(ui: &Ui, profile: Option<&str>, args: PaymentsGetArgs) -> Result<()> {
    let shape = OneShape::from(ui, &args.output)?;
    let target = payments::target(&args.id)?;
    let settings = super::settings(ui, profile)?;
    let key = settings.require_key()?;
    let client = net::client(&args.net, &settings, key)?;
    let id = listing::payment_id(&client, &target)?;
    let path = format!("/payment/intents/{id}");
    let resp = client.send(&Call::get(&path))?;
    let Some(plan) = shape.wait else {
        return show(ui, &client, &shape, &id, &resp.body);
    };
    let outcome = wait_for(
        ui,
        &client,
        &payments::PAYMENT,
        &path,
        resp,
        &plan,
        &format!("payment {id}"),
        format!("wait again with: orqex payments get {id} --wait"),
    )?;
    end_wait(
        ui,
        outcome,
        &plan,
        &format!("payment {id}"),
        |body| show(ui, &client, &shape, &id, body),
        &format!("orqex payments get {id} --wait"),
    )
}

/// Polls `path` from the answer in hand until `judge` calls it final or the plan's time is up.
#[allow(clippy::too_many_arguments)]
pub fn wait_for(
    ui: &Ui,
    client: &Client,
    judge: &Judge,
    path: &str,
    first: ApiResponse,
    plan: &Plan,
    what: &str,
    again: String,
) -> Result<Outcome> {
    let _signals = crate::interrupt::waiting_on(ui, what, again);
    let mut pace = Live::start(ui, what);
    let deadline = std::time::Instant::now() + plan.timeout;
    let outcome = wait::until_final_by(judge, plan, first, &mut pace, || {
        client.send(&Call {
            deadline: Some(deadline),
            ..Call::get(path)
        })
    });
    pace.finish();
    outcome
}

/// Prints the last answer of a wait with `show`, and turns how it ended into the exit code
/// `checkout get --wait` gives: 0 done, 7 ended badly, 8 still going at the timeout.
pub fn end_wait(
    ui: &Ui,
    outcome: Outcome,
    plan: &Plan,
    what: &str,
    show: impl FnOnce(&Value) -> Result<()>,
    again: &str,
) -> Result<()> {
    match outcome {
        Outcome::Paid(last) => {
            show(&last.body)?;
            ui.status(&format!("orqex: {what} {}", status_of(&last.body)));
            Ok(())
        }
        Outcome::Unpaid(last, why) => {
            show(&last.body)?;
            Err(Error::Unpaid(format!("{what} {why}")))
        }
        Outcome::TimedOut(last, last_error) => {
            show(&last.body)?;
            let mut message = format!(
                "gave up waiting after {}: {what} is still {}; wait again with `{again}`",
                crate::text::duration(plan.timeout),
                status_of(&last.body)
            );
            if let Some(e) = last_error {
                message.push_str(&format!("; the last check failed: {e}"));
            }
            Err(Error::StillOpen(message))
        }
    }
}

fn status_of(body: &Value) -> String {
    rows::text(body, "/data/status")
}

/// A payment as asked: for a person, its lines and what can still be refunded.
fn show(ui: &Ui, client: &Client, shape: &OneShape, id: &str, body: &Value) -> Result<()> {
    shape.print(ui, body, || {
        let p = body.get("data").unwrap_or(body);
        let refundable = match client.send(&Call::get(&format!(
            "/payment/intents/{id}/refunds/availability"
        ))) {
            Ok(resp) => refundable(&Availability::read(&resp.body)),
            Err(e) => format!(
                "(could not be checked: {})",
                e.lines().into_iter().next().unwrap_or_default()
            ),
        };
        lines(p, refundable)
    })
}

/// What can still go back, in words.
fn refundable(a: &Availability) -> String {
    if !a.refundable {
        return format!(
            "nothing: {}",
            a.reason
                .as_deref()
                .unwrap_or("the API says it is not refundable")
        );
    }
    let mut text = a.shown.clone();
    if let Some(pending) = &a.pending {
        text.push_str(&format!(" ({pending} in refunds still pending)"));
    }
    text
}

/// A payment's lines for a person.
fn lines(p: &Value, refundable: String) -> Vec<(String, String)> {
    let t = |at: &str| rows::text(p, at);
    let name = [t("/customer/first_name"), t("/customer/last_name")]
        .into_iter()
        .filter(|n| !n.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let customer = match (name.is_empty(), t("/customer/email")) {
        (true, email) => email,
        (false, email) if email.is_empty() => name,
        (false, email) => format!("{name} <{email}>"),
    };
    let customer_id = t("/customer/id");
    let mut rows = vec![
        ("payment", t("/id")),
        ("status", t("/status")),
        ("amount", t("/amount/formatted")),
        (
            "customer",
            if customer_id.is_empty() {
                customer
            } else {
                format!("{customer} ({customer_id})")
                    .trim_start()
                    .to_string()
            },
        ),
        ("description", t("/description")),
        ("created", format!("{} UTC", rows::created(p))),
    ];
    if let Some(attempt) = p.get("active_attempt").filter(|a| a.is_object()) {
        let a = |at: &str| rows::text(attempt, at);
        let method = match a("/method") {
            m if m.is_empty() => String::new(),
            m => format!(" by {m}"),
        };
        rows.push((
            "attempt",
            format!("{} {}{method}", a("/id"), a("/status"))
                .trim()
                .to_string(),
        ));
    }
    if let Some(why) = crate::answer::payment_failure(p) {
        rows.push(("failure", crate::text::printable(why)));
    }
    rows.push(("refundable", refundable));
    rows.into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(l, v)| (l.to_string(), v))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::ValueEnum;

    #[test]
    fn status_names_are_clap_s() {
        for s in PaymentStatus::value_variants() {
            assert_eq!(s.to_possible_value().unwrap().get_name(), status_name(*s));
            assert!(payments::PAYMENT_STATUSES.contains(&status_name(*s)));
        }
    }
}
