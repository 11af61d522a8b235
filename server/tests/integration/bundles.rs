//! The invitee bundle hydrates pages that `InviteeApp` rendered (it
//! renders exactly `INVITEE_PATHS`, a unit test in `app::ui` says); `App`
//! must route them too, for a build without that bundle, and the shell
//! must send that bundle for exactly those paths (`AssetNames::bundle_for`).

use app::ui::{App, INVITEE_PATHS};
use leptos_axum::generate_route_list;
use std::collections::BTreeSet;

fn paths(routes: Vec<leptos_axum::AxumRouteListing>) -> BTreeSet<String> {
    routes.iter().map(|r| r.path().to_string()).collect()
}

#[test]
fn the_app_routes_the_invitee_paths_too() {
    let expected: BTreeSet<String> = INVITEE_PATHS.iter().map(|p| p.to_string()).collect();
    let app = paths(generate_route_list(App));
    assert!(
        expected.is_subset(&app),
        "App lacks an invitee path: {:?}",
        expected.difference(&app).collect::<Vec<_>>()
    );
    assert!(app.contains("/team"), "App routes the admin pages");
}
