//! The checkout request: the table of its fields, where their values come from, and every
//! limit of the contract.

pub mod checks;
pub mod draft;
pub mod fields;
pub mod input;
pub mod source;
pub mod validate;

pub use draft::{Draft, ValidRequest};
