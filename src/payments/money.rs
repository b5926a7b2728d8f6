//! Sums and comparisons of money, done only where the unit is certain: on the decimal an
//! Amount's `formatted` shows ("1,007.50 XOF": 1007.50 in major units) and on what the user
//! typed, never on `value`, whose unit the SDK and the docs disagree on.

use std::fmt;

/// A decimal in major units: `units` / 10^`scale`.
#[derive(Debug, Clone, Copy)]
pub struct Decimal {
    units: i128,
    scale: u32,
}

/// Digits a figure may have: far beyond any amount, short of what overflows.
const MAX_DIGITS: usize = 30;

impl Decimal {
    /// A plain decimal as typed or shown: digits, `,` between groups of thousands, one `.`
    /// before the fraction, an optional leading `-`.
    pub fn parse(text: &str) -> Option<Decimal> {
        let (negative, t) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, fraction) = t.split_once('.').unwrap_or((t, ""));
        let digits: String = whole.chars().filter(|c| *c != ',').collect();
        let grouped = whole.contains(',');
        let ok = !digits.is_empty()
            && digits.len() + fraction.len() <= MAX_DIGITS
            && digits.bytes().all(|b| b.is_ascii_digit())
            && fraction.bytes().all(|b| b.is_ascii_digit())
            && (!t.contains('.') || !fraction.is_empty())
            && (!grouped || well_grouped(whole));
        if !ok {
            return None;
        }
        let units: i128 = format!("{digits}{fraction}").parse().ok()?;
        Some(Decimal {
            units: if negative { -units } else { units },
            scale: fraction.len() as u32,
        })
    }

    /// The figure in an Amount's `formatted` (`1,007.50 XOF`, `XOF 1,007.50`) and its
    /// currency, when the text is that and nothing else.
    pub fn of_formatted(formatted: &str) -> Option<(Decimal, String)> {
        let (a, b) = formatted.trim().split_once(' ')?;
        let is_code = |t: &str| t.len() == 3 && t.bytes().all(|c| c.is_ascii_uppercase());
        if is_code(b) {
            Some((Decimal::parse(a)?, b.to_string()))
        } else if is_code(a) {
            Some((Decimal::parse(b)?, a.to_string()))
        } else {
            None
        }
    }

    fn at_scale(self, scale: u32) -> i128 {
        self.units * 10i128.pow(scale - self.scale)
    }

    pub fn add(self, other: Decimal) -> Option<Decimal> {
        let scale = self.scale.max(other.scale);
        Some(Decimal {
            units: self.at_scale(scale).checked_add(other.at_scale(scale))?,
            scale,
        })
    }

    pub fn zero() -> Decimal {
        Decimal { units: 0, scale: 0 }
    }

    pub fn is_positive(self) -> bool {
        self.units > 0
    }

    /// The shortest text of the same value: `50.00` is `50`, `12.50` is `12.5`. What a
    /// refund of it sends, as a user would have typed it.
    pub fn plain(self) -> String {
        let mut d = self;
        while d.scale > 0 && d.units % 10 == 0 {
            d.units /= 10;
            d.scale -= 1;
        }
        d.text(false)
    }

    /// With its scale's digits after the point, and `,` between thousands if `grouped`.
    fn text(self, grouped: bool) -> String {
        let digits = self.units.unsigned_abs().to_string();
        let scale = self.scale as usize;
        let digits = format!("{digits:0>width$}", width = scale + 1);
        let (whole, fraction) = digits.split_at(digits.len() - scale);
        let mut out = String::new();
        if self.units < 0 {
            out.push('-');
        }
        for (i, c) in whole.chars().enumerate() {
            if grouped && i > 0 && (whole.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        if !fraction.is_empty() {
            out.push('.');
            out.push_str(fraction);
        }
        out
    }
}

/// Equal in value: `10.0` is `10.00`.
impl PartialEq for Decimal {
    fn eq(&self, other: &Decimal) -> bool {
        self.partial_cmp(other) == Some(std::cmp::Ordering::Equal)
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Decimal) -> Option<std::cmp::Ordering> {
        let scale = self.scale.max(other.scale);
        self.at_scale(scale).partial_cmp(&other.at_scale(scale))
    }
}

/// With its scale's digits after the point and `,` between thousands: `1,007.50`.
impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(true))
    }
}

/// `1,234,567`: a first group of 1 to 3 digits, then groups of exactly 3.
fn well_grouped(whole: &str) -> bool {
    let mut groups = whole.split(',');
    let first = groups.next().unwrap_or_default();
    (1..=3).contains(&first.len()) && groups.all(|g| g.len() == 3)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        Decimal::parse(text).unwrap_or_else(|| panic!("{text}"))
    }

    #[test]
    fn figures_are_read_as_shown() {
        assert_eq!(d("50").to_string(), "50");
        assert_eq!(d("1,007.50").to_string(), "1,007.50");
        assert_eq!(d("1234567.5").to_string(), "1,234,567.5");
        assert_eq!(d("0.05").to_string(), "0.05");
        assert_eq!(d("-3.10").to_string(), "-3.10");
        for bad in [
            "",
            "1.",
            ".5",
            "1,00",
            "12,34,567",
            "1e3",
            "a",
            "1.2.3",
            "--1",
            "1 000",
        ] {
            assert_eq!(Decimal::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn formatted_amounts_give_their_figure_and_currency() {
        assert_eq!(
            Decimal::of_formatted("1,007.50 XOF"),
            Some((d("1007.50"), "XOF".to_string()))
        );
        assert_eq!(
            Decimal::of_formatted("GHS 12.00"),
            Some((d("12.00"), "GHS".to_string()))
        );
        for bad in [
            "50",
            "50 xof",
            "50.00 XOF extra",
            "fifty XOF",
            "1.007,50 XOF",
        ] {
            assert_eq!(Decimal::of_formatted(bad), None, "{bad}");
        }
    }

    #[test]
    fn sums_and_comparisons_keep_every_digit() {
        let sum = d("1,007.50").add(d("0.5")).unwrap().add(d("2")).unwrap();
        assert_eq!(sum.to_string(), "1,010.00");
        assert!(d("10") < d("10.01"));
        assert!(d("10.00") == d("10.00"));
        assert!(d("10.0") <= d("10.00") && d("10.00") <= d("10"));
        assert!(d("50.01") > d("50.00"));
        assert_eq!(d("50.00").plain(), "50");
        assert_eq!(d("12.50").plain(), "12.5");
        assert_eq!(d("1,000").plain(), "1000");
        assert_eq!(Decimal::zero().add(d("0.10")).unwrap().plain(), "0.1");
    }
}
