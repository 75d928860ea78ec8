//! The retry rule: a failed try n sent at t is tried again at t + the schedule's n-th delay, and not
//! at all after the schedule's last entry (k delays: k retries, k + 1 tries).

use std::{sync::Arc, time::Duration};

use crate::clock::{self, Micros};

/// The `--retry-schedule`, as the rule every failed try follows.
#[derive(Clone, Debug)]
pub struct RetryRule {
    delays: Arc<[Micros]>,
}

impl RetryRule {
    pub fn new(schedule: &[Duration]) -> Self {
        Self {
            delays: schedule.iter().copied().map(clock::micros).collect(),
        }
    }

    /// The most tries a delivery gets: the first, and one per delay.
    pub fn most_tries(&self) -> usize {
        self.delays.len() + 1
    }

    /// How long after try `try_number` (from 1) the next one comes, if there is one.
    pub fn delay_after(&self, try_number: u32) -> Option<Micros> {
        let index = usize::try_from(try_number).ok()?.checked_sub(1)?;
        self.delays.get(index).copied()
    }

    /// When try `try_number`, sent at `sent_at`, is tried again if it failed; `None` after the last.
    pub fn next_retry(&self, try_number: u32, sent_at: Micros) -> Option<Micros> {
        self.delay_after(try_number).map(|delay| sent_at + delay)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn try_n_is_retried_after_the_nth_delay_from_when_it_was_sent() {
        let rule = RetryRule::new(&[Duration::from_secs(5), Duration::from_secs(25)]);
        assert_eq!(rule.next_retry(1, 1_000_000), Some(6_000_000));
        assert_eq!(rule.next_retry(2, 10_000_000), Some(35_000_000));
    }

    #[test]
    fn the_try_after_the_last_delay_is_the_last() {
        let rule = RetryRule::new(&[Duration::from_secs(5), Duration::from_secs(25)]);
        assert_eq!(rule.next_retry(3, 0), None);
        assert_eq!(rule.most_tries(), 3);
        assert_eq!(RetryRule::new(&[]).next_retry(1, 0), None);
        assert_eq!(rule.next_retry(0, 0), None);
    }
}
