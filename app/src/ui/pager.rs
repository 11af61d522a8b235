//! Links to the neighbouring pages of a list kept in the URL.

use crate::domain::keyset::PageAt;
use leptos::prelude::*;

/// "Previous page" and "Next page", for the neighbouring pages a listing
/// has cursors for; nothing when it has neither.
#[component]
pub fn Pager(
    previous: Option<String>,
    next: Option<String>,
    /// The address of another page of the same view.
    href: impl Fn(PageAt) -> String,
) -> impl IntoView {
    (previous.is_some() || next.is_some()).then(|| {
        view! {
            <nav class="pager" aria-label="Pages">
                {previous.map(|c| view! { <a class="button" href=href(PageAt::Before(c)) rel="prev">"Previous page"</a> })}
                {next.map(|c| view! { <a class="button" href=href(PageAt::After(c)) rel="next">"Next page"</a> })}
            </nav>
        }
    })
}
