//! Password checks within bounds. An Argon2id hash (default parameters) fills 19 MiB and takes tens
//! of milliseconds of one core, and every password route (the token grant among them, open to
//! anyone) costs one. So the checks run on a few threads of their own (`--password-hash-threads`,
//! one per core by default), a few more wait (`--password-hash-queue`), and the rest are refused at
//! once: [`Busy`], answered 503 with `Retry-After`.
//!
//! Threads of their own also bound the memory: glibc gives a thread an arena of its own and keeps
//! what is freed there, so hashes spread over tokio's blocking pool (up to 512 threads) left up to
//! 19 MiB in each of up to 16 arenas, and many at once held 19 MiB each: GBs under a flood.

use std::sync::{
    Arc, Mutex,
    mpsc::{self, Receiver, SyncSender, TrySendError},
};

use argon2::{
    Argon2, PasswordHash, PasswordHasher, PasswordVerifier,
    password_hash::{SaltString, rand_core::OsRng},
};
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
        let _ = job.done.send(verify(&job.password_hash, &job.password));
    }
}

fn verify(password_hash: &str, password: &str) -> anyhow::Result<bool> {
    let parsed = PasswordHash::new(password_hash)
        .map_err(|e| anyhow::anyhow!("a stored password hash does not parse: {e}"))?;
    Ok(Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok())
}

/// A PHC string of `password` under a fresh salt (at start-up, for the two users).
pub fn hash(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| anyhow::anyhow!("cannot hash a password: {e}"))
}
