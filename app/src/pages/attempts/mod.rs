//! An endpoint's delivery attempts: the list (also embedded in the endpoint detail: `view`, `state`,
//! `table`), the detail panel of one attempt (`detail`, `signature`), resend one and resend many; and
//! the logic only they use, with plain tests: what an attempt's outcome was (`outcome`) and its stored
//! response body (`response_body`).

mod detail;
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
pub use page::AttemptsPage;
pub use resend::{EventsToResend, ResendDialog};
pub use signature::SignatureCheck;
pub use table::AttemptTable;
pub use view::AttemptsView;
