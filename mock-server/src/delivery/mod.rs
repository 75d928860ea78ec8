//! Delivering events: the payload format, one signed try ([`sender`]), and the worker that claims due
//! deliveries from the store, sends them concurrently and records every try ([`worker`]).

pub mod payload;
pub mod sender;
mod worker;

use std::sync::Arc;

use tokio::sync::Notify;

pub use sender::Sender;
pub use worker::{Limits, Worker};

/// Tells the worker that something may have become due (an event, a resend, a reset).
#[derive(Clone, Default)]
pub struct DeliveryQueue {
    wake: Arc<Notify>,
}

impl DeliveryQueue {
    pub fn wake(&self) {
        self.wake.notify_one();
    }
}
