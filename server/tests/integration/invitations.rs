//! Invitations end to end at the HTTP boundary, against real PostgreSQL.

use crate::harness::{eventually, free_port, Maildev, TestApp, TestOrganisation};
use app::domain::invitation::{DeliveryState, InvitationStatus};
use app::domain::Refusal;
use app::wire::accept::InvitationPage;
use app::wire::invitations::{InvitationRow, InviteOutcome, IssuedLink};
use app::wire::team::{TeamEntry, TeamListing};
use app::wire::AppError;
use reqwest::StatusCode;
use std::time::Duration;
use uuid::Uuid;

/// The id of `org`'s role with this key (the global Owner, or one of the
/// organisation's own).
pub(crate) async fn role_id(app: &TestApp, org: &TestOrganisation, key: &str) -> String {
    role_id_in(app, org.organisation_id.0, key).await
}

pub(crate) async fn role_id_in(app: &TestApp, org: Uuid, key: &str) -> String {
    let id: Uuid = sqlx::query_scalar(
        "SELECT id FROM roles WHERE key = $2 AND (organisation_id IS NULL OR organisation_id = $1)",
    )
    .bind(org)
    .bind(key)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    id.to_string()
}

pub(crate) async fn department_id(app: &TestApp, org: &TestOrganisation, name: &str) -> String {
    let id: Uuid =
        sqlx::query_scalar("SELECT id FROM departments WHERE organisation_id = $1 AND name = $2")
            .bind(org.organisation_id.0)
            .bind(name)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    id.to_string()
}

pub(crate) struct Invite<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub role: &'a str,
    pub department: &'a str,
    pub expiry: &'a str,
}

impl<'a> Invite<'a> {
    pub fn member(email: &'a str, role: &'a str) -> Self {
        Self {
            email,
            name: "Ana Invitee",
            role,
            department: "",
            expiry: "",
        }
    }
}

pub(crate) async fn invite(
    app: &TestApp,
    cookie: &str,
    invite: Invite<'_>,
) -> crate::harness::ApiResponse {
    app.call(
        "invitations/create",
        &[
            ("email", invite.email),
            ("name", invite.name),
            ("role_id", invite.role),
            ("department_id", invite.department),
            ("expiry_hours", invite.expiry),
        ],
        Some(cookie),
    )
    .await
}

/// Invites `email` as a Member and returns the issued link.
pub(crate) async fn invited(app: &TestApp, cookie: &str, email: &str) -> IssuedLink {
    let inviter = app
        .call("session", &[], Some(cookie))
        .await
        .json::<Option<app::wire::session::SignedIn>>()
        .expect("signed in");
    let member = role_id_in(app, inviter.user.organisation_id.0, "member").await;
    let response = invite(app, cookie, Invite::member(email, &member)).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    match response.json::<InviteOutcome>() {
        InviteOutcome::Created(link) => link,
        other => panic!("expected a new invitation, got {other:?}"),
    }
}

/// The invitation link in an email's text.
pub(crate) fn invitation_link_in(text: &str) -> String {
    let start = text.find("http").expect("a link");
    let link: String = text[start..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    assert!(link.contains("/invite?token="), "{link}");
    link
}

pub(crate) fn token_of(link: &str) -> String {
    link.split_once("token=")
        .map(|(_, t)| t.to_string())
        .expect("token in link")
}

pub(crate) async fn view(app: &TestApp, token: &str) -> InvitationPage {
    let response = app.call("invitation/view", &[("token", token)], None).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    response.json()
}

pub(crate) async fn accept_new(app: &TestApp, token: &str) -> crate::harness::ApiResponse {
    app.call(
        "invitation/accept_new",
        &[
            ("token", token),
            ("name", "Ana Invitee"),
            ("position", "Support lead"),
            ("phone", "+44 20 7946 0958"),
            ("password", "violet lantern harbour seventeen"),
            ("password_confirm", "violet lantern harbour seventeen"),
        ],
        None,
    )
    .await
}

async fn open_invitations(app: &TestApp, email: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM invitations
         WHERE lower(email) = lower($1) AND revoked_at IS NULL AND accepted_at IS NULL",
    )
    .bind(email)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn an_existing_member_is_refused_beside_the_email_field() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let cookie = app.sign_in(&org.admin_email, &org.password).await;
    let member = role_id(&app, &org, "member").await;
    let response = invite(
        &app,
        &cookie,
        Invite::member(&org.member_email.to_uppercase(), &member),
    )
    .await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        response.error().for_field("email").as_deref(),
        Some("This person is already a member of this organisation.")
    );
}

#[tokio::test]
async fn an_email_with_an_open_invitation_is_offered_a_resend_not_a_second_one() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let cookie = app.sign_in(&org.admin_email, &org.password).await;
    let first = invited(&app, &cookie, "dup@example.com").await;
    let member = role_id(&app, &org, "member").await;
    let again = invite(&app, &cookie, Invite::member("DUP@example.com", &member)).await;
    assert_eq!(
        again.json::<InviteOutcome>(),
        InviteOutcome::AlreadyInvited {
            invitation_id: first.invitation_id,
            status: InvitationStatus::Pending
        }
    );
    assert_eq!(open_invitations(&app, "dup@example.com").await, 1);
}

#[tokio::test]
async fn two_admins_inviting_one_email_at_once_leave_one_open_invitation() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    let admin = app.sign_in(&org.admin_email, &org.password).await;
    let member = role_id(&app, &org, "member").await;
    for round in 0..5 {
        let email = format!("race{round}@example.com");
        let (a, b) = tokio::join!(
            invite(&app, &owner, Invite::member(&email, &member)),
            invite(&app, &admin, Invite::member(&email, &member)),
        );
        let outcomes = [a.json::<InviteOutcome>(), b.json::<InviteOutcome>()];
        let created = outcomes
            .iter()
            .filter(|o| matches!(o, InviteOutcome::Created(_)))
            .count();
        assert_eq!(created, 1, "round {round}: {outcomes:?}");
        assert_eq!(open_invitations(&app, &email).await, 1);
    }
}

#[tokio::test]
async fn resend_makes_the_old_link_fail_at_once() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let cookie = app.sign_in(&org.admin_email, &org.password).await;
    let first = invited(&app, &cookie, "resend@example.com").await;
    let id = first.invitation_id.to_string();
    let response = app
        .call(
            "invitations/resend",
            &[("invitation_id", &id)],
            Some(&cookie),
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let second: IssuedLink = response.json();
    assert_ne!(second.link, first.link);
    assert_eq!(second.delivery, Some(DeliveryState::Queued));

    let old = token_of(&first.link);
    assert_eq!(view(&app, &old).await, InvitationPage::Unknown);
    let refused = accept_new(&app, &old).await;
    assert_eq!(refused.refusal(), Refusal::InvitationLinkInvalid);
    assert!(matches!(
        view(&app, &token_of(&second.link)).await,
        InvitationPage::Open(_)
    ));
    let resends: i32 = sqlx::query_scalar("SELECT resend_count FROM invitations WHERE id = $1")
        .bind(first.invitation_id.0)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(resends, 1);

    // A new link (no email) rotates the token again.
    let response = app
        .call(
            "invitations/new_link",
            &[("invitation_id", &id)],
            Some(&cookie),
        )
        .await;
    let third: IssuedLink = response.json();
    assert_eq!(third.delivery, None);
    assert_eq!(
        view(&app, &token_of(&second.link)).await,
        InvitationPage::Unknown
    );
}

#[tokio::test]
async fn revoke_makes_the_link_fail() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let cookie = app.sign_in(&org.admin_email, &org.password).await;
    let link = invited(&app, &cookie, "revoke@example.com").await;
    let response = app
        .call(
            "invitations/revoke",
            &[("invitation_id", &link.invitation_id.to_string())],
            Some(&cookie),
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let token = token_of(&link.link);
    assert!(matches!(
        view(&app, &token).await,
        InvitationPage::Revoked { .. }
    ));
    assert_eq!(
        accept_new(&app, &token).await.refusal(),
        Refusal::InvitationLinkInvalid
    );
    assert_eq!(open_invitations(&app, "revoke@example.com").await, 0);
    // Revoked ones are listed only behind the filter.
    let organisation = org.organisation_id.to_string();
    let tab = |status: &'static str| {
        let organisation = organisation.clone();
        let cookie = cookie.clone();
        let app = &app;
        async move {
            let mut form = vec![
                ("organisation_id", organisation.as_str()),
                ("query[tab]", "Invitations"),
            ];
            if !status.is_empty() {
                form.push(("query[status]", status));
            }
            let listing: TeamListing = app.call("team/list", &form, Some(&cookie)).await.json();
            listing
                .entries
                .into_iter()
                .filter_map(|e| match e {
                    TeamEntry::Invitation(i) => Some(i),
                    TeamEntry::Member(_) => None,
                })
                .collect::<Vec<InvitationRow>>()
        }
    };
    assert!(tab("").await.is_empty());
    let all = tab("AnyInvitation").await;
    assert_eq!(all[0].status, InvitationStatus::Revoked);
}

#[tokio::test]
async fn an_expired_link_fails_and_says_so() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let cookie = app.sign_in(&org.admin_email, &org.password).await;
    let link = invited(&app, &cookie, "late@example.com").await;
    sqlx::query("UPDATE invitations SET expires_at = now() - interval '1 minute' WHERE id = $1")
        .bind(link.invitation_id.0)
        .execute(&app.pool)
        .await
        .unwrap();
    let token = token_of(&link.link);
    assert!(matches!(
        view(&app, &token).await,
        InvitationPage::Expired { .. }
    ));
    let refused = accept_new(&app, &token).await;
    assert_eq!(refused.refusal(), Refusal::InvitationLinkExpired);
    // An expired invitation is still open: inviting again offers a new one.
    let member = role_id(&app, &org, "member").await;
    let again = invite(&app, &cookie, Invite::member("late@example.com", &member)).await;
    assert_eq!(
        again.json::<InviteOutcome>(),
        InviteOutcome::AlreadyInvited {
            invitation_id: link.invitation_id,
            status: InvitationStatus::Expired
        }
    );
}

#[tokio::test]
async fn accepting_signs_in_and_a_second_accept_fails() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let cookie = app.sign_in(&org.admin_email, &org.password).await;
    let link = invited(&app, &cookie, "ana@example.com").await;
    let token = token_of(&link.link);

    let accepted = accept_new(&app, &token).await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
    let session = accepted.session_cookie().expect("signed in");
    let me = app.call("session", &[], Some(&session)).await;
    assert!(me.body.contains("ana@example.com"), "{}", me.body);
    assert!(me.body.contains(&org.name), "{}", me.body);

    let (status, position): (String, Option<String>) = sqlx::query_as(
        "SELECT m.status, m.position FROM memberships m JOIN accounts a ON a.id = m.account_id
         WHERE a.email = 'ana@example.com' AND m.organisation_id = $1",
    )
    .bind(org.organisation_id.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        (status.as_str(), position.as_deref()),
        ("enabled", Some("Support lead"))
    );
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_events WHERE organisation_id = $1 ORDER BY id",
    )
    .bind(org.organisation_id.0)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    for action in [
        "invitation.created",
        "account.created",
        "invitation.accepted",
        "membership.created",
    ] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} in {actions:?}"
        );
    }

    let again = accept_new(&app, &token).await;
    assert_eq!(again.refusal(), Refusal::InvitationLinkUsed);
    assert!(matches!(
        view(&app, &token).await,
        InvitationPage::Accepted { .. }
    ));
}

#[tokio::test]
async fn opening_the_link_never_consumes_it() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let cookie = app.sign_in(&org.admin_email, &org.password).await;
    let link = invited(&app, &cookie, "scanner@example.com").await;
    let path = link.link.trim_start_matches(&app.base);
    for _ in 0..3 {
        let page = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        assert_eq!(page.headers()["referrer-policy"], "strict-origin");
        assert_eq!(page.headers()["cache-control"], "no-store");
        let html = page.text().await.unwrap();
        assert!(html.contains(&org.name), "the page shows the organisation");
    }
    assert_eq!(open_invitations(&app, "scanner@example.com").await, 1);
    assert!(matches!(
        view(&app, &token_of(&link.link)).await,
        InvitationPage::Open(_)
    ));
}

/// The invitation page sends only its origin as the Referer (its address
/// holds the token), so its form names its page in its action: posted
/// without JavaScript and refused, it comes back to the very link with the
/// message beside its field, not to `/`.
#[tokio::test]
async fn a_refused_post_from_the_link_page_comes_back_to_it_without_a_referer() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let cookie = app.sign_in(&org.admin_email, &org.password).await;
    let link = invited(&app, &cookie, "nojs@example.com").await;
    let path = link.link.trim_start_matches(&app.base).to_string();
    let html = app.get_text(&path).await;
    let action = html
        .split("action=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .find(|action| action.starts_with("/api/invitation/accept_new"))
        .expect("the new account form")
        .to_string();
    let back = reqwest::Url::parse_with_params("http://x/", [("__back", path.as_str())]).unwrap();
    assert_eq!(
        action,
        format!("/api/invitation/accept_new?{}", back.query().unwrap())
    );
    let token = token_of(&link.link);
    let post = app
        .call_with(
            action.trim_start_matches("/api/"),
            &[
                ("token", token.as_str()),
                ("name", "No Script"),
                ("position", ""),
                ("phone", ""),
                ("password", "a long enough passphrase here"),
                ("password_confirm", "another passphrase entirely"),
            ],
            &[
                ("accept", "text/html,application/xhtml+xml"),
                ("referer", &format!("{}/", app.base)),
            ],
        )
        .await;
    assert_eq!(post.status, StatusCode::FOUND, "{}", post.body);
    let location = post.location().expect("back to the link").to_string();
    assert!(
        location.starts_with(&format!("{}{path}&__path=", app.base)) && location.contains("__err="),
        "{location}"
    );
    let vouching = post
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("roster_form_error="))
        .expect("a vouching cookie");
    let page = app
        .client
        .get(&location)
        .header("cookie", vouching.split(';').next().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(page.headers()["referrer-policy"], "strict-origin");
    let body = page.text().await.unwrap();
    assert!(body.contains("Join "), "the invitation again: {body}");
    assert!(
        body.contains("The two passwords don"),
        "the message: {body}"
    );
    assert_eq!(open_invitations(&app, "nojs@example.com").await, 1);

    // A page address that is not a plain path here is not come back to.
    let elsewhere = app
        .call_with(
            "invitation/accept_new?__back=%2F%2Fevil.example%2Fx",
            &[("token", token.as_str())],
            &[("accept", "text/html")],
        )
        .await;
    let location = elsewhere.location().unwrap_or_default().to_string();
    assert!(!location.contains("evil.example"), "{location}");
}

/// With no mail transport configured (the default), an invitation email
/// waits in the outbox: its bodies are sealed with the server's key, so
/// the table holds no working link, and once the link expires housekeeping
/// gives up on the email and scrubs what is left of it.
#[tokio::test]
async fn a_waiting_email_keeps_its_link_sealed_and_is_scrubbed_when_it_expires() {
    let app = TestApp::spawn_without_mail().await;
    let org = app.organisation().await;
    let cookie = app.sign_in(&org.admin_email, &org.password).await;
    invited(&app, &cookie, "waiting@example.com").await;
    let row: (String, Option<Vec<u8>>, Option<String>, String) = sqlx::query_as(
        "SELECT state, body_sealed, body_text, row_to_json(o)::text
         FROM outbox_emails o WHERE recipient = 'waiting@example.com'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let (state, sealed, clear, whole) = row;
    assert_eq!(state, "queued");
    assert_eq!(clear, None, "no clear body");
    assert!(
        !whole.contains("token="),
        "no link anywhere in the row: {whole}"
    );
    let sealed = sealed.expect("a sealed body");
    let (text, html) =
        app::server::email_templates::open_bodies(&app.sealing(), &sealed, "waiting@example.com")
            .expect("the server's key opens it");
    let link = invitation_link_in(&text);
    assert!(html.contains(&link));
    assert!(
        app::server::email_templates::open_bodies(&app.sealing(), &sealed, "other@example.com")
            .is_err(),
        "bound to its recipient"
    );

    // Housekeeping leaves a live link's email alone, then scrubs it.
    server::housekeeping::run_once(&app.pool).await.unwrap();
    let state = |app: &TestApp| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_as::<_, (String, bool)>(
                "SELECT state, body_sealed IS NULL FROM outbox_emails
                 WHERE recipient = 'waiting@example.com'",
            )
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    assert_eq!(state(&app).await, ("queued".to_string(), false));
    sqlx::query(
        "UPDATE outbox_emails SET link_expires_at = now() - interval '1 second'
         WHERE recipient = 'waiting@example.com'",
    )
    .execute(&app.owner_pool)
    .await
    .unwrap();
    server::housekeeping::run_once(&app.pool).await.unwrap();
    assert_eq!(state(&app).await, ("superseded".to_string(), true));
}

/// The page renders from data loaded before rendering, and carries the
/// same data to the browser in a JSON block, exactly as loaded (a script's
/// text is not HTML: nothing in it is escaped as HTML). Names never hold
/// `<`; that the block could not be closed by one is a unit test
/// (`ui::page_data`).
#[tokio::test]
async fn the_invitation_page_carries_its_data_exactly() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let cookie = app.sign_in(&org.admin_email, &org.password).await;
    let member = role_id(&app, &org, "member").await;
    let name = r#"Ana &amp; "Bo" O'Neil"#;
    let response = invite(
        &app,
        &cookie,
        Invite {
            name,
            ..Invite::member("carried@example.com", &member)
        },
    )
    .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let InviteOutcome::Created(link) = response.json::<InviteOutcome>() else {
        panic!("expected a new invitation: {}", response.body);
    };
    let path = link.link.trim_start_matches(&app.base);
    let html = app.get_text(path).await;
    let opening = r#"<script type="application/json" id="page-data" data-path="/invite">"#;
    let start = html.find(opening).expect("the page's data block") + opening.len();
    let end = start + html[start..].find("</script>").expect("its end");
    let carried: serde_json::Value = serde_json::from_str(&html[start..end]).expect("whole JSON");
    assert_eq!(carried["Ok"]["Open"]["name"], name, "{carried}");
    assert_eq!(
        carried["Ok"]["Open"]["organisation_name"],
        org.name.as_str()
    );

    // Any other page carries none.
    assert!(!app.get_text("/login").await.contains("page-data"));
}

#[tokio::test]
async fn once_sent_no_table_holds_the_token_or_the_link() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let cookie = app.sign_in(&org.admin_email, &org.password).await;
    let link = invited(&app, &cookie, "secret@example.com").await;
    let sent = eventually(Duration::from_secs(10), || async {
        let emails = app.mailbox.list();
        emails.into_iter().find(|e| e.to == "secret@example.com")
    })
    .await
    .expect("the worker sent the email");
    // The email carries its own link, not the copyable one.
    let emailed = invitation_link_in(&sent.text);
    assert_ne!(emailed, link.link);
    assert!(sent.html.contains(&emailed));
    assert!(!sent.text.contains(&link.link) && !sent.html.contains(&link.link));
    // The demo reads it at /dev/mailbox, link clickable.
    let page = app
        .client
        .get(app.url("/dev/mailbox"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(page.headers()["referrer-policy"], "strict-origin");
    let html = page.text().await.unwrap();
    assert!(html.contains(&format!("<a href=\"{emailed}\">")), "{html}");
    // Through a proxy on this machine every visitor would look local: a
    // request that a proxy passed on gets nothing.
    for header in ["forwarded", "x-forwarded-for", "x-real-ip"] {
        let proxied = app
            .client
            .get(app.url("/dev/mailbox"))
            .header(header, "for=192.0.2.7")
            .send()
            .await
            .unwrap();
        assert_eq!(proxied.status(), StatusCode::NOT_FOUND, "{header}");
        assert!(!proxied.text().await.unwrap().contains(&emailed));
    }
    let state = eventually(Duration::from_secs(5), || async {
        let state: String =
            sqlx::query_scalar("SELECT state FROM outbox_emails WHERE invitation_id = $1")
                .bind(link.invitation_id.0)
                .fetch_one(&app.pool)
                .await
                .unwrap();
        (state == "sent").then_some(state)
    })
    .await;
    assert_eq!(state.as_deref(), Some("sent"));

    app.assert_no_table_holds(&token_of(&link.link)).await;
    app.assert_no_table_holds(&token_of(&emailed)).await;
}

#[tokio::test]
async fn each_bad_field_gets_its_own_message() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let cookie = app.sign_in(&org.admin_email, &org.password).await;
    let member = role_id(&app, &org, "member").await;
    let long_name = "a".repeat(101);
    let cases: [(Invite, &str, &str); 7] = [
        (
            Invite {
                email: "not-an-email",
                ..Invite::member("", &member)
            },
            "email",
            "Enter an email address like name@example.com.",
        ),
        (
            Invite {
                name: &long_name,
                ..Invite::member("x@example.com", &member)
            },
            "name",
            "A name can be at most 100 characters.",
        ),
        (
            Invite {
                name: "Eve\u{202E}gnp.exe",
                ..Invite::member("x@example.com", &member)
            },
            "name",
            "A name cannot contain control characters or text-direction marks.",
        ),
        (
            Invite {
                name: "<b>Eve</b>",
                ..Invite::member("x@example.com", &member)
            },
            "name",
            "A name cannot contain < or >.",
        ),
        (
            Invite {
                department: "6f1c0a4e-0000-4000-8000-000000000000",
                ..Invite::member("x@example.com", &member)
            },
            "department",
            "Choose one of your organisation's departments.",
        ),
        (
            Invite::member("x@example.com", "nonsense"),
            "role",
            "Choose a role.",
        ),
        (
            Invite {
                expiry: "721",
                ..Invite::member("x@example.com", &member)
            },
            "expiry_hours",
            "Choose between 1 hour and 30 days (720 hours).",
        ),
    ];
    for (case, field, message) in cases {
        let response = invite(&app, &cookie, case).await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert_eq!(
            response.error().for_field(field).as_deref(),
            Some(message),
            "{field}"
        );
    }
    // Names like this are fine, stored NFC-normalised.
    let technical = department_id(&app, &org, "Technical").await;
    let response = invite(
        &app,
        &cookie,
        Invite {
            name: "O'Brien & Co Jose\u{301}",
            department: &technical,
            expiry: "72",
            ..Invite::member("obrien@example.com", &member)
        },
    )
    .await;
    let InviteOutcome::Created(link) = response.json() else {
        panic!("{}", response.body)
    };
    let name: String = sqlx::query_scalar("SELECT display_name FROM invitations WHERE id = $1")
        .bind(link.invitation_id.0)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(name, "O'Brien & Co Jos\u{e9}");
    let hours = (link.expires_at - chrono::Utc::now()).num_minutes();
    assert!((71 * 60..=72 * 60).contains(&hours), "{hours}");
    assert_eq!(
        open_invitations(&app, "x@example.com").await,
        0,
        "nothing half-written"
    );
}

#[tokio::test]
async fn roles_the_inviter_cannot_grant_and_members_who_cannot_invite_are_refused() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let admin = app.sign_in(&org.admin_email, &org.password).await;
    let owner_role = role_id(&app, &org, "owner").await;
    let response = invite(
        &app,
        &admin,
        Invite::member("boss@example.com", &owner_role),
    )
    .await;
    assert_eq!(
        response.refusal(),
        Refusal::RoleNotGrantable {
            role: Some("Owner".into())
        }
    );
    let options = app.call("invitations/options", &[], Some(&admin)).await;
    assert!(!options.body.contains("Owner"), "{}", options.body);

    let member = app.sign_in(&org.member_email, &org.password).await;
    let member_role = role_id(&app, &org, "member").await;
    let refused = invite(&app, &member, Invite::member("x@example.com", &member_role)).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.error(), AppError::Forbidden);
    assert_eq!(open_invitations(&app, "boss@example.com").await, 0);
}

#[tokio::test]
async fn a_weak_or_mismatched_password_is_refused_and_the_invitation_stays() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let cookie = app.sign_in(&org.admin_email, &org.password).await;
    let link = invited(&app, &cookie, "weak@example.com").await;
    let token = token_of(&link.link);
    let cases = [
        ("short", "short", "password", "at least 15"),
        (
            "passwordpassword1",
            "passwordpassword1",
            "password",
            "easy to guess",
        ),
        (
            "violet lantern harbour seventeen",
            "violet lantern harbour",
            "password_confirm",
            "don't match",
        ),
    ];
    for (password, confirm, field, expected) in cases {
        let response = app
            .call(
                "invitation/accept_new",
                &[
                    ("token", token.as_str()),
                    ("name", "Wes Weak"),
                    ("position", ""),
                    ("phone", ""),
                    ("password", password),
                    ("password_confirm", confirm),
                ],
                None,
            )
            .await;
        let message = response.error().for_field(field).unwrap_or_default();
        assert!(message.contains(expected), "{password}: {}", response.body);
    }
    let hint = app
        .call(
            "invitation/password_hint",
            &[("token", token.as_str()), ("password", "qwertyuiopasdfgh")],
            None,
        )
        .await;
    assert!(hint.body.contains("\"acceptable\":false"), "{}", hint.body);
    assert_eq!(open_invitations(&app, "weak@example.com").await, 1);
    assert!(matches!(view(&app, &token).await, InvitationPage::Open(_)));
}

#[tokio::test]
async fn a_person_with_an_account_joins_a_second_organisation_with_their_password() {
    let app = TestApp::spawn().await;
    let first = app.organisation().await;
    let second = app.organisation().await;
    let cookie = app.sign_in(&second.owner_email, &second.password).await;
    // The inviter sees nothing that says the email has an account.
    let link = invited(&app, &cookie, &first.member_email).await;
    let token = token_of(&link.link);
    // Nor does the link's holder, who may be anyone a copied link reached:
    // the page says the same as for an address without an account.
    let fresh = invited(&app, &cookie, "nobody-yet@example.com").await;
    let page_json = |token: String| {
        let app = &app;
        async move {
            let response = app
                .call("invitation/view", &[("token", &token)], None)
                .await;
            let page: serde_json::Value = response.json();
            let mut keys: Vec<String> = page["Open"]
                .as_object()
                .expect("open")
                .keys()
                .cloned()
                .collect();
            keys.sort();
            keys
        }
    };
    assert_eq!(
        page_json(token.clone()).await,
        page_json(token_of(&fresh.link)).await
    );
    assert!(!page_json(token.clone())
        .await
        .iter()
        .any(|k| k.contains("account")));

    let wrong = app
        .call(
            "invitation/accept_existing",
            &[
                ("token", token.as_str()),
                ("current_password", "not the password"),
            ],
            None,
        )
        .await;
    assert_eq!(
        wrong.error().for_field("current_password").as_deref(),
        Some("The password is incorrect.")
    );
    assert_eq!(open_invitations(&app, &first.member_email).await, 1);

    let right = app
        .call(
            "invitation/accept_existing",
            &[
                ("token", token.as_str()),
                ("current_password", first.password.as_str()),
            ],
            None,
        )
        .await;
    assert_eq!(right.status, StatusCode::OK, "{}", right.body);
    let session = right.session_cookie().expect("signed in");
    let me = app.call("session", &[], Some(&session)).await;
    assert!(me.body.contains(&second.name), "{}", me.body);
    let memberships: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM memberships m JOIN accounts a ON a.id = m.account_id
         WHERE lower(a.email) = lower($1)",
    )
    .bind(&first.member_email)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(memberships, 2, "one account, two organisations");
}

#[tokio::test]
async fn the_outbox_keeps_an_email_while_smtp_is_down_and_sends_it_when_it_returns() {
    let smtp_port = free_port();
    let app = TestApp::spawn_with_smtp(&format!("smtp://127.0.0.1:{smtp_port}")).await;
    let org = app.organisation().await;
    let cookie = app.sign_in(&org.admin_email, &org.password).await;
    let link = invited(&app, &cookie, "patient@example.com").await;

    let failing = eventually(Duration::from_secs(10), || async {
        let (state, attempts, error): (String, i32, Option<String>) = sqlx::query_as(
            "SELECT state, attempts, last_error FROM outbox_emails WHERE invitation_id = $1",
        )
        .bind(link.invitation_id.0)
        .fetch_one(&app.pool)
        .await
        .unwrap();
        (attempts >= 2).then_some((state, error))
    })
    .await
    .expect("the worker retried");
    assert_eq!(failing.0, "queued");
    assert!(failing.1.is_some_and(|e| e.starts_with("SMTP")));
    let delivery = app
        .call(
            "invitations/delivery",
            &[("invitation_id", &link.invitation_id.to_string())],
            Some(&cookie),
        )
        .await;
    assert_eq!(
        delivery.json::<Option<DeliveryState>>(),
        Some(DeliveryState::Failing)
    );

    // With SMTP, the dev mailbox does not exist.
    let page = app
        .client
        .get(app.url("/dev/mailbox"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::NOT_FOUND);

    let maildev = Maildev::start(smtp_port).await;
    let email = eventually(Duration::from_secs(20), || async {
        let emails = maildev.emails().await.ok()?;
        emails
            .into_iter()
            .find(|e| e["to"][0]["address"].as_str() == Some("patient@example.com"))
    })
    .await
    .expect("the email arrived once the server was back");
    assert!(email["subject"].as_str().unwrap().contains(&org.name));
    let emailed = invitation_link_in(email["text"].as_str().unwrap());
    assert_ne!(emailed, link.link, "the email has its own link");
    assert!(email["html"].as_str().unwrap().contains(&emailed));
    let state = eventually(Duration::from_secs(5), || async {
        let state: String =
            sqlx::query_scalar("SELECT state FROM outbox_emails WHERE invitation_id = $1")
                .bind(link.invitation_id.0)
                .fetch_one(&app.pool)
                .await
                .unwrap();
        (state == "sent").then_some(())
    })
    .await;
    assert!(state.is_some());
}

#[tokio::test]
async fn create_org_gives_an_owner_invitation_through_the_same_accept_flow() {
    let app = TestApp::spawn().await;
    let links = app.links();
    let link = app::server::invitations::create_organisation_with_owner_invitation(
        &app.pool,
        &links,
        "Globex",
        "founder@globex.example",
    )
    .await
    .unwrap();
    let token = token_of(&link);
    let InvitationPage::Open(details) = view(&app, &token).await else {
        panic!("open")
    };
    assert_eq!(details.joining_as, "Owner");
    assert_eq!(details.organisation_name, "Globex");
    let accepted = accept_new(&app, &token).await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
    let session = accepted.session_cookie().unwrap();
    let me = app.call("session", &[], Some(&session)).await;
    assert!(me.body.contains("ManageOrganisation"), "{}", me.body);
    // A new organisation starts with no departments: its owners make them.
    let departments: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM departments d JOIN organisations o ON o.id = d.organisation_id
         WHERE o.name = 'Globex'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(departments, 0);
}

#[tokio::test]
async fn several_workers_on_one_database_send_each_email_exactly_once() {
    use app::server::db::outbox;
    use app::server::email_templates::RenderedEmail;
    use app::server::OutboxSignal;
    use server::mailer::{self, DevMailbox, Transport};

    let app = TestApp::spawn().await;
    let email = RenderedEmail {
        subject: "Hello".to_string(),
        text: "text".to_string(),
        html: "<p>html</p>".to_string(),
    };
    for i in 0..40 {
        outbox::enqueue(
            &app.pool,
            None,
            None,
            "test",
            &format!("p{i}@example.com"),
            &email.seal(&app.sealing(), &format!("p{i}@example.com"), None),
        )
        .await
        .unwrap();
    }
    // Two more "processes" besides the app's own worker.
    let boxes = [DevMailbox::default(), DevMailbox::default()];
    let (_stop, stopped) = tokio::sync::watch::channel(false);
    for mailbox in &boxes {
        let mut settings = crate::harness::fast_worker();
        settings.batch = 3;
        mailer::spawn(
            app.pool.clone(),
            app.sealing(),
            Transport::DevMailbox(mailbox.clone()),
            OutboxSignal::default(),
            settings,
            stopped.clone(),
        );
    }
    let done = eventually(Duration::from_secs(20), || async {
        let queued: i64 =
            sqlx::query_scalar("SELECT count(*) FROM outbox_emails WHERE state <> 'sent'")
                .fetch_one(&app.pool)
                .await
                .unwrap();
        (queued == 0).then_some(())
    })
    .await;
    assert!(done.is_some(), "all sent");
    let mut recipients: Vec<String> = boxes
        .iter()
        .chain([&app.mailbox])
        .flat_map(|m| m.list())
        .map(|e| e.to)
        .collect();
    let total = recipients.len();
    recipients.sort();
    recipients.dedup();
    assert_eq!((total, recipients.len()), (40, 40), "each email once");
}

/// Sets `email`'s membership of `org` straight in the database, as a path
/// that revokes nothing would (a race, or a future edit of a role):
/// acceptance itself must judge the inviter.
async fn set_membership_directly(
    app: &TestApp,
    org: &TestOrganisation,
    email: &str,
    status: &str,
    role: Option<&str>,
) {
    sqlx::query(
        "UPDATE memberships SET status = $3, role_id = coalesce($4::uuid, role_id)
         WHERE organisation_id = $1
           AND account_id = (SELECT id FROM accounts WHERE email = $2)",
    )
    .bind(org.organisation_id.0)
    .bind(email)
    .bind(status)
    .bind(role.map(|r| r.parse::<Uuid>().unwrap()))
    .execute(&app.pool)
    .await
    .unwrap();
}

/// The reasons recorded on the `invitation.revoked` events of `invitation`.
pub(crate) async fn revocation_reasons(app: &TestApp, invitation: Uuid) -> Vec<Option<String>> {
    sqlx::query_scalar(
        "SELECT after->>'reason' FROM audit_events
         WHERE action = 'invitation.revoked' AND target_id = $1 ORDER BY id",
    )
    .bind(invitation)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn an_invitation_from_a_since_disabled_inviter_is_refused_at_acceptance() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let admin = app.sign_in(&org.admin_email, &org.password).await;
    let link = invited(&app, &admin, "stranded@example.com").await;
    let token = token_of(&link.link);
    set_membership_directly(&app, &org, &org.admin_email, "disabled", None).await;

    assert_eq!(
        view(&app, &token).await,
        InvitationPage::InviterNoLongerEntitled {
            organisation_name: org.name.clone()
        }
    );
    let refused = accept_new(&app, &token).await;
    assert_eq!(refused.refusal(), Refusal::InviterNoLongerEntitled);
    assert!(Refusal::InviterNoLongerEntitled
        .to_string()
        .contains("Ask someone at the organisation for a new invitation"));
    let existing = app
        .call(
            "invitation/accept_existing",
            &[
                ("token", token.as_str()),
                ("current_password", "whatever it is"),
            ],
            None,
        )
        .await;
    assert_eq!(existing.refusal(), Refusal::InviterNoLongerEntitled);
    let accounts: i64 =
        sqlx::query_scalar("SELECT count(*) FROM accounts WHERE email = 'stranded@example.com'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(accounts, 0, "nothing was created");

    // Enabled again, the inviter's invitation works again: it was refused,
    // never revoked.
    set_membership_directly(&app, &org, &org.admin_email, "enabled", None).await;
    let accepted = accept_new(&app, &token).await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
}

#[tokio::test]
async fn an_invitation_whose_inviter_was_demoted_below_its_role_is_refused_at_acceptance() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    let admin_role = role_id(&app, &org, "admin").await;
    let response = invite(
        &app,
        &owner,
        Invite::member("deputy@example.com", &admin_role),
    )
    .await;
    let InviteOutcome::Created(link) = response.json::<InviteOutcome>() else {
        panic!("created: {}", response.body)
    };
    // The owner becomes an Admin without the revocation: an Admin may
    // still grant Admin, so it stands.
    let owner_email = &org.owner_email;
    set_membership_directly(&app, &org, owner_email, "enabled", Some(&admin_role)).await;
    assert!(matches!(
        view(&app, &token_of(&link.link)).await,
        InvitationPage::Open(_)
    ));
    // As a Member, they may invite nobody.
    let member_role = role_id(&app, &org, "member").await;
    set_membership_directly(&app, &org, owner_email, "enabled", Some(&member_role)).await;
    let refused = accept_new(&app, &token_of(&link.link)).await;
    assert_eq!(refused.refusal(), Refusal::InviterNoLongerEntitled);
}

#[tokio::test]
async fn disabling_an_inviter_revokes_their_open_invitations_with_an_audit_event_each() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    let admin = app.sign_in(&org.admin_email, &org.password).await;
    let first = invited(&app, &admin, "one@example.com").await;
    let second = invited(&app, &admin, "two@example.com").await;
    let owners = invited(&app, &owner, "three@example.com").await;

    let admin_membership = crate::members::membership_of(&app, &org, &org.admin_email).await;
    let disabled = crate::members::disable(&app, &owner, &admin_membership).await;
    assert_eq!(disabled.status, StatusCode::OK, "{}", disabled.body);

    for link in [&first, &second] {
        let token = token_of(&link.link);
        assert!(matches!(
            view(&app, &token).await,
            InvitationPage::Revoked { .. }
        ));
        assert_eq!(
            accept_new(&app, &token).await.refusal(),
            Refusal::InvitationLinkInvalid
        );
        assert_eq!(
            revocation_reasons(&app, link.invitation_id.0).await,
            [Some("Inviter disabled".to_string())]
        );
    }
    assert_eq!(open_invitations(&app, "three@example.com").await, 1);
    assert!(revocation_reasons(&app, owners.invitation_id.0)
        .await
        .is_empty());
    let revoked_by: Option<String> =
        sqlx::query_scalar("SELECT revoked_by_name FROM invitations WHERE id = $1")
            .bind(first.invitation_id.0)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(revoked_by.as_deref(), Some("Olive Owner"));
}

/// How far `at` is from now plus `hours`, in seconds (absolute).
fn off_by(at: chrono::DateTime<chrono::Utc>, hours: i64) -> i64 {
    (at - (chrono::Utc::now() + chrono::Duration::hours(hours)))
        .num_seconds()
        .abs()
}

#[tokio::test]
async fn resend_keeps_the_expiry_the_inviter_chose_and_otherwise_follows_the_setting() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let cookie = app.sign_in(&org.admin_email, &org.password).await;
    let member = role_id(&app, &org, "member").await;
    let created = |email: &'static str, expiry: &'static str| {
        let (app, cookie, member) = (&app, &cookie, &member);
        async move {
            let mut form = Invite::member(email, member);
            form.expiry = expiry;
            match invite(app, cookie, form).await.json::<InviteOutcome>() {
                InviteOutcome::Created(link) => link,
                other => panic!("created: {other:?}"),
            }
        }
    };
    let chosen = created("four-hours@example.com", "4").await;
    assert!(off_by(chosen.expires_at, 4) < 60);
    // The dialog sends the organisation's setting unless changed: that is
    // no choice of the inviter's.
    let default = created("default@example.com", "48").await;
    assert!(off_by(default.expires_at, 48) < 60);

    // Two hours pass, and the organisation's setting changes.
    sqlx::query(
        "UPDATE invitations SET expires_at = expires_at - interval '2 hours',
                                sent_at = sent_at - interval '2 hours'
         WHERE organisation_id = $1",
    )
    .bind(org.organisation_id.0)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query("UPDATE organisations SET invitation_expiry_hours = 72 WHERE id = $1")
        .bind(org.organisation_id.0)
        .execute(&app.pool)
        .await
        .unwrap();

    for endpoint in ["invitations/resend", "invitations/new_link"] {
        let again: IssuedLink = app
            .call(
                endpoint,
                &[("invitation_id", &chosen.invitation_id.to_string())],
                Some(&cookie),
            )
            .await
            .json();
        assert!(
            off_by(again.expires_at, 4) < 60,
            "{endpoint}: a fresh 4 hours, got {}",
            again.expires_at
        );
    }
    let resent: IssuedLink = app
        .call(
            "invitations/resend",
            &[("invitation_id", &default.invitation_id.to_string())],
            Some(&cookie),
        )
        .await
        .json();
    assert!(off_by(resent.expires_at, 72) < 60, "{}", resent.expires_at);
}

#[tokio::test]
async fn a_signed_in_person_opening_someone_elses_invitation_is_offered_to_sign_out() {
    let app = TestApp::spawn().await;
    let org = app.organisation().await;
    let admin = app.sign_in(&org.admin_email, &org.password).await;
    let link = invited(&app, &admin, "someone-else@example.com").await;
    let token = token_of(&link.link);
    let member = app.sign_in(&org.member_email, &org.password).await;
    let view_as = |cookie: Option<String>| {
        let (app, token) = (&app, token.clone());
        async move {
            let response = app
                .call("invitation/view", &[("token", &token)], cookie.as_deref())
                .await;
            response.json::<InvitationPage>()
        }
    };
    assert_eq!(
        view_as(Some(member.clone())).await,
        InvitationPage::ForAnotherAddress {
            organisation_name: org.name.clone(),
            signed_in_as: org.member_email.clone(),
        }
    );
    let signed_out = app
        .call(
            "invitation/sign_out",
            &[("token", token.as_str())],
            Some(&member),
        )
        .await;
    assert_eq!(signed_out.status, StatusCode::OK, "{}", signed_out.body);
    assert_eq!(
        signed_out.location(),
        Some(format!("/invite?token={token}").as_str())
    );
    assert!(
        signed_out
            .set_cookies()
            .iter()
            .any(|c| c.starts_with("roster_session=;") || c.contains("Max-Age=0")),
        "{:?}",
        signed_out.set_cookies()
    );
    let me = app.call("session", &[], Some(&member)).await;
    assert_eq!(me.body, "null", "the session ended");
    assert!(matches!(
        view_as(Some(member)).await,
        InvitationPage::Open(_)
    ));
    // The invited address itself sees the invitation, signed in or not.
    assert!(matches!(view_as(None).await, InvitationPage::Open(_)));
}
