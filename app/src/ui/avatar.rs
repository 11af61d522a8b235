//! A person's picture, or their initials when they have none.

use crate::domain::avatar::initials;
use leptos::prelude::*;

/// Decorative: the person's name is always written beside it, so it is
/// hidden from screen readers (empty `alt`).
#[component]
pub fn Avatar(
    name: String,
    url: Option<String>,
    /// An extra class for the size: `small` (table rows, header), none
    /// (4rem) or `large` (the profile page).
    #[prop(optional)]
    size: &'static str,
) -> impl IntoView {
    let class = if size.is_empty() {
        "avatar".to_string()
    } else {
        format!("avatar {size}")
    };
    match url {
        Some(url) => {
            view! { <img class=class src=url alt="" loading="lazy" decoding="async" /> }.into_any()
        }
        None => view! { <span class=class aria-hidden="true">{initials(&name)}</span> }.into_any(),
    }
}
