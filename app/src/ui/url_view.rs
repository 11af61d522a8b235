//! The browser side of a view kept in the URL (`domain::url_view`): the
//! view the URL asks for, and a filter form that is a plain GET form to
//! its page (so it works before the page is interactive) and that, once
//! hydrated, applies each change at once by changing the URL.

use crate::domain::keyset::PageAt;
use crate::domain::url_view::UrlView;
use leptos::html::{Form, Input};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use leptos_router::NavigateOptions;

/// The view the URL asks for.
pub fn use_url_view<Q: UrlView>() -> Memo<Q> {
    let params = use_query_map();
    Memo::new(move |_| {
        params.with(|params| {
            Q::from_pairs(
                Q::URL_KEYS
                    .iter()
                    .filter_map(|key| params.get_str(key).map(|value| (*key, value))),
            )
        })
    })
}

/// How long typing must pause before a text filter applies.
#[cfg(feature = "hydrate")]
const TYPING_PAUSE_MS: i32 = 300;

#[cfg(feature = "hydrate")]
type Navigate = Box<dyn Fn(&str, NavigateOptions)>;

/// A filter form over the view `Q`: its fields are named after
/// `Q::URL_KEYS`, and what they say becomes the URL.
pub struct UrlForm<Q: UrlView> {
    form: NodeRef<Form>,
    query: Memo<Q>,
    typed: RwSignal<u32>,
    // Browser-only: a local value dropped on another server thread panics.
    #[cfg(feature = "hydrate")]
    navigate: StoredValue<Navigate, LocalStorage>,
}

impl<Q: UrlView> Clone for UrlForm<Q> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<Q: UrlView> Copy for UrlForm<Q> {}

impl<Q: UrlView> UrlForm<Q> {
    /// Call in the form's component; put `node_ref=form.node()` on the form.
    pub fn new(query: Memo<Q>) -> Self {
        Self {
            form: NodeRef::new(),
            query,
            typed: RwSignal::new(0),
            #[cfg(feature = "hydrate")]
            navigate: StoredValue::new_local(Box::new(leptos_router::hooks::use_navigate())),
        }
    }

    pub fn node(self) -> NodeRef<Form> {
        self.form
    }

    /// The view the form's fields describe, from its first page.
    fn read(self) -> Option<Q> {
        #[cfg(feature = "hydrate")]
        {
            let form = self.form.get_untracked()?;
            let data = web_sys::FormData::new_with_form(&form).ok()?;
            let pairs: Vec<(String, String)> = Q::URL_KEYS
                .iter()
                .filter_map(|key| data.get(key).as_string().map(|v| (key.to_string(), v)))
                .collect();
            Some(Q::from_pairs(
                pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            ))
        }
        #[cfg(not(feature = "hydrate"))]
        None
    }

    /// Shows the view the fields describe, unless it is already shown.
    /// Retyping a search replaces the history entry instead of adding one.
    pub fn apply(self) {
        let Some(view) = self.read() else {
            return;
        };
        let current = self.query.get_untracked();
        if view == current.first_page() && *current.page() == PageAt::First {
            return;
        }
        let options = NavigateOptions {
            replace: view.refines_search(&current),
            scroll: false,
            ..Default::default()
        };
        #[cfg(feature = "hydrate")]
        self.navigate
            .with_value(|navigate| navigate(&view.href(), options));
        #[cfg(not(feature = "hydrate"))]
        let _ = options;
    }

    /// For a text field's `input` events: applies once typing pauses.
    pub fn typed(self) {
        let this = self.typed.get_untracked().wrapping_add(1);
        self.typed.set(this);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            sleep(TYPING_PAUSE_MS).await;
            if self.typed.get_untracked() == this {
                self.apply();
            }
        });
    }

    /// For the form's `submit` (Enter, or the Apply button before
    /// hydration's script hides it): applies now, without a page load.
    pub fn submitted(self, ev: leptos::ev::SubmitEvent) {
        ev.prevent_default();
        self.apply();
    }
}

/// Keeps a text input in step with the URL (Back and forward change it),
/// unless it already says the same (it may hold a trailing space).
#[allow(unused_variables)]
pub fn follow_url(input: NodeRef<Input>, wanted: impl Fn() -> String + 'static) {
    Effect::new(move |_| {
        let wanted = wanted();
        #[cfg(feature = "hydrate")]
        if let Some(input) = input.get() {
            if input.value().trim() != wanted {
                input.set_value(&wanted);
            }
        }
    });
}

/// Waits `ms` milliseconds in the browser.
#[cfg(feature = "hydrate")]
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
