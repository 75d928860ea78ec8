//! The worker's due queue: every pending delivery that is not being tried, in memory, by endpoint and
//! due time. It is built from the store's pending deliveries when the worker starts (so after a crash,
//! everything the store still holds is due again) and follows every commit through the store's
//! delivery feed. Taking what is due costs O(taken · log n), whatever the backlog: the endpoints with
//! something queued and a free slot are kept ordered by their earliest due time, and each endpoint's
//! deliveries by theirs.

use std::collections::{BTreeSet, HashMap};

use crate::{
    clock::Micros,
    store::{DeliveryChange, PendingDelivery},
};

/// Payload bytes the queue keeps at most, so that most sends need no read; beyond it, deliveries are
/// queued without their payload, which is read from the store when they are sent.
const PAYLOAD_BUDGET: usize = 16 << 20;

pub struct DueQueue {
    per_endpoint: usize,
    /// Queued deliveries by id.
    queued: HashMap<i64, PendingDelivery>,
    endpoints: HashMap<i64, EndpointQueue>,
    /// Endpoints with something queued and a free slot, by the due time of their earliest delivery.
    ready: BTreeSet<(Micros, i64)>,
    /// Every endpoint with something queued, by the due time of its earliest delivery.
    by_earliest: BTreeSet<(Micros, i64)>,
    payload_bytes: usize,
}

#[derive(Default)]
struct EndpointQueue {
    /// (due time, delivery id) of its queued deliveries.
    queued: BTreeSet<(Micros, i64)>,
    /// Its tries in flight.
    busy: usize,
    /// Its key in `ready`, when there.
    ready_key: Option<(Micros, i64)>,
    /// Its key in `by_earliest`, when there.
    earliest_key: Option<(Micros, i64)>,
    /// When its last try ended.
    last_finished: Option<Micros>,
}

impl DueQueue {
    /// A queue that lets at most `per_endpoint` tries of one endpoint be in flight.
    pub fn new(per_endpoint: usize) -> Self {
        Self {
            per_endpoint,
            queued: HashMap::new(),
            endpoints: HashMap::new(),
            ready: BTreeSet::new(),
            by_earliest: BTreeSet::new(),
            payload_bytes: 0,
        }
    }

    /// Follows one commit of the store.
    pub fn apply(&mut self, change: DeliveryChange) {
        match change {
            DeliveryChange::Scheduled(delivery) => self.insert(delivery),
            DeliveryChange::EndpointCancelled(endpoint_id) => {
                let Some(endpoint) = self.endpoints.get_mut(&endpoint_id) else {
                    return;
                };
                for (_, id) in std::mem::take(&mut endpoint.queued) {
                    if let Some(delivery) = self.queued.remove(&id) {
                        self.payload_bytes -= payload_len(&delivery);
                    }
                }
                self.refresh(endpoint_id);
            }
            DeliveryChange::AllCancelled => {
                self.queued.clear();
                self.ready.clear();
                self.by_earliest.clear();
                self.payload_bytes = 0;
                // Tries in flight still end and free their slots.
                self.endpoints.retain(|_, endpoint| {
                    endpoint.queued.clear();
                    endpoint.ready_key = None;
                    endpoint.earliest_key = None;
                    endpoint.busy > 0
                });
            }
        }
    }

    /// Queues a delivery (again, if it was queued already: its new due time replaces the old).
    pub fn insert(&mut self, mut delivery: PendingDelivery) {
        self.remove(delivery.id);
        if self.payload_bytes + payload_len(&delivery) > PAYLOAD_BUDGET {
            delivery.payload = None;
        }
        self.payload_bytes += payload_len(&delivery);
        let endpoint_id = delivery.endpoint_id;
        self.endpoints
            .entry(endpoint_id)
            .or_default()
            .queued
            .insert((delivery.due_at, delivery.id));
        self.queued.insert(delivery.id, delivery);
        self.refresh(endpoint_id);
    }

    fn remove(&mut self, id: i64) {
        let Some(delivery) = self.queued.remove(&id) else {
            return;
        };
        self.payload_bytes -= payload_len(&delivery);
        if let Some(endpoint) = self.endpoints.get_mut(&delivery.endpoint_id) {
            endpoint.queued.remove(&(delivery.due_at, id));
        }
        self.refresh(delivery.endpoint_id);
    }

    /// Takes up to `max` deliveries due at `now`, earliest first, none from an endpoint beyond its
    /// limit of tries in flight; each counts as in flight until [`DueQueue::finished`].
    pub fn take_due(&mut self, now: Micros, max: usize) -> Vec<PendingDelivery> {
        let mut taken = Vec::new();
        while taken.len() < max {
            let Some(&(due_at, endpoint_id)) = self.ready.first() else {
                break;
            };
            if due_at > now {
                break;
            }
            let endpoint = self
                .endpoints
                .get_mut(&endpoint_id)
                .expect("a ready endpoint has a queue");
            let room = (self.per_endpoint - endpoint.busy).min(max - taken.len());
            for _ in 0..room {
                let Some(&(due_at, id)) = endpoint.queued.first() else {
                    break;
                };
                if due_at > now {
                    break;
                }
                endpoint.queued.pop_first();
                endpoint.busy += 1;
                let delivery = self.queued.remove(&id).expect("queued by id too");
                self.payload_bytes -= payload_len(&delivery);
                taken.push(delivery);
            }
            self.refresh(endpoint_id);
        }
        taken
    }

    /// A try of the endpoint ended at `at`: its slot is free.
    pub fn finished(&mut self, endpoint_id: i64, at: Micros) {
        if let Some(endpoint) = self.endpoints.get_mut(&endpoint_id) {
            endpoint.last_finished = Some(at);
        }
        self.release(endpoint_id);
    }

    /// A delivery taken was not tried after all: its slot is free.
    pub fn release(&mut self, endpoint_id: i64) {
        if let Some(endpoint) = self.endpoints.get_mut(&endpoint_id) {
            endpoint.busy = endpoint.busy.saturating_sub(1);
            self.refresh(endpoint_id);
        }
    }

    /// When the earliest delivery that could be taken comes due (it may be past already).
    pub fn next_due(&self) -> Option<Micros> {
        self.ready.first().map(|&(due_at, _)| due_at)
    }

    /// The endpoints the worker is behind with, earliest first, at most `max` of them (looking at
    /// no more than `4 * max`): those whose earliest queued delivery was due before `due_before`
    /// although the endpoint answers (a try of it ended at `answered_since` or later). An endpoint
    /// that answers nothing is behind by its own doing, not the worker's.
    pub fn behind(
        &self,
        due_before: Micros,
        answered_since: Micros,
        max: usize,
    ) -> impl Iterator<Item = i64> + '_ {
        self.by_earliest
            .iter()
            .take_while(move |&&(due_at, _)| due_at < due_before)
            .take(4 * max)
            .map(|&(_, endpoint_id)| endpoint_id)
            .filter(move |endpoint_id| {
                self.endpoints[endpoint_id]
                    .last_finished
                    .is_some_and(|at| at >= answered_since)
            })
            .take(max)
    }

    /// How many deliveries are queued.
    pub fn len(&self) -> usize {
        self.queued.len()
    }

    /// Whether nothing is queued.
    pub fn is_empty(&self) -> bool {
        self.queued.is_empty()
    }

    /// Puts the endpoint in `ready` under its earliest due time if it has something queued and a free
    /// slot, takes it out otherwise, and forgets an endpoint with nothing queued or in flight.
    fn refresh(&mut self, endpoint_id: i64) {
        let Some(endpoint) = self.endpoints.get_mut(&endpoint_id) else {
            return;
        };
        let earliest = endpoint
            .queued
            .first()
            .map(|&(due_at, _)| (due_at, endpoint_id));
        let ready = earliest.filter(|_| endpoint.busy < self.per_endpoint);
        rekey(&mut self.ready, &mut endpoint.ready_key, ready);
        rekey(&mut self.by_earliest, &mut endpoint.earliest_key, earliest);
        if endpoint.queued.is_empty() && endpoint.busy == 0 {
            self.endpoints.remove(&endpoint_id);
        }
    }
}

/// Moves an endpoint's entry in `index` from `*current` to `new`.
fn rekey(
    index: &mut BTreeSet<(Micros, i64)>,
    current: &mut Option<(Micros, i64)>,
    new: Option<(Micros, i64)>,
) {
    if *current != new {
        if let Some(old) = current.take() {
            index.remove(&old);
        }
        if let Some(new) = new {
            index.insert(new);
        }
        *current = new;
    }
}

fn payload_len(delivery: &PendingDelivery) -> usize {
    delivery.payload.as_ref().map_or(0, |payload| payload.len())
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;

    fn delivery(id: i64, endpoint_id: i64, due_at: Micros) -> PendingDelivery {
        PendingDelivery {
            id,
            endpoint_id,
            event_id: id,
            try_number: 1,
            retries: true,
            due_at,
            epoch: 0,
            payload: Some(Bytes::from_static(b"{}")),
        }
    }

    fn ids(taken: &[PendingDelivery]) -> Vec<i64> {
        taken.iter().map(|delivery| delivery.id).collect()
    }

    #[test]
    fn due_deliveries_are_taken_earliest_first_and_later_ones_wait() {
        let mut queue = DueQueue::new(10);
        for (id, due_at) in [(1, 30), (2, 10), (3, 20), (4, 100)] {
            queue.insert(delivery(id, 7, due_at));
        }
        assert_eq!(ids(&queue.take_due(50, 10)), [2, 3, 1]);
        assert_eq!(queue.next_due(), Some(100));
        assert!(queue.take_due(99, 10).is_empty());
        assert_eq!(ids(&queue.take_due(100, 10)), [4]);
        assert_eq!(queue.len(), 0);
    }

    #[test]
    fn an_endpoint_at_its_limit_waits_for_a_finished_try_while_others_go_on() {
        let mut queue = DueQueue::new(2);
        for id in 1..=4 {
            queue.insert(delivery(id, 1, id));
        }
        queue.insert(delivery(10, 2, 50));
        assert_eq!(ids(&queue.take_due(100, 10)), [1, 2, 10]);
        assert!(queue.take_due(100, 10).is_empty());
        assert_eq!(queue.next_due(), None, "endpoint 1 is at its limit");
        queue.finished(1, 100);
        assert_eq!(ids(&queue.take_due(100, 10)), [3]);
    }

    #[test]
    fn taking_stops_at_the_overall_maximum() {
        let mut queue = DueQueue::new(10);
        for id in 1..=6 {
            queue.insert(delivery(id, id % 2, id));
        }
        assert_eq!(queue.take_due(100, 4).len(), 4);
        assert_eq!(queue.len(), 2);
    }

    #[test]
    fn a_delivery_scheduled_again_moves_to_its_new_time() {
        let mut queue = DueQueue::new(10);
        queue.insert(delivery(1, 1, 10));
        queue.insert(delivery(2, 1, 20));
        queue.apply(DeliveryChange::Scheduled(delivery(1, 1, 30)));
        assert_eq!(queue.len(), 2);
        assert_eq!(ids(&queue.take_due(25, 10)), [2]);
        assert_eq!(queue.next_due(), Some(30));
    }

    #[test]
    fn cancelling_an_endpoint_drops_its_deliveries_only() {
        let mut queue = DueQueue::new(10);
        queue.insert(delivery(1, 1, 10));
        queue.insert(delivery(2, 2, 10));
        queue.insert(delivery(3, 1, 10));
        queue.apply(DeliveryChange::EndpointCancelled(1));
        assert_eq!(ids(&queue.take_due(10, 10)), [2]);
        queue.insert(delivery(4, 1, 10));
        queue.apply(DeliveryChange::AllCancelled);
        assert_eq!(queue.len(), 0);
        assert_eq!(queue.next_due(), None);
    }

    #[test]
    fn tries_in_flight_before_a_reset_still_hold_their_slots_until_they_end() {
        let mut queue = DueQueue::new(1);
        queue.insert(delivery(1, 1, 10));
        assert_eq!(queue.take_due(10, 10).len(), 1);
        queue.apply(DeliveryChange::AllCancelled);
        queue.insert(delivery(2, 1, 10));
        assert!(queue.take_due(10, 10).is_empty());
        queue.release(1);
        assert_eq!(ids(&queue.take_due(10, 10)), [2]);
    }

    #[test]
    fn the_worker_is_behind_with_answering_endpoints_whose_earliest_delivery_waits_too_long() {
        let mut queue = DueQueue::new(1);
        for (id, endpoint_id, due_at) in [(1, 1, 1), (2, 2, 2), (3, 3, 3), (4, 1, 10), (5, 2, 20)] {
            queue.insert(delivery(id, endpoint_id, due_at));
        }
        queue.insert(delivery(6, 3, 500));
        assert_eq!(ids(&queue.take_due(5, 10)), [1, 2, 3]);
        // Endpoint 1 answered recently, endpoint 2 long ago, endpoint 3 is still trying.
        queue.finished(1, 90);
        queue.finished(2, 40);
        let behind = |queue: &DueQueue, due_before, answered_since, max| {
            queue
                .behind(due_before, answered_since, max)
                .collect::<Vec<_>>()
        };
        assert_eq!(behind(&queue, 100, 50, 10), [1]);
        assert_eq!(behind(&queue, 100, 30, 10), [1, 2]);
        assert_eq!(behind(&queue, 100, 30, 1), [1]);
        assert!(
            behind(&queue, 10, 30, 10).is_empty(),
            "nothing due before 10 waits"
        );
    }

    #[test]
    fn payloads_beyond_the_budget_are_left_to_be_read_when_sent() {
        let mut queue = DueQueue::new(10);
        let big = Bytes::from(vec![b'x'; PAYLOAD_BUDGET / 2 + 1]);
        for id in 1..=2 {
            queue.insert(PendingDelivery {
                payload: Some(big.clone()),
                ..delivery(id, 1, id)
            });
        }
        let taken = queue.take_due(10, 10);
        assert!(taken[0].payload.is_some());
        assert!(taken[1].payload.is_none());
        assert_eq!(queue.payload_bytes, 0);
    }
}
