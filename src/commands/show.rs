//! What happens once a checkout exists, created or retrieved: show it, open it, wait for it,
//! print it. Shared by `checkout create` and `checkout get`.

use crate::cli::OutputArgs;
use crate::client::{self, ApiResponse, Client};
use crate::error::{self, Error, Result};
use crate::format::Format;
use crate::jq::Jq;
use crate::output;
use crate::secret::Environment;
use std::time::{Duration, Instant};

use crate::ui::{StatusLine, Ui};
use crate::wait::{self, Event, Outcome, Pace, Plan};

/// The output flags, validated.
#[derive(Debug)]
pub struct After {
    pub format: Format,
    /// `--jq`: printed instead of the format, from the whole answer.
    pub jq: Option<Jq>,
    pub qr: bool,
    pub open: bool,
    pub wait: Option<Plan>,
}

impl After {
    /// Whether anything beyond printing was asked for (it needs a real checkout).
    pub fn needs_checkout(&self) -> bool {
        self.qr || self.open || self.wait.is_some()
    }
}

/// Converts the flags once. `--json` is `--output json`; with another `--output` it is a
/// contradiction, not a preference.
pub fn options(args: &OutputArgs) -> Result<After> {
    let format = match (args.output, args.json) {
        (Some(f), true) if f != Format::Json => {
            return Err(Error::usage(format!(
                "--json means --output json, which contradicts --output {}; keep one of them",
                f.name()
            )));
        }
        (_, true) => Format::Json,
        (None, false) => Format::Url,
        (Some(f), false) => f,
    };
    let jq = match (&args.jq, format) {
        (Some(_), Format::Url | Format::Id | Format::Env | Format::Status)
            if args.output.is_some() =>
        {
            return Err(Error::usage(
                "--jq filters the whole JSON answer, which contradicts --output other than json; keep one of them",
            ));
        }
        (Some(expr), _) => Some(Jq::compile(expr)?),
        (None, _) => None,
    };
    let wait = if args.wait.wait {
        Some(Plan::new(args.wait.interval, args.wait.wait_timeout))
    } else {
        None
    };
    Ok(After {
        format,
        jq,
        qr: args.qr,
        open: args.open,
        wait,
    })
}

/// Shows the checkout in `resp` as asked, waiting first when asked. `key_env` stands in for
/// the answer's environment in the summary; `idempotency_key` is the create's, if any.
pub fn finish(
    ui: &Ui,
    client: &Client,
    resp: ApiResponse,
    after: &After,
    key_env: Environment,
    idempotency_key: Option<&str>,
) -> Result<()> {
    // After a create, whatever fails from here keeps the way back to the checkout.
    let created = |e: Error, note: String| match (idempotency_key, e) {
        (
            Some(k),
            e @ (Error::Stdout(_)
            | Error::Other(_)
            | Error::Api { .. }
            | Error::Network { .. }
            | Error::Usage(_)),
        ) => Error::Noted {
            source: Box::new(e),
            note,
            idempotency_key: Some(k.to_string()),
        },
        (_, e) => e,
    };
    let lost = || {
        format!(
            "the checkout was created: run the same command with {} to get its answer again",
            idempotency_key.map(error::key_flag).unwrap_or_default()
        )
    };
    let print = |resp: &ApiResponse| {
        output::print_checkout(ui, resp, after.format, after.jq.as_ref(), idempotency_key).map_err(
            |e| match e {
                // The output was lost, or --jq failed on the answer: the checkout exists.
                Error::Stdout(_) | Error::Other(_) => created(e, lost()),
                other => other,
            },
        )
    };

    // A create's answer may carry no status (the reference page's own 201 has none): the
    // checkout exists all the same, and reading it by id gives its status.
    let created_without_status = |resp: &ApiResponse| {
        idempotency_key.is_some()
            && output::checkout_id(&resp.body).is_some_and(|id| client::checkout_id(id).is_ok())
            && match after.wait {
                Some(_) => !wait::has_status(&resp.body),
                None => after.format == Format::Status && wait::status_of(&resp.body).is_none(),
            }
    };
    let read_back = |resp: ApiResponse, deadline| -> Result<ApiResponse> {
        if !created_without_status(&resp) {
            return Ok(resp);
        }
        let id = output::checkout_id(&resp.body)
            .unwrap_or_default()
            .to_string();
        let read = client.get_checkout(&id, deadline).map_err(|e| {
            created(
                e,
                format!("checkout {id} was created; see it with: orqex checkout get {id}"),
            )
        })?;
        if wait::has_status(&read.body) {
            return Ok(read);
        }
        Err(created(
            Error::Other(format!(
                "checkout {id} was created, but the API's answer to reading it has no status (data.checkout.status or data.payment.status)"
            )),
            format!("see it with: orqex checkout get {id} --output json"),
        ))
    };

    let Some(plan) = after.wait else {
        let resp = read_back(resp, None)?;
        print(&resp)?;
        present(ui, &resp.body, after, key_env);
        return Ok(());
    };
    let deadline = std::time::Instant::now() + plan.timeout;
    let resp = read_back(resp, Some(deadline))?;

    let broken = |what: String| Error::Network {
        message: format!(
            "the API answered {} but {what}, so orqex cannot wait for it; {}",
            resp.status,
            output::see_the_answer(idempotency_key)
        ),
        idempotency_key: idempotency_key.map(str::to_string),
    };
    let id = output::checkout_id(&resp.body)
        .ok_or_else(|| broken("the response has no data.checkout.id".into()))?
        .to_string();
    // The id goes into the path of every check: one that could change the path is the
    // answer's fault, not the user's.
    if client::checkout_id(&id).is_err() {
        return Err(broken(format!(
            "data.checkout.id `{}` is not a checkout id",
            crate::text::printable(&id)
        )));
    }
    if !wait::has_status(&resp.body) {
        return Err(broken(
            "the answer has no status (data.checkout.status or data.payment.status)".into(),
        ));
    }
    if wait::state(&resp.body) == wait::State::Open {
        let url = output::checkout_url(&resp.body).unwrap_or("its URL");
        ui.status(&format!(
            "orqex: waiting for payment at {url} (checking every {}, giving up after {})",
            crate::text::duration(plan.interval),
            crate::text::duration(plan.timeout)
        ));
    }
    // The customer needs the URL now, not once the wait is over.
    present(ui, &resp.body, after, key_env);

    // The checkout exists from here on: a signal says so, and how to wait again.
    let _signals = crate::interrupt::waiting(ui, &id, idempotency_key);
    let mut pace = Live::start(ui, "payment");
    let outcome = wait::until_final(&plan, resp, &mut pace, || {
        client.get_checkout(&id, Some(deadline))
    });
    pace.finish();
    let outcome = outcome.map_err(|e| {
        let note = format!(
            "checkout {id} exists{}; wait again with: orqex checkout get {id} --wait",
            idempotency_key
                .map(|k| format!(" (created with {})", error::key_flag(k)))
                .unwrap_or_default()
        );
        created(e, note)
    })?;
    match outcome {
        Outcome::Paid(last) => {
            print(&last)?;
            ui.status(&format!(
                "orqex: paid: checkout {id} ({})",
                wait::describe(&last.body)
            ));
            Ok(())
        }
        Outcome::Unpaid(last, why) => {
            print(&last)?;
            Err(Error::Unpaid(format!("checkout {id} ended unpaid: {why}")))
        }
        Outcome::TimedOut(last, last_error) => {
            print(&last)?;
            let mut message = format!(
                "gave up waiting after {}: checkout {id} is not paid yet ({}); wait again with `orqex checkout get {id} --wait`",
                crate::text::duration(plan.timeout),
                wait::describe(&last.body)
            );
            if let Some(e) = last_error {
                message.push_str(&format!("; the last check failed: {e}"));
            }
            Err(Error::StillOpen(message))
        }
    }
}

/// The extras for a person: summary, QR code, browser. None of them touches stdout unless
/// stdout is a terminal, so scripts still get exactly the result.
fn present(ui: &Ui, body: &serde_json::Value, after: &After, key_env: Environment) {
    let stdout_tty = ui.stdout_is_terminal();
    if stdout_tty
        && after.format == Format::Url
        && let Some(line) = output::summary(body, key_env, ui.colour())
    {
        ui.styled_status(&format!("  {line}"));
    }
    // A URL that is not http(s) is neither drawn nor opened: it is not a checkout page.
    let url = output::checkout_url(body).filter(|u| output::is_web_url(u));
    if after.qr {
        match url.map(output::qr) {
            Some(Ok(code)) if stdout_tty => {
                let _ = ui.out(&code);
            }
            Some(Ok(code)) => ui.drawing(&code),
            Some(Err(e)) => ui.warning(&e.to_string()),
            None => ui.warning("the answer has no http(s) data.checkout.url to draw as a QR code"),
        }
    }
    if after.open {
        match url {
            Some(url) => {
                if let Err(why) = output::open_url(
                    url,
                    &[crate::config::ENV_KEY, crate::config::ENV_WEBHOOK_SECRET],
                ) {
                    ui.warning(&format!(
                        "cannot open a browser ({why}); open {url} yourself"
                    ));
                }
            }
            None => ui.warning("the answer has no http(s) data.checkout.url to open"),
        }
    }
}

/// The real clock, with a spinner on stderr when it is a terminal, and plain notes otherwise.
pub struct Live {
    start: Instant,
    line: StatusLine,
    /// What is waited for, as the status line names it: `payment`, `refund rf_1`.
    what: String,
}

impl Live {
    pub fn start(ui: &Ui, what: &str) -> Live {
        Live {
            start: Instant::now(),
            line: ui.status_line(),
            what: what.to_string(),
        }
    }

    /// Takes the status line down before the result is printed.
    pub fn finish(mut self) {
        self.line.clear();
    }
}

impl Pace for Live {
    fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }

    fn sleep(&mut self, d: Duration) {
        std::thread::sleep(d);
    }

    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Checked(status) => {
                let elapsed = crate::text::duration(Duration::from_secs(self.elapsed().as_secs()));
                self.line
                    .set(format!("waiting for {}: {status} ({elapsed})", self.what));
            }
            Event::Retrying { error, delay } => {
                let first = error.lines().into_iter().next().unwrap_or_default();
                let text = format!(
                    "orqex: checking failed ({first}); still waiting, next check in {}",
                    crate::text::duration(delay)
                );
                self.line.status(&text);
            }
            Event::Unknown(statuses) => self.line.note(&format!(
                "the API reported {}, which this version of orqex does not know; treating it as not final and still waiting",
                statuses.join(" and ")
            )),
        }
    }
}
