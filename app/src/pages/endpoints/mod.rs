//! The endpoint screens: the table (`list`, `table`), create and edit (`form/`), the detail with its
//! signing secret (`detail`, `secret/`) and a test event (`test_event/`), delete.

mod delete;
mod detail;
pub mod form;
mod list;
mod secret;
mod table;
pub mod test_event;

pub use delete::DeleteEndpointDialog;
pub use detail::EndpointDetail;
pub use form::{EndpointEdit, EndpointForm, EndpointNew, SaveEndpoint};
pub use list::EndpointList;
pub use secret::{RevealedSecret, SigningSecretPanel, provide_revealed_secret};
pub use table::{ActiveSwitch, EndpointTable};
