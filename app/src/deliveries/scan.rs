//! The bounded scan of an endpoint's attempts: newest first, [`SCAN_PAGE`] asked per request, each
//! request starting where the last answer says ([`PageInfo`]: a server that sends fewer rows than asked
//! skips nothing), until the time window's start, the end of the list, or [`SCAN_CAP`] attempts. The
//! attempts it loaded, without duplicates, are [`Loaded`]. The requests themselves are made by the
//! screen, which owns the abort signal.

use std::sync::Arc;

use webhook_api::Attempt;

use super::{Coverage, LoadedAttempt};
use crate::{paging::PageInfo, set::SortedSet, time::EpochMs};

/// The most attempts one scan loads: it stops after the page that reaches it, and says so.
pub const SCAN_CAP: usize = 5_000;

/// Attempts asked per request: the API's most.
pub const SCAN_PAGE: u64 = webhook_api::MAX_PAGE_SIZE;

/// Why a scan stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScanEnd {
    /// An attempt older than the window came: the window is covered.
    ReachedStart,
    /// The list has no more.
    ReachedEnd,
    /// [`Scan::cap`] attempts are loaded: older ones in the window are not.
    Capped,
    /// Stopped by the admin or by an error; it can go on from where it was.
    Stopped,
}

/// Where a scan is, and when it stops.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scan {
    /// Stop once an attempt created before this came (the window's start); `None`: to the end.
    pub until: Option<EpochMs>,
    pub cap: usize,
    /// The offset of the next request.
    pub offset: u64,
    /// The oldest and newest `created_at` loaded.
    pub oldest: Option<EpochMs>,
    pub newest: Option<EpochMs>,
    pub requests: u32,
    pub end: Option<ScanEnd>,
}

impl Scan {
    pub fn new(until: Option<EpochMs>, cap: usize) -> Self {
        Self {
            until,
            cap,
            offset: 0,
            oldest: None,
            newest: None,
            requests: 0,
            end: None,
        }
    }

    /// The answer to the request at [`Scan::offset`] came: `info` says where it sits, `times` are the
    /// `created_at` of its rows, and `loaded` attempts are loaded in all now. Whether to ask for more.
    pub fn answered(&mut self, info: &PageInfo, times: &[EpochMs], loaded: usize) -> bool {
        self.requests += 1;
        for &at in times {
            self.oldest = Some(self.oldest.map_or(at, |o| o.min(at)));
            self.newest = Some(self.newest.map_or(at, |n| n.max(at)));
        }
        self.end = match info.next {
            None => Some(ScanEnd::ReachedEnd),
            Some(_) if self.past_start() => Some(ScanEnd::ReachedStart),
            Some(_) if loaded >= self.cap => Some(ScanEnd::Capped),
            Some(next) => {
                self.offset = next;
                None
            }
        };
        self.end.is_none()
    }

    fn past_start(&self) -> bool {
        matches!((self.oldest, self.until), (Some(oldest), Some(until)) if oldest < until)
    }

    /// Goes further back, to `until` (an event's earlier tries): a scan that stopped at its window's
    /// start, or was stopped, goes on. Whether it has more to do.
    pub fn extend_to(&mut self, until: EpochMs) -> bool {
        if self.until.is_some_and(|current| until < current) {
            self.until = Some(until);
        }
        if matches!(self.end, Some(ScanEnd::ReachedStart | ScanEnd::Stopped)) && !self.past_start()
        {
            self.end = None;
        }
        self.end.is_none()
    }

    /// Stopped before its end (the admin, or an error); [`Scan::resume`] goes on.
    pub fn stop(&mut self) {
        if self.end.is_none() {
            self.end = Some(ScanEnd::Stopped);
        }
    }

    pub fn resume(&mut self) {
        if self.end == Some(ScanEnd::Stopped) {
            self.end = None;
        }
    }

    pub fn running(&self) -> bool {
        self.end.is_none()
    }

    /// What the loaded attempts cover.
    pub fn coverage(&self) -> Coverage {
        Coverage {
            complete_after: self.oldest,
            everything: self.end == Some(ScanEnd::ReachedEnd),
            later_loaded: true,
        }
    }

    /// How far it has come, 0 to 1: back through the window, or toward the cap, whichever is further.
    pub fn progress(&self, loaded: usize) -> f64 {
        if self.end.is_some() && self.end != Some(ScanEnd::Stopped) {
            return 1.0;
        }
        let by_count = loaded as f64 / self.cap.max(1) as f64;
        let by_time = match (self.until, self.newest, self.oldest) {
            (Some(until), Some(newest), Some(oldest)) if newest > until => {
                (newest - oldest) / (newest - until)
            }
            _ => 0.0,
        };
        by_count.max(by_time).clamp(0.0, 1.0)
    }
}

/// The attempts loaded, newest first, each once.
#[derive(Clone, Debug, Default)]
pub struct Loaded {
    rows: Vec<LoadedAttempt>,
    ids: SortedSet<u64>,
}

impl Loaded {
    pub fn rows(&self) -> &[LoadedAttempt] {
        &self.rows
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// A scan's next page, older than what is loaded. Attempts already loaded (the list grew at its head
    /// and moved them to a later offset) are left as they are. The `created_at` of every row that came.
    pub fn add_older(&mut self, attempts: Vec<Attempt>) -> Vec<EpochMs> {
        let mut times = Vec::with_capacity(attempts.len());
        for attempt in attempts {
            let loaded = LoadedAttempt::new(Arc::new(attempt));
            times.push(loaded.created);
            if self.ids.insert(loaded.attempt.id) {
                self.rows.push(loaded);
            }
        }
        times
    }

    /// The newest attempts (a refresh): those not loaded yet go before the others, in their order. How
    /// many were new.
    pub fn add_newer(&mut self, attempts: Vec<Attempt>) -> usize {
        let new: Vec<LoadedAttempt> = attempts
            .into_iter()
            .filter(|a| self.ids.insert(a.id))
            .map(|a| LoadedAttempt::new(Arc::new(a)))
            .collect();
        let count = new.len();
        self.rows.splice(0..0, new);
        count
    }

    pub fn contains(&self, id: u64) -> bool {
        self.ids.contains(&id)
    }
}

#[cfg(test)]
mod tests {
    use webhook_api::{AttemptEvent, Page};

    use super::*;
    use crate::time::iso8601;

    const T0: f64 = 1_714_557_600_000.0;
    const MINUTE: f64 = 60_000.0;

    /// Attempt `id`, created `minutes` after T0.
    fn attempt(id: u64, minutes: f64) -> Attempt {
        Attempt {
            id,
            created_at: iso8601(T0 + minutes * MINUTE),
            event: AttemptEvent {
                id: Some(id),
                event_type: "user.created".into(),
                added_at: iso8601(T0),
            },
            sent_at: None,
            http_request_body: "{}".into(),
            http_request_signature_header: String::new(),
            http_response_code: Some(200),
            http_response_body: None,
            next_retry: None,
            error: None,
            duration_ms: None,
        }
    }

    /// A list of `count` attempts, one a minute, newest first (id `count` at minute `count`), served
    /// by a server that sends at most `max` per page with Django REST framework's links.
    struct Server {
        list: Vec<Attempt>,
        max: u64,
    }

    impl Server {
        fn new(count: u64, max: u64) -> Self {
            Self {
                list: (1..=count).rev().map(|id| attempt(id, id as f64)).collect(),
                max,
            }
        }

        fn page(&self, offset: u64, limit: u64) -> Page<Attempt> {
            let limit = limit.min(self.max);
            let count = self.list.len() as u64;
            let rows: Vec<Attempt> = self
                .list
                .iter()
                .skip(offset as usize)
                .take(limit as usize)
                .cloned()
                .collect();
            let next = (offset + limit < count)
                .then(|| format!("http://x/a/?limit={limit}&offset={}", offset + limit));
            Page {
                count,
                next,
                previous: None,
                results: rows,
            }
        }
    }

    /// Runs a scan against `server` to its end; the ids loaded, and the scan.
    fn run(server: &Server, mut scan: Scan, loaded: &mut Loaded) -> Scan {
        while scan.running() {
            let page = server.page(scan.offset, SCAN_PAGE);
            let info = PageInfo::of(&page, scan.offset, SCAN_PAGE);
            let times = loaded.add_older(page.results);
            scan.answered(&info, &times, loaded.len());
            assert!(scan.requests < 10_000, "the scan ends");
        }
        scan
    }

    fn ids(loaded: &Loaded) -> Vec<u64> {
        loaded.rows().iter().map(|r| r.attempt.id).collect()
    }

    #[test]
    fn a_scan_stops_after_the_page_that_reaches_past_the_windows_start() {
        // 1,000 attempts, one a minute; the window starts at minute 750.
        let server = Server::new(1_000, 100);
        let mut loaded = Loaded::default();
        let scan = run(
            &server,
            Scan::new(Some(T0 + 750.0 * MINUTE), SCAN_CAP),
            &mut loaded,
        );
        assert_eq!(scan.end, Some(ScanEnd::ReachedStart));
        assert_eq!(scan.requests, 3, "minutes 1000..901, 900..801, 800..701");
        assert_eq!(ids(&loaded), (701..=1_000).rev().collect::<Vec<_>>());
        assert_eq!(scan.oldest, Some(T0 + 701.0 * MINUTE));
        assert_eq!(scan.progress(loaded.len()), 1.0);
        let coverage = scan.coverage();
        assert_eq!(coverage.complete_after, scan.oldest);
        assert!(!coverage.everything && coverage.later_loaded);
    }

    #[test]
    fn an_attempt_exactly_at_the_windows_start_is_not_past_it() {
        // Page 1 ends exactly at the start (minute 901): one more page is needed to see past it.
        let server = Server::new(1_000, 100);
        let mut loaded = Loaded::default();
        let scan = run(
            &server,
            Scan::new(Some(T0 + 901.0 * MINUTE), SCAN_CAP),
            &mut loaded,
        );
        assert_eq!(scan.requests, 2);
        assert_eq!(scan.end, Some(ScanEnd::ReachedStart));
    }

    #[test]
    fn a_scan_stops_at_the_end_of_the_list_and_covers_everything() {
        let server = Server::new(250, 100);
        let mut loaded = Loaded::default();
        let scan = run(&server, Scan::new(Some(T0 - MINUTE), SCAN_CAP), &mut loaded);
        assert_eq!(scan.end, Some(ScanEnd::ReachedEnd));
        assert_eq!(loaded.len(), 250);
        assert!(scan.coverage().everything);
        // Without a window, to the end as well.
        let mut loaded = Loaded::default();
        let scan = run(&server, Scan::new(None, SCAN_CAP), &mut loaded);
        assert_eq!((scan.end, loaded.len()), (Some(ScanEnd::ReachedEnd), 250));
    }

    #[test]
    fn a_scan_stops_at_the_cap_and_says_so() {
        let server = Server::new(6_000, 100);
        let mut loaded = Loaded::default();
        let scan = run(&server, Scan::new(None, SCAN_CAP), &mut loaded);
        assert_eq!(scan.end, Some(ScanEnd::Capped));
        assert_eq!(loaded.len(), SCAN_CAP);
        assert_eq!(scan.requests, 50);
        // A cap that falls inside a page keeps that whole page.
        let mut loaded = Loaded::default();
        let scan = run(&server, Scan::new(None, 250), &mut loaded);
        assert_eq!((scan.end, loaded.len()), (Some(ScanEnd::Capped), 300));
    }

    #[test]
    fn a_server_with_smaller_pages_than_asked_skips_nothing() {
        // The reference proxy's server: 5 per page whatever is asked.
        let server = Server::new(23, 5);
        let mut loaded = Loaded::default();
        let scan = run(&server, Scan::new(None, SCAN_CAP), &mut loaded);
        assert_eq!(scan.requests, 5);
        assert_eq!(ids(&loaded), (1..=23).rev().collect::<Vec<_>>());
    }

    #[test]
    fn attempts_that_arrive_during_a_scan_are_loaded_once() {
        // Between the first and second page, 3 new attempts push the list down by 3.
        let mut server = Server::new(150, 100);
        let mut loaded = Loaded::default();
        let mut scan = Scan::new(None, SCAN_CAP);
        let page = server.page(0, SCAN_PAGE);
        let times = loaded.add_older(page.results.clone());
        assert!(scan.answered(&PageInfo::of(&page, 0, SCAN_PAGE), &times, loaded.len()));
        for id in 151..=153 {
            server.list.insert(0, attempt(id, id as f64));
        }
        let scan = run(&server, scan, &mut loaded);
        assert_eq!(scan.end, Some(ScanEnd::ReachedEnd));
        assert_eq!(ids(&loaded), (1..=150).rev().collect::<Vec<_>>());
        // A refresh adds the new ones before the others.
        assert_eq!(loaded.add_newer(server.page(0, SCAN_PAGE).results), 3);
        assert_eq!(ids(&loaded)[..4], [153, 152, 151, 150]);
        assert_eq!(loaded.add_newer(server.page(0, SCAN_PAGE).results), 0);
    }

    #[test]
    fn loading_an_events_earlier_tries_goes_on_past_the_windows_start() {
        let server = Server::new(1_000, 100);
        let mut loaded = Loaded::default();
        let mut scan = run(
            &server,
            Scan::new(Some(T0 + 950.0 * MINUTE), SCAN_CAP),
            &mut loaded,
        );
        assert_eq!(loaded.len(), 100);
        // An event of minute 720 has tries in the window: go back to it.
        assert!(scan.extend_to(T0 + 720.0 * MINUTE));
        let scan = run(&server, scan, &mut loaded);
        assert_eq!(scan.end, Some(ScanEnd::ReachedStart));
        assert_eq!(loaded.len(), 300);
        assert!(scan.oldest.unwrap() < T0 + 720.0 * MINUTE);
        // Already covered: nothing to do.
        let mut again = scan;
        assert!(!again.extend_to(T0 + 800.0 * MINUTE));
        // A capped scan does not go past its cap.
        let mut capped = Scan::new(None, 100);
        capped.end = Some(ScanEnd::Capped);
        assert!(!capped.extend_to(T0));
    }

    #[test]
    fn a_stopped_scan_resumes_where_it_was() {
        let server = Server::new(300, 100);
        let mut loaded = Loaded::default();
        let mut scan = Scan::new(None, SCAN_CAP);
        let page = server.page(0, SCAN_PAGE);
        let times = loaded.add_older(page.results.clone());
        scan.answered(&PageInfo::of(&page, 0, SCAN_PAGE), &times, loaded.len());
        scan.stop();
        assert_eq!((scan.end, scan.offset), (Some(ScanEnd::Stopped), 100));
        assert!(scan.progress(loaded.len()) < 1.0);
        scan.resume();
        let scan = run(&server, scan, &mut loaded);
        assert_eq!((scan.end, loaded.len()), (Some(ScanEnd::ReachedEnd), 300));
    }

    #[test]
    fn progress_follows_the_window_or_the_cap_whichever_is_further() {
        let mut scan = Scan::new(Some(T0), 1_000);
        scan.newest = Some(T0 + 100.0 * MINUTE);
        scan.oldest = Some(T0 + 75.0 * MINUTE);
        assert_eq!(scan.progress(100), 0.25);
        assert_eq!(scan.progress(500), 0.5);
    }
}
