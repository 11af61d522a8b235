//! How values are shown.

use crate::wire::Moment;
use chrono::{DateTime, Utc};
use leptos::prelude::*;

/// A point in time as `<time datetime=…>`. The server renders UTC (it
/// cannot know the viewer's zone); after hydration the browser rewrites the
/// text in the viewer's own zone and language.
#[component]
pub fn LocalTime(#[prop(into)] at: Moment) -> impl IntoView {
    let node = NodeRef::<leptos::html::Time>::new();
    localise(node, at.iso.clone(), false);
    view! { <time node_ref=node datetime=at.iso>{at.utc}</time> }
}

/// `at` relative to now ("in 2 days"), with the exact local time on hover.
/// "Active", or "Archived" with since when: the status cell of what an
/// organisation archives rather than deletes (departments, sites).
#[component]
pub fn ArchivedStatus(archived_at: Option<Moment>) -> impl IntoView {
    match archived_at {
        Some(at) => view! {
            <span class="status status-disabled">"Archived"</span>
            <span class="line-2">"Since " <LocalTime at /></span>
        }
        .into_any(),
        None => view! { <span class="status status-enabled">"Active"</span> }.into_any(),
    }
}

#[component]
pub fn RelativeTime(at: DateTime<Utc>) -> impl IntoView {
    let text = relative(at, now());
    let Moment {
        iso: machine,
        utc: exact,
    } = at.into();
    let node = NodeRef::<leptos::html::Time>::new();
    localise(node, machine.clone(), true);
    view! { <time node_ref=node datetime=machine title=exact>{text}</time> }
}

/// Rewrites the element's text (or, with `title_only`, its title) in the
/// browser's zone and language, after hydration.
///
/// In a task of its own: the browser's first `toLocaleString` loads its
/// locale data, about 14 ms on a desktop and four times that on a phone
/// (measured on `/invite` with a CPU profile at Lighthouse's 4× slowdown),
/// which in the hydrating task made it one long task past 50 ms.
#[allow(unused_variables)]
fn localise(node: NodeRef<leptos::html::Time>, iso: String, title_only: bool) {
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Some(element) = node.get() {
            let iso = iso.clone();
            set_timeout(
                move || {
                    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(&iso));
                    let local: String = date
                        .to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED)
                        .into();
                    if title_only {
                        let _ = element.set_attribute("title", &local);
                    } else {
                        element.set_text_content(Some(&local));
                    }
                },
                std::time::Duration::ZERO,
            );
        }
    });
}

/// The current time, from the browser's clock in the browser.
pub fn now() -> DateTime<Utc> {
    #[cfg(feature = "hydrate")]
    {
        let millis = js_sys::Date::now() as i64;
        DateTime::from_timestamp_millis(millis).unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        Utc::now()
    }
}

/// "in 2 days", "3 hours ago", "in 5 minutes".
pub fn relative(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let delta = at - now;
    let future = delta.num_seconds() >= 0;
    let secs = delta.num_seconds().unsigned_abs();
    let (n, unit) = if secs < 60 {
        // A few seconds ahead is clock skew between database and browser
        // (a row written "now" must not read as being in the future).
        return if future && secs >= 5 {
            "in under a minute"
        } else {
            "just now"
        }
        .to_string();
    } else if secs < 3600 {
        (secs / 60, "minute")
    } else if secs < 86_400 * 2 {
        (secs / 3600, "hour")
    } else {
        (secs / 86_400, "day")
    };
    let plural = if n == 1 { "" } else { "s" };
    if future {
        format!("in {n} {unit}{plural}")
    } else {
        format!("{n} {unit}{plural} ago")
    }
}

/// "1 person", "3 people".
pub fn count(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "2 people, 1 pending invitation": who holds a role or is in a
/// department, and who is invited to.
pub fn people_and_invitations(people: i64, pending_invitations: i64) -> String {
    let mut text = count(people, "person", "people");
    if pending_invitations > 0 {
        text.push_str(&format!(
            ", {}",
            count(
                pending_invitations,
                "pending invitation",
                "pending invitations"
            )
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn relative_times_read_naturally() {
        let now = Utc::now();
        assert_eq!(
            relative(now + Duration::seconds(30), now),
            "in under a minute"
        );
        assert_eq!(relative(now + Duration::seconds(2), now), "just now");
        assert_eq!(relative(now - Duration::seconds(2), now), "just now");
        assert_eq!(relative(now + Duration::minutes(5), now), "in 5 minutes");
        assert_eq!(relative(now + Duration::hours(1), now), "in 1 hour");
        assert_eq!(relative(now + Duration::hours(47), now), "in 47 hours");
        assert_eq!(relative(now + Duration::hours(48), now), "in 2 days");
        assert_eq!(relative(now - Duration::hours(3), now), "3 hours ago");
        assert_eq!(relative(now - Duration::seconds(5), now), "just now");
    }
}
