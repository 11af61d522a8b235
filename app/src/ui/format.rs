//! How values are shown.

use chrono::{DateTime, Utc};
use leptos::prelude::*;

/// A point in time as `<time datetime=…>`, shown in UTC until the browser
/// localises it.
#[component]
pub fn Timestamp(at: Option<DateTime<Utc>>, #[prop(into)] never: String) -> impl IntoView {
    match at {
        Some(at) => {
            let machine = at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            let human = at.format("%Y-%m-%d %H:%M UTC").to_string();
            view! { <time datetime=machine>{human}</time> }.into_any()
        }
        None => view! { <span class="muted">{never}</span> }.into_any(),
    }
}
