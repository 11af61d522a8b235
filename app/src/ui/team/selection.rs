//! People chosen in the team table, for those who may manage groups: a
//! box in each member's row, and a bar that puts everyone chosen in a
//! group at once (all or none, `groups/add_members`).

use super::state::TeamState;
use crate::domain::group::MAX_ADDED_AT_ONCE;
use crate::domain::{GroupId, MembershipId};
use crate::wire::choice::Choice;
use crate::wire::team::TeamMember;
use crate::wire::AppError;
use leptos::prelude::*;
use std::collections::BTreeMap;

/// Who is chosen (by membership, with their name for the bar), and the
/// groups they can be put in. Chosen people stay chosen across pages and
/// live refreshes until they are added or the choice is cleared.
#[derive(Clone, Copy)]
pub(super) struct Selection {
    chosen: RwSignal<BTreeMap<MembershipId, String>>,
    groups: StoredValue<Vec<Choice<GroupId>>>,
}

impl Selection {
    pub(super) fn new(groups: Vec<Choice<GroupId>>) -> Self {
        Self {
            chosen: RwSignal::new(BTreeMap::new()),
            groups: StoredValue::new(groups),
        }
    }
}

/// The box that chooses `m`.
pub(super) fn select_box(selection: Selection, m: &TeamMember) -> impl IntoView {
    let (id, name) = (m.id, m.name.clone());
    let label = format!("Choose {}", m.name);
    let checked = move || selection.chosen.with(|c| c.contains_key(&id));
    view! {
        <input type="checkbox" class="row-select" aria-label=label prop:checked=checked
            on:change=move |ev| {
                let on = event_target_checked(&ev);
                selection.chosen.update(|c| {
                    if on { c.insert(id, name.clone()); } else { c.remove(&id); }
                });
            } />
    }
}

/// How many are chosen, and putting them in a group.
#[component]
pub(super) fn SelectionBar(selection: Selection) -> impl IntoView {
    let state = expect_context::<TeamState>();
    let step_up = expect_context::<crate::ui::step_up::StepUp>();
    let error = RwSignal::new(None::<AppError>);
    let done = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let groups = selection.groups.get_value();
    let group = RwSignal::new(groups.first().map(|g| g.id));
    let count = move || selection.chosen.with(|c| c.len());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        {
            use crate::api::groups::add_to_group;
            let Some(group_id) = group.get_untracked() else {
                return;
            };
            let name = selection.groups.with_value(|all| {
                all.iter()
                    .find(|g| g.id == group_id)
                    .map(|g| g.name.clone())
                    .unwrap_or_default()
            });
            let people: Vec<String> = selection
                .chosen
                .with_untracked(|c| c.keys().map(ToString::to_string).collect());
            pending.set(true);
            error.set(None);
            done.set(None);
            leptos::task::spawn_local(async move {
                let result = step_up
                    .run(|| add_to_group(group_id.to_string(), people.clone()))
                    .await;
                pending.set(false);
                match result {
                    Ok(added) => {
                        done.set(Some(format!(
                            "{} added to {name}.",
                            crate::ui::format::count(added as i64, "person", "people")
                        )));
                        selection.chosen.set(BTreeMap::new());
                        state.refresh();
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (state, step_up, pending);
    };
    let options = groups
        .into_iter()
        .map(|g| view! { <option value=g.id.to_string()>{g.name}</option> })
        .collect_view();
    let too_many = move || count() > MAX_ADDED_AT_ONCE;
    view! {
        <p class="form-success" role="status">{move || done.get()}</p>
        <section class="selection-bar" aria-label="Chosen people" hidden=move || count() == 0>
            <p>
                <strong>{move || crate::ui::format::count(count() as i64, "person", "people")}" chosen"</strong>
                {move || too_many().then(|| format!(" (at most {MAX_ADDED_AT_ONCE} at once)"))}
            </p>
            <form class="grant-form" on:submit=on_submit>
                <div class="field">
                    <label for="selection-group">"Add to group"</label>
                    <select id="selection-group" on:change=move |ev| group.set(event_target_value(&ev).parse().ok())>
                        {options}
                    </select>
                </div>
                <button type="submit" class="button primary" disabled=move || pending.get() || too_many()>"Add"</button>
                <button type="button" class="button secondary" on:click=move |_| selection.chosen.set(BTreeMap::new())>"Clear"</button>
            </form>
            <p class="form-error" role="alert">{move || error.get().map(|e| e.to_string())}</p>
        </section>
    }
}
