//! Keeping producers at the pace of the deliveries. Events can be stored faster than they can be sent
//! (storing one costs less than sending it to every subscriber), and a producer that is never slowed
//! down grows a backlog without bound. So the worker says which endpoints it is behind with: a
//! delivery due for longer than [`BEHIND`] and not yet started, while the endpoint answers (one of its
//! tries ended within [`ANSWERING`]; one that answers nothing is behind by its own doing, and pacing
//! its producers would not help). An event for such an endpoint, once stored, is answered when the
//! worker has caught up, or after [`MOST_WAIT`] at the latest: a producer that waits for its answers
//! (as HTTP clients do) then goes at the deliveries' pace. Nothing is refused and nothing waits
//! before it is stored.

use std::{collections::HashSet, sync::RwLock, time::Duration};

use tokio::sync::Notify;

/// How long a due delivery may wait to be started before the worker counts as behind.
pub const BEHIND: Duration = Duration::from_millis(100);
/// How recently an endpoint must have answered a try for its backlog to count as the worker's.
pub const ANSWERING: Duration = Duration::from_secs(1);
/// The longest an event's answer waits for the worker to catch up.
pub const MOST_WAIT: Duration = Duration::from_secs(1);
/// The most endpoints the worker names as behind at once.
pub const MOST_NAMED: usize = 1024;

/// The endpoints the worker is behind with; shared by the worker and the producers.
pub struct Pace {
    behind: RwLock<HashSet<i64>>,
    caught_up: Notify,
    most_wait: Duration,
}

impl Default for Pace {
    fn default() -> Self {
        Self::new(MOST_WAIT)
    }
}

impl Pace {
    fn new(most_wait: Duration) -> Self {
        Self {
            behind: RwLock::default(),
            caught_up: Notify::new(),
            most_wait,
        }
    }

    /// The worker's latest word: these endpoints, and no others, are behind.
    pub fn set_behind(&self, endpoints: impl IntoIterator<Item = i64>) {
        let endpoints: HashSet<i64> = endpoints.into_iter().collect();
        let mut behind = self.behind.write().expect("pace lock");
        if *behind == endpoints {
            return;
        }
        let eased = behind.iter().any(|endpoint| !endpoints.contains(endpoint));
        *behind = endpoints;
        drop(behind);
        if eased {
            self.caught_up.notify_waiters();
        }
    }

    fn any_behind(&self, endpoints: &[i64]) -> bool {
        let behind = self.behind.read().expect("pace lock");
        !behind.is_empty() && endpoints.iter().any(|endpoint| behind.contains(endpoint))
    }

    /// Returns when none of `endpoints` is behind, or after [`MOST_WAIT`].
    pub async fn keep_up(&self, endpoints: &[i64]) {
        let deadline = tokio::time::Instant::now() + self.most_wait;
        loop {
            // Registered before the check, so that catching up in between is not missed.
            let caught_up = self.caught_up.notified();
            tokio::pin!(caught_up);
            caught_up.as_mut().enable();
            if !self.any_behind(endpoints) {
                return;
            }
            if tokio::time::timeout_at(deadline, caught_up).await.is_err() {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[tokio::test]
    async fn an_event_for_endpoints_not_behind_goes_at_once() {
        let pace = Pace::default();
        pace.set_behind([2]);
        tokio::time::timeout(Duration::from_millis(50), pace.keep_up(&[1, 3]))
            .await
            .expect("no wait");
    }

    #[tokio::test]
    async fn an_event_for_an_endpoint_behind_waits_until_the_worker_catches_up() {
        let pace = Arc::new(Pace::default());
        pace.set_behind([1, 2]);
        let waiting = tokio::spawn({
            let pace = Arc::clone(&pace);
            async move { pace.keep_up(&[2]).await }
        });
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished());
        pace.set_behind([1]);
        tokio::time::timeout(Duration::from_millis(500), waiting)
            .await
            .expect("answered once caught up")
            .unwrap();
    }

    #[tokio::test]
    async fn an_event_is_answered_after_the_most_wait_even_if_the_worker_stays_behind() {
        let pace = Pace::new(Duration::from_millis(20));
        pace.set_behind([1]);
        tokio::time::timeout(Duration::from_secs(10), pace.keep_up(&[1]))
            .await
            .expect("answered");
    }
}
