//! Live team updates: the server-sent events of `GET /api/team/events`, fed
//! by PostgreSQL LISTEN/NOTIFY, read as a browser's EventSource reads them.
//! Every wait has a deadline, so a missing event fails instead of hanging.

use crate::harness::{eventually, TestApp, TestOrganisation};
use crate::invitations::{accept_new, department_id, invited, role_id, token_of};
use crate::members::{change_role, disable, membership_of};
use app::domain::MembershipId;
use app::server::db::team_events::{self, TeamNotice};
use reqwest::StatusCode;
use serde_json::Value;
use std::time::Duration;
use uuid::Uuid;

/// Long enough for any event on a busy test machine.
const WAIT: Duration = Duration::from_secs(10);

/// The high half of the ids of the notices that [`TeamStream::open`] sends.
const MARKER: u128 = 0x5e77_1ed0_0000_0000;

/// One server-sent event.
#[derive(Debug, PartialEq)]
struct Sse {
    event: String,
    data: Value,
}

/// An open team stream, read event by event.
struct TeamStream {
    response: reqwest::Response,
    buffer: String,
}

async fn request_stream(app: &TestApp, cookie: Option<&str>) -> reqwest::Response {
    let mut request = app.client.get(app.url("/api/team/events"));
    if let Some(cookie) = cookie {
        request = request.header("cookie", format!("roster_session={cookie}"));
    }
    tokio::time::timeout(WAIT, request.send())
        .await
        .expect("the stream answers in time")
        .expect("request")
}

impl TeamStream {
    /// Opens a stream on `app` for `org`, and waits until everything
    /// committed before has passed: the listener delivers notices
    /// asynchronously, so a sign-in just before could otherwise arrive
    /// after the stream subscribed. PostgreSQL delivers notices in commit
    /// order, so a marker sent now arrives after all of them.
    async fn open(app: &TestApp, org: &TestOrganisation, cookie: &str) -> TeamStream {
        Self::open_at(app, org, cookie, None).await
    }

    /// [`TeamStream::open`] for a site manager, whose stream passes on only
    /// what concerns `site`: the markers name it.
    async fn open_at(
        app: &TestApp,
        org: &TestOrganisation,
        cookie: &str,
        site: Option<Uuid>,
    ) -> TeamStream {
        let mut stream = Self::open_unsettled(app, cookie).await;
        let marker = send_marker_at(app, org, site).await;
        loop {
            let event = stream.next_within(WAIT, true).await.unwrap().unwrap();
            if event.data["id"] == marker.to_string() {
                return stream;
            }
        }
    }

    /// Opens a stream; it is subscribed once the headers arrive.
    async fn open_unsettled(app: &TestApp, cookie: &str) -> TeamStream {
        let response = request_stream(app, Some(cookie)).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some("text/event-stream")
        );
        TeamStream {
            response,
            buffer: String::new(),
        }
    }

    /// The next event (keep-alive comments skipped, and the markers of
    /// [`TeamStream::open`] unless `markers`), `None` if the stream ended,
    /// or `Err` if nothing came within `limit`.
    async fn next_within(&mut self, limit: Duration, markers: bool) -> Result<Option<Sse>, ()> {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut event = None;
                let mut data = String::new();
                for line in block.lines() {
                    if let Some(name) = line.strip_prefix("event:") {
                        event = Some(name.trim().to_string());
                    } else if let Some(value) = line.strip_prefix("data:") {
                        data.push_str(value.trim());
                    }
                }
                match event {
                    Some(event) => {
                        let data: Value = serde_json::from_str(&data).expect("JSON data");
                        let is_marker = data["id"]
                            .as_str()
                            .and_then(|id| id.parse::<Uuid>().ok())
                            .is_some_and(|id| id.as_u128() >> 64 == MARKER);
                        if is_marker && !markers {
                            continue;
                        }
                        return Ok(Some(Sse { event, data }));
                    }
                    None => continue, // a comment (keep-alive)
                }
            }
            match tokio::time::timeout_at(deadline, self.response.chunk()).await {
                Err(_) => return Err(()),
                Ok(Ok(Some(chunk))) => self.buffer.push_str(&String::from_utf8_lossy(&chunk)),
                Ok(Ok(None)) | Ok(Err(_)) => return Ok(None),
            }
        }
    }

    async fn next(&mut self) -> Sse {
        self.next_within(WAIT, false)
            .await
            .expect("an event in time")
            .expect("the stream is still open")
    }

    /// The next team change, as (kind, id).
    async fn next_change(&mut self) -> (String, String) {
        let event = self.next().await;
        assert_eq!(event.event, "team", "{event:?}");
        let field = |name: &str| event.data[name].as_str().expect(name).to_string();
        let keys: Vec<&String> = event.data.as_object().expect("object").keys().collect();
        assert_eq!(keys, ["id", "kind"], "only the kind and the id");
        (field("kind"), field("id"))
    }

    /// Asserts that nothing was sent since the last event read, and that
    /// the stream is still open: a marker notified now arrives after every
    /// notice committed before it (PostgreSQL delivers notices in commit
    /// order), so it must be the next event. No fixed wait stands in for
    /// "nothing came".
    async fn assert_nothing_more(&mut self, app: &TestApp, org: &TestOrganisation) {
        self.assert_nothing_more_at(app, org, None).await;
    }

    async fn assert_nothing_more_at(
        &mut self,
        app: &TestApp,
        org: &TestOrganisation,
        site: Option<Uuid>,
    ) {
        let marker = send_marker_at(app, org, site).await;
        let event = self
            .next_within(WAIT, true)
            .await
            .expect("the marker in time")
            .expect("the stream is still open");
        assert_eq!(
            event.data["id"],
            marker.to_string(),
            "expected nothing before the marker, got {event:?}"
        );
    }

    async fn assert_ends(&mut self) {
        loop {
            match self.next_within(WAIT, false).await {
                Ok(None) => return,
                // Changes announced before the end may still arrive.
                Ok(Some(event)) if event.event == "team" => continue,
                Ok(Some(event)) => panic!("expected the end, got {event:?}"),
                Err(()) => panic!("the stream did not end"),
            }
        }
    }
}

/// Notifies a marker for `org`'s streams (ids that [`TeamStream::next`]
/// skips), naming `site` as its own when given, and returns its id.
async fn send_marker_at(app: &TestApp, org: &TestOrganisation, site: Option<Uuid>) -> Uuid {
    let marker = Uuid::from_u128(MARKER << 64 | u128::from(rand::random::<u64>()));
    let notice = TeamNotice::Member {
        organisation_id: org.organisation_id,
        id: MembershipId(marker),
        sites: site.map(|site| vec![site]),
    };
    team_events::notify(&app.pool, &[notice]).await.unwrap();
    marker
}

/// Moves `membership` to the organisation's Technical department.
async fn change_department(
    app: &TestApp,
    org: &TestOrganisation,
    cookie: &str,
    membership: &str,
) -> crate::harness::ApiResponse {
    let technical = department_id(app, org, "Technical").await;
    app.call(
        "members/change_department",
        &[("membership_id", membership), ("department_id", &technical)],
        Some(cookie),
    )
    .await
}

fn ok(response: &crate::harness::ApiResponse) {
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
}

#[tokio::test]
async fn an_admins_stream_hears_another_admins_member_and_invitation_changes() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    let admin = app.sign_in(&org.admin_email, &org.password).await;
    let mut stream = TeamStream::open(&app, &org, &owner).await;

    let member = membership_of(&app, &org, &org.member_email).await;
    ok(&disable(&app, &admin, &member).await);
    assert_eq!(
        stream.next_change().await,
        ("member".into(), member.clone())
    );

    let link = invited(&app, &admin, "ana@example.com").await;
    let invitation = link.invitation_id.to_string();
    assert_eq!(
        stream.next_change().await,
        ("invitation".into(), invitation.clone())
    );
    // And again when the outbox worker has sent its email: the row's
    // "Email: Sent" changes with it.
    assert_eq!(
        stream.next_change().await,
        ("invitation".into(), invitation.clone())
    );
    let sent: String =
        sqlx::query_scalar("SELECT state FROM outbox_emails WHERE invitation_id = $1")
            .bind(link.invitation_id.0)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(sent, "sent");

    // Accepting creates a member, closes the invitation and signs the new
    // member in, in one transaction: PostgreSQL delivers its identical
    // notices (created, signed in) once.
    ok(&accept_new(&app, &token_of(&link.link)).await);
    let mut changes = vec![stream.next_change().await, stream.next_change().await];
    changes.sort();
    let ana = membership_of(&app, &org, "ana@example.com").await;
    assert_eq!(
        changes,
        [("invitation".into(), invitation), ("member".into(), ana)]
    );
    stream.assert_nothing_more(&app, &org).await;
}

#[tokio::test]
async fn a_member_is_refused_and_a_signed_out_visitor_is_asked_to_sign_in() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let member = app.sign_in(&org.member_email, &org.password).await;
    assert_eq!(
        request_stream(&app, Some(&member)).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        request_stream(&app, None).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        request_stream(&app, Some("not-a-session")).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_stream_hears_only_its_own_organisation() {
    let app = TestApp::spawn().await;
    let a = app.organisation().await;
    let b = app.organisation().await;
    let a_admin = app.sign_in(&a.admin_email, &a.password).await;
    let b_admin = app.sign_in(&b.admin_email, &b.password).await;
    let b_owner = app.sign_in(&b.owner_email, &b.password).await;
    let mut b_stream = TeamStream::open(&app, &b, &b_owner).await;

    let a_member = membership_of(&app, &a, &a.member_email).await;
    ok(&disable(&app, &a_admin, &a_member).await);
    invited(&app, &a_admin, "someone@example.com").await;
    let b_member = membership_of(&app, &b, &b.member_email).await;
    ok(&disable(&app, &b_admin, &b_member).await);

    assert_eq!(b_stream.next_change().await, ("member".into(), b_member));
    b_stream.assert_nothing_more(&app, &b).await;
}

#[tokio::test]
async fn a_stream_ends_when_its_session_is_signed_out_or_its_member_disabled() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    let admin_here = app.sign_in(&org.admin_email, &org.password).await;
    let admin_there = app.sign_in(&org.admin_email, &org.password).await;
    let mut owner_stream = TeamStream::open(&app, &org, &owner).await;
    let mut here = TeamStream::open(&app, &org, &admin_here).await;
    let mut there = TeamStream::open(&app, &org, &admin_there).await;

    ok(&app.call("sign_out", &[], Some(&admin_here)).await);
    here.assert_ends().await;
    // Another session of the same person is not affected.
    there.assert_nothing_more(&app, &org).await;

    let admin = membership_of(&app, &org, &org.admin_email).await;
    ok(&disable(&app, &owner, &admin).await);
    there.assert_ends().await;
    assert_eq!(owner_stream.next_change().await, ("member".into(), admin));
    // And the ended session cannot open a new stream.
    assert_eq!(
        request_stream(&app, Some(&admin_there)).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_stream_ends_when_its_member_may_no_longer_see_the_team() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    let admin = app.sign_in(&org.admin_email, &org.password).await;
    let mut stream = TeamStream::open(&app, &org, &admin).await;
    let member_role = role_id(&app, &org, "member").await;
    let admin_membership = membership_of(&app, &org, &org.admin_email).await;
    ok(&change_role(&app, &owner, &admin_membership, &member_role).await);
    stream.assert_ends().await;
}

#[tokio::test]
async fn a_change_through_one_process_reaches_a_stream_on_another() {
    let first = TestApp::spawn().await;
    let second = first.another_process().await;
    let org = first.organisation().await;
    let owner = second.sign_in(&org.owner_email, &org.password).await;
    let admin = first.sign_in(&org.admin_email, &org.password).await;
    let mut on_second = TeamStream::open(&second, &org, &owner).await;
    let mut on_first = TeamStream::open(&first, &org, &owner).await;

    let member = membership_of(&first, &org, &org.member_email).await;
    ok(&disable(&first, &admin, &member).await);
    assert_eq!(
        on_second.next_change().await,
        ("member".into(), member.clone())
    );
    assert_eq!(on_first.next_change().await, ("member".into(), member));

    // Sign-out through the first process ends the stream on the second.
    ok(&first.call("sign_out", &[], Some(&owner)).await);
    on_second.assert_ends().await;
}

#[tokio::test]
async fn a_refused_or_rolled_back_change_announces_nothing() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    let admin = app.sign_in(&org.admin_email, &org.password).await;
    let mut stream = TeamStream::open(&app, &org, &admin).await;

    // The only enabled Owner may not step down.
    let owner_membership = membership_of(&app, &org, &org.owner_email).await;
    let member_role = role_id(&app, &org, "member").await;
    let refused = change_role(&app, &owner, &owner_membership, &member_role).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);

    // A notice sent in a transaction that rolls back is never delivered.
    let mut tx = app.pool.begin().await.unwrap();
    let phantom = MembershipId(Uuid::new_v4());
    team_events::notify(
        &mut *tx,
        &[TeamNotice::member(org.organisation_id, phantom)],
    )
    .await
    .unwrap();
    tx.rollback().await.unwrap();

    // The next event is the next committed change.
    let member = membership_of(&app, &org, &org.member_email).await;
    ok(&change_department(&app, &org, &admin, &member).await);
    assert_eq!(stream.next_change().await, ("member".into(), member));
    stream.assert_nothing_more(&app, &org).await;
}

/// A new primary contact changes what the old and the new contact's pages
/// say: both memberships are announced.
#[tokio::test]
async fn a_new_primary_contact_announces_the_old_and_the_new_one() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    let mut stream = TeamStream::open(&app, &org, &owner).await;
    let contact_of = || async {
        sqlx::query_scalar::<_, Option<Uuid>>(
            "SELECT primary_contact_id FROM organisations WHERE id = $1",
        )
        .bind(org.organisation_id.0)
        .fetch_one(&app.pool)
        .await
        .unwrap()
    };
    let old_contact = contact_of().await;
    let admin_account: Uuid =
        sqlx::query_scalar("SELECT id FROM accounts WHERE lower(email) = lower($1)")
            .bind(&org.admin_email)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_ne!(old_contact, Some(admin_account));

    let saved = app
        .call(
            "organisation/save_settings",
            &[
                ("name", org.name.as_str()),
                ("time_zone", "UTC"),
                ("invitation_expiry_hours", "48"),
                ("primary_contact_id", &admin_account.to_string()),
            ],
            Some(&owner),
        )
        .await;
    ok(&saved);
    assert_eq!(contact_of().await, Some(admin_account));

    let mut expected = vec![membership_of(&app, &org, &org.admin_email).await];
    if let Some(old) = old_contact {
        let old_membership: Uuid = sqlx::query_scalar(
            "SELECT id FROM memberships WHERE organisation_id = $1 AND account_id = $2",
        )
        .bind(org.organisation_id.0)
        .bind(old)
        .fetch_one(&app.pool)
        .await
        .unwrap();
        expected.push(old_membership.to_string());
    }
    let mut heard = Vec::new();
    for _ in 0..expected.len() {
        let (kind, id) = stream.next_change().await;
        assert_eq!(kind, "member");
        heard.push(id);
    }
    heard.sort();
    expected.sort();
    assert_eq!(heard, expected);
    stream.assert_nothing_more(&app, &org).await;
}

#[tokio::test]
async fn streams_end_when_the_server_shuts_down() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    let mut stream = TeamStream::open(&app, &org, &owner).await;
    tokio::time::timeout(WAIT, app.shut_down())
        .await
        .expect("graceful shutdown does not wait for open streams");
    stream.assert_ends().await;
}

#[tokio::test]
async fn after_the_listener_reconnects_clients_are_told_to_refetch() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    let admin = app.sign_in(&org.admin_email, &org.password).await;
    let mut stream = TeamStream::open(&app, &org, &owner).await;

    // What an operator restarting a proxy, or a network blip, does.
    let terminated: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = current_database() AND query LIKE 'LISTEN %'",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(terminated, [true], "one listener per process");

    let resync = stream.next().await;
    assert_eq!(resync.event, "resync");
    let member = membership_of(&app, &org, &org.member_email).await;
    ok(&disable(&app, &admin, &member).await);
    assert_eq!(stream.next_change().await, ("member".into(), member));
}

#[tokio::test]
async fn demoting_an_inviter_revokes_their_open_invitations_live_and_audited() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    let admin = app.sign_in(&org.admin_email, &org.password).await;
    let one = invited(&app, &admin, "one@example.com").await;
    let two = invited(&app, &admin, "two@example.com").await;
    let admin_membership = membership_of(&app, &org, &org.admin_email).await;
    // Their emails' delivery is announced too: let it pass before the
    // stream opens, so that only the role change's notices follow.
    emails_sent(&app).await;

    // A promotion leaves what they sent standing.
    let owner_role = role_id(&app, &org, "owner").await;
    ok(&change_role(&app, &owner, &admin_membership, &owner_role).await);
    let mut stream = TeamStream::open(&app, &org, &owner).await;

    // As a Member they could invite nobody: both go, in the same
    // transaction as the role change, each announced and audited.
    let member_role = role_id(&app, &org, "member").await;
    ok(&change_role(&app, &owner, &admin_membership, &member_role).await);
    let mut changes = vec![
        stream.next_change().await,
        stream.next_change().await,
        stream.next_change().await,
    ];
    changes.sort();
    let mut expected = vec![
        ("invitation".to_string(), one.invitation_id.to_string()),
        ("invitation".to_string(), two.invitation_id.to_string()),
        ("member".to_string(), admin_membership.clone()),
    ];
    expected.sort();
    assert_eq!(changes, expected);
    stream.assert_nothing_more(&app, &org).await;

    for link in [&one, &two] {
        let revoked: bool =
            sqlx::query_scalar("SELECT revoked_at IS NOT NULL FROM invitations WHERE id = $1")
                .bind(link.invitation_id.0)
                .fetch_one(&app.pool)
                .await
                .unwrap();
        assert!(revoked);
        assert_eq!(
            crate::invitations::revocation_reasons(&app, link.invitation_id.0).await,
            [Some("Inviter's role changed".to_string())]
        );
    }
    // The team table shows them as revoked.
    let listing: app::wire::team::TeamListing = app
        .call(
            "team/list",
            &[
                ("organisation_id", org.organisation_id.to_string().as_str()),
                ("query[tab]", "Invitations"),
                ("query[status]", "AnyInvitation"),
            ],
            Some(&owner),
        )
        .await
        .json();
    let revoked = listing
        .entries
        .iter()
        .filter(|e| {
            matches!(e, app::wire::team::TeamEntry::Invitation(i)
                if i.status == app::domain::invitation::InvitationStatus::Revoked)
        })
        .count();
    assert_eq!(revoked, 2);
}

/// Waits until the outbox has sent everything queued so far.
async fn emails_sent(app: &TestApp) {
    eventually(WAIT, || async {
        let queued: i64 =
            sqlx::query_scalar("SELECT count(*) FROM outbox_emails WHERE state = 'queued'")
                .fetch_one(&app.pool)
                .await
                .unwrap();
        (queued == 0).then_some(())
    })
    .await
    .expect("the outbox empties");
}

#[tokio::test]
async fn a_site_managers_stream_hears_only_their_sites() {
    use crate::delegated::person;
    use crate::sites::{create as create_site, place};
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    let berlin = create_site(&app, &owner, "Berlin").await;
    let lyon = create_site(&app, &owner, "Lyon").await;
    let site_manager = crate::delegated::site_manager_role(&app, &org, &owner).await;
    let member_role = role_id(&app, &org, "member").await;
    let (sam, sam_email) = person(&app, &org, "Sam Supervisor").await;
    let (tina, _) = person(&app, &org, "Tina Technician").await;
    let (leo, _) = person(&app, &org, "Leo Lyon").await;
    place(&app, &owner, &sam, &berlin, &site_manager).await;
    place(&app, &owner, &tina, &berlin, &member_role).await;
    place(&app, &owner, &leo, &lyon, &member_role).await;
    let sam = app.sign_in(&sam_email, &org.password).await;
    let at_berlin = Some(berlin.parse::<Uuid>().unwrap());
    let mut stream = TeamStream::open_at(&app, &org, &sam, at_berlin).await;

    // Lyon's Leo, and Mia at no site, change unheard; Berlin's Tina is
    // heard, also as she leaves Berlin.
    ok(&disable(&app, &owner, &leo).await);
    let mia = membership_of(&app, &org, &org.member_email).await;
    ok(&disable(&app, &owner, &mia).await);
    ok(&disable(&app, &owner, &tina).await);
    assert_eq!(stream.next_change().await, ("member".into(), tina.clone()));
    let off = app
        .call(
            "members/remove_site",
            &[
                ("membership_id", tina.as_str()),
                ("site_id", berlin.as_str()),
            ],
            Some(&owner),
        )
        .await;
    ok(&off);
    assert_eq!(stream.next_change().await, ("member".into(), tina.clone()));
    // Now at no site of his, Tina changes unheard.
    ok(&app
        .call(
            "members/enable",
            &[("membership_id", tina.as_str())],
            Some(&owner),
        )
        .await);
    stream.assert_nothing_more_at(&app, &org, at_berlin).await;
}
