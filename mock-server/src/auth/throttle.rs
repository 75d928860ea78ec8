//! The wrong-password throttle (contract section 6): five wrong passwords per user within fifteen
//! minutes, then 429 until the oldest of them leaves the window. Kept in memory: a restart or a reset
//! forgets it.

use std::{
    collections::{HashMap, VecDeque},
    sync::Mutex,
    time::Duration,
};

use crate::clock::{self, Micros};

/// Wrong passwords allowed per user within [`WINDOW`] before the password routes answer 429.
const LIMIT: usize = 5;
const WINDOW: Duration = Duration::from_secs(15 * 60);

/// When each user last gave a wrong password, within the window.
#[derive(Default)]
pub struct Throttle {
    wrong_passwords: Mutex<HashMap<u64, VecDeque<Micros>>>,
}

/// A password check counted as wrong until [`Throttle::take_back`] says it was right.
pub struct Counted {
    user_id: u64,
    at: Micros,
}

impl Throttle {
    /// Counts a password check of `user_id` as wrong, before the (slow) check itself: otherwise
    /// guesses sent in parallel would all pass the count before any of them was recorded. `Err` with
    /// the seconds to wait while the user is throttled (nothing is counted then).
    pub fn count(&self, user_id: u64) -> Result<Counted, u64> {
        let now = clock::now();
        let window = clock::micros(WINDOW);
        let mut wrong = self.wrong_passwords.lock().expect("throttle lock");
        let recent = wrong.entry(user_id).or_default();
        while recent.front().is_some_and(|at| *at <= now - window) {
            recent.pop_front();
        }
        if recent.len() >= LIMIT {
            let oldest = recent[recent.len() - LIMIT];
            let wait_micros = (oldest + window - now).max(0);
            return Err((wait_micros as u64).div_ceil(1_000_000).max(1));
        }
        recent.push_back(now);
        Ok(Counted { user_id, at: now })
    }

    /// Forgets a check counted by [`Throttle::count`] (the password was right, or could not be checked).
    pub fn take_back(&self, counted: Counted) {
        let mut wrong = self.wrong_passwords.lock().expect("throttle lock");
        if let Some(recent) = wrong.get_mut(&counted.user_id)
            && let Some(at) = recent.iter().rposition(|at| *at == counted.at)
        {
            recent.remove(at);
        }
    }

    /// Forgets every wrong password (`POST /__mock/reset/`).
    pub fn clear(&self) {
        self.wrong_passwords.lock().expect("throttle lock").clear();
    }
}
