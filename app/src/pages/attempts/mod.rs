//! An endpoint's deliveries: by event, the endpoint page's view (`events`: states, filters over a time
//! window, resend what failed, export; live updates in `live`); the flat list of attempts (on its own
//! page: `view`, `state`, `table`), the detail panel of one attempt (`detail`, `signature`), resend one and resend many; and
//! the logic only they use, with plain tests: what an attempt's outcome was (`outcome`) and its stored
//! response body (`response_body`).

mod detail;
mod events;
mod live;
pub mod outcome;
mod page;
mod resend;
pub mod response_body;
mod signature;
mod state;
mod table;
mod view;

pub use detail::{AttemptDetail, ResponseBodyView};
pub use events::EventsView;
pub use page::AttemptsPage;
pub use resend::{EventsToResend, ResendDialog};
pub use signature::SignatureCheck;
pub use table::AttemptTable;
pub use view::AttemptsView;
