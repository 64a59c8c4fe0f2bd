//! Live updates across app instances. PostgreSQL is the bus: triggers notify `ecocs_live` in the
//! transaction that changes an order, a status or a pair (so an event is heard only once it is
//! committed, by every instance). Each instance holds one `LISTEN` connection ([`Hub::start`])
//! and fans the notices out to its own browsers over server-sent events ([`events`]), each
//! client receiving only what its role and assignments allow ([`visible`]). Notices carry ids and
//! kinds only. A tick each minute lets screens catch time-based changes (a callback due).
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::Stream;
use serde::Deserialize;
use sqlx::postgres::PgListener;
use sqlx::PgPool;
use tokio::sync::{broadcast, watch};

use app::auth::{CurrentUser, Role};
use app::components::live::OrdersEvent;
use app::error::AppError;

use crate::rest::caller::Caller;
use crate::state::AppState;

pub const CHANNEL: &str = "ecocs_live";

/// A changed order as a notice carries it: `[id, agent now, agent before]`.
pub type ChangedOrder = (i64, Option<i64>, Option<i64>);

/// One notification as the triggers write it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(tag = "k", rename_all = "lowercase")]
pub enum Notice {
    /// Orders changed: each row `[id, agent now, agent before]` (None for a big statement), and
    /// every agent concerned.
    Orders {
        #[serde(default)]
        rows: Option<Vec<ChangedOrder>>,
        #[serde(default)]
        agents: Vec<i64>,
    },
    Statuses,
    Duplicates,
    /// Once a minute (not from the database).
    #[serde(skip)]
    Tick,
    /// The listener was cut and is back: notices may have been missed, reload everything.
    #[serde(skip)]
    Resync,
}

/// What one client may hear of a notice: `(event name, data)`, or None. Supervisors and admins
/// hear every order event; an agent only of the orders that are or were theirs (a big batch: that
/// it touched them), never the duplicate queue. Everyone hears status changes and the tick.
pub fn visible(notice: &Notice, user: &CurrentUser) -> Option<(&'static str, String)> {
    let supervisor = user.has_role(Role::Supervisor);
    let orders = |ids: Vec<i64>| serde_json::to_string(&OrdersEvent { ids }).ok();
    match notice {
        Notice::Orders { rows, agents } => {
            if supervisor {
                let ids = rows.as_ref().map(|r| r.iter().map(|(id, _, _)| *id).collect()).unwrap_or_default();
                return Some(("orders", orders(ids)?));
            }
            if !agents.contains(&user.id) {
                return None;
            }
            let mine = |(_, now, before): &&ChangedOrder| *now == Some(user.id) || *before == Some(user.id);
            let ids = rows.as_ref().map(|r| r.iter().filter(mine).map(|(id, _, _)| *id).collect()).unwrap_or_default();
            Some(("orders", orders(ids)?))
        }
        Notice::Statuses => Some(("statuses", "{}".into())),
        Notice::Duplicates => supervisor.then(|| ("duplicates", "{}".into())),
        Notice::Tick => Some(("tick", "{}".into())),
        Notice::Resync => Some(("resync", "{}".into())),
    }
}

/// This instance's fan-out: the listener task publishes, each SSE client subscribes.
#[derive(Clone)]
pub struct Hub {
    notices: broadcast::Sender<Arc<Notice>>,
    closing: watch::Sender<bool>,
    closed: watch::Receiver<bool>,
    /// Whether the `LISTEN` connection is up (a stream says hello once it is, so nothing
    /// committed after the hello is missed).
    listening: Arc<watch::Sender<bool>>,
}

impl Hub {
    /// Starts the listener (reconnecting forever when the database goes away) and the tick,
    /// every `tick`.
    pub fn start(pool: PgPool, tick: Duration) -> Hub {
        let (notices, _) = broadcast::channel(1024);
        let (closing, closed) = watch::channel(false);
        let hub = Hub { notices, closing, closed, listening: Arc::new(watch::channel(false).0) };
        tokio::spawn(listen(pool, hub.clone()));
        tokio::spawn(ticks(hub.clone(), tick));
        hub
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Notice>> {
        self.notices.subscribe()
    }

    /// Ends every stream (graceful shutdown: browsers reconnect to another instance).
    pub fn close(&self) {
        let _ = self.closing.send(true);
    }

    fn is_closed(&self) -> bool {
        *self.closed.borrow()
    }

    /// How many clients listen now.
    pub fn clients(&self) -> usize {
        self.notices.receiver_count()
    }
}

async fn listen(pool: PgPool, hub: Hub) {
    let mut first = true;
    while !hub.is_closed() && !pool.is_closed() {
        let mut listener = match PgListener::connect_with(&pool).await {
            Ok(l) => l,
            Err(e) => {
                tracing::warn!(error = %e, "live: cannot connect the listener; retrying");
                tokio::time::sleep(Duration::from_secs(2)).await;
                continue;
            }
        };
        if let Err(e) = listener.listen(CHANNEL).await {
            tracing::warn!(error = %e, "live: LISTEN failed; retrying");
            tokio::time::sleep(Duration::from_secs(2)).await;
            continue;
        }
        hub.listening.send_replace(true);
        if !first {
            let _ = hub.notices.send(Arc::new(Notice::Resync));
        }
        first = false;
        let mut closed = hub.closed.clone();
        loop {
            tokio::select! {
                _ = closed.changed() => return,
                received = listener.try_recv() => match received {
                    Ok(Some(n)) => match serde_json::from_str::<Notice>(n.payload()) {
                        Ok(notice) => { let _ = hub.notices.send(Arc::new(notice)); }
                        Err(e) => tracing::warn!(error = %e, "live: unreadable notice"),
                    },
                    // the connection was lost (try_recv reconnects on the next call): resync
                    Ok(None) => { let _ = hub.notices.send(Arc::new(Notice::Resync)); }
                    Err(e) => {
                        tracing::warn!(error = %e, "live: listener failed; reconnecting");
                        hub.listening.send_replace(false);
                        break;
                    }
                }
            }
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

async fn ticks(hub: Hub, period: Duration) {
    let mut every = tokio::time::interval(period);
    every.tick().await;
    let mut closed = hub.closed.clone();
    loop {
        tokio::select! {
            _ = closed.changed() => return,
            _ = every.tick() => { let _ = hub.notices.send(Arc::new(Notice::Tick)); }
        }
    }
}

/// `GET /api/customer-service/events`: the stream of one browser tab (session or a `full` token).
pub async fn events(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, AppError> {
    let user = caller.0;
    // what a person's screens hear; a narrowly scoped token has no screen
    user.require(Role::Agent)?;
    let receiver = state.live.subscribe();
    let closed = state.live.closed.clone();
    // subscribed first, then wait (a little) for the listener: what commits after the hello is heard
    let mut listening = state.live.listening.subscribe();
    let _ = tokio::time::timeout(Duration::from_secs(5), listening.wait_for(|up| *up)).await;
    let hello = Event::default().event("hello").data("{}");
    let stream = futures::stream::unfold(
        (Some(hello), receiver, closed, user),
        |(first, mut receiver, mut closed, user)| async move {
            if let Some(hello) = first {
                return Some((Ok(hello), (None, receiver, closed, user)));
            }
            loop {
                if *closed.borrow() {
                    return None;
                }
                let notice = tokio::select! {
                    _ = closed.changed() => return None,
                    notice = receiver.recv() => notice,
                };
                let notice = match notice {
                    Ok(notice) => notice,
                    // this client fell behind: it reloads everything instead
                    Err(broadcast::error::RecvError::Lagged(_)) => Arc::new(Notice::Resync),
                    Err(broadcast::error::RecvError::Closed) => return None,
                };
                if let Some((name, data)) = visible(&notice, &user) {
                    return Some((Ok(Event::default().event(name).data(data)), (None, receiver, closed, user)));
                }
            }
        },
    );
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(20))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: i64, role: Role) -> CurrentUser {
        CurrentUser { id, email: String::new(), name: String::new(), role, locale: Default::default(), scopes: None }
    }

    fn parse(payload: &str) -> Notice {
        serde_json::from_str(payload).unwrap()
    }

    #[test]
    fn an_agent_hears_only_of_orders_that_are_or_were_theirs() {
        let n = parse(r#"{"k":"orders","n":3,"agents":[7,9],"rows":[[1,7,null],[2,9,7],[3,null,null]]}"#);
        let agent7 = visible(&n, &user(7, Role::Agent)).unwrap();
        assert_eq!(agent7, ("orders", r#"{"ids":[1,2]}"#.to_string()));
        let agent9 = visible(&n, &user(9, Role::Agent)).unwrap();
        assert_eq!(agent9.1, r#"{"ids":[2]}"#);
        assert_eq!(visible(&n, &user(5, Role::Agent)), None);
        let supervisor = visible(&n, &user(1, Role::Supervisor)).unwrap();
        assert_eq!(supervisor.1, r#"{"ids":[1,2,3]}"#);
    }

    #[test]
    fn a_big_batch_names_no_order_but_still_reaches_the_agents_concerned() {
        let n = parse(r#"{"k":"orders","n":500,"agents":[7],"rows":null}"#);
        assert_eq!(visible(&n, &user(7, Role::Agent)).unwrap().1, r#"{"ids":[]}"#);
        assert_eq!(visible(&n, &user(8, Role::Agent)), None);
    }

    #[test]
    fn the_duplicate_queue_is_for_supervisors_and_statuses_for_everyone() {
        let d = parse(r#"{"k":"duplicates"}"#);
        assert_eq!(visible(&d, &user(7, Role::Agent)), None);
        assert!(visible(&d, &user(1, Role::Admin)).is_some());
        assert!(visible(&parse(r#"{"k":"statuses"}"#), &user(7, Role::Agent)).is_some());
    }
}
