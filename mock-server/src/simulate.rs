//! `--simulate RATE`: random events at RATE per second, so that a developer watching the console sees
//! live traffic. Types are drawn from those some active endpoint subscribes to.

use std::time::Duration;

use rand::{Rng, seq::IndexedRandom};
use tokio_util::sync::CancellationToken;
use webhook_api::catalog;

use crate::{AppState, clock, delivery::Recipients};

pub async fn run(state: AppState, rate: f64, cancel: CancellationToken) {
    let mean_gap = Duration::from_secs_f64(1.0 / rate);
    loop {
        // Exponential gaps: arrivals look like real traffic rather than a metronome.
        let uniform: f64 = rand::rng().random_range(f64::EPSILON..1.0);
        let gap = mean_gap.mul_f64(-uniform.ln()).min(mean_gap * 20);
        tokio::select! {
            () = cancel.cancelled() => return,
            () = tokio::time::sleep(gap) => {}
        }
        let subscribed = state
            .store
            .subscribed_event_types()
            .await
            .unwrap_or_default();
        let event_type = subscribed
            .choose(&mut rand::rng())
            .cloned()
            .unwrap_or_else(|| {
                let all: Vec<&str> = catalog::event_types().collect();
                (*all
                    .choose(&mut rand::rng())
                    .expect("the catalog is not empty"))
                .to_owned()
            });
        let emitted = state
            .deliveries
            .emit_event(event_type, None, clock::now(), Recipients::Subscribers)
            .await;
        if let Err(error) = emitted {
            tracing::error!(error = format!("{error:#}"), "simulated event failed");
        }
    }
}
