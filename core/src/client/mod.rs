//! Kafka's clients, simulated: producers and consumers are nodes of the network like brokers,
//! and talk to the cluster only with requests.
//!
//! - [`metadata`] for a client's view of the cluster;
//! - [`producer`] for `KafkaProducer`;
//! - [`consumer`] for `KafkaConsumer`;
//! - [`commands`] for the commands that create and drive clients.

pub mod commands;
pub mod consumer;
pub mod metadata;
pub mod producer;
pub mod transaction_commands;

use crate::vec_map::VecMap;

use crate::cluster::context::Ctx;
use crate::cluster::timer::Timer;
use crate::network::{ClientId, NodeId};
use crate::protocol::Body;

use self::consumer::Consumer;
use self::producer::Producer;

/// A client process.
// Producers outnumber consumers in most sessions, so only the consumer is boxed.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Client {
    /// A producer.
    Producer(Box<Producer>),
    /// A consumer.
    Consumer(Box<Consumer>),
}

impl Client {
    /// Clients do not restart, so their timers never go stale.
    pub fn incarnation(&self) -> u32 {
        1
    }

    /// Whether the process runs (a closed producer still finishes sending).
    pub fn is_up(&self) -> bool {
        match self {
            Client::Producer(_) => true,
            Client::Consumer(consumer) => consumer.is_up(),
        }
    }

    /// Its `client.id`.
    pub fn name(&self) -> &str {
        match self {
            Client::Producer(producer) => &producer.name,
            Client::Consumer(consumer) => &consumer.name,
        }
    }

    /// Handles a message.
    pub fn handle_message(&mut self, from: NodeId, body: Body, ctx: &mut Ctx) {
        // A refused login closes the connection: the request fails as on any closed
        // connection, then each client takes the `SaslAuthenticationException`.
        if let Body::AuthenticationFailed { request, error } = body {
            let transactional = matches!(*request, Body::Txn(_) | Body::Group(_));
            let refused = Body::Refused(request);
            return match self {
                Client::Producer(producer) => {
                    producer.handle_message(from, refused, ctx);
                    producer.login_refused(transactional, error, ctx)
                }
                Client::Consumer(consumer) => {
                    consumer.handle_message(from, refused, ctx);
                    consumer.login_refused(error, ctx)
                }
            };
        }
        match self {
            Client::Producer(producer) => producer.handle_message(from, body, ctx),
            Client::Consumer(consumer) => consumer.handle_message(from, body, ctx),
        }
    }

    /// Handles a timer.
    pub fn handle_timer(&mut self, timer: Timer, ctx: &mut Ctx) {
        match (self, timer) {
            (Client::Producer(producer), Timer::Producer(timer)) => {
                producer.handle_timer(timer, ctx)
            }
            (Client::Consumer(consumer), Timer::Consumer(timer)) => {
                consumer.handle_timer(timer, ctx)
            }
            _ => {}
        }
    }
}

/// Every client, by id and by name.
#[derive(Debug, Clone, Default)]
pub struct Clients {
    clients: VecMap<ClientId, Client>,
    names: VecMap<String, ClientId>,
    next_id: u32,
}

impl Clients {
    /// The client with this id.
    pub fn get(&self, id: ClientId) -> Option<&Client> {
        self.clients.get(&id)
    }

    /// The client with this id, to change.
    pub fn get_mut(&mut self, id: ClientId) -> Option<&mut Client> {
        self.clients.get_mut(&id)
    }

    /// The id of the client named `name`.
    pub fn id_of(&self, name: &str) -> Option<ClientId> {
        self.names.get(name).copied()
    }

    /// The id the next client will get.
    pub fn next_id(&self) -> ClientId {
        ClientId(self.next_id)
    }

    /// Adds a client under `name` (unique, checked by the caller).
    pub fn insert(&mut self, name: String, client: Client) -> ClientId {
        let id = ClientId(self.next_id);
        self.next_id += 1;
        self.names.insert(name, id);
        self.clients.insert(id, client);
        id
    }

    /// Every client, in id order.
    pub fn iter(&self) -> impl Iterator<Item = (ClientId, &Client)> {
        self.clients.iter().map(|(id, client)| (*id, client))
    }

    /// The producers, in id order.
    pub fn producers(&self) -> impl Iterator<Item = &Producer> {
        self.clients.values().filter_map(|client| match client {
            Client::Producer(producer) => Some(producer.as_ref()),
            Client::Consumer(_) => None,
        })
    }

    /// The consumers, in id order.
    pub fn consumers(&self) -> impl Iterator<Item = &Consumer> {
        self.clients.values().filter_map(|client| match client {
            Client::Consumer(consumer) => Some(consumer.as_ref()),
            Client::Producer(_) => None,
        })
    }
}

/// The wait after the `attempts`-th failed attempt in a row: `retry.backoff.ms`, doubling per
/// further attempt up to `retry.backoff.max.ms` (KIP-580's `ExponentialBackoff`, without its
/// jitter). Producer retries and metadata refreshes back off this way.
pub(crate) fn backoff_ms(base_ms: i64, max_ms: i64, attempts: i32) -> i64 {
    let exponent = attempts.saturating_sub(1).clamp(0, 20) as u32;
    base_ms
        .saturating_mul(1_i64 << exponent)
        .min(max_ms.max(base_ms))
}

#[cfg(test)]
mod tests {
    use super::backoff_ms;

    #[test]
    fn retry_backoff_doubles_up_to_its_maximum() {
        assert_eq!(backoff_ms(100, 1000, 1), 100);
        assert_eq!(backoff_ms(100, 1000, 2), 200);
        assert_eq!(backoff_ms(100, 1000, 4), 800);
        assert_eq!(backoff_ms(100, 1000, 5), 1000);
    }
}
