//! Two-factor sign-in at the HTTP boundary, against real PostgreSQL and
//! with a clock the tests move: setting up an authenticator, the code
//! window and replay, recovery codes, the pending sign-in's expiry and
//! scope, and wrong codes slowing only whoever makes them, under a ceiling.

use crate::harness::{eventually, ApiResponse, TestApp, TestOrganisation};
use crate::members::audit_count;
use crate::password_reset::emails_to;
use app::domain::Refusal;
use app::server::clock::Clock;
use app::server::totp::{step_of, TotpSecret, STEP_SECONDS};
use app::wire::team::{TeamEntry, TeamListing};
use app::wire::two_factor::{AuthenticatorSetup, RecoveryCodes, TwoFactorStatus};
use app::wire::AppError;
use chrono::{DateTime, Duration, Utc};
use reqwest::StatusCode;

/// 10 seconds into a 30-second step: one step either side is whole.
pub(crate) fn start_time() -> DateTime<Utc> {
    DateTime::from_timestamp(1_900_000_000 / STEP_SECONDS * STEP_SECONDS + 10, 0).unwrap()
}

const PENDING: &str = "roster_pending_sign_in";

/// The secret behind the setup's text, as an authenticator app reads it.
fn secret_of(setup: &AuthenticatorSetup) -> TotpSecret {
    let plain: String = setup.secret_text.split_whitespace().collect();
    let bytes = data_encoding::BASE32_NOPAD
        .decode(plain.as_bytes())
        .expect("base32 secret");
    TotpSecret::from_bytes(&bytes).expect("20 bytes")
}

/// The code an app shows at `at`.
pub(crate) fn code_at(secret: &TotpSecret, at: DateTime<Utc>) -> String {
    format!("{:06}", secret.code_at(step_of(at)))
}

/// The value of the cookie `name` that `response` sets.
pub(crate) fn cookie_value(response: &ApiResponse, name: &str) -> Option<String> {
    response.set_cookies().iter().find_map(|c| {
        let value = c.strip_prefix(&format!("{name}="))?.split(';').next()?;
        Some(value.to_string())
    })
}

/// Turns two-factor sign-in on for `email` (signed in as `session`) and
/// returns the secret and the recovery codes. The session goes on under a
/// new token (every other session of the account ends): `session` is
/// updated to it.
pub(crate) async fn set_up(
    app: &TestApp,
    session: &mut String,
    password: &str,
) -> (TotpSecret, Vec<String>) {
    let started = app
        .call(
            "two_factor/start",
            &[("current_password", password)],
            Some(session),
        )
        .await;
    assert_eq!(started.status, StatusCode::OK, "{}", started.body);
    let setup: AuthenticatorSetup = started.json();
    let secret = secret_of(&setup);
    let code = code_at(&secret, app.clock.now());
    let confirmed = app
        .call("two_factor/confirm", &[("code", &code)], Some(session))
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    *session = confirmed
        .session_cookie()
        .expect("the session goes on under a new token");
    let codes: RecoveryCodes = confirmed.json();
    (secret, codes.codes)
}

/// Confirms it's them (step-up) with the password and the code of now.
pub(crate) async fn step_up_with_code(
    app: &TestApp,
    session: &str,
    password: &str,
    secret: &TotpSecret,
) {
    let code = code_at(secret, app.clock.now());
    let proof = [("current_password", password), ("code", code.as_str())];
    let stepped_up = app.call("step_up", &proof, Some(session)).await;
    assert_eq!(stepped_up.status, StatusCode::OK, "{}", stepped_up.body);
}

/// Signs in with the password of an account with a second factor: the
/// pending sign-in's token, and no session.
async fn password_step(app: &TestApp, email: &str, password: &str) -> String {
    let response = app.try_sign_in(email, password).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(
        response.session_cookie(),
        None,
        "no session before the factor"
    );
    assert_eq!(response.location(), Some("/login/two-factor"));
    cookie_value(&response, PENDING).expect("pending sign-in cookie")
}

async fn factor_step(
    app: &TestApp,
    pending: &str,
    endpoint: &str,
    field: &str,
    value: &str,
) -> ApiResponse {
    let cookie = format!("{PENDING}={pending}");
    app.call_with(endpoint, &[(field, value)], &[("cookie", &cookie)])
        .await
}

async fn with_code(app: &TestApp, pending: &str, code: &str) -> ApiResponse {
    factor_step(app, pending, "sign_in/code", "code", code).await
}

async fn with_recovery_code(app: &TestApp, pending: &str, code: &str) -> ApiResponse {
    factor_step(app, pending, "sign_in/recovery_code", "recovery_code", code).await
}

async fn status(app: &TestApp, session: &str) -> TwoFactorStatus {
    app.call("two_factor", &[], Some(session)).await.json()
}

fn field_of(response: &ApiResponse) -> String {
    match response.error() {
        AppError::Invalid { field, .. } => field,
        other => panic!("expected a field's message, got {other:?}"),
    }
}

#[tokio::test]
async fn setting_up_an_authenticator_takes_the_password_then_a_code() {
    let app = TestApp::spawn_with_clock(Clock::fixed(start_time())).await;
    let org = app.organisation().await;
    let member = app.sign_in(&org.member_email, &org.password).await;
    assert_eq!(status(&app, &member).await.authenticator, None);

    let wrong = app
        .call(
            "two_factor/start",
            &[("current_password", "not it")],
            Some(&member),
        )
        .await;
    assert_eq!(field_of(&wrong), "current_password");

    let started = app
        .call(
            "two_factor/start",
            &[("current_password", &org.password)],
            Some(&member),
        )
        .await;
    let setup: AuthenticatorSetup = started.json();
    assert!(setup.qr_svg.starts_with("<svg"), "{:.60}", setup.qr_svg);
    let secret = secret_of(&setup);
    // Only sealed: neither the text nor the bytes are in any table.
    let plain: String = setup.secret_text.split_whitespace().collect();
    app.assert_no_table_holds(&plain).await;
    let hex: String = secret.expose().iter().map(|b| format!("{b:02x}")).collect();
    app.assert_no_table_holds(&hex).await;
    assert_eq!(
        status(&app, &member).await.authenticator,
        None,
        "not before the code"
    );

    for (code, why) in [("", "empty"), ("12345", "short"), ("abcdef", "letters")] {
        let refused = app
            .call("two_factor/confirm", &[("code", code)], Some(&member))
            .await;
        assert_eq!(field_of(&refused), "code", "{why}");
    }
    let later = code_at(
        &secret,
        app.clock.now() + Duration::seconds(2 * STEP_SECONDS),
    );
    let refused = app
        .call("two_factor/confirm", &[("code", &later)], Some(&member))
        .await;
    assert_eq!(field_of(&refused), "code", "two steps ahead");

    let code = code_at(&secret, app.clock.now());
    let confirmed = app
        .call("two_factor/confirm", &[("code", &code)], Some(&member))
        .await;
    let codes: RecoveryCodes = confirmed.json();
    assert_eq!(codes.codes.len(), 10);
    // This session goes on under a new token; the old one opens nothing.
    let renewed = confirmed.session_cookie().expect("a new session token");
    assert_ne!(renewed, member);
    assert_eq!(
        app.call("two_factor", &[], Some(&member)).await.status,
        StatusCode::UNAUTHORIZED
    );
    let member = renewed;
    let now = status(&app, &member).await;
    assert!(now.authenticator.is_some());
    assert_eq!(now.recovery_codes_left, 10);
    for code in &codes.codes {
        app.assert_no_table_holds(code).await;
    }

    // A second setup is refused while one is on.
    let again = app
        .call(
            "two_factor/start",
            &[("current_password", &org.password)],
            Some(&member),
        )
        .await;
    assert_eq!(field_of(&again), "current_password");

    // The team table shows it, the organisation's log has it, and the
    // person is told.
    let owner = app.sign_in(&org.owner_email, &org.password).await;
    let listing: TeamListing = app
        .list_team(&org.organisation_id.to_string(), Some(&owner))
        .await
        .json();
    let row = listing
        .entries
        .iter()
        .find_map(|e| match e {
            TeamEntry::Member(m) if m.email == org.member_email => Some(m),
            _ => None,
        })
        .unwrap();
    assert!(row.two_factor);
    // Their page shows when it was added; the owner never sees a secret.
    let membership = crate::members::membership_of(&app, &org, &org.member_email).await;
    let page = app
        .call(
            "members/detail",
            &[("membership_id", membership.as_str())],
            Some(&owner),
        )
        .await;
    let detail: app::wire::members::MemberDetail = page.json();
    let facts = detail.authenticator.expect("the authenticator's facts");
    assert_eq!(facts.added, app::wire::Moment::from(app.clock.now()));
    assert!(!page.body.contains(&plain));
    assert_eq!(audit_count(&app, &org, "two_factor.added").await, 1);
    let subject = "Two-factor sign-in is on for your Roster account";
    eventually(std::time::Duration::from_secs(10), || async {
        (!emails_to(&app, &org.member_email, subject).is_empty()).then_some(())
    })
    .await
    .expect("the notice");
}

#[tokio::test]
async fn a_code_works_one_step_either_side_and_only_once() {
    let app = TestApp::spawn_with_clock(Clock::fixed(start_time())).await;
    let org = app.organisation().await;
    let mut member = app.sign_in(&org.member_email, &org.password).await;
    let (secret, _) = set_up(&app, &mut member, &org.password).await;
    app.clock.advance(Duration::seconds(3 * STEP_SECONDS));
    let now = app.clock.now();

    let pending = password_step(&app, &org.member_email, &org.password).await;
    // The pending token opens nothing else.
    for endpoint in ["session", "profile", "two_factor"] {
        let as_session = app.call(endpoint, &[], Some(&pending)).await;
        assert!(
            as_session.status == StatusCode::UNAUTHORIZED || as_session.body == "null",
            "{endpoint}: {} {}",
            as_session.status,
            as_session.body
        );
    }
    for far in [-2, 2] {
        let code = code_at(&secret, now + Duration::seconds(far * STEP_SECONDS));
        if code != code_at(&secret, now) {
            let refused = with_code(&app, &pending, &code).await;
            assert_eq!(field_of(&refused), "code", "{far} steps away");
        }
    }
    let previous = code_at(&secret, now - Duration::seconds(STEP_SECONDS));
    let signed_in = with_code(&app, &pending, &previous).await;
    assert_eq!(signed_in.status, StatusCode::OK, "{}", signed_in.body);
    let session = signed_in.session_cookie().expect("a session");
    assert_eq!(
        cookie_value(&signed_in, PENDING).as_deref(),
        Some(""),
        "pending cookie cleared"
    );
    assert_eq!(
        app.call("two_factor", &[], Some(&session)).await.status,
        StatusCode::OK
    );

    // The same pending token is used up.
    let current = code_at(&secret, now);
    let reused = with_code(&app, &pending, &current).await;
    assert_eq!(field_of(&reused), "code");
    assert!(reused
        .error()
        .to_string()
        .contains("timed out or was already used"));

    // A code of a step already used (or earlier) is refused: a replay.
    let pending = password_step(&app, &org.member_email, &org.password).await;
    let replay = with_code(&app, &pending, &previous).await;
    assert_eq!(field_of(&replay), "code", "the same code again");
    let ok = with_code(&app, &pending, &current).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
}

#[tokio::test]
async fn of_two_requests_with_one_code_one_signs_in() {
    let app = TestApp::spawn_with_clock(Clock::fixed(start_time())).await;
    let org = app.organisation().await;
    let mut member = app.sign_in(&org.member_email, &org.password).await;
    let (secret, _) = set_up(&app, &mut member, &org.password).await;
    app.clock.advance(Duration::seconds(STEP_SECONDS));
    let code = code_at(&secret, app.clock.now());

    // Two password steps (two browsers, say), then the same code at once.
    let first = password_step(&app, &org.member_email, &org.password).await;
    let second = password_step(&app, &org.member_email, &org.password).await;
    let (a, b) = tokio::join!(
        with_code(&app, &first, &code),
        with_code(&app, &second, &code)
    );
    let wins = [&a, &b]
        .iter()
        .filter(|r| r.status == StatusCode::OK)
        .count();
    assert_eq!(wins, 1, "{} {} / {} {}", a.status, a.body, b.status, b.body);

    // One pending token sent twice at once: one session.
    app.clock.advance(Duration::seconds(STEP_SECONDS));
    let code = code_at(&secret, app.clock.now());
    let pending = password_step(&app, &org.member_email, &org.password).await;
    let (a, b) = tokio::join!(
        with_code(&app, &pending, &code),
        with_code(&app, &pending, &code)
    );
    let wins = [&a, &b]
        .iter()
        .filter(|r| r.status == StatusCode::OK)
        .count();
    assert_eq!(wins, 1, "{} {} / {} {}", a.status, a.body, b.status, b.body);
}

#[tokio::test]
async fn a_recovery_code_works_once_and_the_owner_is_told() {
    let app = TestApp::spawn_with_clock(Clock::fixed(start_time())).await;
    let org = app.organisation().await;
    let mut member = app.sign_in(&org.member_email, &org.password).await;
    let (_, codes) = set_up(&app, &mut member, &org.password).await;

    let pending = password_step(&app, &org.member_email, &org.password).await;
    let wrong = with_recovery_code(&app, &pending, "aaaa-bbbb-cccc-dddd").await;
    assert_eq!(field_of(&wrong), "recovery_code");
    // Typed in capitals with spaces: still the code.
    let typed = codes[3].to_uppercase().replace('-', " ");
    let used = with_recovery_code(&app, &pending, &typed).await;
    assert_eq!(used.status, StatusCode::OK, "{}", used.body);
    let session = used.session_cookie().unwrap();
    assert_eq!(status(&app, &session).await.recovery_codes_left, 9);
    assert_eq!(
        audit_count(&app, &org, "two_factor.recovery_code_used").await,
        1
    );
    let subject = "A recovery code was used to sign in to your Roster account";
    let notice = eventually(std::time::Duration::from_secs(10), || async {
        emails_to(&app, &org.member_email, subject)
            .into_iter()
            .next()
    })
    .await
    .expect("the notice");
    assert!(
        notice.text.contains("You have 9 recovery codes left."),
        "{}",
        notice.text
    );

    let pending = password_step(&app, &org.member_email, &org.password).await;
    let again = with_recovery_code(&app, &pending, &codes[3]).await;
    assert_eq!(field_of(&again), "recovery_code", "used already");
    let other = with_recovery_code(&app, &pending, &codes[4]).await;
    assert_eq!(other.status, StatusCode::OK, "{}", other.body);
}

#[tokio::test]
async fn the_pending_sign_in_lasts_five_minutes() {
    let app = TestApp::spawn_with_clock(Clock::fixed(start_time())).await;
    let org = app.organisation().await;
    let mut member = app.sign_in(&org.member_email, &org.password).await;
    let (secret, _) = set_up(&app, &mut member, &org.password).await;

    let pending = password_step(&app, &org.member_email, &org.password).await;
    app.clock
        .advance(Duration::minutes(5) + Duration::seconds(1));
    let late = with_code(&app, &pending, &code_at(&secret, app.clock.now())).await;
    assert_eq!(field_of(&late), "code");
    assert!(
        late.error().to_string().contains("Sign in again"),
        "{}",
        late.body
    );

    // Without the cookie, or with a made-up one: the same answer.
    let none = app.call("sign_in/code", &[("code", "123456")], None).await;
    assert_eq!(field_of(&none), "code");
    let made_up = with_code(
        &app,
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "123456",
    )
    .await;
    assert_eq!(field_of(&made_up), "code");

    // Within the five minutes it works, and goes where sign-in was going.
    let response = app
        .call(
            "sign_in",
            &[
                ("email", &org.member_email),
                ("password", &org.password),
                ("next", "/profile"),
            ],
            None,
        )
        .await;
    let pending = cookie_value(&response, PENDING).unwrap();
    app.clock.advance(Duration::minutes(4));
    let ok = with_code(&app, &pending, &code_at(&secret, app.clock.now())).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(ok.location(), Some("/profile"));
}

/// The factor step of a sign-in from the browser holding `device`, with
/// the right password and `code`.
async fn from_known_browser(
    app: &TestApp,
    email: &str,
    password: &str,
    device: &str,
    code: &str,
) -> ApiResponse {
    let form = [("email", email), ("password", password), ("next", "")];
    let device_cookie = format!("roster_device={device}");
    let response = app
        .call_with("sign_in", &form, &[("cookie", &device_cookie)])
        .await;
    let Some(pending) = cookie_value(&response, PENDING) else {
        panic!(
            "password step refused: {} {}",
            response.status, response.body
        )
    };
    let cookie = format!("{PENDING}={pending}; {device_cookie}");
    app.call_with("sign_in/code", &[("code", code)], &[("cookie", &cookie)])
        .await
}

async fn wrong_factor_emails(app: &TestApp, to: &str) -> usize {
    app.mailbox
        .list()
        .into_iter()
        .filter(|e| e.to == to && e.subject.contains("wrong two-factor code"))
        .count()
}

#[tokio::test]
async fn wrong_codes_slow_whoever_made_them_but_not_the_owners_browser() {
    let app = TestApp::spawn_with_clock(Clock::fixed(start_time())).await;
    let org = app.organisation().await;
    let first = app.try_sign_in(&org.member_email, &org.password).await;
    let mut member = first.session_cookie().unwrap();
    let device = cookie_value(&first, "roster_device").expect("a known browser");
    let (secret, _) = set_up(&app, &mut member, &org.password).await;
    app.clock.advance(Duration::seconds(STEP_SECONDS));

    // Someone with the password, from a browser the account never signed
    // in from: 5 free wrong codes, each audited. The owner hears of the
    // first at once (whoever it was knows the password), once.
    for n in 0..5 {
        let pending = password_step(&app, &org.member_email, &org.password).await;
        let wrong = with_code(&app, &pending, "000000").await;
        assert_eq!(field_of(&wrong), "code");
        if n == 0 {
            let told = eventually(std::time::Duration::from_secs(10), || async {
                (wrong_factor_emails(&app, &org.member_email).await == 1).then_some(())
            })
            .await;
            assert!(told.is_some(), "the first wrong code is told at once");
        }
    }
    assert_eq!(wrong_factor_emails(&app, &org.member_email).await, 1);
    assert_eq!(
        sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM audit_events WHERE organisation_id = $1
               AND action = 'sign_in.failed' AND after->>'second_factor' = 'true'"
        )
        .bind(org.organisation_id.0)
        .fetch_one(&app.pool)
        .await
        .unwrap(),
        5
    );
    // Wrong codes are not wrong passwords: the password step still answers.
    let pending = password_step(&app, &org.member_email, &org.password).await;
    // But a browser the account does not know waits for its next code,
    // even the right one.
    let right = code_at(&secret, app.clock.now());
    let waiting = with_code(&app, &pending, &right).await;
    assert_eq!(
        waiting.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        waiting.body
    );
    assert!(matches!(waiting.error(), AppError::RateLimited { .. }));
    // The owner's own browser is not slowed by those guesses.
    let signed_in =
        from_known_browser(&app, &org.member_email, &org.password, &device, &right).await;
    assert_eq!(signed_in.status, StatusCode::OK, "{}", signed_in.body);
    assert!(signed_in.session_cookie().is_some());
}

/// The review's attack: whoever knows an address sends 16 wrong passwords,
/// then one every 15 minutes. The owner must still finish the factor step
/// from their known browser and step up in their open session.
#[tokio::test]
async fn wrong_passwords_from_anyone_never_lock_the_owner_out_of_their_factor_or_session() {
    let app = TestApp::spawn_with_clock(Clock::fixed(start_time())).await;
    let org = app.organisation().await;
    let first = app.try_sign_in(&org.owner_email, &org.password).await;
    let mut owner = first.session_cookie().unwrap();
    let device = cookie_value(&first, "roster_device").expect("a known browser");
    let (secret, _) = set_up(&app, &mut owner, &org.password).await;
    app.clock.advance(Duration::seconds(STEP_SECONDS));

    // The attacker's requests come from this machine's address too: the
    // address's own limit (50 free) is not what protects the owner here.
    let attacker: [(&str, &str); 0] = [];
    let mut refused = 0;
    for _ in 0..17 {
        let answer = app
            .call_with(
                "sign_in",
                &[
                    ("email", org.owner_email.as_str()),
                    ("password", "not the password"),
                    ("next", ""),
                ],
                &attacker,
            )
            .await;
        assert!(
            [StatusCode::UNAUTHORIZED, StatusCode::TOO_MANY_REQUESTS].contains(&answer.status),
            "{}",
            answer.body
        );
        refused += 1;
    }
    assert_eq!(refused, 17);

    // The owner's known browser: password, then the right code.
    let code = code_at(&secret, app.clock.now());
    let signed_in = from_known_browser(&app, &org.owner_email, &org.password, &device, &code).await;
    assert_eq!(signed_in.status, StatusCode::OK, "{}", signed_in.body);

    // Their open session steps up, and makes new recovery codes, each
    // with the password and the code of the moment.
    app.clock.advance(Duration::minutes(16));
    let code = code_at(&secret, app.clock.now());
    let stepped = app
        .call(
            "step_up",
            &[
                ("current_password", org.password.as_str()),
                ("code", code.as_str()),
            ],
            Some(&owner),
        )
        .await;
    assert_eq!(stepped.status, StatusCode::OK, "{}", stepped.body);
    app.clock.advance(Duration::seconds(STEP_SECONDS));
    let code = code_at(&secret, app.clock.now());
    let regenerated = app
        .call(
            "two_factor/recovery_codes",
            &[
                ("current_password", org.password.as_str()),
                ("code", code.as_str()),
            ],
            Some(&owner),
        )
        .await;
    assert_eq!(regenerated.status, StatusCode::OK, "{}", regenerated.body);
}

#[tokio::test]
async fn a_hundred_wrong_codes_stop_codes_until_a_password_reset() {
    // No delays in the way of counting to the ceiling.
    let app = TestApp::spawn_with(app::server::AuthSettings {
        free_failures_per_account: 1_000,
        ..app::server::AuthSettings::default()
    })
    .await;
    let org = app.organisation().await;
    let first = app.try_sign_in(&org.member_email, &org.password).await;
    let mut member = first.session_cookie().unwrap();
    let device = cookie_value(&first, "roster_device").expect("a known browser");
    let (secret, recovery) = set_up(&app, &mut member, &org.password).await;

    let pending = password_step(&app, &org.member_email, &org.password).await;
    for _ in 0..100 {
        let wrong = with_code(&app, &pending, "000000").await;
        assert_eq!(field_of(&wrong), "code", "{}", wrong.body);
    }
    // The hundred-and-first is refused before it is judged, whoever sends
    // it: the owner's browser with the right code too.
    let right = code_at(&secret, chrono::Utc::now());
    let stopped = from_known_browser(&app, &org.member_email, &org.password, &device, &right).await;
    assert_eq!(
        stopped.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        stopped.body
    );
    assert_eq!(
        stopped.error().for_field("code"),
        Some(app::server::credential_limits::CEILING_REACHED.to_string())
    );

    // A password reset proves the mailbox and clears the ceiling.
    let asked = crate::password_reset::forgot(&app, &org.member_email).await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
    let token = crate::password_reset::nth_reset_token(&app, &org.member_email, 1).await;
    let new = crate::password_reset::NEW_PASSWORD;
    let reset = crate::password_reset::complete(&app, &token, new, new).await;
    assert!(reset.status.is_success(), "{}", reset.body);
    // (A recovery code: the setup's code may still be the one showing.)
    let pending = password_step(&app, &org.member_email, new).await;
    let signed_in = with_recovery_code(&app, &pending, &recovery[0]).await;
    assert_eq!(signed_in.status, StatusCode::OK, "{}", signed_in.body);
}

#[tokio::test]
async fn removing_and_new_codes_take_the_password_and_a_factor() {
    let app = TestApp::spawn_with_clock(Clock::fixed(start_time())).await;
    let org = app.organisation().await;
    let mut member = app.sign_in(&org.member_email, &org.password).await;
    let (secret, codes) = set_up(&app, &mut member, &org.password).await;
    app.clock.advance(Duration::seconds(STEP_SECONDS));

    let no_factor = app
        .call(
            "two_factor/recovery_codes",
            &[("current_password", &org.password), ("code", "")],
            Some(&member),
        )
        .await;
    assert_eq!(field_of(&no_factor), "code");
    let code = code_at(&secret, app.clock.now());
    let no_password = app
        .call(
            "two_factor/recovery_codes",
            &[("current_password", "wrong"), ("code", &code)],
            Some(&member),
        )
        .await;
    assert_eq!(field_of(&no_password), "current_password");
    // Another session of the account, opened before the change, ends with
    // it; this one goes on under a new token.
    let pending = password_step(&app, &org.member_email, &org.password).await;
    let other = with_recovery_code(&app, &pending, &codes[1])
        .await
        .session_cookie()
        .expect("a second session");
    let fresh = app
        .call(
            "two_factor/recovery_codes",
            &[("current_password", &org.password), ("code", &code)],
            Some(&member),
        )
        .await;
    member = fresh.session_cookie().expect("a new session token");
    assert_eq!(
        app.call("two_factor", &[], Some(&other)).await.status,
        StatusCode::UNAUTHORIZED,
        "the other session ended"
    );
    let fresh: RecoveryCodes = fresh.json();
    assert_eq!(fresh.codes.len(), 10);
    assert!(fresh.codes.iter().all(|c| !codes.contains(c)));
    assert_eq!(
        audit_count(&app, &org, "two_factor.recovery_codes_regenerated").await,
        1
    );

    // An old code is gone; a new one proves the factor for removing.
    let old = app
        .call(
            "two_factor/remove",
            &[
                ("current_password", &org.password),
                ("recovery_code", &codes[0]),
            ],
            Some(&member),
        )
        .await;
    assert_eq!(field_of(&old), "recovery_code");
    let removed = app
        .call(
            "two_factor/remove",
            &[
                ("current_password", &org.password),
                ("recovery_code", &fresh.codes[0]),
            ],
            Some(&member),
        )
        .await;
    assert_eq!(removed.status, StatusCode::OK, "{}", removed.body);
    let member = removed.session_cookie().expect("a new session token");
    let now = status(&app, &member).await;
    assert_eq!(now.authenticator, None);
    assert_eq!(now.recovery_codes_left, 0);
    assert_eq!(audit_count(&app, &org, "two_factor.removed").await, 1);
    // The password alone signs in again.
    let response = app.try_sign_in(&org.member_email, &org.password).await;
    assert!(response.session_cookie().is_some(), "{}", response.body);
}

#[tokio::test]
async fn accepting_an_invitation_with_an_existing_account_takes_the_factor_step() {
    use crate::invitations::{invited, token_of};
    let app = TestApp::spawn_with_clock(Clock::fixed(start_time())).await;
    let first = app.organisation().await;
    let second = app.organisation().await;
    let mut member = app.sign_in(&first.member_email, &first.password).await;
    let (secret, _) = set_up(&app, &mut member, &first.password).await;
    app.clock.advance(Duration::seconds(STEP_SECONDS));
    let admin = app.sign_in(&second.admin_email, &second.password).await;
    let token = token_of(&invited(&app, &admin, &first.member_email).await.link);
    let memberships_in_second = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM memberships m JOIN accounts a ON a.id = m.account_id
             WHERE lower(a.email) = lower($1) AND m.organisation_id = $2",
        )
        .bind(&first.member_email)
        .bind(second.organisation_id.0)
        .fetch_one(&app.pool)
        .await
        .unwrap()
    };

    // The password opens only the factor step; the invitation waits.
    let accept = [
        ("token", token.as_str()),
        ("current_password", first.password.as_str()),
    ];
    let response = app.call("invitation/accept_existing", &accept, None).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(response.session_cookie(), None);
    assert_eq!(response.location(), Some("/login/two-factor"));
    let pending = cookie_value(&response, PENDING).expect("pending sign-in");
    assert_eq!(memberships_in_second().await, 0);

    let wrong = with_code(&app, &pending, "000000").await;
    assert_eq!(field_of(&wrong), "code");
    assert_eq!(
        memberships_in_second().await,
        0,
        "a wrong code accepts nothing"
    );

    let right = with_code(&app, &pending, &code_at(&secret, app.clock.now())).await;
    assert_eq!(right.status, StatusCode::OK, "{}", right.body);
    assert_eq!(right.location(), Some("/welcome"));
    let session = right.session_cookie().expect("signed in");
    assert_eq!(memberships_in_second().await, 1);
    let me = app.call("session", &[], Some(&session)).await;
    assert!(
        me.body.contains(&second.name),
        "signed in to the new organisation: {}",
        me.body
    );
    // The link is used up.
    let again = app.call("invitation/accept_existing", &accept, None).await;
    assert!(!again.status.is_success(), "{}", again.body);
}

/// `email`'s account (with `password`, and no factor yet) joins `org`
/// too, invited by its admin.
pub(crate) async fn joins_too(app: &TestApp, org: &TestOrganisation, email: &str, password: &str) {
    use crate::invitations::{invited, token_of};
    let admin = app.sign_in(&org.admin_email, &org.password).await;
    let token = token_of(&invited(app, &admin, email).await.link);
    let accept = [("token", token.as_str()), ("current_password", password)];
    let joined = app.call("invitation/accept_existing", &accept, None).await;
    assert_eq!(joined.status, StatusCode::OK, "{}", joined.body);
}

#[tokio::test]
async fn the_operator_resets_an_account_in_several_organisations() {
    use app::server::two_factor::operator_reset;
    let app = TestApp::spawn_with_clock(Clock::fixed(start_time())).await;
    let first = app.organisation().await;
    let second = app.organisation().await;
    // The member belongs to both organisations, with a factor.
    joins_too(&app, &second, &first.member_email, &first.password).await;
    let mut member = app.sign_in(&first.member_email, &first.password).await;
    set_up(&app, &mut member, &first.password).await;
    let links = app.links();

    let unknown = operator_reset(&app.pool, &links, "nobody@example.com").await;
    assert!(unknown.is_err());
    let reset = operator_reset(&app.pool, &links, &first.member_email.to_uppercase())
        .await
        .unwrap();
    assert_eq!(reset.name, "Mia Member");
    assert!(reset.sessions_ended >= 1);
    // Signed out everywhere; the password alone signs in again.
    assert_eq!(
        app.call("two_factor", &[], Some(&member)).await.status,
        StatusCode::UNAUTHORIZED
    );
    let again = app.try_sign_in(&first.member_email, &first.password).await;
    let session = again.session_cookie().expect("no factor step");
    let status = status(&app, &session).await;
    assert_eq!(status.authenticator, None);
    assert_eq!(status.recovery_codes_left, 0);
    for org in [&first, &second] {
        assert_eq!(audit_count(&app, org, "two_factor.reset").await, 1);
    }
    let subject = "Two-factor sign-in was reset for your Roster account";
    eventually(std::time::Duration::from_secs(10), || async {
        (!emails_to(&app, &first.member_email, subject).is_empty()).then_some(())
    })
    .await
    .expect("the notice");
    // Nothing left to reset.
    assert!(operator_reset(&app.pool, &links, &first.member_email)
        .await
        .is_err());
}

async fn reset_factors(app: &TestApp, session: &str, membership: &str) -> ApiResponse {
    app.call(
        "members/reset_two_factor",
        &[("membership_id", membership)],
        Some(session),
    )
    .await
}

fn refusal_of(response: &ApiResponse) -> Refusal {
    assert_eq!(response.status, StatusCode::CONFLICT, "{}", response.body);
    match response.error() {
        AppError::Refused(refusal) => refusal,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn an_admin_resets_a_members_factors_within_the_rules() {
    use crate::members::membership_of;
    let app = TestApp::spawn_with_clock(Clock::fixed(start_time())).await;
    let org = app.organisation().await;
    let elsewhere = app.organisation().await;
    // The member's account belongs to another organisation too.
    joins_too(&app, &elsewhere, &org.member_email, &org.password).await;
    let mut admin = app.sign_in(&org.admin_email, &org.password).await;
    let mut member = app.sign_in(&org.member_email, &org.password).await;
    let (admin_secret, _) = set_up(&app, &mut admin, &org.password).await;
    let (member_secret, _) = set_up(&app, &mut member, &org.password).await;
    let [owner_id, admin_id, member_id] = [&org.owner_email, &org.admin_email, &org.member_email]
        .map(|email| membership_of(&app, &org, email));
    let (owner_id, admin_id, member_id) = (owner_id.await, admin_id.await, member_id.await);

    assert_eq!(
        refusal_of(&reset_factors(&app, &admin, &admin_id).await),
        Refusal::ResetOwnTwoFactor
    );
    assert_eq!(
        refusal_of(&reset_factors(&app, &admin, &owner_id).await),
        Refusal::Outranked
    );
    // Another organisation vouches for the member's account too: the
    // operator decides, and the message says so.
    let shared = refusal_of(&reset_factors(&app, &admin, &member_id).await);
    assert_eq!(shared, Refusal::FactorResetSharedAccount);
    assert!(shared
        .to_string()
        .contains("roster account reset-two-factor"));
    assert!(status(&app, &member).await.authenticator.is_some());
    // They leave it (and their session there ends with it).
    sqlx::query(
        "DELETE FROM memberships m USING accounts a
         WHERE a.id = m.account_id AND lower(a.email) = lower($1) AND m.organisation_id = $2",
    )
    .bind(&org.member_email)
    .bind(elsewhere.organisation_id.0)
    .execute(&app.owner_pool)
    .await
    .unwrap();

    // A reset asks for a recent proof: with the admin's factor, a code.
    app.clock.advance(Duration::minutes(16));
    let stale = reset_factors(&app, &admin, &member_id).await;
    assert_eq!(stale.status, StatusCode::FORBIDDEN, "{}", stale.body);
    assert_eq!(stale.error(), AppError::StepUpRequired { factor: true });
    let has_factor = || {
        sqlx::query_scalar::<_, bool>(
            "SELECT two_factor_enabled_at IS NOT NULL FROM accounts WHERE lower(email) = lower($1)",
        )
        .bind(&org.member_email)
        .fetch_one(&app.pool)
    };
    assert!(has_factor().await.unwrap());
    step_up_with_code(&app, &admin, &org.password, &admin_secret).await;
    let pending = password_step(&app, &org.member_email, &org.password).await;
    let signed_in = with_code(&app, &pending, &code_at(&member_secret, app.clock.now())).await;
    let member = signed_in.session_cookie().expect("a session");

    let done = reset_factors(&app, &admin, &member_id).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(!has_factor().await.unwrap());
    assert_eq!(
        app.call("two_factor", &[], Some(&member)).await.status,
        StatusCode::UNAUTHORIZED,
        "their sessions ended"
    );
    // The password alone signs them in again.
    let again = app.try_sign_in(&org.member_email, &org.password).await;
    let session = again.session_cookie().expect("no factor step");
    let after = status(&app, &session).await;
    assert_eq!(after.authenticator, None);
    assert_eq!(after.recovery_codes_left, 0);
    let by: String = sqlx::query_scalar(
        "SELECT actor_name || ' ' || (after->>'by') FROM audit_events
         WHERE organisation_id = $1 AND action = 'two_factor.reset'",
    )
    .bind(org.organisation_id.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(by, "Adam Admin admin");
    assert_eq!(audit_count(&app, &elsewhere, "two_factor.reset").await, 0);
    let subject = "Two-factor sign-in was reset for your Roster account";
    eventually(std::time::Duration::from_secs(10), || async {
        (!emails_to(&app, &org.member_email, subject).is_empty()).then_some(())
    })
    .await
    .expect("the notice");
    assert_eq!(
        refusal_of(&reset_factors(&app, &admin, &member_id).await),
        Refusal::NoFactorToReset
    );
}

#[tokio::test]
async fn a_password_reset_removes_the_factor_only_of_an_unverified_address() {
    use crate::password_reset::{complete, forgot, nth_reset_token, NEW_PASSWORD};
    let app = TestApp::spawn_with_clock(Clock::fixed(start_time())).await;
    let org = app.organisation().await;
    let mut member = app.sign_in(&org.member_email, &org.password).await;
    set_up(&app, &mut member, &org.password).await;

    // A verified address: the reset link changes the password, and the
    // factor still stands in the way.
    forgot(&app, &org.member_email).await;
    app.background_done().await;
    let token = nth_reset_token(&app, &org.member_email, 1).await;
    let done = complete(&app, &token, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    password_step(&app, &org.member_email, NEW_PASSWORD).await;

    // An address nobody has proved (an account made through a copied
    // invitation link, say): whoever set up its factor may not own the
    // address, so the owner's reset removes it.
    sqlx::query("UPDATE accounts SET email_verified_at = NULL WHERE lower(email) = lower($1)")
        .bind(&org.member_email)
        .execute(&app.owner_pool)
        .await
        .unwrap();
    app.clock.advance(Duration::minutes(1));
    forgot(&app, &org.member_email).await;
    app.background_done().await;
    let token = nth_reset_token(&app, &org.member_email, 2).await;
    let password = "copper lantern orbit seventeen";
    let done = complete(&app, &token, password, password).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let signed_in = app.try_sign_in(&org.member_email, password).await;
    let session = signed_in.session_cookie().expect("no factor step");
    assert_eq!(status(&app, &session).await.authenticator, None);
    let removed: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_events WHERE organisation_id = $1
           AND action = 'password_reset.completed' AND after->>'two_factor_removed' = 'true'",
    )
    .bind(org.organisation_id.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(removed, 1);
}

/// Someone at a browser the account knows (or holding its cookies) cannot
/// escape the count by starting a new sign-in for every few codes: the
/// failures are counted against the browser.
#[tokio::test]
async fn new_sign_ins_from_one_browser_do_not_restart_its_count() {
    let app = TestApp::spawn_with_clock(Clock::fixed(start_time())).await;
    let org = app.organisation().await;
    let first = app.try_sign_in(&org.member_email, &org.password).await;
    let mut member = first.session_cookie().unwrap();
    let device = cookie_value(&first, "roster_device").expect("a known browser");
    let (secret, _) = set_up(&app, &mut member, &org.password).await;
    app.clock.advance(Duration::seconds(STEP_SECONDS));
    for _ in 0..5 {
        let wrong =
            from_known_browser(&app, &org.member_email, &org.password, &device, "000000").await;
        assert_eq!(field_of(&wrong), "code", "{}", wrong.body);
    }
    let right = code_at(&secret, app.clock.now());
    let waiting = from_known_browser(&app, &org.member_email, &org.password, &device, &right).await;
    assert_eq!(
        waiting.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        waiting.body
    );
}

/// A stolen session guessing the password behind it meets a ceiling
/// counted across the account's sessions (so switching to a new session
/// starts nothing again), which signing in with the password clears.
#[tokio::test]
async fn wrong_passwords_in_sessions_meet_a_ceiling_across_the_accounts_sessions() {
    let app = TestApp::spawn_with(app::server::AuthSettings {
        free_failures_per_account: 1_000,
        in_session_password_ceiling: 100,
        ..app::server::AuthSettings::default()
    })
    .await;
    let org = app.organisation().await;
    let second = app.organisation().await;
    joins_too(&app, &second, &org.member_email, &org.password).await;
    let wrong = [("current_password", "not the password")];
    let session = app.sign_in(&org.member_email, &org.password).await;
    let other = app.sign_in(&org.member_email, &org.password).await;
    let guess = |session: String| {
        let app = &app;
        async move {
            let answer = app.call("step_up", &wrong, Some(&session)).await;
            assert_eq!(
                answer.error().field(),
                Some("current_password"),
                "{}",
                answer.body
            );
            answer
        }
    };
    for _ in 0..50 {
        guess(session.clone()).await;
    }
    // Counted for the account, not only the session: a session opened
    // without the password, as a switch of organisation is, starts no new
    // count.
    let second_id = second.organisation_id.to_string();
    let switched = app
        .call(
            "organisation/switch",
            &[("organisation_id", &second_id)],
            Some(&session),
        )
        .await;
    assert_eq!(switched.status, StatusCode::OK, "{}", switched.body);
    let session = switched.session_cookie().unwrap_or(session);
    for _ in 0..49 {
        guess(session.clone()).await;
    }
    let counted = sqlx::query_scalar::<_, i64>(
        "SELECT count(*) FROM credential_failures f JOIN accounts a ON a.id = f.account_id
         WHERE lower(a.email) = lower($1) AND f.kind = 'password'",
    )
    .bind(&org.member_email)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(counted, 99);
    // The hundredth ends every session of the account, the owner's other
    // browser too, and tells them.
    let stopped = guess(session.clone()).await;
    assert_eq!(
        stopped.error().for_field("current_password"),
        Some(app::server::credential_limits::PASSWORD_CEILING_REACHED.to_string()),
        "{}",
        stopped.body
    );
    for gone in [&session, &other] {
        let now = app.call("session", &[], Some(gone)).await;
        assert_eq!(now.body, "null", "signed out everywhere");
    }
    let told = crate::harness::eventually(std::time::Duration::from_secs(10), || async {
        app.mailbox.list().into_iter().find(|e| {
            e.to == org.member_email && e.subject == "You were signed out of Roster everywhere"
        })
    })
    .await
    .expect("the owner is told");
    assert!(told.text.contains("100 times"), "{}", told.text);
    // Signing in again with the password clears the count.
    let session = app.sign_in(&org.member_email, &org.password).await;
    let stepped = app
        .call(
            "step_up",
            &[("current_password", org.password.as_str())],
            Some(&session),
        )
        .await;
    assert_eq!(stepped.status, StatusCode::OK, "{}", stepped.body);
}

/// The owner's own sign-ins and step-ups take back only their own wrong
/// passwords: a stolen session that guesses a little, waits for the owner
/// to sign in, and guesses again, meets the ceiling all the same (10 by
/// default), and every session ends.
#[tokio::test]
async fn the_owners_sign_ins_give_a_guessing_session_no_fresh_allowance() {
    let app = TestApp::spawn_with(app::server::AuthSettings {
        free_failures_per_account: 1_000,
        ..app::server::AuthSettings::default()
    })
    .await;
    let org = app.organisation().await;
    let wrong = [("current_password", "not the password")];
    let stolen = app.sign_in(&org.member_email, &org.password).await;
    let guess = || async {
        let answer = app.call("step_up", &wrong, Some(&stolen)).await;
        assert_eq!(
            answer.error().field(),
            Some("current_password"),
            "{}",
            answer.body
        );
        answer
    };
    for _ in 0..8 {
        guess().await;
    }
    // The owner signs in elsewhere and proves themselves there, with a
    // typo first: theirs is taken back, the stolen session's is not.
    let owners = app.sign_in(&org.member_email, &org.password).await;
    let typo = app.call("step_up", &wrong, Some(&owners)).await;
    assert_eq!(typo.error().field(), Some("current_password"));
    let right = [("current_password", org.password.as_str())];
    let stepped = app.call("step_up", &right, Some(&owners)).await;
    assert_eq!(stepped.status, StatusCode::OK, "{}", stepped.body);

    // Theirs taken back, the stolen session's eight and two more reach it.
    let ninth = guess().await;
    assert_ne!(
        ninth.error().for_field("current_password"),
        Some(app::server::credential_limits::PASSWORD_CEILING_REACHED.to_string())
    );
    let tenth = guess().await;
    assert_eq!(
        tenth.error().for_field("current_password"),
        Some(app::server::credential_limits::PASSWORD_CEILING_REACHED.to_string()),
        "{}",
        tenth.body
    );
    for gone in [&stolen, &owners] {
        let now = app.call("session", &[], Some(gone)).await;
        assert_eq!(now.body, "null", "signed out everywhere");
    }
}

/// The owner's own typo in their open session tells nobody anything, and
/// does not hide the wrong code of someone signing in with their password.
#[tokio::test]
async fn a_typo_in_ones_own_session_neither_tells_nor_hides_a_sign_ins_wrong_code() {
    let app = TestApp::spawn_with_clock(Clock::fixed(start_time())).await;
    let org = app.organisation().await;
    let mut member = app.sign_in(&org.member_email, &org.password).await;
    set_up(&app, &mut member, &org.password).await;
    let typo = app
        .call(
            "step_up",
            &[
                ("current_password", org.password.as_str()),
                ("code", "000000"),
            ],
            Some(&member),
        )
        .await;
    assert_eq!(field_of(&typo), "code", "{}", typo.body);
    let pending = password_step(&app, &org.member_email, &org.password).await;
    let wrong = with_code(&app, &pending, "000000").await;
    assert_eq!(field_of(&wrong), "code");
    let told = eventually(std::time::Duration::from_secs(10), || async {
        (wrong_factor_emails(&app, &org.member_email).await == 1).then_some(())
    })
    .await;
    assert!(told.is_some(), "the sign-in's wrong code is told");
}
