//! The event view's filters and page, as the URL query holds them: `state`, `type`, `window` (`1h`,
//! `24h`, `7d`, `custom` with `from` and `to` in UTC ISO 8601), `offset`, `size`. Defaults stay out of
//! the URL; anything unreadable falls back to them, so a hand-edited address never breaks the page.

use webhook_api::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};

use crate::{
    deliveries::{DeliveryState, EventDeliveries},
    time::{self, EpochMs},
    url::encode_query,
};

const HOUR_MS: f64 = 3_600_000.0;

/// Which events by state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StateFilter {
    #[default]
    All,
    Delivered,
    /// Not delivered, and a try failed.
    Failing,
}

impl StateFilter {
    pub const ALL: [Self; 3] = [Self::All, Self::Delivered, Self::Failing];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Delivered => "delivered",
            Self::Failing => "failing",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::All => "All",
            Self::Delivered => "Delivered",
            Self::Failing => "Failing",
        }
    }
}

/// The time window the scan covers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Window {
    LastHour,
    LastDay,
    #[default]
    LastWeek,
    /// `from` and `to` in the URL.
    Custom,
}

impl Window {
    pub const ALL: [Self; 4] = [Self::LastHour, Self::LastDay, Self::LastWeek, Self::Custom];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::LastHour => "1h",
            Self::LastDay => "24h",
            Self::LastWeek => "7d",
            Self::Custom => "custom",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::LastHour => "Last hour",
            Self::LastDay => "Last 24 hours",
            Self::LastWeek => "Last 7 days",
            Self::Custom => "Custom range",
        }
    }

    /// Its length, for the windows that end now.
    fn hours(self) -> Option<f64> {
        match self {
            Self::LastHour => Some(1.0),
            Self::LastDay => Some(24.0),
            Self::LastWeek => Some(168.0),
            Self::Custom => None,
        }
    }
}

/// The event view's state in the URL.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EventFilters {
    pub state: StateFilter,
    /// One event type, or all.
    pub event_type: Option<String>,
    pub window: Window,
    /// The custom window's ends (epoch ms); a missing `to` is now.
    pub from: Option<EpochMs>,
    pub to: Option<EpochMs>,
    /// The page of events.
    pub offset: u64,
    pub size: u64,
}

/// Where the window lies: from `start`, to `end` (`None`: now, and on as live updates come).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bounds {
    pub start: EpochMs,
    pub end: Option<EpochMs>,
}

impl Bounds {
    pub fn contains(&self, event: &EventDeliveries) -> bool {
        event.active_between(self.start, self.end.unwrap_or(f64::INFINITY))
    }
}

impl EventFilters {
    /// Reads the URL query through `get` (a lookup by parameter name).
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Self {
        let number = |name: &str| get(name).and_then(|v| v.trim().parse::<u64>().ok());
        let instant = |name: &str| get(name).and_then(|v| time::parse_iso8601(&v));
        let window = get("window")
            .and_then(|w| Window::ALL.into_iter().find(|k| k.as_str() == w))
            .unwrap_or_default();
        let (from, to) = match window {
            Window::Custom => (instant("from"), instant("to")),
            _ => (None, None),
        };
        Self {
            state: get("state")
                .and_then(|s| StateFilter::ALL.into_iter().find(|k| k.as_str() == s))
                .unwrap_or_default(),
            event_type: get("type")
                .map(|t| t.trim().to_owned())
                .filter(|t| !t.is_empty()),
            window,
            from,
            to,
            offset: number("offset").unwrap_or(0),
            size: number("size")
                .filter(|&n| n > 0)
                .map_or(DEFAULT_PAGE_SIZE, |n| n.min(MAX_PAGE_SIZE)),
        }
    }

    /// The URL query for this state (with `?`); empty when everything is default.
    pub fn to_query_string(&self) -> String {
        let mut pairs = Vec::new();
        if self.state != StateFilter::All {
            pairs.push(("state", self.state.as_str().to_owned()));
        }
        if let Some(event_type) = &self.event_type {
            pairs.push(("type", event_type.clone()));
        }
        if self.window != Window::default() {
            pairs.push(("window", self.window.as_str().to_owned()));
        }
        for (name, at) in [("from", self.from), ("to", self.to)] {
            if let Some(at) = at {
                pairs.push((name, time::iso8601(at)));
            }
        }
        if self.offset > 0 {
            pairs.push(("offset", self.offset.to_string()));
        }
        if self.size != DEFAULT_PAGE_SIZE {
            pairs.push(("size", self.size.to_string()));
        }
        encode_query(&pairs)
    }

    /// The window at `now`; a custom one without `from` starts a day before its end.
    pub fn bounds(&self, now: EpochMs) -> Bounds {
        match self.window.hours() {
            Some(hours) => Bounds {
                start: now - hours * HOUR_MS,
                end: None,
            },
            None => {
                let end = self.to;
                let start = self.from.unwrap_or(end.unwrap_or(now) - 24.0 * HOUR_MS);
                Bounds { start, end }
            }
        }
    }

    /// Whether `event` is shown: in the window, of the type, in the state.
    pub fn shows(&self, event: &EventDeliveries, bounds: &Bounds) -> bool {
        let state_ok = match self.state {
            StateFilter::All => true,
            // Scheduled and overdue differ by the clock, but are both failing: any time will do.
            StateFilter::Delivered => event.state(0.0) == DeliveryState::Delivered,
            StateFilter::Failing => event.state(0.0).is_failing(),
        };
        state_ok
            && self
                .event_type
                .as_ref()
                .is_none_or(|t| *t == event.event_type)
            && bounds.contains(event)
    }

    /// Another filter starts at the first event again.
    fn first_page(self) -> Self {
        Self { offset: 0, ..self }
    }

    pub fn with_state(&self, state: StateFilter) -> Self {
        Self {
            state,
            ..self.clone()
        }
        .first_page()
    }

    pub fn with_type(&self, event_type: Option<String>) -> Self {
        Self {
            event_type,
            ..self.clone()
        }
        .first_page()
    }

    /// Another window; a custom one starts as the window shown at `now` (so the admin adjusts it).
    pub fn with_window(&self, window: Window, now: EpochMs) -> Self {
        let (from, to) = match window {
            Window::Custom => {
                let bounds = self.bounds(now);
                (Some(bounds.start), bounds.end)
            }
            _ => (None, None),
        };
        Self {
            window,
            from,
            to,
            ..self.clone()
        }
        .first_page()
    }

    /// A custom window's ends.
    pub fn with_range(&self, from: Option<EpochMs>, to: Option<EpochMs>) -> Self {
        Self {
            window: Window::Custom,
            from,
            to,
            ..self.clone()
        }
        .first_page()
    }

    pub fn with_offset(&self, offset: u64) -> Self {
        Self {
            offset,
            ..self.clone()
        }
    }

    pub fn with_size(&self, size: u64) -> Self {
        Self {
            size: size.clamp(1, MAX_PAGE_SIZE),
            ..self.clone()
        }
        .first_page()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn parse(pairs: &[(&str, &str)]) -> EventFilters {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        EventFilters::from_query(|name| map.get(name).cloned())
    }

    /// What the address bar would hold, read back.
    fn round_trip(filters: &EventFilters) -> EventFilters {
        let text = filters.to_query_string();
        let search = text.strip_prefix('?').unwrap_or(&text).to_owned();
        EventFilters::from_query(|name| crate::url::query_value(&search, name))
    }

    #[test]
    fn no_query_is_every_event_of_the_last_seven_days() {
        let filters = parse(&[]);
        assert_eq!(
            filters,
            EventFilters {
                size: DEFAULT_PAGE_SIZE,
                ..EventFilters::default()
            }
        );
        assert_eq!(filters.window, Window::LastWeek);
        assert_eq!(filters.to_query_string(), "");
    }

    #[test]
    fn filters_round_trip_through_the_url() {
        let filters = parse(&[
            ("state", "failing"),
            ("type", "user.created"),
            ("window", "24h"),
            ("offset", "40"),
            ("size", "50"),
        ]);
        assert_eq!(filters.state, StateFilter::Failing);
        assert_eq!(filters.event_type.as_deref(), Some("user.created"));
        assert_eq!(filters.window, Window::LastDay);
        assert_eq!(
            filters.to_query_string(),
            "?state=failing&type=user.created&window=24h&offset=40&size=50"
        );
        assert_eq!(round_trip(&filters), filters);
    }

    #[test]
    fn a_custom_window_keeps_its_ends_in_utc() {
        let filters = parse(&[
            ("window", "custom"),
            ("from", "2024-05-01T14:00:00+02:00"),
            ("to", "2024-05-01T13:30:00Z"),
        ]);
        let from = time::parse_iso8601("2024-05-01T12:00:00Z").unwrap();
        let to = time::parse_iso8601("2024-05-01T13:30:00Z").unwrap();
        assert_eq!((filters.from, filters.to), (Some(from), Some(to)));
        assert_eq!(
            filters.to_query_string(),
            "?window=custom&from=2024-05-01T12%3A00%3A00.000Z&to=2024-05-01T13%3A30%3A00.000Z"
        );
        assert_eq!(round_trip(&filters), filters);
        assert_eq!(
            filters.bounds(0.0),
            Bounds {
                start: from,
                end: Some(to)
            }
        );
    }

    #[test]
    fn windows_that_end_now_start_their_length_before_it() {
        let now = 1_714_557_600_000.0;
        let day = parse(&[("window", "24h")]).bounds(now);
        assert_eq!(
            day,
            Bounds {
                start: now - 24.0 * HOUR_MS,
                end: None
            }
        );
        assert_eq!(parse(&[("window", "1h")]).bounds(now).start, now - HOUR_MS);
        assert_eq!(parse(&[]).bounds(now).start, now - 168.0 * HOUR_MS);
        // A custom window without a start: the day before its end.
        let custom = parse(&[("window", "custom")]);
        assert_eq!(custom.bounds(now).start, now - 24.0 * HOUR_MS);
    }

    #[test]
    fn choosing_a_custom_window_starts_from_the_one_shown() {
        let now = 1_714_557_600_000.0;
        let filters =
            parse(&[("window", "24h"), ("offset", "20")]).with_window(Window::Custom, now);
        assert_eq!(filters.from, Some(now - 24.0 * HOUR_MS));
        assert_eq!((filters.to, filters.offset), (None, 0));
        // Back to a window that ends now: its ends leave the URL.
        let back = filters.with_window(Window::LastHour, now);
        assert_eq!(back.to_query_string(), "?window=1h");
    }

    #[test]
    fn unreadable_values_fall_back_to_the_defaults() {
        let filters = parse(&[
            ("state", "maybe"),
            ("type", "  "),
            ("window", "3w"),
            ("from", "yesterday"),
            ("offset", "-1"),
            ("size", "0"),
        ]);
        assert_eq!(filters.to_query_string(), "");
        assert_eq!(parse(&[("size", "900")]).size, MAX_PAGE_SIZE);
        // Ends of a window that is not custom are ignored.
        assert_eq!(parse(&[("from", "2024-05-01T12:00:00Z")]).from, None);
    }

    #[test]
    fn a_new_filter_goes_back_to_the_first_page() {
        let filters = parse(&[("offset", "60")]);
        assert_eq!(filters.with_state(StateFilter::Delivered).offset, 0);
        assert_eq!(filters.with_type(Some("user.created".into())).offset, 0);
        assert_eq!(filters.with_size(50).offset, 0);
        assert_eq!(filters.with_range(Some(0.0), None).offset, 0);
        assert_eq!(filters.with_offset(80).offset, 80);
    }
}
