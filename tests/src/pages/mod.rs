//! Page objects: one per screen of the console, and one for each part that several screens share (the
//! shell around them, dialogs, the signing-secret panel, the attempts list). Each holds its screen's
//! CSS selectors and says what a person does there (`sign_in`, `search`, `open(event)`) or waits to
//! see (`summary("1–20 of 25 endpoints")`); tests never write a selector of their own.

mod attempts;
mod deliveries;
mod dialog;
mod endpoint_detail;
mod endpoint_form;
mod endpoint_list;
mod event_catalog;
mod pagination;
mod secret_panel;
mod shell;
mod sign_in;
mod signature_tool;
mod test_event;

pub use attempts::Attempts;
pub use deliveries::Deliveries;
pub use dialog::Dialog;
pub use endpoint_detail::EndpointDetailPage;
pub use endpoint_form::EndpointFormPage;
pub use endpoint_list::EndpointListPage;
pub use event_catalog::EventCatalogPage;
pub use pagination::Pagination;
pub use secret_panel::SecretPanel;
pub use shell::Shell;
pub use sign_in::SignInPage;
pub use signature_tool::SignatureToolPage;
pub use test_event::{TestEventPanel, ThemeSwitch};

use crate::Ctx;

impl Ctx {
    /// The header, navigation, toasts and the screen's heading, on every screen.
    pub fn shell(&self) -> Shell<'_> {
        Shell(self)
    }

    /// The dialog that is open.
    pub fn dialog(&self) -> Dialog<'_> {
        Dialog(self)
    }

    /// `/sign-in`.
    pub fn sign_in_page(&self) -> SignInPage<'_> {
        SignInPage(self)
    }

    /// `/endpoints`.
    pub fn endpoint_list(&self) -> EndpointListPage<'_> {
        EndpointListPage(self)
    }

    /// `/endpoints/new` and `/endpoints/:id/edit`.
    pub fn endpoint_form(&self) -> EndpointFormPage<'_> {
        EndpointFormPage(self)
    }

    /// The endpoint page's deliveries by event.
    pub fn deliveries(&self) -> Deliveries<'_> {
        Deliveries(self)
    }

    /// `/endpoints/:id`.
    pub fn endpoint_detail(&self) -> EndpointDetailPage<'_> {
        EndpointDetailPage(self)
    }

    /// The signing-secret panel of `/endpoints/:id` and `/endpoints/:id/attempts`.
    pub fn secret_panel(&self) -> SecretPanel<'_> {
        SecretPanel(self)
    }

    /// The delivery attempts of `/endpoints/:id` and `/endpoints/:id/attempts`.
    pub fn attempts(&self) -> Attempts<'_> {
        Attempts(self)
    }

    /// The pagination under the list on screen (endpoints or attempts), and its page size.
    pub fn pagination(&self) -> Pagination<'_> {
        Pagination(self)
    }

    /// `/events`.
    pub fn event_catalog(&self) -> EventCatalogPage<'_> {
        EventCatalogPage(self)
    }

    /// `/tools/signature`.
    pub fn signature_tool(&self) -> SignatureToolPage<'_> {
        SignatureToolPage(self)
    }

    /// "Send a test event" on `/endpoints/:id`.
    pub fn test_event(&self) -> TestEventPanel<'_> {
        TestEventPanel(self)
    }

    /// The header's theme switch.
    pub fn theme_switch(&self) -> ThemeSwitch<'_> {
        ThemeSwitch(self)
    }
}

/// The text of `element`.
async fn text_of(element: fantoccini::elements::Element) -> String {
    element.text().await.expect("the element's text")
}
