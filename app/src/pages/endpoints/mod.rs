//! The endpoint screens: the table, create, edit, the detail with its signing secret.

mod delete;
mod detail;
mod form;
mod list;
mod secret;
mod table;
mod write;

pub use delete::DeleteEndpointDialog;
pub use detail::EndpointDetail;
pub use form::{EndpointForm, SaveAction};
pub use list::EndpointList;
pub use secret::{RevealedSecret, SigningSecretPanel, provide_revealed_secret};
pub use table::{ActiveSwitch, EndpointTable};
pub use write::{EndpointEdit, EndpointNew};
