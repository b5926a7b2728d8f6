//! The payments table as a person sees it: on a real terminal (a pty) 80 and 200 columns
//! wide, cut to fit, with its totals; and a live refund confirmed there.

use serde_json::json;

use crate::common::payments::{FakeApi, payment};
use crate::common::pty::spawn_sized;
use crate::common::*;

/// Three payments whose customer and description are longer than 80 columns leave room for.
fn shop() -> FakeApi {
    let rows = [
        (
            "TRX1A2B3C4D",
            "completed",
            1_250_000,
            "XOF",
            "2026-12-04T18:42:00Z",
            "ama.mensah@example.com",
            "Order 1024: two bags of rice and a bottle of palm oil",
        ),
        (
            "TRX5E6F7G8H",
            "partially_refunded",
            4_500,
            "GHS",
            "2026-12-04T12:05:00Z",
            "kofi@example.org",
            "Refill",
        ),
        (
            "TRX9J0K1L2M",
            "completed",
            800_000,
            "XOF",
            "2026-12-04T09:00:00Z",
            "awa.diallo.boutique@example.sn",
            "Abonnement mensuel, décembre",
        ),
    ];
    FakeApi::start(
        rows.iter()
            .map(|(id, status, value, currency, at, email, description)| {
                let mut p = payment(id, status, *value, currency, at);
                p["customer"]["email"] = json!(email);
                p["description"] = json!(description);
                p
            })
            .collect(),
    )
}

fn table_at(cols: u16, filters: &[&str]) -> String {
    let fake = shop();
    let sb = Sandbox::new();
    let mut cmd = sb.cmd();
    cmd.env("ORQEX_SECRET_KEY", KEY)
        .env("ORQEX_BASE_URL", fake.url())
        .args(["payments", "list"])
        .args(filters);
    let (text, code) = spawn_sized(cmd, cols).finish();
    assert_eq!(code, 0, "{text}");
    text.replace("\r\n", "\n")
}

#[test]
fn at_80_columns_the_customer_is_cut_to_fit_and_the_description_left_out() {
    // A status 18 wide leaves 15 columns: the customer at that, no room for a description.
    let text = table_at(80, &[]);
    assert_eq!(
        text,
        "\
ID           STATUS                    AMOUNT  CREATED (UTC)     CUSTOMER
TRX1A2B3C4D  completed           12500.00 XOF  2026-12-04 18:42  ama.mensah@exa…
TRX5E6F7G8H  partially_refunded     45.00 GHS  2026-12-04 12:05  kofi@example.o…
TRX9J0K1L2M  completed            8000.00 XOF  2026-12-04 09:00  awa.diallo.bou…

3 payments
  GHS  partially_refunded  1  45.00 GHS
  XOF  completed           2  20,500.00 XOF
"
    );
    for line in text.lines() {
        assert!(console::measure_text_width(line) <= 80, "{line:?}");
    }
}

#[test]
fn at_80_columns_with_room_the_description_is_cut_too() {
    let text = table_at(80, &["--status", "completed"]);
    assert_eq!(
        text,
        "\
ID           STATUS           AMOUNT  CREATED (UTC)     CUSTOMER        DESCRIP…
TRX1A2B3C4D  completed  12500.00 XOF  2026-12-04 18:42  ama.mensah@ex…  Order 1…
TRX9J0K1L2M  completed   8000.00 XOF  2026-12-04 09:00  awa.diallo.bo…  Abonnem…

2 payments
  XOF  completed  2  20,500.00 XOF
"
    );
    for line in text.lines() {
        assert!(console::measure_text_width(line) <= 80, "{line:?}");
    }
}

#[test]
fn at_200_columns_nothing_is_cut_and_the_totals_follow() {
    assert_eq!(
        table_at(200, &[]),
        "\
ID           STATUS                    AMOUNT  CREATED (UTC)     CUSTOMER                        DESCRIPTION
TRX1A2B3C4D  completed           12500.00 XOF  2026-12-04 18:42  ama.mensah@example.com          Order 1024: two bags of rice and a bottle of palm oil
TRX5E6F7G8H  partially_refunded     45.00 GHS  2026-12-04 12:05  kofi@example.org                Refill
TRX9J0K1L2M  completed            8000.00 XOF  2026-12-04 09:00  awa.diallo.boutique@example.sn  Abonnement mensuel, décembre

3 payments
  GHS  partially_refunded  1  45.00 GHS
  XOF  completed           2  20,500.00 XOF
"
    );
}

#[test]
fn a_live_refund_at_a_terminal_shows_what_goes_back_and_asks() {
    let fake = shop();
    let sb = Sandbox::new();
    let mut cmd = sb.cmd();
    cmd.env("ORQEX_SECRET_KEY", LIVE_KEY)
        .env("ORQEX_BASE_URL", fake.url())
        .args([
            "refunds",
            "create",
            "TRX1A2B3C4D",
            "--amount",
            "2500",
            "--reason",
            "duplicate",
            "--json",
        ]);
    let mut p = spawn_sized(cmd, 100);
    p.expect("Send this refund? [y/N]");
    p.send("n\r");
    let (text, code) = p.finish();
    assert_eq!(code, 2, "{text}");
    for line in [
        "This refunds a LIVE payment: real money goes back to the customer.",
        "payment      TRX1A2B3C4D (12500.00 XOF paid)",
        "customer     Ama Mensah <ama.mensah@example.com>",
        "refund       2500 XOF",
        "stays        10,000.00 XOF refundable after this",
        "reason       duplicate",
        &format!("environment  live (key {LIVE_KEY_MASKED})"),
    ] {
        assert!(text.contains(line), "{line:?} not in {text}");
    }
    assert!(fake.server.requests().iter().all(|r| r.method == "GET"));
}
