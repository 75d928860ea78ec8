//! An endpoint's delivery attempts: the table (also embedded in the endpoint detail), the detail panel
//! of one attempt, resend one and resend many.

mod detail;
mod page;
mod resend;
mod signature;
mod table;
mod view;

pub use detail::{AttemptDetail, ResponseBodyView};
pub use page::AttemptsPage;
pub use resend::{ResendDialog, ResendRequestKind};
pub use signature::SignatureCheck;
pub use table::AttemptTable;
pub use view::AttemptsView;
