//! Wrong-password throttles: a sliding window of wrong passwords per key (a user, a client address),
//! then 429 until the oldest of them leaves the window. Kept in memory: a restart or a reset forgets
//! them.
//!
//! - The password routes (reveal, expire, resend; contract section 6): five wrong passwords per user
//!   within fifteen minutes.
//! - The password grant of `/oauth/token/`: [`SIGN_IN_PER_USER`] wrong passwords per username and
//!   [`SIGN_IN_PER_ADDRESS`] wrong credentials per client address (an IPv6 address counts by its
//!   /64, which one machine usually holds whole) within [`SIGN_IN_WINDOW`].

use std::{
    collections::{HashMap, VecDeque},
    hash::Hash,
    net::IpAddr,
    sync::Mutex,
    time::Duration,
};

use crate::clock::{self, Micros};

/// Wrong passwords per user on the password routes, and their window (contract section 6).
pub const PASSWORD_ROUTES: (usize, Duration) = (5, Duration::from_secs(15 * 60));
/// Wrong passwords per username at `/oauth/token/`.
pub const SIGN_IN_PER_USER: usize = 10;
/// Wrong credentials per client address at `/oauth/token/`.
pub const SIGN_IN_PER_ADDRESS: usize = 20;
/// The sign-in throttles' window (`--sign-in-throttle-window` shortens it for tests).
pub const SIGN_IN_WINDOW: Duration = Duration::from_secs(15 * 60);
/// Addresses remembered at once; past it, the one whose last wrong password is oldest is forgotten.
const MAX_KEYS: usize = 10_000;

/// When each key last gave a wrong password, within the window.
pub struct Throttle<K> {
    limit: usize,
    window: Duration,
    wrong: Mutex<HashMap<K, VecDeque<Micros>>>,
}

/// A password check counted as wrong until [`Throttle::take_back`] says it was right.
#[derive(Debug)]
pub struct Counted<K> {
    key: K,
    at: Micros,
}

impl<K: Hash + Eq + Clone> Throttle<K> {
    pub fn new(limit: usize, window: Duration) -> Self {
        Self {
            limit,
            window,
            wrong: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a password check of `key` as wrong, before the (slow) check itself: otherwise guesses
    /// sent in parallel would all pass the count before any of them was recorded. `Err` with the
    /// seconds to wait while `key` is throttled (nothing is counted then).
    pub fn count(&self, key: K) -> Result<Counted<K>, u64> {
        let now = clock::now();
        let window = clock::micros(self.window);
        let mut wrong = self.wrong.lock().expect("throttle lock");
        if wrong.len() >= MAX_KEYS && !wrong.contains_key(&key) {
            wrong.retain(|_, recent| recent.back().is_some_and(|at| *at > now - window));
            if wrong.len() >= MAX_KEYS
                && let Some(stalest) = wrong
                    .iter()
                    .min_by_key(|(_, recent)| recent.back().copied())
                    .map(|(key, _)| key.clone())
            {
                wrong.remove(&stalest);
            }
        }
        let recent = wrong.entry(key.clone()).or_default();
        while recent.front().is_some_and(|at| *at <= now - window) {
            recent.pop_front();
        }
        if recent.len() >= self.limit {
            let oldest = recent[recent.len() - self.limit];
            let wait_micros = (oldest + window - now).max(0);
            return Err((wait_micros as u64).div_ceil(1_000_000).max(1));
        }
        recent.push_back(now);
        Ok(Counted { key, at: now })
    }

    /// Forgets a check counted by [`Throttle::count`] (the password was right, or could not be checked).
    pub fn take_back(&self, counted: Counted<K>) {
        let mut wrong = self.wrong.lock().expect("throttle lock");
        if let Some(recent) = wrong.get_mut(&counted.key)
            && let Some(at) = recent.iter().rposition(|at| *at == counted.at)
        {
            recent.remove(at);
            if recent.is_empty() {
                wrong.remove(&counted.key);
            }
        }
    }

    /// Forgets every wrong password (`POST /__mock/reset/`).
    pub fn clear(&self) {
        self.wrong.lock().expect("throttle lock").clear();
    }
}

/// The key a client address is throttled by: IPv4 whole, IPv6 by its /64 (IPv4-mapped as IPv4).
pub fn address_key(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(_) => address,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let segments = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(
                    segments[0],
                    segments[1],
                    segments[2],
                    segments[3],
                    0,
                    0,
                    0,
                    0,
                ))
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_addresses_count_by_their_64_and_mapped_ipv4_as_ipv4() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::2".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(address_key(a), address_key(b));
        assert_ne!(address_key(a), address_key(c));
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(address_key(mapped), "192.0.2.7".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn the_limit_counts_within_the_window_and_taken_back_checks_do_not_count() {
        let throttle = Throttle::new(2, Duration::from_secs(60));
        let first = throttle.count(1).unwrap();
        throttle.take_back(first);
        throttle.count(1).unwrap();
        throttle.count(1).unwrap();
        let wait = throttle.count(1).unwrap_err();
        assert!((59..=60).contains(&wait), "{wait}");
        assert!(throttle.count(2).is_ok());
    }

    #[test]
    fn remembered_keys_are_bounded() {
        let throttle = Throttle::new(1, Duration::from_secs(60));
        for key in 0..MAX_KEYS + 10 {
            throttle.count(key).unwrap();
        }
        assert_eq!(throttle.wrong.lock().unwrap().len(), MAX_KEYS);
    }
}
