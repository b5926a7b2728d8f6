//! The body of `POST /payment/checkouts`, one row per field, in the reference page's order:
//! the one place a field is declared.
//!
//! Everything else follows from this table: the `checkout create` flags and their `--help`,
//! the JSON shape check and its "did you mean", validation and the flag named in each message,
//! the questions asked at a terminal, the CSV column names of a batch, and the field list in
//! docs/reference.md (a test keeps it equal). Adding a field is one row here, plus one check in
//! `validate` when its limits are of a new kind.

use super::checks as check;

/// What a field holds in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A string.
    Text,
    /// A number, kept as the exact text it was given in (`50` stays `50`, `12.50` stays
    /// `12.50`).
    Number,
    /// An object of the user's own keys, each a string, number or boolean (`metadata`).
    Map,
}

/// When a field must be there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Required,
    Optional,
    /// Required once its parent object is given: a phone number needs its country, and the
    /// reverse.
    WithParent,
}

/// A value's check: the raw text to the normalised value sent, or what is wrong with it.
pub type Check = fn(&str) -> Result<String, String>;

/// One field of the body.
#[derive(Debug)]
pub struct Field {
    /// The dot path in the JSON body, as the API names fields in its errors.
    pub path: &'static str,
    /// `checkout create --FLAG`.
    pub flag: &'static str,
    /// Other long names of the flag, shown in `--help`.
    pub aliases: &'static [&'static str],
    pub short: Option<char>,
    pub value_name: &'static str,
    /// The `--help` section the flag is listed under.
    pub heading: &'static str,
    /// The flag's help, limits included.
    pub help: &'static str,
    pub kind: Kind,
    pub need: Need,
    /// The question asked at a terminal, if the field is asked for at all.
    pub prompt: Option<&'static str>,
    /// For a map, the check of each value.
    pub check: Check,
}

const fn text(path: &'static str, flag: &'static str, help: &'static str) -> Field {
    Field {
        path,
        flag,
        aliases: &[],
        short: None,
        value_name: "TEXT",
        heading: "Payment",
        help,
        kind: Kind::Text,
        need: Need::Optional,
        prompt: None,
        check: check::plain_text,
    }
}

impl Field {
    const fn heading(mut self, heading: &'static str) -> Field {
        self.heading = heading;
        self
    }
    const fn value_name(mut self, name: &'static str) -> Field {
        self.value_name = name;
        self
    }
    const fn required(mut self, prompt: &'static str) -> Field {
        self.need = Need::Required;
        self.prompt = Some(prompt);
        self
    }
    const fn asked(mut self, prompt: &'static str) -> Field {
        self.prompt = Some(prompt);
        self
    }
    const fn number(mut self) -> Field {
        self.kind = Kind::Number;
        self
    }
    const fn checked(mut self, check: Check) -> Field {
        self.check = check;
        self
    }
    const fn aliases(mut self, aliases: &'static [&'static str]) -> Field {
        self.aliases = aliases;
        self
    }
    const fn with_parent(mut self) -> Field {
        self.need = Need::WithParent;
        self
    }
}

/// The fields, in the reference page's order (the order of the body sent).
pub const FIELDS: &[Field] = &[
    text(
        "amount",
        "amount",
        "Amount in major units, as a plain decimal (50 or 12.5); at least 1; sent exactly as typed (required)",
    )
    .value_name("AMOUNT")
    .number()
    .checked(check::amount)
    .required("Amount, in major units (e.g. 50)"),
    text(
        "currency",
        "currency",
        "Three-letter ISO 4217 currency code, e.g. XOF, sent uppercase (required, unless the profile has a default currency)",
    )
    .value_name("CODE")
    .checked(check::currency)
    .required("Currency, ISO 4217 (e.g. XOF)"),
    text(
        "description",
        "description",
        "Description shown to the customer on the checkout page (required, at most 500 characters)",
    )
    .checked(check::description)
    .required("Description shown to the customer"),
    text("customer.email", "email", "Customer's email address (required)")
        .heading("Customer")
        .aliases(&["customer-email"])
        .value_name("EMAIL")
        .checked(check::customer_email)
        .required("Customer email"),
    text("customer.first_name", "first-name", "Customer's first name (required)")
        .heading("Customer")
        .aliases(&["customer-first-name"])
        .value_name("NAME")
        .required("Customer first name"),
    text("customer.last_name", "last-name", "Customer's last name (required)")
        .heading("Customer")
        .aliases(&["customer-last-name"])
        .value_name("NAME")
        .required("Customer last name"),
    text("customer.address", "address", "Customer's street address")
        .heading("Customer")
        .aliases(&["customer-address"])
        .asked("Customer street address"),
    text("customer.city", "city", "Customer's city")
        .heading("Customer")
        .aliases(&["customer-city"])
        .asked("Customer city"),
    text("customer.state", "state", "Customer's state or region")
        .heading("Customer")
        .aliases(&["customer-state"])
        .asked("Customer state or region"),
    text(
        "customer.country",
        "country",
        "Customer's country, ISO 3166-1 alpha-2 (e.g. CI, SN, GH)",
    )
    .heading("Customer")
        .aliases(&["customer-country"])
    .value_name("CC")
    .checked(check::country)
    .asked("Customer country, ISO 3166-1 alpha-2 (e.g. CI)"),
    text("customer.zip", "zip", "Customer's postal code")
        .heading("Customer")
        .aliases(&["customer-zip"])
        .asked("Customer postal code"),
    text(
        "return_url",
        "return-url",
        "URL the customer returns to after checkout (absolute http(s), at most 2048 characters)",
    )
    .heading("After payment")
    .value_name("URL")
    .checked(check::url)
    .asked("Return URL after checkout (https://...)"),
    text(
        "webhook_url",
        "webhook-url",
        "URL Orqex POSTs this checkout's payment events to (absolute http(s), at most 2048 characters)",
    )
    .heading("After payment")
    .value_name("URL")
    .checked(check::url)
    .asked("Webhook URL for payment events (https://...)"),
    text(
        "statement_descriptor",
        "statement-descriptor",
        "Text on the customer's card statement (at most 22 characters)",
    )
    .checked(check::statement_descriptor)
    .asked("Statement descriptor (at most 22 characters)"),
    text(
        "receipt_email",
        "receipt-email",
        "Email address the receipt is sent to (at most 255 characters)",
    )
    .heading("After payment")
    .value_name("EMAIL")
    .checked(check::receipt_email)
    .asked("Receipt email"),
    text(
        "restriction.country_code",
        "restrict-country",
        "Only allow payers from this country, ISO 3166-1 alpha-2 (e.g. CI)",
    )
    .heading("Restriction")
    .value_name("CC")
    .checked(check::country)
    .asked("Only allow payers from country (e.g. CI)"),
    text(
        "restriction.phone.number",
        "restrict-phone",
        "Only allow this phone number (national format, e.g. 0700000000); needs --restrict-phone-country",
    )
    .heading("Restriction")
    .value_name("NUMBER")
    .checked(check::phone_number)
    .with_parent(),
    text(
        "restriction.phone.country",
        "restrict-phone-country",
        "Country of --restrict-phone, ISO 3166-1 alpha-2 (e.g. CI)",
    )
    .heading("Restriction")
    .value_name("CC")
    .checked(check::country)
    .with_parent(),
    text(
        "customization.color",
        "color",
        "Checkout's primary colour, e.g. #1a73e8",
    )
    .heading("Appearance")
    .value_name("COLOR")
    .asked("Checkout colour (e.g. #1a73e8)"),
    text(
        "customization.brand",
        "brand",
        "Label shown on the checkout (defaults to the project's name)",
    )
    .heading("Appearance")
    .asked("Label shown on the checkout"),
    Field {
        short: Some('m'),
        kind: Kind::Map,
        check: check::metadata_value,
        ..text(
            "metadata",
            "metadata",
            "Metadata entry KEY=VALUE, stored on the payment; repeat for more (at most 10 keys)",
        )
        .value_name("KEY=VALUE")
    },
    text(
        "expires_in_minutes",
        "expires-in-minutes",
        "Minutes the checkout stays open (a whole number, at least 1)",
    )
    .value_name("MINUTES")
    .number()
    .checked(check::minutes)
    .asked("Minutes the checkout stays open"),
];

/// The field at `path`, if it is one (`customer.email`, not `customer`).
pub fn field(path: &str) -> Option<&'static Field> {
    FIELDS.iter().find(|f| f.path == path)
}

/// For a path into a map field (`metadata.order_id`), the field and the user's own key, which
/// may hold dots of its own.
pub fn map_key(path: &str) -> Option<(&'static Field, &str)> {
    FIELDS.iter().filter(|f| f.kind == Kind::Map).find_map(|f| {
        path.strip_prefix(f.path)
            .and_then(|rest| rest.strip_prefix('.'))
            .map(|key| (f, key))
    })
}

/// The flag that sets `path`, so a message can say what to type: the field's own; for an
/// object, the flag of its first field; for a metadata key, `--metadata`; else `--data`.
pub fn flag_for(path: &str) -> String {
    let owner = field(path)
        .or_else(|| {
            let prefix = format!("{path}.");
            FIELDS.iter().find(|f| f.path.starts_with(&prefix))
        })
        .or_else(|| map_key(path).map(|(f, _)| f));
    match owner {
        Some(f) => format!("--{}", f.flag),
        None => "--data".to_string(),
    }
}

/// The required fields, in the order they are asked for and listed when missing.
pub fn required() -> impl Iterator<Item = &'static Field> {
    FIELDS.iter().filter(|f| f.need == Need::Required)
}

/// What the body holds at `path`: a field, or an object of fields (`customer`).
#[derive(Debug, Clone, Copy)]
pub enum Slot {
    Field(&'static Field),
    Object,
}

pub fn slot(path: &str) -> Option<Slot> {
    if let Some(f) = field(path) {
        return Some(Slot::Field(f));
    }
    let prefix = format!("{path}.");
    FIELDS
        .iter()
        .any(|f| f.path.starts_with(&prefix))
        .then_some(Slot::Object)
}

/// The names the body knows directly below `prefix` ("" for the top), in table order.
pub fn names_below(prefix: &str) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = Vec::new();
    for f in FIELDS {
        let rest = if prefix.is_empty() {
            Some(f.path)
        } else {
            f.path
                .strip_prefix(prefix)
                .and_then(|r| r.strip_prefix('.'))
        };
        if let Some(name) = rest.and_then(|r| r.split('.').next())
            && !names.contains(&name)
        {
            names.push(name);
        }
    }
    names
}

/// Every path of the body, fields and the objects holding them, in table order.
pub fn all_paths() -> Vec<String> {
    let mut paths: Vec<String> = Vec::new();
    for f in FIELDS {
        let mut at = String::new();
        for part in f.path.split('.') {
            if !at.is_empty() {
                at.push('.');
            }
            at.push_str(part);
            if !paths.contains(&at) {
                paths.push(at.clone());
            }
        }
    }
    paths
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference page's table of fields, as this table makes it.
    fn reference_table() -> String {
        let mut out = String::from("| field | flag | what |\n|---|---|---|\n");
        for f in FIELDS {
            let mut flags = format!("`--{}`", f.flag);
            if let Some(short) = f.short {
                flags.push_str(&format!(", `-{short}`"));
            }
            for alias in f.aliases {
                flags.push_str(&format!(", `--{alias}`"));
            }
            out.push_str(&format!("| `{}` | {flags} | {} |\n", f.path, f.help));
        }
        out
    }

    #[test]
    fn paths_and_flags_are_unique() {
        for (i, f) in FIELDS.iter().enumerate() {
            for g in &FIELDS[i + 1..] {
                assert_ne!(f.path, g.path);
                assert_ne!(f.flag, g.flag);
                assert!(!g.aliases.contains(&f.flag) && !f.aliases.contains(&g.flag));
            }
        }
    }

    #[test]
    fn flags_name_fields_objects_and_metadata_keys() {
        assert_eq!(flag_for("amount"), "--amount");
        assert_eq!(flag_for("customer.email"), "--email");
        assert_eq!(flag_for("customer"), "--email");
        assert_eq!(flag_for("restriction.phone"), "--restrict-phone");
        assert_eq!(
            flag_for("restriction.phone.country"),
            "--restrict-phone-country"
        );
        assert_eq!(flag_for("metadata"), "--metadata");
        assert_eq!(flag_for("metadata.order.id"), "--metadata");
        assert_eq!(flag_for("metadatax"), "--data");
        assert_eq!(flag_for("nope"), "--data");
    }

    #[test]
    fn the_shape_follows_from_the_paths() {
        assert_eq!(
            names_below(""),
            [
                "amount",
                "currency",
                "description",
                "customer",
                "return_url",
                "webhook_url",
                "statement_descriptor",
                "receipt_email",
                "restriction",
                "customization",
                "metadata",
                "expires_in_minutes"
            ]
        );
        assert_eq!(names_below("restriction"), ["country_code", "phone"]);
        assert_eq!(names_below("restriction.phone"), ["number", "country"]);
        assert!(names_below("amount").is_empty());
        assert!(matches!(slot("customer"), Some(Slot::Object)));
        assert!(matches!(slot("customer.zip"), Some(Slot::Field(f)) if f.path == "customer.zip"));
        assert!(slot("customer.zip.x").is_none());
        assert!(slot("custom").is_none());
        assert!(all_paths().contains(&"restriction.phone".to_string()));
        assert_eq!(all_paths().len(), FIELDS.len() + 4);
    }

    #[test]
    fn required_fields_are_asked_for() {
        let paths: Vec<&str> = required().map(|f| f.path).collect();
        assert_eq!(
            paths,
            [
                "amount",
                "currency",
                "description",
                "customer.email",
                "customer.first_name",
                "customer.last_name"
            ]
        );
        assert!(required().all(|f| f.prompt.is_some()));
    }

    #[test]
    fn the_reference_lists_exactly_these_fields() {
        let reference = include_str!("../../docs/reference.md");
        let table = reference_table();
        assert!(
            reference.contains(&table),
            "docs/reference.md's field table differs from src/checkout/fields.rs; it should read:\n{table}"
        );
    }
}
