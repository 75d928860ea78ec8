//! The endpoint screens: the table, create, edit.

mod delete;
mod form;
mod list;
mod table;
mod write;

pub use delete::DeleteEndpointDialog;
pub use form::{EndpointForm, SaveAction};
pub use list::EndpointList;
pub use table::{ActiveSwitch, EndpointTable};
pub use write::{EndpointEdit, EndpointNew};
