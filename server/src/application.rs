//! The running application: router, state and background workers, built
//! one way for the binary (`roster serve`) and for the integration tests,
//! so that tests start exactly what production starts.

use crate::http::client_address::ClientAddresses;
use crate::http::{self, SecuritySettings, ServerState};
use crate::mailer::{self, Transport, WorkerSettings};
use crate::{housekeeping, team_listener};
use app::server::clock::Clock;
use app::server::password::PasswordHasher;
use app::server::sealing::SealingKey;
use app::server::state::BackgroundTasks;
use app::server::{AppState, AuthSettings, Links, OutboxSignal, TeamEvents};
use leptos::config::LeptosOptions;
use sqlx::PgPool;
use std::future::Future;
use std::sync::Arc;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// How long a shutdown waits for requests' background work.
const DRAIN: std::time::Duration = std::time::Duration::from_secs(10);

/// What the application is made of, besides its database.
pub struct Settings {
    pub leptos_options: LeptosOptions,
    /// `scheme://host[:port]`: links in emails, and the origin that
    /// browsers' requests must come from.
    pub public_base_url: String,
    pub auth: AuthSettings,
    pub hasher: PasswordHasher,
    /// `None`: no mail is sent, and emails wait in the outbox.
    pub transport: Option<Transport>,
    pub worker: WorkerSettings,
    /// Which proxies may tell us the client's address, and how.
    pub client_addresses: ClientAddresses,
    /// Seals authenticator secrets.
    pub sealing: SealingKey,
    /// The system's, but in tests that fix the time.
    pub clock: Clock,
}

/// The router's state and the workers behind it: the outbox worker (sends
/// queued emails), the team listener (turns database notifications into
/// live events) and the housekeeping (purges old attempt rows).
pub struct Application {
    pub state: ServerState,
    stop: watch::Sender<bool>,
    workers: Vec<JoinHandle<()>>,
}

impl Application {
    /// Starts the workers on `pool` and builds the state the router serves.
    /// Needs a tokio runtime.
    pub fn build(pool: PgPool, settings: Settings) -> Application {
        let outbox = OutboxSignal::default();
        let (stop, stopped) = watch::channel(false);
        let team_events = TeamEvents::default();
        let mut workers = vec![
            team_listener::spawn(&pool, team_events.clone(), stopped.clone()),
            housekeeping::spawn(pool.clone(), stopped.clone()),
        ];
        if let Some(transport) = &settings.transport {
            workers.push(mailer::spawn(
                pool.clone(),
                settings.sealing.clone(),
                transport.clone(),
                outbox.clone(),
                settings.worker,
                stopped,
            ));
        }
        let state = ServerState {
            leptos_options: settings.leptos_options,
            app: AppState {
                pool,
                auth: Arc::new(settings.auth),
                hasher: settings.hasher,
                links: Arc::new(Links::new(
                    &settings.public_base_url,
                    settings.sealing.clone(),
                )),
                outbox,
                team_events,
                background: BackgroundTasks::default(),
                sealing: settings.sealing,
                clock: settings.clock,
            },
            security: Arc::new(SecuritySettings::new(
                &settings.public_base_url,
                settings.client_addresses,
            )),
            dev_mailbox: settings
                .transport
                .as_ref()
                .and_then(Transport::dev_mailbox)
                .cloned(),
            mail_configured: settings.transport.is_some(),
        };
        Application {
            state,
            stop,
            workers,
        }
    }

    /// Serves on `listener` until `shutdown` resolves; then ends the live
    /// streams (graceful shutdown waits for open responses, and a stream
    /// never ends by itself), lets open responses finish, and stops the
    /// workers (the outbox worker finishes the email it is sending) once
    /// the requests' background work has ended (at most [`DRAIN`]).
    pub async fn serve(
        self,
        listener: tokio::net::TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        self.serve_with(listener, shutdown, None).await
    }

    /// [`Application::serve`], with the test build's routes when it is
    /// that build.
    pub async fn serve_with(
        self,
        listener: tokio::net::TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
        test_hooks: Option<http::TestHooks>,
    ) -> std::io::Result<()> {
        let shutdown = self.state.app.team_events.clone().close_after(shutdown);
        let background = self.state.app.background.clone();
        let service = http::router_with(self.state, test_hooks)
            .into_make_service_with_connect_info::<std::net::SocketAddr>();
        let served = axum::serve(listener, service)
            .with_graceful_shutdown(shutdown)
            .await;
        let _ = tokio::time::timeout(DRAIN, background.idle()).await;
        let _ = self.stop.send(true);
        for worker in self.workers {
            let _ = worker.await;
        }
        served
    }
}
