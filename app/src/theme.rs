//! The colour theme: the system's, or light or dark as the admin chose. The choice is remembered in
//! `localStorage` (it is no secret, and should outlive the tab); `boot.js` applies it before the app
//! starts, so a reload never flashes the other theme. The stylesheet reads `data-theme` on `<html>`.

/// Where the choice is kept (read by `boot.js` too).
pub const STORAGE_KEY: &str = "webhook-console.theme";

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Theme {
    /// Follow the system (no `data-theme`).
    #[default]
    System,
    Light,
    Dark,
}

impl Theme {
    pub const ALL: [Theme; 3] = [Theme::System, Theme::Light, Theme::Dark];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::System => "system",
            Self::Light => "light",
            Self::Dark => "dark",
        }
    }

    /// What the switch says.
    pub fn label(self) -> &'static str {
        match self {
            Self::System => "System theme",
            Self::Light => "Light theme",
            Self::Dark => "Dark theme",
        }
    }

    /// A stored or chosen value; anything else is the system's theme.
    pub fn parse(value: &str) -> Self {
        match value {
            "light" => Self::Light,
            "dark" => Self::Dark,
            _ => Self::System,
        }
    }

    /// The theme remembered in this browser.
    pub fn stored() -> Self {
        storage()
            .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
            .map_or(Self::System, |value| Self::parse(&value))
    }

    /// Shows this theme and remembers it.
    pub fn apply(self) {
        if let Some(root) = leptos::prelude::document().document_element() {
            let _ = match self {
                Self::System => root.remove_attribute("data-theme"),
                theme => root.set_attribute("data-theme", theme.as_str()),
            };
        }
        if let Some(storage) = storage() {
            let _ = match self {
                Self::System => storage.remove_item(STORAGE_KEY),
                theme => storage.set_item(STORAGE_KEY, theme.as_str()),
            };
        }
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_theme_reads_back_from_its_stored_text() {
        for theme in Theme::ALL {
            assert_eq!(Theme::parse(theme.as_str()), theme);
        }
    }

    #[test]
    fn anything_else_stored_means_the_system_theme() {
        for value in ["", "Dark", "blue", "system"] {
            assert_eq!(Theme::parse(value), Theme::System, "{value:?}");
        }
    }
}
