//! Password checks within bounds. An Argon2id hash (default parameters) fills 19 MiB and takes tens
//! of milliseconds of one core, and every password route (the token grant among them, open to
//! anyone) costs one. So the checks run on a few threads of their own (`--password-hash-threads`,
//! one per core by default), a few more wait (`--password-hash-queue`), and the rest are refused at
//! once: [`Busy`], answered 503 with `Retry-After`.
//!
//! Each thread also keeps one Argon2 memory (19 MiB) and reuses it for every check, so the memory
//! is bounded by the threads: a fresh 19 MiB for each hash, freed after it, is not given back by
//! glibc (freed regions are kept in the arena and fragmented by the small allocations around them),
//! so hashes on tokio's blocking pool grew the process by ~19 MiB a hash up to GBs under a flood,
//! and even two threads allocating afresh grew it to 400 MiB.

use std::sync::{
    Arc, Mutex,
    mpsc::{self, Receiver, SyncSender, TrySendError},
};

use argon2::{
    Algorithm, Argon2, Block, Params, PasswordHash, PasswordHasher, Version,
    password_hash::{SaltString, rand_core::OsRng},
};
use subtle::ConstantTimeEq;
use tokio::sync::oneshot;

/// All checking threads are busy and the queue is full.
#[derive(Debug)]
pub struct Busy;

/// What a check found.
pub type Checked = Result<anyhow::Result<bool>, Busy>;

/// How long a refused client should wait: the queue drains within about a second.
pub const RETRY_AFTER_SECONDS: u64 = 1;

struct Job {
    password_hash: Arc<str>,
    password: String,
    done: oneshot::Sender<anyhow::Result<bool>>,
}

/// The password-checking threads and their queue; the threads end when this is dropped.
pub struct Checker {
    jobs: SyncSender<Job>,
}

impl Checker {
    /// `threads` checking threads (at least one) and room for `queue` checks waiting.
    pub fn new(threads: usize, queue: usize) -> anyhow::Result<Self> {
        let (jobs, waiting) = mpsc::sync_channel::<Job>(queue);
        let waiting = Arc::new(Mutex::new(waiting));
        for n in 0..threads.max(1) {
            let waiting = waiting.clone();
            std::thread::Builder::new()
                .name(format!("password-check-{n}"))
                .spawn(move || check_until_closed(&waiting))?;
        }
        Ok(Self { jobs })
    }

    /// Whether `password` matches `password_hash` (a PHC string), or [`Busy`].
    pub async fn verify(&self, password_hash: Arc<str>, password: &str) -> Checked {
        let (done, result) = oneshot::channel();
        let job = Job {
            password_hash,
            password: password.to_owned(),
            done,
        };
        match self.jobs.try_send(job) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => return Err(Busy),
            Err(TrySendError::Disconnected(_)) => {
                return Ok(Err(anyhow::anyhow!("the password checks have stopped")));
            }
        }
        Ok(result
            .await
            .unwrap_or_else(|_| Err(anyhow::anyhow!("a password check was dropped"))))
    }
}

fn check_until_closed(waiting: &Mutex<Receiver<Job>>) {
    let mut verifier = Verifier::default();
    loop {
        let job = {
            let Ok(waiting) = waiting.lock() else { return };
            match waiting.recv() {
                Ok(job) => job,
                Err(_) => return,
            }
        };
        // The client went away while the check waited: nobody needs the answer.
        if job.done.is_closed() {
            continue;
        }
        let _ = job
            .done
            .send(verifier.verify(&job.password_hash, &job.password));
    }
}

/// Argon2 checks on one memory, reused (what `PasswordVerifier` does, minus a fresh 19 MiB each time).
#[derive(Default)]
struct Verifier {
    memory: Vec<Block>,
}

impl Verifier {
    /// Whether `password` hashes to `password_hash` (a PHC string) with its salt and parameters.
    fn verify(&mut self, password_hash: &str, password: &str) -> anyhow::Result<bool> {
        let unreadable = |e: &dyn std::fmt::Display| {
            anyhow::anyhow!("a stored password hash does not parse: {e}")
        };
        let parsed = PasswordHash::new(password_hash).map_err(|e| unreadable(&e))?;
        let algorithm = Algorithm::try_from(parsed.algorithm).map_err(|e| unreadable(&e))?;
        let version = parsed
            .version
            .map(Version::try_from)
            .transpose()
            .map_err(|e| unreadable(&e))?
            .unwrap_or_default();
        let params = Params::try_from(&parsed).map_err(|e| unreadable(&e))?;
        let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
            return Err(anyhow::anyhow!(
                "a stored password hash has no salt or hash"
            ));
        };
        let mut salt_bytes = [0u8; 64];
        let salt = salt
            .decode_b64(&mut salt_bytes)
            .map_err(|e| unreadable(&e))?;
        if self.memory.len() != params.block_count() {
            self.memory = vec![Block::default(); params.block_count()];
        }
        let mut output = vec![0u8; expected.len()];
        Argon2::new(algorithm, version, params)
            .hash_password_into_with_memory(
                password.as_bytes(),
                salt,
                &mut output,
                &mut self.memory,
            )
            .map_err(|e| anyhow::anyhow!("cannot check a password: {e}"))?;
        Ok(output.ct_eq(expected.as_bytes()).into())
    }
}

/// A PHC string of `password` under a fresh salt (at start-up, for the two users).
pub fn hash(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| anyhow::anyhow!("cannot hash a password: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reused_memory_checks_as_the_crate_does() {
        let stored = hash("s3cret").unwrap();
        let mut verifier = Verifier::default();
        assert!(verifier.verify(&stored, "s3cret").unwrap());
        assert!(!verifier.verify(&stored, "s3creT").unwrap());
        assert!(verifier.verify(&stored, "s3cret").unwrap());
        assert!(!verifier.verify(&hash("other").unwrap(), "s3cret").unwrap());
        assert!(verifier.verify("not a hash", "s3cret").is_err());
    }
}
