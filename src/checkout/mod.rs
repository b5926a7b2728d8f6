//! The checkout request: its model, where its values come from, and every limit of the contract.

pub mod input;
pub mod request;
pub mod validate;

pub use request::{CheckoutRequest, ValidRequest};
