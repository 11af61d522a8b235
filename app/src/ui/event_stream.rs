//! Live refresh: a page that shows the team refetches its data when any
//! admin changes a member or an invitation of the organisation, through the
//! server-sent events of `GET /api/team/events`.

use leptos::prelude::*;

/// Keeps a page's team data current for as long as the calling component
/// lives: `refetch` runs when the organisation's team changes, and after the
/// stream reconnects (changes made while it was away are not replayed).
/// Does nothing in server rendering.
///
/// The page's own changes must ask through the returned [`TeamRefresh`]
/// rather than refetch directly: the stream also announces them (within a
/// millisecond or so of the change's response, before or after it), and
/// going through one scheduler makes the two one refetch. A refetch
/// re-renders the page, which would close a menu the person has just
/// opened.
///
/// The page's body carries `data-team-live="open"` while the stream is
/// connected (browser tests wait for it before they change something).
pub fn on_team_change(refetch: impl Fn() + Send + Sync + 'static) -> TeamRefresh {
    #[cfg(feature = "hydrate")]
    {
        let live = send_wrapper::SendWrapper::new(browser::watch(Box::new(refetch)));
        TeamRefresh(Callback::new(move |()| live.request()))
    }
    #[cfg(not(feature = "hydrate"))]
    TeamRefresh(Callback::new(move |()| refetch()))
}

/// Asks for a page's team data to be refetched, coalesced with the
/// stream's announcements.
#[derive(Clone, Copy)]
pub struct TeamRefresh(Callback<()>);

impl TeamRefresh {
    pub fn request(&self) {
        self.0.run(());
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::on_cleanup;
    use std::cell::{Cell, RefCell};
    use std::rc::{Rc, Weak};
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use web_sys::{Event, EventSource};

    const URL: &str = "/api/team/events";
    /// How long a request waits for others to join it: a change's own
    /// request and the stream's announcement of it arrive this close.
    const SETTLE_MS: f64 = 50.0;
    /// The shortest time between two refetches (bursts of changes).
    const COALESCE_MS: f64 = 250.0;
    const MARKER: &str = "data-team-live";
    /// After the stream is refused (401, 403, a server error), the browser
    /// does not retry by itself: we do, waiting longer each time.
    const RETRY_FIRST_MS: i32 = 2_000;
    const RETRY_MAX_MS: i32 = 60_000;

    /// An event name and its handler.
    type Listener = (&'static str, Closure<dyn FnMut(Event)>);

    pub struct Live {
        refetch: Box<dyn Fn()>,
        source: RefCell<Option<EventSource>>,
        /// The source's listeners, kept alive as long as it is.
        listeners: RefCell<Vec<Listener>>,
        /// Set by an error: the next `open` is a reconnection.
        interrupted: Cell<bool>,
        last_refetch: Cell<f64>,
        refetch_scheduled: Cell<bool>,
        retry_ms: Cell<i32>,
        stopped: Cell<bool>,
    }

    pub fn watch(refetch: Box<dyn Fn()>) -> Rc<Live> {
        let live = Rc::new(Live {
            refetch,
            source: RefCell::new(None),
            listeners: RefCell::new(Vec::new()),
            interrupted: Cell::new(false),
            last_refetch: Cell::new(f64::MIN),
            refetch_scheduled: Cell::new(false),
            retry_ms: Cell::new(RETRY_FIRST_MS),
            stopped: Cell::new(false),
        });
        connect(&live);
        // The browser build is single-threaded; Leptos asks for Send.
        let owned = send_wrapper::SendWrapper::new(live.clone());
        on_cleanup(move || owned.take().stop());
        live
    }

    fn connect(live: &Rc<Live>) {
        if live.stopped.get() {
            return;
        }
        let Ok(source) = EventSource::new(URL) else {
            return;
        };
        let on = |live: &Rc<Live>, handle: fn(&Rc<Live>, &EventSource)| {
            let weak: Weak<Live> = Rc::downgrade(live);
            Closure::<dyn FnMut(Event)>::new(move |_event: Event| {
                if let Some(live) = weak.upgrade() {
                    let source = live.source.borrow().clone();
                    if let Some(source) = source {
                        handle(&live, &source);
                    }
                }
            })
        };
        let listeners: Vec<Listener> = vec![
            ("team", on(live, |live, _| live.request())),
            ("resync", on(live, |live, _| live.request())),
            ("open", on(live, |live, _| live.opened())),
            ("error", on(live, |live, source| live.failed(source))),
        ];
        for (name, listener) in &listeners {
            let _ =
                source.add_event_listener_with_callback(name, listener.as_ref().unchecked_ref());
        }
        live.disconnect();
        *live.source.borrow_mut() = Some(source);
        *live.listeners.borrow_mut() = listeners;
    }

    impl Live {
        fn opened(self: &Rc<Self>) {
            self.retry_ms.set(RETRY_FIRST_MS);
            set_marker(true);
            if self.interrupted.replace(false) {
                self.request();
            }
        }

        fn failed(self: &Rc<Self>, source: &EventSource) {
            self.interrupted.set(true);
            set_marker(false);
            if source.ready_state() != EventSource::CLOSED {
                // The browser reconnects by itself.
                return;
            }
            // Refused: the page's own data shows why (signed out: the
            // sign-in page), and we try again later.
            self.request();
            let delay = self.retry_ms.get();
            self.retry_ms.set((delay * 2).min(RETRY_MAX_MS));
            let weak = Rc::downgrade(self);
            after(delay, move || {
                if let Some(live) = weak.upgrade() {
                    connect(&live);
                }
            });
        }

        /// Schedules a refetch, which every request until it runs joins.
        pub fn request(self: &Rc<Self>) {
            if self.stopped.get() || self.refetch_scheduled.get() {
                return;
            }
            let wait = SETTLE_MS.max(self.last_refetch.get() + COALESCE_MS - js_sys::Date::now());
            self.refetch_scheduled.set(true);
            let weak = Rc::downgrade(self);
            after(wait.ceil() as i32, move || {
                if let Some(live) = weak.upgrade() {
                    live.refetch_scheduled.set(false);
                    if !live.stopped.get() {
                        live.last_refetch.set(js_sys::Date::now());
                        (live.refetch)();
                    }
                }
            });
        }

        fn disconnect(&self) {
            if let Some(source) = self.source.borrow_mut().take() {
                for (name, listener) in self.listeners.borrow().iter() {
                    let _ = source.remove_event_listener_with_callback(
                        name,
                        listener.as_ref().unchecked_ref(),
                    );
                }
                source.close();
            }
        }

        fn stop(&self) {
            self.stopped.set(true);
            set_marker(false);
            self.disconnect();
            self.listeners.borrow_mut().clear();
        }
    }

    /// Runs `then` after `ms` milliseconds.
    fn after(ms: i32, then: impl FnOnce() + 'static) {
        let callback = Closure::once_into_js(then);
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                callback.unchecked_ref(),
                ms,
            );
        }
    }

    fn set_marker(open: bool) {
        let Some(body) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.body())
        else {
            return;
        };
        let _ = if open {
            body.set_attribute(MARKER, "open")
        } else {
            body.remove_attribute(MARKER)
        };
    }
}
